package simulator

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// createdAt matches Ollama's timestamps, the only part of an answer a
// seed does not fix.
var createdAt = regexp.MustCompile(`"created_at":"[^"]*"`)

// sameCut reports whether two truncated answers agree but for their
// timestamps, which also move the middle of a body by a few bytes.
var clockField = regexp.MustCompile(`"(created|created_at|latencyMs)":\d+`)

func sameCut(a, b []byte) bool {
	a = createdAt.ReplaceAll(a, []byte(`"created_at":""`))
	b = createdAt.ReplaceAll(b, []byte(`"created_at":""`))
	// Clocks read by the two servers (OpenAI's created, Bedrock's
	// latency) may differ by a tick.
	a = clockField.ReplaceAll(a, []byte(`"$1":0`))
	b = clockField.ReplaceAll(b, []byte(`"$1":0`))
	n := min(len(a), len(b))
	return n > 0 && bytes.Equal(a[:n], b[:n]) && max(len(a), len(b))-n <= 8 // a body half a shorter timestamp long is cut a few bytes earlier
}

// sendRaw sends req to ts with client c and returns the status, the body
// bytes that arrived and the error that ended the body's read (nil when
// it ended well).
func sendRaw(t testing.TB, c *http.Client, ts *testServer, req wireRequest) (int, []byte, error) {
	t.Helper()
	r, err := http.NewRequestWithContext(t.Context(), req.method, strings.TrimSuffix(ts.url, "/v1")+req.path, strings.NewReader(req.body))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	r.Header.Set("Content-Type", "application/json")
	for k, v := range req.hdr {
		r.Header.Set(k, v)
	}
	resp, err := c.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes(), err
}

// TestWiresTruncateCut checks that a truncated answer, streamed or not, on
// every wire and over HTTP/1.1 and HTTP/2, reaches the client as the same
// first half a clean truncation sends, followed by a dropped connection
// rather than a well-ended body.
func TestWiresTruncateCut(t *testing.T) {
	t.Parallel()
	const prompt = "one two three four five six seven eight"
	for _, proto := range []string{"http1", "h2c"} {
		for _, wc := range wireCases {
			for _, stream := range []bool{false, true} {
				t.Run(proto+"/"+wc.name+"/stream="+strconv.FormatBool(stream), func(t *testing.T) {
					t.Parallel()
					req := wc.request(t, prompt, stream, -1)
					clean := startServer(t, Config{Errors: ErrorRates{Truncate: 1}, TruncateMode: TruncateClean, Seed: 56})
					_, want, err := sendRaw(t, clean.client, clean, req)
					if err != nil {
						t.Fatalf("clean truncation: %v", err)
					}
					ts := startServer(t, Config{Errors: ErrorRates{Truncate: 1}, Seed: 56})
					c := ts.client
					if proto == "h2c" {
						c = h2cClient()
						defer c.CloseIdleConnections()
					}
					status, got, err := sendRaw(t, c, ts, req)
					if status != 200 || err == nil {
						t.Fatalf("status %d, read error %v: want 200 and a dropped connection", status, err)
					}
					if proto == "http1" && !errors.Is(err, io.ErrUnexpectedEOF) {
						t.Errorf("read error %v, want unexpected EOF", err)
					}
					if !sameCut(got, want) {
						t.Errorf("received %q before the cut, want %q", got, want)
					}
					if st := ts.sim.Stats(); st.Errors.Truncate != 1 || st.Answered != 0 {
						t.Errorf("stats %+v", st)
					}
				})
			}
		}
	}
}
