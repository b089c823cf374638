package graphqlapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

// metricsBoard keeps the latest message of each live metric (a metrics.*
// topic and its labels), which the metrics query answers from.
type metricsBoard struct {
	cancel func()
	done   chan struct{}

	mu     sync.Mutex
	latest map[string]boardEntry
}

type boardEntry struct {
	owner  string
	metric Metric
}

// maxMetrics bounds the board: series beyond it are not kept.
const maxMetrics = 10_000

// newMetricsBoard subscribes to metrics.* until close.
func newMetricsBoard(feed Feed, buffer int) (*metricsBoard, error) {
	msgs, cancel, err := feed.Subscribe([]string{topicMetrics}, buffer, func(live.Message) bool { return true })
	if err != nil {
		return nil, fmt.Errorf("subscribe to %s: %w", topicMetrics, err)
	}
	b := &metricsBoard{cancel: cancel, done: make(chan struct{}), latest: map[string]boardEntry{}}
	go func() {
		defer close(b.done)
		for m := range msgs {
			b.add(m)
		}
	}()
	return b, nil
}

// close ends the subscription and waits for the board's goroutine.
func (b *metricsBoard) close() {
	b.cancel()
	<-b.done
}

func (b *metricsBoard) add(m live.Message) {
	metric, ok := metricOf(m)
	if !ok {
		return
	}
	key := seriesKey(m.Owner, metric)
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, known := b.latest[key]; known || len(b.latest) < maxMetrics {
		b.latest[key] = boardEntry{owner: m.Owner, metric: metric}
	}
}

// snapshot returns the metrics p may see whose labels include want,
// sorted by name and labels.
func (b *metricsBoard) snapshot(p *auth.Principal, want map[string]string) []Metric {
	b.mu.Lock()
	keys := slices.Sorted(maps.Keys(b.latest))
	out := make([]Metric, 0, len(keys))
	for _, k := range keys {
		e := b.latest[k]
		if visibleTo(p, live.Message{Owner: e.owner}) && hasLabels(e.metric.Labels, want) {
			out = append(out, e.metric)
		}
	}
	b.mu.Unlock()
	return out
}

func hasLabels(labels []Label, want map[string]string) bool {
	n := 0
	for _, l := range labels {
		if v, ok := want[l.Name]; ok && v == l.Value {
			n++
		}
	}
	return n == len(want)
}

// metricOf reads a metrics.<name> message: its payload's labels (an object
// of strings) and value (a number) members, when present.
func metricOf(m live.Message) (Metric, bool) {
	name, ok := strings.CutPrefix(m.Topic, "metrics.")
	if !ok || name == "" {
		return Metric{}, false
	}
	payload, err := payloadJSON(m)
	if err != nil {
		return Metric{}, false
	}
	var parts struct {
		Labels map[string]string `json:"labels"`
		Value  *float64          `json:"value"`
	}
	// A payload that is not an object, or whose members have other types,
	// is kept whole with no labels and no value.
	_ = json.Unmarshal(payload, &parts)
	labels := make([]Label, 0, len(parts.Labels))
	for _, k := range slices.Sorted(maps.Keys(parts.Labels)) {
		labels = append(labels, Label{Name: k, Value: parts.Labels[k]})
	}
	t := m.Time
	if t.IsZero() {
		t = time.Now().UTC()
	}
	return Metric{Name: name, Labels: labels, Value: parts.Value, Payload: payload, Time: t}, true
}

func seriesKey(owner string, m Metric) string {
	var b strings.Builder
	b.WriteString(m.Name)
	for _, l := range m.Labels {
		b.WriteString("\x00" + l.Name + "=" + l.Value)
	}
	b.WriteString("\x00owner=" + owner)
	return b.String()
}
