package simulator

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// h2cClient speaks only unencrypted HTTP/2 with prior knowledge, as the
// AWS SDK for JavaScript's default handler does to an http:// endpoint.
func h2cClient() *http.Client {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: &p}}
}

func TestServesUnencryptedHTTP2(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 48})
	root := strings.TrimSuffix(ts.url, "/v1")
	c := h2cClient()
	defer c.CloseIdleConnections()
	for _, tt := range []struct{ name, path, body, want string }{
		{"openai", "/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi there"}]}`, `"hi there"`},
		{"bedrock converse", "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
			`{"messages":[{"role":"user","content":[{"text":"hi there"}]}]}`, `"text":"hi there"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, root+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer ABSK-simulated")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatalf("h2c request: %v", err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.ProtoMajor != 2 || resp.StatusCode != 200 || !strings.Contains(string(body), tt.want) {
				t.Errorf("%s: %s %d %s", tt.name, resp.Proto, resp.StatusCode, body)
			}
		})
	}
	// HTTP/1.1 still works on the same listener.
	resp, err := ts.client.Get(root + "/health")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.ProtoMajor != 1 || resp.StatusCode != 200 {
		t.Errorf("HTTP/1.1: %s %d", resp.Proto, resp.StatusCode)
	}
}
