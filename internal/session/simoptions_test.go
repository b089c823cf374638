package session

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pelletier/go-toml/v2"

	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
)

// judgeOptions are a judge's simulator options as TOML gives them.
const judgeOptions = `
script = ['(?s)capital of France.*<output>Paris => {"reason":"correct","pass":true,"score":1}',
          '(?i)score (\d+) => {"score":$1}']
default_answer = '{"reason":"no","pass":false,"score":0}'
`

func tomlOptions(t *testing.T, doc string) map[string]any {
	t.Helper()
	var opts map[string]any
	if err := toml.Unmarshal([]byte(doc), &opts); err != nil {
		t.Fatal(err)
	}
	return opts
}

// ask sends prompt to a simulator with cfg over the OpenAI wire and
// returns its answer.
func ask(t *testing.T, cfg simulator.Config, prompt string) string {
	t.Helper()
	srv, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"model": "judge", "messages": []map[string]string{{"role": "user", "content": prompt}}})
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(string(body))))
	var resp struct {
		Choices []struct {
			Message struct{ Content string } `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || len(resp.Choices) != 1 {
		t.Fatalf("answer %d %s: %v", w.Code, w.Body, err)
	}
	return resp.Choices[0].Message.Content
}

func TestSimulatorScriptOptions(t *testing.T) {
	t.Parallel()
	f, err := SimulatorFromOptions(tomlOptions(t, judgeOptions), "judge")
	if err != nil {
		t.Fatal(err)
	}
	if f.Policy != string(simulator.PolicyScripted) || len(f.Script) != 2 || f.DefaultAnswer != `{"reason":"no","pass":false,"score":0}` {
		t.Fatalf("settings %+v", f)
	}
	cfg, err := f.Config()
	if err != nil {
		t.Fatal(err)
	}
	for prompt, want := range map[string]string{
		"What is the capital of France?\n<output>Paris</output>": `{"reason":"correct","pass":true,"score":1}`,
		"What is the capital of France?\n<output>Lyon</output>":  `{"reason":"no","pass":false,"score":0}`,
		"Give it SCORE 7": `{"score":7}`,
		"capital of France\n\n\n<output>Paris, of course</output>": `{"reason":"correct","pass":true,"score":1}`,
	} {
		if got := ask(t, cfg, prompt); got != want {
			t.Errorf("%q answered %q, want %q", prompt, got, want)
		}
	}
}

func TestSimulatorScriptPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   map[string]any
		policy string
	}{
		{"script implies scripted", map[string]any{"script": []any{"a => b"}}, "scripted"},
		{"default answer implies scripted", map[string]any{"default_answer": "no"}, "scripted"},
		{"explicit scripted", map[string]any{"policy": "scripted", "script": []string{"a => b"}}, "scripted"},
		{"no script", map[string]any{}, "expected"},
	}
	for _, tt := range tests {
		f, err := SimulatorFromOptions(tt.opts, "m")
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if f.Policy != tt.policy {
			t.Errorf("%s: policy %q, want %q", tt.name, f.Policy, tt.policy)
		}
	}
}

func TestSimulatorScriptOptionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts map[string]any
		want string
	}{
		{"bad regex", map[string]any{"script": []any{"a => b", "(unclosed => x"}},
			`simulator option script: rule 1: "(unclosed => x": error parsing regexp: missing closing ): ` + "`(unclosed`"},
		{"no arrow", map[string]any{"script": []any{"just text"}}, `simulator option script: rule 0: "just text": want REGEX => ANSWER`},
		{"not a list", map[string]any{"script": "a => b"}, `simulator option script: want a list of "REGEX => ANSWER" strings, got string`},
		{"not a string", map[string]any{"script": []any{"a => b", int64(3)}}, `simulator option script: rule 1: want a "REGEX => ANSWER" string, got int64`},
		{"default answer type", map[string]any{"default_answer": int64(1)}, "simulator option default_answer: want a string, got int64"},
		{"other policy", map[string]any{"policy": "echo", "script": []any{"a => b"}}, `simulator options script and default_answer need policy "scripted", not "echo"`},
		{"unknown", map[string]any{"scripts": []any{}}, `simulator option "scripts" is unknown (known: policy, latency, ttft, tokens_per_sec, ` +
			`rate_limit_rate, overload_rate, server_error_rate, timeout_rate, truncate_rate, retry_after, seed, script, default_answer, tool_calls)`},
	}
	for _, tt := range tests {
		_, err := SimulatorFromOptions(tt.opts, "m")
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestSimulatorConfigScriptRules(t *testing.T) {
	t.Parallel()
	f := &SimulatorSettings{Policy: "scripted", Script: []string{" ^hi$ =>  hello  ", "x => y => z"}}
	cfg, err := f.Config()
	if err != nil {
		t.Fatal(err)
	}
	got := [][2]string{{cfg.Script[0].Match.String(), cfg.Script[0].Answer}, {cfg.Script[1].Match.String(), cfg.Script[1].Answer}}
	if diff := cmp.Diff([][2]string{{"^hi$", "hello"}, {"x", "y => z"}}, got); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	f.Script = append(f.Script, "[ => x")
	if _, err := f.Config(); err == nil || !strings.HasPrefix(err.Error(), `script rule 2: "[ => x": error parsing regexp`) {
		t.Errorf("error %v", err)
	}
}

// FuzzSimulatorScriptOptions checks that any script and default answer
// either give a config the simulator accepts or an error naming the
// option.
func FuzzSimulatorScriptOptions(f *testing.F) {
	f.Add("(?s)a.*b => c", "no", true)
	f.Add("(x => y", "", false)
	f.Add("=>", "", true)
	f.Fuzz(func(t *testing.T, rule, def string, list bool) {
		opts := map[string]any{"script": rule, "default_answer": def}
		if list {
			opts["script"] = []any{rule}
		}
		s, err := SimulatorFromOptions(opts, "m")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "simulator option script") {
				t.Fatalf("error %v does not name the option", err)
			}
			return
		}
		cfg, err := s.Config()
		if err != nil {
			t.Fatalf("options accepted, config refused: %v", err)
		}
		if _, err := simulator.New(cfg); err != nil {
			t.Fatalf("simulator refused the config: %v", err)
		}
	})
}

// TestSimulatorToolCallsOption checks the tool_calls option reaches the
// simulator, which then calls the scripted tool, and that a malformed call
// is refused naming its index.
func TestSimulatorToolCallsOption(t *testing.T) {
	t.Parallel()
	cfg, err := SimulatorConfig(tomlOptions(t, `tool_calls = ['add={"a": 2, "b": 3}', 'weather']`), "m")
	if err != nil {
		t.Fatal(err)
	}
	want := []simulator.ToolCall{{Name: "add", Arguments: `{"a":2,"b":3}`}, {Name: "weather"}}
	if diff := cmp.Diff(want, cfg.ToolCalls); diff != "" {
		t.Fatalf("tool calls (-want +got):\n%s", diff)
	}
	srv, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"add"}}]}`
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(body)))
	if !strings.Contains(w.Body.String(), `"arguments": "{\"a\":2,\"b\":3}"`) {
		t.Errorf("answer %d %s: want the scripted call", w.Code, w.Body)
	}
	for _, bad := range []string{`tool_calls = ['ok', 'f=[1]']`, `tool_calls = 'add'`, `tool_calls = [3]`} {
		if _, err := SimulatorFromOptions(tomlOptions(t, bad), "m"); err == nil || !strings.Contains(err.Error(), "tool_calls") {
			t.Errorf("%s: error %v, want one naming tool_calls", bad, err)
		}
	}
}
