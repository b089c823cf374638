// Package simulator is an offline stand-in for LLM providers: an HTTP server
// that speaks a vendor's wire format (today OpenAI Chat Completions, streamed
// and not) with configurable latency, time-to-first-token, tokens per second,
// injected faults and an answer policy.
//
// It serves three purposes: the target of the offline quickstart, the load
// target for performance work (with zero latency it answers tens of thousands
// of requests per second on loopback), and the fault injector for reliability
// tests. Every response carries the header "X-Simulator: llm-test-bench" and
// the model list says plainly that it is a simulator.
//
// The code is one shared core (config.go, dist.go, policy.go, tokens.go,
// rng.go, and routing, faults and pacing in server.go) and one file per wire
// format (openai.go, with its request decoder openai_request.go and its
// encoder openai_encode.go); later wires add files of their own.
package simulator
