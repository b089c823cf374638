package httpmw

import (
	"context"
	"net/http"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
)

// requestNotes is what inner middleware tells the access log, which wraps
// them and so cannot see the contexts they derive.
type requestNotes struct {
	mu     sync.Mutex
	userID string
	keyID  string
}

type notesKey struct{}

func withNotes(ctx context.Context) (context.Context, *requestNotes) {
	n := &requestNotes{}
	return context.WithValue(ctx, notesKey{}, n), n
}

// NotePrincipal records the request's authenticated principal (if any) for
// the access log. The authentication middleware should call it once it
// has put the principal in the context; RateLimit calls it too.
func NotePrincipal(r *http.Request) {
	n, _ := r.Context().Value(notesKey{}).(*requestNotes)
	p := auth.FromContext(r.Context())
	if n == nil || p == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.userID, n.keyID = p.UserID, p.KeyID
}

func (n *requestNotes) principal() (userID, keyID string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.userID, n.keyID
}
