package jsonmerge

import (
	"strings"
	"testing"
)

const body = `{"model":"m","config":{"temperature":0.7,"seed":12345678901234567890},"stream":true}`

func TestReplace(t *testing.T) {
	t.Parallel()
	got, err := Replace([]byte(body), map[string]any{"config": map[string]any{"topK": 40}, "user": "u1"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"config":{"topK":40},"model":"m","stream":true,"user":"u1"}`
	if string(got) != want {
		t.Errorf("Replace = %s, want %s", got, want)
	}
}

func TestDeep(t *testing.T) {
	t.Parallel()
	type typed struct {
		TopK int `json:"topK"`
	}
	got, err := Deep([]byte(body), map[string]any{"config": typed{TopK: 40}, "stream": false, "model": map[string]any{"x": 1}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"config":{"seed":12345678901234567890,"temperature":0.7,"topK":40},"model":{"x":1},"stream":false}`
	if string(got) != want {
		t.Errorf("Deep = %s, want %s", got, want)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	for name, merge := range map[string]func([]byte, map[string]any) ([]byte, error){"Replace": Replace, "Deep": Deep} {
		if _, err := merge([]byte(`[1]`), map[string]any{"a": 1}); err == nil || !strings.HasPrefix(err.Error(), "merge extra fields: ") {
			t.Errorf("%s of a non-object = %v, want a merge error", name, err)
		}
		if _, err := merge([]byte(body), map[string]any{"f": func() {}}); err == nil || !strings.HasPrefix(err.Error(), `encode extra field "f": `) {
			t.Errorf("%s of an unencodable field = %v, want an encode error", name, err)
		}
	}
}
