package replay

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestServeCassetteRecordsRequest(t *testing.T) {
	c := Load(t, "TestAnthropicCommon/claude-sonnet-4/simple.yaml")
	s := ServeCassette(t, c)
	resp, err := http.Post(s.URL+"/v1/messages?x=1", "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if string(got) != c.Interactions[0].Response.Body {
		t.Errorf("body differs from the cassette")
	}
	last := s.Last(t)
	if last.Path != "/v1/messages" || last.RawQuery != "x=1" || string(last.Body) != `{"a":1}` {
		t.Errorf("seen = %+v", last)
	}
}

func TestCutAfterDropsConnection(t *testing.T) {
	body := strings.Repeat("data: x\n\n", 100)
	for name, s := range map[string]*Server{
		"option":   Serve(t, []Response{{Code: 200, Body: body}}, CutAfter(20)),
		"response": Serve(t, []Response{{Code: 200, Body: body, CutAfter: 20}}),
	} {
		resp, err := http.Get(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s: err = %v, want unexpected EOF", name, err)
		}
		if len(got) != 20 {
			t.Errorf("%s: read %d bytes, want 20", name, len(got))
		}
	}
}

func TestResponsesInTurn(t *testing.T) {
	s := Serve(t, []Response{Error(429, `{}`, "Retry-After", "1"), {Body: "ok"}})
	for i, want := range []int{429, 200, 200} {
		resp, err := http.Get(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("call %d: status %d, want %d", i, resp.StatusCode, want)
		}
	}
	if n := len(s.Requests()); n != 3 {
		t.Errorf("%d requests", n)
	}
	if len(Glob(t, "*/*/simple.yaml")) < 8 {
		t.Error("Glob found too few cassettes")
	}
}
