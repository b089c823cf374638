package simulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestCutAtStop(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, answer string
		stops        []string
		want, seq    string
	}{
		{"none", "one two", nil, "one two", ""},
		{"absent", "one two", []string{"three"}, "one two", ""},
		{"earliest wins", "one two three", []string{"three", "two"}, "one ", "two"},
		{"longest at the same place", "one two", []string{"tw", "two"}, "one ", "two"},
		{"at the start", "one two", []string{"one"}, "", "one"},
		{"empty ignored", "one two", []string{"", "two"}, "one ", "two"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, seq := cutAtStop(tt.answer, tt.stops)
			if got != tt.want || seq != tt.seq {
				t.Errorf("cutAtStop(%q, %q) = %q, %q; want %q, %q", tt.answer, tt.stops, got, seq, tt.want, tt.seq)
			}
		})
	}
}

// TestStopSequences checks that OpenAI's stop and Anthropic's
// stop_sequences end the answer before the sequence, streamed or not,
// with each vendor's finish reason, and that the token limit wins when it
// comes first.
func TestStopSequences(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 180})
	const prompt = "one two three four five"
	for _, tt := range []struct {
		name                 string
		path, body           string
		hdr                  map[string]string
		text, finish, seqOut string
	}{
		{"openai string", "/v1/chat/completions", `{"model":"m","stop":" three","messages":[{"role":"user","content":"` + prompt + `"}]}`, nil,
			"one two", "stop", ""},
		{"openai list", "/v1/chat/completions", `{"model":"m","stop":["five","four"],"messages":[{"role":"user","content":"` + prompt + `"}]}`, nil,
			"one two three ", "stop", ""},
		{"openai limit first", "/v1/chat/completions", `{"model":"m","stop":["five"],"max_tokens":2,"messages":[{"role":"user","content":"` + prompt + `"}]}`, nil,
			"one two", "length", ""},
		{"anthropic", "/v1/messages", `{"model":"m","max_tokens":50,"stop_sequences":["four"],"messages":[{"role":"user","content":"` + prompt + `"}]}`,
			anthropicHeaders, "one two three ", "stop_sequence", "four"},
		{"anthropic none found", "/v1/messages", `{"model":"m","max_tokens":50,"stop_sequences":["six"],"messages":[{"role":"user","content":"` + prompt + `"}]}`,
			anthropicHeaders, prompt, "end_turn", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.send(t, http.MethodPost, tt.path, tt.body, tt.hdr)
			if resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			var text, finish, seq string
			if strings.HasPrefix(tt.path, "/v1/chat") {
				var c wireCompletion
				decodeStrict(t, body, &c)
				text, finish = c.Choices[0].Message.Content, c.Choices[0].FinishReason
			} else {
				var m struct {
					Content []struct {
						Text string `json:"text"`
					} `json:"content"`
					StopReason   string  `json:"stop_reason"`
					StopSequence *string `json:"stop_sequence"`
				}
				if err := json.Unmarshal(body, &m); err != nil {
					t.Fatal(err)
				}
				text, finish = m.Content[0].Text, m.StopReason
				if m.StopSequence != nil {
					seq = *m.StopSequence
				}
			}
			if text != tt.text || finish != tt.finish || seq != tt.seqOut {
				t.Errorf("answer %q finish %q stop_sequence %q, want %q %q %q", text, finish, seq, tt.text, tt.finish, tt.seqOut)
			}
		})
	}
	t.Run("streams", func(t *testing.T) {
		_, body := ts.send(t, http.MethodPost, "/v1/chat/completions",
			`{"model":"m","stream":true,"stop":["three"],"messages":[{"role":"user","content":"`+prompt+`"}]}`, nil)
		text, finish, _ := streamText(t, parseSSE(t, body))
		if text != "one two " || finish != "stop" {
			t.Errorf("openai stream %q %q", text, finish)
		}
		_, body = ts.send(t, http.MethodPost, "/v1/messages",
			`{"model":"m","max_tokens":50,"stream":true,"stop_sequences":["three"],"messages":[{"role":"user","content":"`+prompt+`"}]}`, anthropicHeaders)
		if !strings.Contains(string(body), `"stop_reason":"stop_sequence","stop_sequence":"three"`) {
			t.Errorf("anthropic stream lacks the stop sequence:\n%s", body)
		}
	})
	resp, body := ts.send(t, http.MethodPost, "/v1/chat/completions", `{"model":"m","stop":["a","b","c","d","e"],"messages":[{"role":"user","content":"x"}]}`, nil)
	if resp.StatusCode != 400 || !strings.Contains(string(body), "array_above_max_length") {
		t.Errorf("five stops: %d %s", resp.StatusCode, body)
	}
}

// TestWiresStopSequences checks every wire's stop sequences, streamed or
// not: the answer ends before the sequence, with the vendor's reason.
func TestWiresStopSequences(t *testing.T) {
	t.Parallel()
	const prompt = "one two three four five"
	set := map[string]func(m map[string]any, stops []string){
		"openai":    func(m map[string]any, s []string) { m["stop"] = s },
		"anthropic": func(m map[string]any, s []string) { m["stop_sequences"] = s },
		"gemini":    func(m map[string]any, s []string) { sub(m, "generationConfig")["stopSequences"] = s },
		"ollama":    func(m map[string]any, s []string) { sub(m, "options")["stop"] = s },
		"cohere":    func(m map[string]any, s []string) { m["stop_sequences"] = s },
		"bedrock-converse": func(m map[string]any, s []string) {
			sub(m, "inferenceConfig")["stopSequences"] = s
		},
		"bedrock-invoke": func(m map[string]any, s []string) { m["stop_sequences"] = s },
	}
	reason := map[string]string{"anthropic": "stop_sequence", "cohere": "STOP_SEQUENCE", "bedrock-converse": "stop_sequence", "bedrock-invoke": "stop_sequence"}
	for _, wc := range wireCases {
		for _, stream := range []bool{false, true} {
			t.Run(wc.name+map[bool]string{false: "/answer", true: "/stream"}[stream], func(t *testing.T) {
				t.Parallel()
				ts := startServer(t, Config{Seed: 181})
				req := wc.request(t, prompt, stream, -1)
				var m map[string]any
				if err := json.Unmarshal([]byte(req.body), &m); err != nil {
					t.Fatal(err)
				}
				set[wc.name](m, []string{"four", " three"})
				b, err := json.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				req.body = string(b)
				resp, body := wc.post(t, ts, req)
				if resp.StatusCode != 200 {
					t.Fatalf("%d %s", resp.StatusCode, body)
				}
				want := reason[wc.name]
				if want == "" {
					want = wc.stop
				}
				if got := wc.decode(t, body, stream); got.text != "one two" || got.finish != want {
					t.Errorf("answer %+v, want %q ending %q", got, "one two", want)
				}
			})
		}
	}
}

// sub returns m[key] as an object, making it when absent.
func sub(m map[string]any, key string) map[string]any {
	v, ok := m[key].(map[string]any)
	if !ok {
		v = map[string]any{}
		m[key] = v
	}
	return v
}
