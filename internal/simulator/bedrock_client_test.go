package simulator

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/bedrock"
)

// The tests below drive the project's Bedrock client (provider/bedrock)
// against the simulator, both APIs, streamed and not, as bench --simulate
// does: under /vendor/bedrock with a Bedrock API key.

var bedrockAPIs = []string{bedrock.APIConverse, bedrock.APIInvoke}

// bedrockClient builds a client of ts for api; timeout 0 means none.
func bedrockClient(t testing.TB, ts *testServer, api string, timeout time.Duration) *bedrock.Client {
	t.Helper()
	c, err := bedrock.New(provider.Config{Vendor: bedrock.Vendor, Model: haikuID, APIKey: "ABSK-simulated",
		BaseURL: strings.TrimSuffix(ts.url, "/v1") + "/vendor/bedrock", Timeout: timeout,
		Options: map[string]any{"region": "us-east-1", "api": api}})
	if err != nil {
		t.Fatalf("bedrock.New: %v", err)
	}
	return c
}

func bedrockCall(t testing.TB, c *bedrock.Client, prompt string, stream bool, maxTokens int) (provider.Response, []string, error) {
	t.Helper()
	var chunks []string
	resp, err := c.Generate(t.Context(), provider.Request{Stream: stream, Sampling: provider.Sampling{MaxTokens: &maxTokens},
		Messages: []bench.Message{{Role: bench.RoleSystem, Content: "You are a helpful assistant"}, {Role: bench.RoleUser, Content: prompt}}},
		func(ch provider.Chunk) error { chunks = append(chunks, ch.Text); return nil })
	return resp, chunks, err
}

func forEachBedrockCall(t *testing.T, f func(t *testing.T, api string, stream bool)) {
	for _, api := range bedrockAPIs {
		for _, stream := range []bool{false, true} {
			t.Run(api+"/"+map[bool]string{false: "answer", true: "stream"}[stream], func(t *testing.T) {
				t.Parallel()
				f(t, api, stream)
			})
		}
	}
}

func TestBedrockClientAnswers(t *testing.T) {
	t.Parallel()
	forEachBedrockCall(t, func(t *testing.T, api string, stream bool) {
		ts := startServer(t, Config{Seed: 71})
		c := bedrockClient(t, ts, api, 0)
		const prompt = "Say hi in Portuguese, please!"
		resp, chunks, err := bedrockCall(t, c, prompt, stream, 4000)
		if err != nil {
			t.Fatalf("Generate: %v", err)
		}
		n := countTokens(prompt)
		want := provider.Response{Text: prompt, Model: haikuID, FinishReason: provider.FinishStop, RawFinishReason: "end_turn",
			Usage: bench.Usage{Prompt: 7 + n + 3 + 3 + 3, Completion: n, Total: 7 + 2*n + 3 + 3 + 3}}
		if diff := cmp.Diff(want, resp); diff != "" {
			t.Errorf("response (-want +got):\n%s", diff)
		}
		if got := strings.Join(chunks, ""); got != prompt || (stream && len(chunks) != n) || (!stream && len(chunks) != 1) {
			t.Errorf("emitted %q", chunks)
		}
		if st := ts.sim.Stats(); st.Answered != 1 || (st.Streamed == 1) != stream {
			t.Errorf("stats %+v", st)
		}
	})
}

func TestBedrockClientMaxTokens(t *testing.T) {
	t.Parallel()
	forEachBedrockCall(t, func(t *testing.T, api string, stream bool) {
		ts := startServer(t, Config{Seed: 72})
		resp, _, err := bedrockCall(t, bedrockClient(t, ts, api, 0), "one two three four five", stream, 2)
		if err != nil {
			t.Fatalf("Generate: %v", err)
		}
		if resp.Text != "one two" || resp.FinishReason != provider.FinishLength || resp.RawFinishReason != "max_tokens" || resp.Usage.Completion != 2 {
			t.Errorf("response %+v, want 2 tokens cut at max_tokens", resp)
		}
	})
}

