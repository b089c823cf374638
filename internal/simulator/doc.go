// Package simulator is an offline stand-in for LLM providers: one HTTP
// server that speaks the wire formats of OpenAI Chat Completions, Anthropic
// Messages, the Gemini API, Ollama's native API, Cohere Chat v2 and Amazon
// Bedrock (Converse and InvokeModel) at once, each streamed and not, with
// configurable latency, time-to-first-token, tokens per second, injected
// faults and an answer policy. It speaks HTTP/1.1 and unencrypted HTTP/2
// (prior knowledge) on one listener.
//
// It serves three purposes: the target of the offline quickstart, the load
// target for performance work (with zero latency it answers tens of
// thousands of requests per second on loopback), and the fault injector for
// reliability tests. Every response carries the header
// "X-Simulator: llm-test-bench" and every model list says plainly that it
// is a simulator.
//
// # Routes
//
// The wires are told apart by path (see Server.Handler); Start returns the
// OpenAI base URL, ending in /v1, and the other vendors' clients take the
// server's root as their base URL:
//
//	OpenAI     POST /v1/chat/completions            GET /v1/models
//	           POST /v1/responses
//	           POST /v1/embeddings
//	Anthropic  POST /v1/messages                    GET /v1/models (with anthropic-version or x-api-key)
//	           POST /v1/messages/count_tokens
//	Gemini     POST /v1beta/models/{m}:generateContent
//	           POST /v1beta/models/{m}:streamGenerateContent?alt=sse
//	           POST /v1beta/models/{m}:embedContent
//	           POST /v1beta/models/{m}:batchEmbedContents
//	           POST /v1beta/models/{m}:countTokens  GET /v1beta/models
//	Ollama     POST /api/chat  POST /api/generate   GET /api/tags  GET /
//	           POST /api/embed POST /api/embeddings GET /api/ps   GET /api/version
//	           POST /api/show
//	Cohere     POST /v2/chat   POST /v2/embed       GET /v1/models (with Cohere's query or SDK headers)
//	           POST /v2/rerank
//	Bedrock    POST /model/{id}/converse            GET /foundation-models
//	           POST /model/{id}/converse-stream
//	           POST /model/{id}/invoke
//	           POST /model/{id}/invoke-with-response-stream
//
// Any API key is accepted, and none (Bedrock: any Authorization, SigV4 or
// a Bedrock API key); Anthropic's anthropic-version header is required, as
// by the vendor, and any well-formed date (YYYY-MM-DD) is accepted. Bedrock's model id is URL-escaped in the path
// ("…-v1%3A0", an ARN's "/" as %2F); InvokeModel takes Anthropic's
// Messages body with anthropic_version and refuses model and stream in it,
// as Bedrock does.
//
// # What every wire shares
//
// Every chat request goes through one core: the policy answers the last
// user message, as each wire's request format carries it; the answer ends
// before the first stop sequence it contains (OpenAI's stop, Anthropic's
// and Cohere's stop_sequences, Gemini's and Converse's stopSequences,
// Ollama's options.stop; with the vendor's finish reason, and Anthropic's
// stop_sequence) and is cut at the request's token limit (finishing with
// the vendor's "length" reason); a stream sends one token per event.
// OpenAI's n asks for n choices, each the same answer, billed n times. Usage is counted by the
// approximate tokenizer in tokens.go, the same on every wire.
//
// # Timing
//
// Config.Latency, when set, is the total time of every answer, streamed or
// not: a non-streamed answer arrives whole when it has passed; a stream
// sends its first token after Config.TTFT (when set, and at most the
// latency) or else after TTFTShare (a quarter) of the latency, spreads the
// other tokens evenly over the rest and ends when the latency has passed,
// so a one-token answer waits too. TokensPerSec does not apply then.
// Without Latency, a stream's first token comes after TTFT and the others
// at TokensPerSec, and a non-streamed answer waits that same time (TTFT
// plus the tokens at TokensPerSec). With none of the three set, answers
// are instant. Server.SetLatency changes the latency of a running server
// for the requests that follow (a test whose provider slows down, then
// recovers).
//
// Faults are drawn per request and rendered in the vendor's own shape
// (rate limit; overload; server error; what a truncated stream lacks):
//
//   - OpenAI: 429 with Retry-After, retry-after-ms and x-ratelimit-*; 503
//     server_is_overloaded; 500 server_error; finish_reason, usage and
//     [DONE].
//   - Anthropic: 429 rate_limit_error with retry-after and
//     anthropic-ratelimit-* (resets in RFC 3339); 529 overloaded_error; 500
//     api_error; content_block_stop, message_delta and message_stop.
//   - Gemini: 429 RESOURCE_EXHAUSTED with QuotaFailure and RetryInfo
//     retryDelay in the body, no Retry-After; 503 UNAVAILABLE; 500
//     INTERNAL; the chunk with finishReason (and the array's "]").
//   - Ollama: 429 {"error"} with Retry-After; 503 "server busy"; 500; the
//     done:true line.
//   - Cohere: 429 {"id","message"} with Retry-After; 503; 500;
//     content-end, message-end and [DONE].
//   - Bedrock: 429 ThrottlingException, 503 ServiceUnavailableException,
//     500 InternalServerException, as {"message"} with the exception in
//     x-amzn-ErrorType and no retry hint; on a stream half of these arrive
//     instead as an exception frame (throttlingException, …) after the 200,
//     as Bedrock sends both; Converse's contentBlockStop, messageStop and
//     metadata, or InvokeModel's Anthropic end events.
//
// A timeout hangs without answering until the client gives up, the server
// closes or Config.TimeoutHang passes, then drops the connection; a
// truncated non-streamed answer is cut after half of its body. By default
// (TruncateCut) a truncated answer, streamed or not, then drops the
// connection, as a real network failure does: over HTTP/1.1 the chunked
// body never ends, over HTTP/2 the stream is reset, and clients (the
// vendors' SDKs, this project's providers) see a connection error they
// retry. TruncateClean (simulate --truncate-mode clean) ends the response
// well instead, leaving the client to notice the missing end.
//
// OpenAI's Responses API (openai_responses.go) answers through the same
// core in its own shape: output[] with one message whose content is an
// output_text part, usage input_tokens and output_tokens, status
// "incomplete" when cut at max_output_tokens; a stream is its named
// events (response.created ... response.output_text.delta ...
// response.completed). Token counts (Anthropic's count_tokens, Gemini's
// countTokens) report what the chat route's usage would for the same
// input, without latency or faults. Cohere's /v2/rerank ranks documents by
// the similarity of their embeddings to the query's (cohere_rerank.go).
// Ollama's /api/generate is its chat with the text in "response";
// /api/show, /api/ps and /api/version describe the simulated model.
// OpenAI's errors carry x-request-id and x-ratelimit-* like its answers.
//
// The package sdktest drives the vendors' official SDKs (npm, pinned)
// against the simulator in a test.
//
// OpenAI's chat route is served under any prefix that ends in
// /chat/completions (Groq's /openai/v1, OpenRouter's /api/v1, Azure's
// deployments). A path "/vendor/NAME/REST" is served as REST with vendor
// NAME's quirks (Mistral streams usage unasked and without obfuscation), so
// `bench --simulate` points every provider at one simulator.
//
// # Embeddings
//
// The embedding routes (OpenAI's /v1/embeddings, also under the chat
// route's prefixes; Gemini's :embedContent and :batchEmbedContents;
// Cohere's /v2/embed; Ollama's /api/embed) return deterministic vectors of
// EmbedDimensions floats, or of the size the request asks for (dimensions,
// outputDimensionality, output_dimension): a bag of words by feature
// hashing, scaled to unit length, so texts sharing words are similar. A
// text has the same vector on every wire at the same size, so cached and
// uncached runs, and runs through different vendors' clients, agree. Each
// route checks its request as its vendor does (an empty OpenAI input is
// refused; Gemini takes at most 100 requests per batch, each naming its
// model; Cohere needs input_type and takes at most 96 texts, and the
// simulator embeds no images) and answers in the vendor's shape: OpenAI's
// float or base64 (little-endian float32) encoding and usage; Cohere's
// embedding types, derived from the float vector as cohere_embed.go
// describes, and billed units; Gemini reports no usage. Usage counts
// tokens as chat does. Embedding requests take Config.Latency (TTFT and
// TokensPerSec do not apply) and the faults of chat requests in their
// vendor's error shape; a truncated answer is cut after half of its body.
//
// # Token logprobs
//
// OpenAI's chat route honours logprobs and top_logprobs (0 to
// MaxTopLogprobs, only with logprobs), streamed or not, in OpenAI's shape:
// choices[0].logprobs.content lists {token, logprob, bytes, top_logprobs};
// a stream carries each chunk's tokens in that chunk, after a first chunk
// with an empty list, and its finish chunk has null logprobs. Gemini's
// generateContent honours generationConfig.responseLogprobs and logprobs
// (0 to 20) with candidates[0].logprobsResult {topCandidates,
// chosenCandidates} and, when not streamed, avgLogprobs; token ids are
// stable hashes of the tokens.
//
// The probabilities follow a fixed model (logprobs.go), so that
// probability-weighted scores have known answers. The tokens reported are
// the usage tokens cut further: a run of ASCII digits is a token of its
// own, and so is the white space next to it, so `{"score": 8}` reports the
// token "8". Every reported token has log probability ln 0.9. With k
// alternatives asked for, they are the token itself (ln 0.9), then, for a
// decimal integer n, "n-1" (ln 0.06, left out for 0) and "n+1" (ln 0.04),
// then fillers "<alt1>", "<alt2>", ... with log probability ln(0.01)-j for
// the j-th, until there are k. The weighted score of the token "8" is thus
// 8·0.9 + 7·0.06 + 9·0.04 = 7.98, the fillers being below 1% and no
// numbers.
//
// # Tool calls
//
// A chat request that offers function tools is answered with tool calls
// in its vendor's shape, streamed or not (tools.go; each wire's
// *_tools.go): OpenAI's tool_calls (finish_reason tool_calls, or stop when
// tool_choice named the function, as OpenAI answers a forced call) and the
// Responses API's function_call items; Anthropic's tool_use blocks
// (stop_reason tool_use), also through Bedrock's InvokeModel; Gemini's
// functionCall parts (finishReason STOP); Converse's toolUse blocks
// (stopReason tool_use); Cohere's tool_calls (finish_reason TOOL_CALL);
// Ollama's message.tool_calls (done_reason stop). Streams carry each
// call's arguments in pieces where the vendor does (OpenAI, Responses,
// Anthropic, InvokeModel, Converse, Cohere) and whole where it does
// (Gemini, Ollama), one piece per paced event.
//
// Which calls: Config.ToolCalls scripts them (simulate --tool-call
// NAME[={...}], the simulator provider's tool_calls option); every
// scripted call whose tool the request offers is made, in order, as
// parallel calls; when none is offered, the first tool offered is called.
// Arguments not scripted are generated from the tool's JSON Schema, each
// required property with a valid value (genArguments), drawn from the
// seed and the tool's name, so a tool gets the same arguments every time.
// tool_choice is honoured: none (Anthropic's none, Gemini's NONE,
// Cohere's NONE) answers with text; required (any, ANY, REQUIRED) calls;
// a named tool (Gemini: ANY with allowedFunctionNames) is the one called;
// parallel_tool_calls false and disable_parallel_tool_use keep the first
// call. A request whose last message carries tool results (OpenAI's and
// Cohere's and Ollama's tool role, Anthropic's tool_result blocks,
// Gemini's functionResponse parts, Converse's toolResult blocks, the
// Responses API's function_call_output items) is answered with text: the
// policy's input is then the results, joined by newlines, so the echo
// policy answers "5\n6" to the results 5 and 6. A call costs one
// completion token plus its arguments' tokens; calls are not cut at the
// token limit. TestToolCallsMatchRecordings replays the vendors' recorded
// tool exchanges against these encoders.
//
// # Model names and request ids
//
// Every chat request must name its model, as every vendor requires
// (OpenAI: 400 "you must provide a model parameter"; Anthropic, Cohere,
// Ollama their own 400s; Gemini and Bedrock take it in the path). OpenAI's
// routes answer an alias with its dated snapshot (openai_models.go); the
// other wires answer with the name as given. Request ids: OpenAI's
// x-request-id, Anthropic's request-id and Bedrock's x-amzn-RequestId on
// every answer, errors included; Cohere has no request-id header and sends
// X-Debug-Trace-Id, on every answer of its routes; Gemini and Ollama send
// none (Gemini names an answer by the body's responseId).
//
// # Scripted answers
//
// PolicyScripted answers with the first Config.Script rule whose regular
// expression matches the last user message ($1 and ${name} in its answer
// expand to submatches), or else with Config.DefaultAnswer. A provider of
// type "simulator" sets them with the options script (a list of
// "REGEX => ANSWER" strings, RE2 syntax, (?s) to let . match newlines) and
// default_answer; either without policy implies policy "scripted". That
// is how a suite runs offline with the simulator as its judge:
//
//	[providers.judge]
//	type = "simulator"
//
//	[providers.judge.options]
//	script = ['(?s)capital of France.*<output>Paris => {"reason":"correct","pass":true,"score":1}']
//	default_answer = '{"reason":"no","pass":false,"score":0}'
//
// # Layout
//
// The code is one shared core (chat.go drives a request through a wire's
// dialect; config.go, dist.go, policy.go, tokens.go, rng.go, jsonenc.go;
// tools.go and toolargs.go for tool calls;
// routing, hangs and pacing in server.go) and files per wire: openai.go,
// anthropic.go, gemini.go, ollama.go, cohere.go, bedrock.go (routes,
// errors, the AWS event-stream framing; its two APIs in bedrock_converse.go
// and bedrock_invoke.go, the latter answering with the Anthropic dialect's
// encoders in Bedrock's layout), each with its request decoder in
// *_request.go. The embedding routes share embed.go's core, each wire in
// its *_embed.go; logprobs.go holds the logprob model and its encoders.
// Decoders take a reflection-free fast path (openai_request.go's
// jsonParser) for the common shapes and fall back to encoding/json, which
// also words the errors; encoders append bytes in the order and layout of
// the vendors' recorded responses.
package simulator
