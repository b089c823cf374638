package promexp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Path is where a metrics listener serves the exposition.
const Path = "/metrics"

// Listener serves the exposition on an address of its own (bench
// --metrics-addr, [monitoring] metrics_port), without authentication:
// bind it to loopback or a network only Prometheus reaches.
type Listener struct {
	srv  *http.Server
	addr net.Addr
	done chan error
}

// Listen starts serving h at /metrics on addr until Close.
func Listen(ctx context.Context, addr string, h http.Handler) (*Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics listener on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+Path, h)
	l := &Listener{
		srv: &http.Server{
			Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
			WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		},
		addr: ln.Addr(),
		done: make(chan error, 1),
	}
	go func() { l.done <- l.srv.Serve(ln) }()
	return l, nil
}

// Addr is the address the listener is bound to.
func (l *Listener) Addr() net.Addr { return l.addr }

// Close stops the listener, letting a scrape in flight finish for up to
// five seconds.
func (l *Listener) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := l.srv.Shutdown(ctx)
	if serr := <-l.done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
