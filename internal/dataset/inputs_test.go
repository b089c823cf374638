package dataset

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/media"
)

func pngBytes(t *testing.T) string {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestInputsAttachToLastUserMessage(t *testing.T) {
	img := pngBytes(t)
	dir := writeFiles(t, map[string]string{
		"suite.yaml": `name: vision
test_cases: file://cases/cases.jsonl
`,
		"cases/cases.jsonl": `{"id":"a","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is in the picture?"}],"inputs":["file://img/cat.png"]}
{"id":"b","prompt":"Describe {{name}}","variables":{"name":"dog"},"inputs":["file://img/{{name}}.png","https://example.com/x.jpg"]}
{"id":"c","prompt":"Plain"}
`,
		"cases/img/cat.png": img,
		"cases/img/dog.png": img,
	})
	s, err := Load(filepath.Join(dir, "suite.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
	kinds := s.InputKinds()
	if len(kinds) != 2 || kinds[0].Part.MediaType != "image/png" || kinds[0].CaseID != "a" || len(kinds[0].Part.Data) == 0 ||
		kinds[1].Part.URL != "https://example.com/x.jpg" || kinds[1].CaseID != "b" {
		t.Fatalf("InputKinds = %+v", kinds)
	}
	cases, err := collect(t, s)
	if err != nil {
		t.Fatal(err)
	}
	msgs, disp, err := s.Render(Prompt{}, &cases[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || len(msgs[0].Parts) != 0 || len(msgs[1].Parts) != 1 || string(msgs[1].Parts[0].Data) != img {
		t.Errorf("case a messages = %+v", msgs)
	}
	if disp != "[image img/cat.png] What is in the picture?" {
		t.Errorf("display = %q", disp)
	}
	msgs, _, err = s.Render(Prompt{}, &cases[1])
	if err != nil {
		t.Fatal(err)
	}
	if got := msgs[0].Parts; len(got) != 2 || got[0].Name != "img/dog.png" || got[1].URL == "" {
		t.Errorf("case b parts = %+v", got)
	}
	msgs, _, _ = s.Render(Prompt{}, &cases[2])
	if len(msgs[0].Parts) != 0 {
		t.Error("case c got parts")
	}
}

func TestInputProblemsNameCaseAndLine(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"cases.jsonl": `{"id":"ok","prompt":"x","inputs":["file://a.png"]}
{"id":"missing","prompt":"x","inputs":["file://nope.png"]}
{"id":"text","prompt":"x","inputs":["file://notes.txt"]}
{"id":"var","prompt":"x","inputs":["file://{{img}}"]}
{"id":"big","prompt":"x","inputs":["file://a.png"]}
`,
		"a.png":     pngBytes(t),
		"notes.txt": "hello",
	})
	s, err := Load(filepath.Join(dir, "cases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	s.SetMediaLimits(media.Limits{ImageFormats: []string{"png"}})
	err = s.Validate(t.Context())
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"cases.jsonl:2", "missing", "nope.png", "cases.jsonl:3", "not a known image or audio format", "cases.jsonl:4", "img"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if len(ve.Problems) != 3 {
		t.Errorf("%d problems, want 3:\n%s", len(ve.Problems), msg)
	}
}
