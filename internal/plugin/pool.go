package plugin

import (
	"bytes"
	"context"
	"sync"

	"github.com/tetratelabs/wazero/api"
)

// instance is one live module of a plugin. It serves one call at a time.
type instance struct {
	mod                 api.Module
	alloc, free, handle api.Function
	out                 *capBuffer // the guest's stdout and stderr
	calls               int
}

// close releases the instance; it is never used again.
func (in *instance) close(ctx context.Context) {
	_ = in.mod.Close(context.WithoutCancel(ctx))
}

// pool keeps idle instances of one plugin and bounds how many exist.
type pool struct {
	slots  chan struct{} // one token per live or being-made instance
	mu     sync.Mutex
	idle   []*instance
	closed bool // drained: instances coming back are closed
}

func newPool(max int) *pool {
	return &pool{slots: make(chan struct{}, max)}
}

// acquire returns an idle instance, or nil with a slot reserved for a new
// one; it waits while every slot is in use.
func (p *pool) acquire(ctx context.Context) (*instance, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		in := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return in, nil
	}
	p.mu.Unlock()
	select {
	case p.slots <- struct{}{}:
		return nil, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// release returns a healthy instance to the pool, or closes it once the
// pool is drained.
func (p *pool) release(ctx context.Context, in *instance) {
	p.mu.Lock()
	closed := p.closed
	if !closed {
		p.idle = append(p.idle, in)
	}
	p.mu.Unlock()
	if closed {
		p.discard(ctx, in)
	}
}

// discard closes an instance and frees its slot.
func (p *pool) discard(ctx context.Context, in *instance) {
	if in != nil {
		in.close(ctx)
	}
	<-p.slots
}

// drain closes every idle instance, and every busy one when it comes back.
func (p *pool) drain(ctx context.Context) {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, in := range idle {
		p.discard(ctx, in)
	}
}

// capBuffer keeps the first max bytes written to it and drops the rest.
type capBuffer struct {
	max int
	buf bytes.Buffer
	cut bool
}

func (b *capBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room < len(p) {
		b.cut = true
		if room > 0 {
			b.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

// take returns what was written since the last take and resets.
func (b *capBuffer) take() string {
	s := b.buf.String()
	if b.cut {
		s += " [cut]"
	}
	b.buf.Reset()
	b.cut = false
	return s
}
