package server

import (
	"context"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

// SnapshotTopic is the live topic of the server's metrics snapshot.
const SnapshotTopic = "metrics.server"

// Snapshot is the payload of metrics.server: totals since start and the
// benchmarks queued and running now.
type Snapshot struct {
	Requests          float64 `json:"requests"`
	Errors            float64 `json:"errors"`
	InFlight          float64 `json:"in_flight"`
	BenchmarksQueued  float64 `json:"benchmarks_queued"`
	BenchmarksRunning float64 `json:"benchmarks_running"`
}

// publishSnapshots publishes a Snapshot every interval until ctx ends.
func (s *Server) publishSnapshots(ctx context.Context, every time.Duration) {
	if s.o.Publisher == nil {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			snap, err := s.metrics.Snapshot()
			if err != nil {
				s.log.WarnContext(ctx, "metrics snapshot", "err", err)
				continue
			}
			s.o.Publisher.Publish(live.Message{Topic: SnapshotTopic, Time: now.UTC(), Payload: snap})
		}
	}
}

// Snapshot reads the registry once.
func (m *Metrics) Snapshot() (Snapshot, error) {
	families, err := m.Registry.Gather()
	var snap Snapshot
	for _, f := range families {
		switch f.GetName() {
		case "llm_api_requests_total":
			for _, mt := range f.GetMetric() {
				v := mt.GetCounter().GetValue()
				snap.Requests += v
				if code := label(mt, "code"); len(code) == 3 && code[0] == '5' {
					snap.Errors += v
				}
			}
		case "llm_api_requests_in_flight":
			for _, mt := range f.GetMetric() {
				snap.InFlight += mt.GetGauge().GetValue()
			}
		case "llm_benchmarks":
			for _, mt := range f.GetMetric() {
				switch label(mt, "status") {
				case "queued":
					snap.BenchmarksQueued = mt.GetGauge().GetValue()
				case "running":
					snap.BenchmarksRunning = mt.GetGauge().GetValue()
				}
			}
		}
	}
	return snap, err
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}
