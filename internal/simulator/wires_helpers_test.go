package simulator

import (
	"bufio"
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// recordingsDir holds the vendors' recorded exchanges shared by the repository.
const recordingsDir = "../../testdata/provider-recordings"

// loadRecording reads one go-vcr cassette below recordingsDir.
func loadRecording(t *testing.T, name string) cassette {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(recordingsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var c cassette
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	if len(c.Interactions) != 1 {
		t.Fatalf("%s: want 1 interaction, got %d", name, len(c.Interactions))
	}
	return c
}

// send sends body to path below the server's root (not its /v1 base) with
// the given headers, and returns the response with its body read.
func (ts *testServer) send(t testing.TB, method, path, body string, hdr map[string]string) (reply, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, strings.TrimSuffix(ts.url, "/v1")+path, strings.NewReader(body))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := ts.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatalf("read body of %s %s: %v", method, path, err)
	}
	return reply{StatusCode: resp.StatusCode, Header: resp.Header}, buf.Bytes()
}

// sseEvent is one server-sent event: its name ("" when it has none) and data.
type sseEvent struct {
	name string
	data []byte
}

// parseEvents splits a stream of server-sent events, checking the framing:
// an optional "event:" line, one "data: " line, and a blank line (sep is
// the line end, "\n" or "\r\n").
func parseEvents(t testing.TB, body []byte, sep string) []sseEvent {
	t.Helper()
	var evs []sseEvent
	rest := string(body)
	for rest != "" {
		block, after, ok := strings.Cut(rest, sep+sep)
		if !ok {
			t.Fatalf("event not ended by a blank line: %q", rest)
		}
		rest = after
		var ev sseEvent
		lines := strings.Split(block, sep)
		if name, ok := strings.CutPrefix(lines[0], "event: "); ok {
			ev.name = name
			lines = lines[1:]
		}
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "data: ") {
			t.Fatalf("event %q: want one data line", block)
		}
		ev.data = []byte(strings.TrimPrefix(lines[0], "data: "))
		evs = append(evs, ev)
	}
	return evs
}

// ndjsonLines splits an NDJSON body into its lines, checking that each is
// ended by "\n".
func ndjsonLines(t testing.TB, body []byte) [][]byte {
	t.Helper()
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	if len(body) > 0 && body[len(body)-1] != '\n' {
		t.Fatalf("NDJSON body does not end with a newline: %q", body)
	}
	return lines
}
