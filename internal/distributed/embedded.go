package distributed

import (
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Embedded is a NATS server with JetStream running inside this process,
// for one-machine use: it listens on loopback only.
type Embedded struct {
	srv *server.Server
}

// StartEmbedded starts a JetStream server that keeps its data in dir and
// listens on 127.0.0.1:port; port 0 picks a free one (never 4222 unless
// asked, which an installed server may hold).
func StartEmbedded(dir string, port int) (*Embedded, error) {
	if port == 0 {
		port = server.RANDOM_PORT
	}
	opts := &server.Options{
		ServerName: "ltb-embedded", Host: "127.0.0.1", Port: port,
		JetStream: true, StoreDir: dir,
		NoSigs: true, NoLog: true, HTTPPort: 0,
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded nats server: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return nil, fmt.Errorf("embedded nats server: not ready after 10s")
	}
	return &Embedded{srv: srv}, nil
}

// URL is where clients connect, nats://127.0.0.1:PORT.
func (e *Embedded) URL() string { return e.srv.ClientURL() }

// Close shuts the server down and waits for it.
func (e *Embedded) Close() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}
