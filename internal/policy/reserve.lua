-- Reserve-then-sleep GCRA over every bucket in KEYS: each bucket is always
-- charged, and the answer says how long the caller must sleep before the
-- charge is due (0 when the bucket had room). A bucket is one key holding
-- its theoretical arrival time (TAT) in microseconds, expiring once the
-- bucket is full again; a missing key is a full bucket.
-- ARGV[1]: now in microseconds, or "" for the server's clock (one clock
--          for every process sharing the limit).
-- ARGV[3i-1], ARGV[3i], ARGV[3i+1]: emission interval (microseconds per
--          unit), burst (units) and cost (units) of KEYS[i].
-- Returns, per key, the delay in microseconds.
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local out = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[3 * i - 1])
  local capacity = interval * tonumber(ARGV[3 * i])
  local cost = tonumber(ARGV[3 * i + 1])
  local tat = now
  local stored = redis.call('GET', KEYS[i])
  if stored then
    tat = math.max(tonumber(stored), now)
  end
  local new = tat + interval * cost
  redis.call('SET', KEYS[i], string.format('%.0f', new), 'PX', math.ceil((new - now) / 1000) + 1)
  out[i] = math.max(0, math.ceil(new - capacity - now))
end
return out
