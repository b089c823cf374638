package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
)

func (a *app) simulateCommand() *cobra.Command {
	f := &session.SimulatorSettings{}
	var addr string
	var datasets []string
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Serve the provider simulator (OpenAI, Anthropic, Gemini, Ollama, Cohere, Bedrock and OpenAI-compatible wires) for offline runs, load tests and fault injection",
		Long: "Serve the provider simulator: one HTTP server (HTTP/1.1 and unencrypted HTTP/2) that speaks the OpenAI, Anthropic, Gemini, " +
			"Ollama, Cohere and Bedrock wires and the OpenAI-compatible vendors' routes, streamed or not, so this project and your own " +
			"application, written with the vendors' official SDKs, can run offline, under load and through injected faults. " +
			"The start-up banner lists the base URL each SDK takes.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.Config()
			if err != nil {
				return configErr("%v", err)
			}
			if len(datasets) > 0 {
				if cfg.Answers, err = a.session(nil).ExpectedAnswers(cmd.Context(), datasets); err != nil {
					return a.sessionErr(err)
				}
			}
			srv, err := simulator.New(cfg)
			if err != nil {
				return configErr("%v", err)
			}
			url, err := srv.Start(cmd.Context(), addr)
			if err != nil {
				return fmt.Errorf("start simulator: %w", err)
			}
			printSimulatorBanner(cmd.OutOrStdout(), url)
			<-cmd.Context().Done()
			return srv.Close()
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&addr, "addr", "127.0.0.1:8089", "listen address")
	fl.StringVar(&f.Policy, "policy", "echo", "answer policy: echo, expected (needs --dataset), scripted (needs --script)")
	fl.StringArrayVar(&datasets, "dataset", nil, "dataset whose expected answers the expected policy returns (repeatable)")
	fl.StringArrayVar(&f.Script, "script", nil, "scripted answer rule REGEX=>ANSWER (repeatable, first match wins)")
	fl.StringVar(&f.DefaultAnswer, "default-answer", "", "the scripted policy's answer when no --script rule matches")
	fl.StringArrayVar(&f.ToolCalls, "tool-call", nil, `tool call made when a request offers a tool of that name: NAME or NAME='{"arg":1}' `+
		"(repeatable, parallel calls in order; default: call the first tool offered, arguments generated from its JSON Schema)")
	fl.StringVar(&f.Latency, "latency", "", "total time of each answer, streamed or not (a stream's first token after --ttft, or a quarter of it, the rest spread evenly): fixed:200ms, uniform:100ms-300ms, normal:200ms,50ms, lognormal:200ms,80ms, exp:200ms")
	fl.StringVar(&f.TTFT, "ttft", "", "time-to-first-token distribution (same forms as --latency; at most the latency when both are set)")
	fl.Float64Var(&f.TokensPerSec, "tokens-per-sec", 0, "speed after the first token when --latency is not set (0 = instant)")
	fl.Float64Var(&f.RateLimit, "rate-limit-rate", 0, "fraction of calls answered 429 with Retry-After")
	fl.Float64Var(&f.Overload, "overload-rate", 0, "fraction of calls answered 503 overloaded")
	fl.Float64Var(&f.ServerError, "server-error-rate", 0, "fraction of calls answered 500")
	fl.Float64Var(&f.Timeout, "timeout-rate", 0, "fraction of calls that hang until the client gives up")
	fl.Float64Var(&f.Truncate, "truncate-rate", 0, "fraction of answers cut off mid-way")
	fl.StringVar(&f.TruncateMode, "truncate-mode", "cut", "how a truncated answer ends: cut (drop the connection mid-body, as a network failure does) or clean (end the response well, without the answer's end)")
	fl.DurationVar(&f.RetryAfter, "retry-after", time.Second, "Retry-After sent with 429s")
	fl.Int64Var(&f.Seed, "seed", 1, "random seed for latency and fault draws")
	fl.StringVar(&f.Model, "model", "sim-model", "model the model lists show (GET /v1/models, /api/tags, ...); chat requests name their own, as each vendor requires")
	return cmd
}

// printSimulatorBanner says what is serving where: the base URL of each
// wire, as the vendors' SDKs and this project's providers take it.
func printSimulatorBanner(w io.Writer, openAIURL string) {
	root := strings.TrimSuffix(openAIURL, "/v1")
	fmt.Fprintf(w, "LLM Test Bench provider SIMULATOR (not a real model) serving six wires (HTTP/1.1 and h2c) at %s\n", root)
	for _, l := range [...][2]string{
		{"OpenAI", openAIURL + "   (OPENAI_BASE_URL; chat, responses, embeddings)"},
		{"Anthropic", root + "   (ANTHROPIC_BASE_URL; messages, count_tokens)"},
		{"Gemini", root + "   (GOOGLE_GEMINI_BASE_URL or httpOptions.baseUrl; generateContent, embedContent, countTokens)"},
		{"Ollama", root + "   (host; chat, generate, embed)"},
		{"Cohere", root + "   (environment; chat, embed, rerank)"},
		{"Bedrock", root + "   (endpoint; converse, invoke, streamed or not)"},
	} {
		fmt.Fprintf(w, "  %-10s %s\n", l[0], l[1])
	}
	fmt.Fprintf(w, "Use it with: --providers openai:sim-model and [providers.openai] base_url = %q, or `bench --simulate`\n", openAIURL)
}
