-- GCRA over every bucket in KEYS, all or nothing: when one bucket refuses,
-- none is charged. A bucket is one key holding its theoretical arrival
-- time (TAT) in microseconds; a missing key is a full bucket.
-- ARGV[1]: now in microseconds, or "" for the server's clock (one clock for
--          every replica of the application).
-- ARGV[2i], ARGV[2i+1]: emission interval (microseconds per token) and
--          burst of KEYS[i].
-- Returns, per key: allowed (0/1), remaining, retry_after_us, reset_us.
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local n = #KEYS
local tats, news, fits = {}, {}, {}
local all = true
for i = 1, n do
  local interval = tonumber(ARGV[2 * i])
  local capacity = interval * tonumber(ARGV[2 * i + 1])
  local stored = redis.call('GET', KEYS[i])
  local tat = now
  if stored then
    tat = math.max(tonumber(stored), now)
  end
  tats[i] = tat
  news[i] = tat + interval
  fits[i] = news[i] - now <= capacity
  if not fits[i] then
    all = false
  end
end
local out = {}
for i = 1, n do
  local interval = tonumber(ARGV[2 * i])
  local capacity = interval * tonumber(ARGV[2 * i + 1])
  local tat = tats[i]
  if all then
    tat = news[i]
    redis.call('SET', KEYS[i], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
  end
  local remaining = math.floor((capacity - (tat - now)) / interval)
  local retry = 0
  if not fits[i] then
    retry = math.ceil(news[i] - now - capacity)
  end
  out[#out + 1] = fits[i] and 1 or 0
  out[#out + 1] = math.max(remaining, 0)
  out[#out + 1] = retry
  out[#out + 1] = math.ceil(tat - now)
end
return out
