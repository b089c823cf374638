package distributed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// DistributedPath is the API server's route (under its base URL) that
// tells a worker where its distributed runs' jobs are queued.
const DistributedPath = "/api/v1/distributed"

// maxJoinAnswer bounds what AskNATSURL reads of the server's answer.
const maxJoinAnswer = 64 << 10

// AskNATSURL asks the API server at base (http[s]://host:port) for the
// NATS URL of its distributed runs, with an API key holding permission
// worker.join. Errors say what the server answered; they never hold the
// key.
func AskNATSURL(ctx context.Context, client *http.Client, base, apiKey string) (string, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("coordinator url %q: want http://HOST:PORT or https://HOST:PORT of the API server", base)
	}
	if apiKey == "" {
		return "", errors.New("coordinator url: no API key; set LTB_API_KEY to a key of an account allowed worker.join")
	}
	where := u.JoinPath(DistributedPath).String()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, where, nil)
	if err != nil {
		return "", fmt.Errorf("ask %s for the NATS server: %w", where, err)
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set("Accept", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("ask %s for the NATS server: %w", where, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxJoinAnswer))
	if err != nil {
		return "", fmt.Errorf("ask %s for the NATS server: read the answer: %w", where, err)
	}
	nats, err := parseJoinAnswer(res.StatusCode, body)
	if err != nil {
		return "", fmt.Errorf("ask %s for the NATS server: %w", where, err)
	}
	return nats, nil
}

// parseJoinAnswer reads GET /distributed's answer: the NATS URL, or the
// problem the server stated.
func parseJoinAnswer(status int, body []byte) (string, error) {
	if status != http.StatusOK {
		var p struct {
			Detail string `json:"detail"`
		}
		if json.Unmarshal(body, &p) == nil && p.Detail != "" {
			return "", fmt.Errorf("%d %s: %s", status, http.StatusText(status), p.Detail)
		}
		return "", fmt.Errorf("%d %s", status, http.StatusText(status))
	}
	var a struct {
		NATSURL string `json:"nats_url"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return "", fmt.Errorf("undecodable answer: %w", err)
	}
	u, err := url.Parse(a.NATSURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("the server named no usable NATS server (%q)", a.NATSURL)
	}
	return a.NATSURL, nil
}
