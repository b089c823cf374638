package simulator

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
)

// TestToolCallsMatchRecordings replays the vendors' recorded tool-calling
// exchanges (OpenAI, Anthropic, Gemini, Bedrock InvokeModel; one tool and
// two parallel ones; streamed and not) against the simulator scripted with
// the calls the vendor made: the first request is answered with the same
// calls and finish reason, every payload in layouts the vendor sent (no
// key or kind of value it never sent there), and the follow-up that
// carries the tool results is answered with text, the echo of the
// results.
func TestToolCallsMatchRecordings(t *testing.T) {
	t.Parallel()
	vendors := []struct {
		dir, wire string
		path      func(stream bool) string
		hdr       map[string]string
	}{
		{"TestOpenAICommon/openai-gpt-4o-mini", "openai", func(bool) string { return "/v1/chat/completions" }, nil},
		{"TestAnthropicCommon/claude-sonnet-4", "anthropic", func(bool) string { return "/v1/messages" }, anthropicHeaders},
		{"TestGoogleCommon/gemini-2.5-flash", "gemini", func(stream bool) string {
			if stream {
				return "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
			}
			return "/v1beta/models/gemini-2.5-flash:generateContent"
		}, nil},
		{"TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5", "invoke", func(stream bool) string {
			if stream {
				return haikuPath + opInvokeStream
			}
			return haikuPath + opInvoke
		}, bedrockAuth},
	}
	for _, v := range vendors {
		for _, name := range []string{"tool", "multi_tool"} {
			for _, stream := range []bool{false, true} {
				file := filepath.Join(v.dir, name+".yaml")
				if stream {
					file = filepath.Join(v.dir, name+"_streaming.yaml")
				}
				if _, err := os.Stat(filepath.Join(recordingsDir, file)); err != nil {
					continue // Bedrock's recordings have one tool only
				}
				t.Run(file, func(t *testing.T) {
					t.Parallel()
					rec := loadCassette2(t, file)
					first := decodeToolAnswer(t, v.wire, []byte(rec.Interactions[0].Response.Body), stream)
					if len(first.calls) == 0 {
						t.Fatalf("the recording has no calls")
					}
					var script []ToolCall
					for _, c := range first.calls {
						script = append(script, ToolCall{Name: c.Name, Arguments: c.Args})
					}
					ts := startServer(t, Config{Seed: 71, ToolCalls: script})
					for i, in := range rec.Interactions {
						resp, body := ts.send(t, http.MethodPost, v.path(stream), in.Request.Body, v.hdr)
						if resp.StatusCode != http.StatusOK {
							t.Fatalf("interaction %d: status %d: %s", i, resp.StatusCode, body)
						}
						got := decodeToolAnswer(t, v.wire, body, stream)
						want := decodeToolAnswer(t, v.wire, []byte(in.Response.Body), stream)
						checkLayouts(t, want.events, got.events)
						if got.finish != want.finish {
							t.Errorf("interaction %d: finish %q, recorded %q", i, got.finish, want.finish)
						}
						if i == 0 {
							if diff := cmp.Diff(names(want.calls), names(got.calls)); diff != "" {
								t.Errorf("calls (-recorded +simulated):\n%s", diff)
							}
							for _, c := range got.calls {
								if v.wire != "gemini" && c.ID == "" {
									t.Errorf("call %+v has no id", c)
								}
							}
							continue
						}
						if len(got.calls) != 0 || got.text == "" || got.text != resultsOf(name) {
							t.Errorf("interaction %d: answered calls %+v finish %q text %q, want the text %q", i, got.calls, got.finish, got.text, resultsOf(name))
						}
					}
				})
			}
		}
	}
}

// resultsOf is the tool results the follow-up requests of a recording carry.
func resultsOf(name string) string {
	if name == "multi_tool" {
		return "5\n6"
	}
	return "40 C"
}

// names lists calls without their ids, which differ by nature.
func names(calls []gotCall) []gotCall {
	out := make([]gotCall, len(calls))
	for i, c := range calls {
		out[i] = gotCall{Name: c.Name, Args: c.Args}
	}
	return out
}

// checkLayouts checks that every simulated payload of a kind has only the
// keys and kinds of values the recorded payloads of that kind have.
func checkLayouts(t *testing.T, recorded, simulated []kindPayload) {
	t.Helper()
	union := map[string]*shape{}
	for _, p := range recorded {
		if union[p.kind] == nil {
			union[p.kind] = &shape{}
		}
		union[p.kind].add(anyJSON(t, p.payload))
	}
	for _, p := range simulated {
		u := union[p.kind]
		if u == nil {
			t.Errorf("simulated a %q event the vendor never sent: %s", p.kind, p.payload)
			continue
		}
		if bad := u.uncovered(anyJSON(t, p.payload), p.kind); len(bad) > 0 {
			t.Errorf("%s: not in the vendor's layout: %s\n%s", p.kind, strings.Join(bad, ", "), p.payload)
		}
	}
}

// loadCassette2 reads a cassette with any number of interactions.
func loadCassette2(t *testing.T, name string) cassette {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(recordingsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var c cassette
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return c
}
