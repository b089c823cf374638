package toolcalls

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	a, b := bench.Tool{Name: "a"}, bench.Tool{Name: "b"}
	tests := []struct {
		name   string
		tools  []bench.Tool
		choice *bench.ToolChoice
		err    string // "" means accepted
	}{
		{"no tools", nil, nil, ""},
		{"tools", []bench.Tool{a, b}, nil, ""},
		{"auto without tools", nil, &bench.ToolChoice{Mode: bench.ToolChoiceAuto}, ""},
		{"none without tools", nil, &bench.ToolChoice{Mode: bench.ToolChoiceNone}, ""},
		{"required", []bench.Tool{a}, &bench.ToolChoice{Mode: bench.ToolChoiceRequired}, ""},
		{"named", []bench.Tool{a, b}, &bench.ToolChoice{Mode: bench.ToolChoiceTool, Name: "b"}, ""},
		{"unnamed tool", []bench.Tool{a, {Name: " "}}, nil, "tool 2 has no name"},
		{"twice", []bench.Tool{a, a}, nil, `"a" is defined twice`},
		{"required without tools", nil, &bench.ToolChoice{Mode: bench.ToolChoiceRequired}, "without tools"},
		{"named without name", []bench.Tool{a}, &bench.ToolChoice{Mode: bench.ToolChoiceTool}, "names no tool"},
		{"named unknown", []bench.Tool{a}, &bench.ToolChoice{Mode: bench.ToolChoiceTool, Name: "c"}, `"c", which is not among`},
		{"unknown mode", []bench.Tool{a}, &bench.ToolChoice{Mode: "any"}, `"any" is not one of`},
	}
	for _, tt := range tests {
		err := Check(tt.tools, tt.choice)
		if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: Check = %v, want %q", tt.name, err, tt.err)
		}
	}
}

func TestObjectAndText(t *testing.T) {
	t.Parallel()
	tests := []struct{ raw, object, text string }{
		{``, `{}`, `{}`},
		{` null `, `{}`, `{}`},
		{"{\n  \"b\": 1.50,\n  \"a\": [1, 2]\n}", `{"b":1.50,"a":[1,2]}`, `{"b":1.50,"a":[1,2]}`},
		{`"{\"location\": \"Paris\"}"`, `"{\"location\": \"Paris\"}"`, `{"location": "Paris"}`},
		{`"{\"loc"`, `"{\"loc"`, `{"loc`},
		{`[1, 2]`, `[1,2]`, `[1,2]`},
	}
	for _, tt := range tests {
		if got := Object(json.RawMessage(tt.raw)); got != tt.object {
			t.Errorf("Object(%q) = %q, want %q", tt.raw, got, tt.object)
		}
		if got := Text(json.RawMessage(tt.raw)); got != tt.text {
			t.Errorf("Text(%q) = %q, want %q", tt.raw, got, tt.text)
		}
	}
}

func TestJoiner(t *testing.T) {
	t.Parallel()
	var j Joiner
	if j.Calls() != nil {
		t.Fatal("an empty joiner has calls")
	}
	if j.Append(1, "lost") {
		t.Error("a fragment of no open call was kept")
	}
	j.Start(1, "id1", "weather", "{}")
	j.Append(1, `{"loc`)
	j.Start(3, "id3", "now", "{}") // the calls grow while call 1 is open and written to
	j.Append(3, "")
	j.Append(1, `ation": "Paris"}`)
	j.Start(1, "id4", "again", "")
	j.Append(1, "x")
	want := []bench.ToolCall{
		{ID: "id1", Name: "weather", Arguments: `{"location": "Paris"}`},
		{ID: "id3", Name: "now", Arguments: "{}"},
		{ID: "id4", Name: "again", Arguments: "x"},
	}
	if diff := cmp.Diff(want, j.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if j.Len() != 3 {
		t.Errorf("Len = %d", j.Len())
	}
}

func TestOnlyAndSchema(t *testing.T) {
	t.Parallel()
	tools := []bench.Tool{{Name: "a"}, {Name: "b", Parameters: map[string]any{"type": "object", "properties": map[string]any{}}}}
	if got := Only(tools, "b"); len(got) != 1 || got[0].Name != "b" {
		t.Errorf("Only = %+v", got)
	}
	if got := Only(tools, "c"); got != nil {
		t.Errorf("Only of an unknown tool = %+v", got)
	}
	if diff := cmp.Diff(map[string]any{"type": "object"}, Schema(tools[0])); diff != "" {
		t.Errorf("Schema of a tool without parameters: %s", diff)
	}
	if Mode(nil) != bench.ToolChoiceAuto || Mode(&bench.ToolChoice{Mode: "none"}) != "none" {
		t.Error("Mode")
	}
}