// TestBedrockClientFaults checks that the client maps every fault the
// simulator injects to the right kind: the HTTP exceptions, the in-stream
// exception frames, a truncated answer or stream, and a hang.
func TestBedrockClientFaults(t *testing.T) {
	t.Parallel()
	faults := []struct {
		name   string
		rates  ErrorRates
		kind   provider.Kind
		status int
		mode   TruncateMode
	}{
		{"throttling", ErrorRates{RateLimit: 1}, provider.KindRateLimited, 429, ""},
		{"unavailable", ErrorRates{Overload: 1}, provider.KindOverloaded, 503, ""},
		{"internal", ErrorRates{Server: 1}, provider.KindTransient, 500, ""},
		{"truncate", ErrorRates{Truncate: 1}, provider.KindTransient, 200, TruncateCut},
		{"truncate-clean", ErrorRates{Truncate: 1}, provider.KindTransient, 200, TruncateClean},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			forEachBedrockCall(t, func(t *testing.T, api string, stream bool) {
				ts := startServer(t, Config{Errors: f.rates, TruncateMode: f.mode, Seed: 73})
				c := bedrockClient(t, ts, api, 0)
				statuses := map[int]bool{}
				for range 12 {
					_, _, err := bedrockCall(t, c, "one two three four five six", stream, 100)
					var pe *provider.Error
					if !errors.As(err, &pe) || pe.Kind != f.kind {
						t.Fatalf("error %v, want kind %s", err, f.kind)
					}
					statuses[pe.StatusCode] = true
					if f.name == "truncate" && stream && !strings.Contains(err.Error(), "stream truncated mid-frame") {
						t.Errorf("error %v, want a stream cut mid-frame", err)
					}
					if f.name == "truncate" && !stream && !strings.Contains(err.Error(), "unexpected EOF") {
						t.Errorf("error %v, want a dropped connection", err)
					}
					if f.name == "truncate-clean" && stream && !strings.Contains(err.Error(), "stream truncated") {
						t.Errorf("error %v, want a truncated stream", err)
					}
					if f.name == "truncate-clean" && !stream && !strings.Contains(err.Error(), "malformed") {
						t.Errorf("error %v, want a malformed answer", err)
					}
				}
				want := map[int]bool{f.status: true}
				if f.name == "truncate" && !stream {
					want = map[int]bool{0: true} // the body's read failed: a transport error
				}
				if stream && f.status != 200 {
					want[200] = true // thrown in the stream, after the 200
				}
				if diff := cmp.Diff(want, statuses); diff != "" {
					t.Errorf("statuses (-want +got):\n%s", diff)
				}
			})
		})
	}
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		forEachBedrockCall(t, func(t *testing.T, api string, stream bool) {
			ts := startServer(t, Config{Errors: ErrorRates{Timeout: 1}, TimeoutHang: 10 * time.Second, Seed: 74})
			_, _, err := bedrockCall(t, bedrockClient(t, ts, api, 100*time.Millisecond), "hi", stream, 100)
			if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindTimeout {
				t.Errorf("error %v, want a timeout", err)
			}
		})
	})
}

// TestBedrockClientBadRequest checks that a request Bedrock refuses is a
// bad request to the client, with Bedrock's message.
func TestBedrockClientBadRequest(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 75})
	c := bedrockClient(t, ts, bedrock.APIConverse, 0)
	_, err := c.Generate(t.Context(), provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Content: "hi"}},
		Extra: map[string]any{"inferenceConfig": map[string]any{"maxTokens": 0}}}, func(provider.Chunk) error { return nil })
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindBadRequest || pe.StatusCode != 400 ||
		!strings.Contains(err.Error(), "inferenceConfig.maxTokens") || !strings.Contains(err.Error(), "ValidationException") {
		t.Errorf("error %v, want a bad request naming inferenceConfig.maxTokens", err)
	}
}

// TestBedrockClientSigV4 checks that SigV4-signed calls are accepted like
// API keys, and that the client lists the simulator's model.
func TestBedrockClientSigV4(t *testing.T) {
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_PROFILE": "", "AWS_REGION": "us-west-2", "AWS_BEARER_TOKEN_BEDROCK": "",
		"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "AWS_SESSION_TOKEN": "token",
	} {
		t.Setenv(k, v)
	}
	ts := startServer(t, Config{Seed: 76})
	c, err := bedrock.New(provider.Config{Vendor: bedrock.Vendor, Model: haikuID, BaseURL: strings.TrimSuffix(ts.url, "/v1")})
	if err != nil {
		t.Fatalf("bedrock.New: %v", err)
	}
	resp, _, err := bedrockCall(t, c, "signed", true, 10)
	if err != nil || resp.Text != "signed" {
		t.Errorf("Generate: %+v, %v", resp, err)
	}
	models, err := c.Models(t.Context())
	if err != nil || !cmp.Equal(models, []string{DefaultModel}) {
		t.Errorf("Models: %v, %v", models, err)
	}
}
