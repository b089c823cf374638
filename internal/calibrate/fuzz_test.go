package calibrate

import (
	"errors"
	"math"
	"testing"
)

// FuzzParseItem feeds arbitrary lines to the item parser: it must never
// panic, and an item it accepts must be whole.
func FuzzParseItem(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","input":"q","output":"o","expected":"e","context":["c"],"rubric":"r","label":true}`,
		`{"input":"q","output":"o","label":4.5,"metadata":{"k":[1,2]}}`,
		`{"input":"q","output_1":"a","output_2":"b","label":0}`,
		`{"id":12,"input":"q","output_1":"a","output_2":"b","criteria":"c","label":2}`,
		`{"input":"q","output":"o","label":1e309}`,
		`{"input":null,"output":"o","label":true}`,
		`[]`, `null`, `"x"`, `{`, `{"output":"o","output_2":"b"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		it, err := ParseItem(line)
		if err != nil {
			return
		}
		switch it.Kind {
		case Graded:
			if it.Labels == BinaryLabels && it.Label != 0 && it.Label != 1 {
				t.Fatalf("binary label %v", it.Label)
			}
			if it.Labels != BinaryLabels && it.Labels != NumericLabels {
				t.Fatalf("graded item with %s labels", it.Labels)
			}
			if math.IsNaN(it.Label) || math.IsInf(it.Label, 0) {
				t.Fatalf("label %v", it.Label)
			}
		case Pairwise:
			if it.Labels != PreferenceLabels || (it.Label != 0 && it.Label != 1 && it.Label != 2) {
				t.Fatalf("pairwise label %v (%s)", it.Label, it.Labels)
			}
		default:
			t.Fatalf("item of kind %q", it.Kind)
		}
	})
}

// FuzzParse feeds arbitrary files in each format to the loader: it must
// never panic, every error must be a *LoadError, and a set it accepts
// must be of one kind with items located in the file.
func FuzzParse(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input, which is slow
	// for a whole shipped set.
	f.Add(uint8(0), []byte("{\"id\":\"a\",\"input\":\"q\",\"output\":\"o\",\"label\":true}\n\n{\"input\":\"q\",\"output\":\"\",\"context\":[\"c\"],\"label\":false}\n"))
	f.Add(uint8(1), []byte("[\n {\"input\":\"q\",\"output_1\":\"a\",\"output_2\":\"b\",\"label\":1},\n {\"input\":\"q\",\"output_1\":\"a\",\"output_2\":\"b\",\"label\":0}\n]"))
	f.Add(uint8(2), []byte("- input: q\n  output: o\n  label: true\n"))
	f.Add(uint8(2), []byte("- &a {input: q, output: o, label: true}\n- *a\n"))
	f.Add(uint8(1), []byte(`[{"input":"q","output":"o","label":true}] x`))
	names := []string{"f.jsonl", "f.json", "f.yaml"}
	f.Fuzz(func(t *testing.T, format uint8, data []byte) {
		name := names[int(format)%len(names)]
		s, err := Parse(name, data)
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %T %v is not a *LoadError", err, err)
			}
			return
		}
		lines := 1
		for _, c := range data {
			if c == '\n' {
				lines++
			}
		}
		for _, it := range s.Items {
			if it.Kind != s.Kind || it.Labels != s.Labels || it.ID == "" {
				t.Fatalf("item %+v in a %s set of %s labels", it, s.Kind, s.Labels)
			}
			if name != "f.yaml" && (it.Line < 1 || it.Line > lines) {
				t.Fatalf("item at line %d of %d", it.Line, lines)
			}
		}
	})
}
