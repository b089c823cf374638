package simulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
)

// ExampleServer starts a scripted simulator with a little latency and asks
// it one question over the OpenAI wire.
func ExampleServer() {
	latency, err := simulator.ParseDist("uniform:1ms-5ms")
	if err != nil {
		panic(err)
	}
	sim, err := simulator.New(simulator.Config{
		Latency: latency,
		Policy:  simulator.PolicyScripted,
		Script:  []simulator.Rule{{Match: regexp.MustCompile(`capital of (\w+)`), Answer: "The capital of $1 is on the map."}},
		Seed:    1,
	})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	baseURL, err := sim.Start(ctx, "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer sim.Close()

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	body := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"What is the capital of France?"}]}`
	resp, err := client.Post(baseURL+"/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var out struct {
		Choices []struct {
			Message struct{ Content string } `json:"message"`
		} `json:"choices"`
		Usage struct {
			CompletionTokens int `json:"completion_tokens"`
		} `json:"usage"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		panic(err)
	}
	fmt.Println(resp.Header.Get("X-Simulator"))
	fmt.Println(out.Choices[0].Message.Content, out.Usage.CompletionTokens)
	fmt.Println(sim.Stats().Answered)
	// Output:
	// llm-test-bench
	// The capital of France is on the map. 10
	// 1
}
