package calibrate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadShippedSets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file   string
		kind   Kind
		labels LabelKind
		n      int
	}{
		{"testdata/graded.jsonl", Graded, BinaryLabels, 20},
		{"testdata/scores.jsonl", Graded, NumericLabels, 8},
		{"testdata/pairwise.json", Pairwise, PreferenceLabels, 12},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			s := mustLoad(t, tc.file)
			if s.Kind != tc.kind || s.Labels != tc.labels || len(s.Items) != tc.n || s.File != tc.file {
				t.Errorf("got %s set of %s labels, %d items from %s", s.Kind, s.Labels, len(s.Items), s.File)
			}
		})
	}
	p := mustLoad(t, "testdata/pairwise.json")
	// LLMBar's items have no id: they are numbered, and located by line.
	if it := p.Items[2]; it.ID != "#3" || it.Line != 14 || it.Preference() != First || !strings.HasPrefix(it.Output2, "The server found") {
		t.Errorf("third pairwise item: %+v", it)
	}
	if it := p.Items[3]; it.Preference() != Tie {
		t.Errorf("fourth pairwise item's label %v, want a tie", it.Preference())
	}
}

// TestParseFormats reads the same two items from each format.
func TestParseFormats(t *testing.T) {
	t.Parallel()
	want := []Item{
		{ID: "a", Line: 0, Kind: Graded, Input: "q1", Output: "o1", Expected: "e1", Context: []string{"c1"}, Labels: BinaryLabels, Label: 1},
		{ID: "7", Line: 0, Kind: Graded, Input: "q2", Output: "", Context: []string{"c2", "c3"}, Rubric: "r", Labels: BinaryLabels, Label: 0},
	}
	for _, tc := range []struct {
		name, body string
		lines      [2]int
	}{
		{"set.jsonl", "\xef\xbb\xbf{\"id\":\"a\",\"input\":\"q1\",\"output\":\"o1\",\"expected\":\"e1\",\"context\":\"c1\",\"label\":true}\n\n" +
			"{\"id\":7,\"input\":\"q2\",\"output\":\"\",\"context\":[\"c2\",\"c3\"],\"criteria\":\"r\",\"label\":false,\"metadata\":{\"x\":1}}\r\n", [2]int{1, 3}},
		{"set.json", "[\n  {\"id\":\"a\",\"input\":\"q1\",\"output\":\"o1\",\"expected\":\"e1\",\"context\":\"c1\",\"label\":true},\n" +
			"\n  {\"id\":7,\"input\":\"q2\",\"output\":\"\",\"context\":[\"c2\",\"c3\"],\"rubric\":\"r\",\"label\":false}\n]\n", [2]int{2, 4}},
		{"set.yaml", "# two items\n- id: a\n  input: q1\n  output: o1\n  expected: e1\n  context: c1\n  label: true\n" +
			"- id: 7\n  input: q2\n  output: \"\"\n  context: [c2, c3]\n  rubric: r\n  label: false\n", [2]int{2, 8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tc.name, []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			w := []Item{want[0], want[1]}
			w[0].Line, w[1].Line = tc.lines[0], tc.lines[1]
			if diff := cmp.Diff(w, s.Items); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseRejects checks that every malformed set is refused with the
// file, the line and what is wrong.
func TestParseRejects(t *testing.T) {
	t.Parallel()
	const g = `{"input":"q","output":"o","label":true}`
	const p = `{"input":"q","output_1":"a","output_2":"b","label":1}`
	for _, tc := range []struct {
		name, file, body, want string
	}{
		{"empty", "s.jsonl", "\n\n", "s.jsonl: no items"},
		{"empty array", "s.json", "[]", "s.json: no items"},
		{"unknown format", "s.csv", g, `unknown format ".csv"`},
		{"not JSON", "s.jsonl", g + "\n{\"input\": \n", "s.jsonl:2: not JSON"},
		{"not an object", "s.jsonl", g + "\n[1,2]\n", "s.jsonl:2: an item must be a JSON object"},
		{"a string", "s.jsonl", `"hello"`, "s.jsonl:1: an item must be a JSON object"},
		{"null", "s.jsonl", "null", "s.jsonl:1: an item must be a JSON object, not null"},
		{"kinds mixed", "s.jsonl", g + "\n" + g + "\n" + p + "\n", "s.jsonl:3: a pairwise item in a graded set (line 1 is graded)"},
		{"labels mixed", "s.jsonl", g + "\n" + `{"input":"q","output":"o","label":3}`, "s.jsonl:2: a numeric label in a set of binary labels (line 1)"},
		{"both kinds in one item", "s.jsonl", `{"input":"q","output":"o","output_1":"a","label":1}`, `s.jsonl:1: both "output" (a graded item) and "output_1"/"output_2"`},
		{"no answer", "s.jsonl", `{"input":"q","label":true}`, "s.jsonl:1: no answer"},
		{"missing input", "s.jsonl", `{"output":"o","label":true}`, `s.jsonl:1: "input" is missing`},
		{"missing output_2", "s.jsonl", `{"input":"q","output_1":"a","label":1}`, `"output_2" is missing`},
		{"missing label", "s.jsonl", `{"input":"q","output":"o"}`, `s.jsonl:1: "label" is missing`},
		{"label a string", "s.jsonl", `{"input":"q","output":"o","label":"yes"}`, `"label" must be true, false or a number, not "yes"`},
		{"pairwise label 3", "s.jsonl", p + "\n" + `{"input":"q","output_1":"a","output_2":"b","label":3}`, `s.jsonl:2: "label" of a pairwise item must be 1, 2 or 0 (a tie), not 3`},
		{"pairwise label true", "s.jsonl", `{"input":"q","output_1":"a","output_2":"b","label":true}`, `must be 1, 2 or 0 (a tie), not true`},
		{"output a number", "s.jsonl", `{"input":"q","output":5,"label":true}`, `"output" must be a string, not 5`},
		{"context a number", "s.jsonl", `{"input":"q","output":"o","context":5,"label":true}`, `"context" must be a string or a list of strings`},
		{"misspelt field", "s.jsonl", `{"input":"q","output":"o","expceted":"x","label":true}`, `s.jsonl:1: unknown field "expceted" in a graded item`},
		{"PandaLM fields", "s.jsonl", `{"input":"q","output_1":"a","output_2":"b","annotator1":1,"label":1}`, `unknown field "annotator1" in a pairwise item`},
		{"rubric and criteria", "s.jsonl", `{"input":"q","output":"o","rubric":"a","criteria":"b","label":true}`, `both "rubric" and "criteria"`},
		{"fractional id", "s.jsonl", `{"id":1.5,"input":"q","output":"o","label":true}`, `"id" must be a string or an integer, not 1.5`},
		{"empty id", "s.jsonl", `{"id":"","input":"q","output":"o","label":true}`, `"id" is empty`},
		{"duplicate id", "s.jsonl", `{"id":"x","input":"q","output":"o","label":true}` + "\n\n" + `{"id":"x","input":"q","output":"o","label":false}`, `s.jsonl:3: id "x" again (first at line 1)`},
		{"invalid UTF-8", "s.jsonl", g + "\n" + "{\"input\":\"\xff\",\"output\":\"o\",\"label\":true}", "s.jsonl:2: not valid UTF-8"},
		{"array element bad", "s.json", "[\n" + g + ",\n" + g + ",\n  {\"input\":\"q\",\"output\":\"o\"}\n]", `s.json:4: "label" is missing`},
		{"array broken", "s.json", "[\n" + g + ",\n" + g + "\n" + g + "]", "s.json:4: not a JSON array of items: expected comma after array element"},
		{"array not closed", "s.json", "[\n" + g + ",\n", "s.json:"},
		{"data after the array", "s.json", "[" + g + "]\n[]", "s.json:2: more data after the JSON array"},
		{"yaml not a list", "s.yaml", "input: q\n", "s.yaml:1: want a list of items"},
		{"yaml bad item", "s.yml", "- input: q\n  output: o\n  label: true\n- input: q\n  output: o\n  label: maybe\n", `s.yml:4: "label" must be true, false or a number, not "maybe"`},
		{"yaml alias", "s.yaml", "- &a {input: q, output: o, label: true}\n- *a\n", "s.yaml:2: yaml aliases (*name) are not supported"},
		{"yaml syntax", "s.yaml", "- input: [q\n", "s.yaml:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tc.file, []byte(tc.body))
			if err == nil {
				t.Fatalf("loaded %d items, want an error containing %q", len(s.Items), tc.want)
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Errorf("error %T is not a *LoadError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "nope.jsonl")
	if _, err := Load(p); err == nil || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), p) {
		t.Errorf("error %v, want one naming %s", err, p)
	}
}
