package live

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func progress(run string, done int, status string) Message {
	return Message{Topic: "benchmark.progress", RunID: run, Owner: "u1",
		Payload: Progress{BenchmarkID: run, Status: status, Done: done, Total: 10}}
}

// label names a message for comparisons: topic, run and done count.
func label(m Message) string {
	if p, ok := m.Payload.(Progress); ok {
		return fmt.Sprintf("%s/%s/%d/%s", m.Topic, p.BenchmarkID, p.Done, p.Status)
	}
	return fmt.Sprintf("%s/%v", m.Topic, m.Payload)
}

// collect reads n messages from s, failing after a timeout.
func collect(t *testing.T, s *Subscription, n int) []string {
	t.Helper()
	var got []string
	for range n {
		select {
		case m, ok := <-s.C():
			if !ok {
				t.Fatalf("channel closed after %v", got)
			}
			got = append(got, label(m))
		case <-time.After(5 * time.Second):
			t.Fatalf("timed out after %v", got)
		}
	}
	return got
}

func mustSubscribe(t *testing.T, h *Hub, topics []string, buffer int, filter func(Message) bool) *Subscription {
	t.Helper()
	s, err := h.Subscribe(topics, buffer, filter)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestDeliveryByTopicAndFilter(t *testing.T) {
	t.Parallel()
	h := NewHub()
	defer h.Close()
	metrics := mustSubscribe(t, h, []string{"metrics.*"}, 8, nil)
	mine := mustSubscribe(t, h, []string{"benchmark.progress", "alerts.*"}, 8,
		func(m Message) bool { return m.Owner == "" || m.Owner == "u1" })

	h.Publish(Message{Topic: "metrics.latency", Payload: 1})
	h.Publish(Message{Topic: "benchmark.progress", Owner: "u2", Payload: "theirs"})
	h.Publish(Message{Topic: "benchmark.progress", Owner: "u1", Payload: "ours"})
	h.Publish(Message{Topic: "alerts.critical", Payload: "disk"})
	h.Publish(Message{Topic: "metrics.a.b", Payload: 2})
	h.Publish(Message{Topic: "metrics.cost", Payload: 3})

	if diff := cmp.Diff([]string{"metrics.latency/1", "metrics.cost/3"}, collect(t, metrics, 2)); diff != "" {
		t.Errorf("metrics.* (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"benchmark.progress/ours", "alerts.critical/disk"}, collect(t, mine, 2)); diff != "" {
		t.Errorf("filtered (-want +got):\n%s", diff)
	}
}

func TestSetTopics(t *testing.T) {
	t.Parallel()
	h := NewHub()
	defer h.Close()
	s := mustSubscribe(t, h, nil, 8, nil)
	h.Publish(Message{Topic: "alerts.x", Payload: "before"})
	if err := s.SetTopics([]string{"alerts.*"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTopics([]string{"alerts.*", "no good"}); err == nil {
		t.Error("SetTopics took an invalid pattern")
	}
	if diff := cmp.Diff([]string{"alerts.*"}, s.Topics()); diff != "" {
		t.Errorf("topics after a refused change (-want +got):\n%s", diff)
	}
	h.Publish(Message{Topic: "alerts.x", Payload: "after"})
	if diff := cmp.Diff([]string{"alerts.x/after"}, collect(t, s, 1)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSubscribeRefuses(t *testing.T) {
	t.Parallel()
	h := NewHub()
	if _, err := h.Subscribe([]string{"metrics.*"}, 0, nil); err == nil {
		t.Error("buffer 0 accepted")
	}
	if _, err := h.Subscribe([]string{"*.x"}, 1, nil); err == nil {
		t.Error("bad pattern accepted")
	}
	h.Close()
	if _, err := h.Subscribe([]string{"metrics.*"}, 1, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
	h.Publish(Message{Topic: "metrics.x"}) // must not panic
}

func TestCloseEndsChannel(t *testing.T) {
	t.Parallel()
	h := NewHub()
	s, err := h.Subscribe([]string{"*"}, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	other, err := h.Subscribe([]string{"*"}, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.Publish(Message{Topic: "x"})
	s.Close()
	s.Close()
	for range s.C() { // drains what is left, then ends
	}
	h.Publish(Message{Topic: "y"}) // s is gone; other still gets it
	if diff := cmp.Diff([]string{"x/<nil>", "y/<nil>"}, collect(t, other, 2)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	h.Close()
	if _, ok := <-other.C(); ok {
		t.Error("hub Close left a channel open")
	}
	other.Close()
}

// A full subscriber loses the newest ordinary messages, counted, and
// never blocks the publisher.
func TestDropNewestWhenFull(t *testing.T) {
	t.Parallel()
	h := NewHub()
	defer h.Close()
	s := mustSubscribe(t, h, []string{"metrics.*"}, 2, nil)
	h.Publish(Message{Topic: "metrics.m", Payload: 0})
	waitQueued(t, s, 0) // the pump holds 0, waiting for a reader
	for i := 1; i <= 5; i++ {
		h.Publish(Message{Topic: "metrics.m", Payload: i})
	}
	if got := s.Dropped(); got != 3 {
		t.Errorf("Dropped = %d, want 3", got)
	}
	if diff := cmp.Diff([]string{"metrics.m/0", "metrics.m/1", "metrics.m/2"}, collect(t, s, 3)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A final message evicts an older progress message of its own benchmark,
// else the oldest ordinary one, and only takes a reserve slot when the
// queue holds nothing but finals.
func TestFinalMessageIsKept(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		publish     []Message
		want        []string
		wantDropped uint64
	}{
		{
			name: "evicts its own benchmark's progress",
			publish: []Message{
				progress("b", 1, "running"), progress("a", 2, "running"),
				progress("a", 3, "running"), // dropped: full
				progress("a", 10, "completed"),
			},
			want:        []string{"benchmark.progress/b/1/running", "benchmark.progress/a/10/completed"},
			wantDropped: 2,
		},
		{
			name: "evicts the oldest ordinary message",
			publish: []Message{
				{Topic: "metrics.m", Payload: "x"}, progress("b", 1, "running"),
				{Topic: "benchmark.finished", RunID: "a", Payload: "a done"},
			},
			want:        []string{"benchmark.progress/b/1/running", "benchmark.finished/a done"},
			wantDropped: 1,
		},
		{
			name: "reserve slots, then a counted loss",
			publish: []Message{
				progress("a", 10, "failed"), progress("b", 10, "cancelled"),
				progress("c", 10, "cost_limit"), progress("d", 10, "completed"),
				progress("e", 10, "completed"), // 2×buffer finals already wait
			},
			want: []string{"benchmark.progress/a/10/failed", "benchmark.progress/b/10/cancelled",
				"benchmark.progress/c/10/cost_limit", "benchmark.progress/d/10/completed"},
			wantDropped: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := NewHub()
			defer h.Close()
			s := mustSubscribe(t, h, []string{"*"}, 2, nil)
			h.Publish(progress("z", 1, "running"))
			waitQueued(t, s, 0)
			for _, m := range tc.publish {
				h.Publish(m)
			}
			if got := s.Dropped(); got != tc.wantDropped {
				t.Errorf("Dropped = %d, want %d", got, tc.wantDropped)
			}
			want := append([]string{"benchmark.progress/z/1/running"}, tc.want...)
			if diff := cmp.Diff(want, collect(t, s, len(want))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestIsFinal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		m    Message
		want bool
	}{
		{progress("a", 1, "running"), false},
		{progress("a", 1, "queued"), false},
		{progress("a", 1, "completed"), true},
		{progress("a", 1, "failed"), true},
		{progress("a", 1, "cancelled"), true},
		{progress("a", 1, "cost_limit"), true},
		{Message{Topic: "benchmark.progress", Payload: &Progress{Status: "completed"}}, true},
		{Message{Topic: "benchmark.progress", Payload: (*Progress)(nil)}, false},
		{Message{Topic: "benchmark.progress", Payload: "completed"}, false},
		{Message{Topic: "benchmark.finished"}, true},
		{Message{Topic: "metrics.x", Payload: Progress{Status: "completed"}}, false},
	} {
		if got := IsFinal(tc.m); got != tc.want {
			t.Errorf("IsFinal(%s) = %v, want %v", label(tc.m), got, tc.want)
		}
	}
}

// Many publishers and subscribers, with subscribers joining and leaving:
// a subscriber with room loses nothing and sees each publisher's messages
// in order.
func TestConcurrentPublishSubscribe(t *testing.T) {
	t.Parallel()
	const publishers, perPublisher, subscribers = 8, 500, 16
	h := NewHub()
	defer h.Close()

	var wg sync.WaitGroup
	results := make([]map[int][]int, subscribers)
	subs := make([]*Subscription, subscribers)
	for i := range subscribers {
		subs[i] = mustSubscribe(t, h, []string{"metrics.*"}, publishers*perPublisher, nil)
		results[i] = map[int][]int{}
		wg.Go(func() {
			for range publishers * perPublisher {
				m := <-subs[i].C()
				v := m.Payload.([2]int)
				results[i][v[0]] = append(results[i][v[0]], v[1])
			}
		})
	}
	var pubs sync.WaitGroup
	for p := range publishers {
		pubs.Go(func() {
			for n := range perPublisher {
				h.Publish(Message{Topic: "metrics.m", Payload: [2]int{p, n}})
			}
		})
	}
	pubs.Go(func() { // churn
		for range 200 {
			s, err := h.Subscribe([]string{"metrics.*"}, 1, nil)
			if err != nil {
				t.Error(err)
				return
			}
			s.Close()
		}
	})
	pubs.Wait()
	wg.Wait()
	for i, r := range results {
		if d := subs[i].Dropped(); d != 0 {
			t.Errorf("subscriber %d dropped %d", i, d)
		}
		for p := range publishers {
			for n, v := range r[p] {
				if v != n {
					t.Fatalf("subscriber %d, publisher %d: message %d is %d", i, p, n, v)
				}
			}
		}
	}
}

// Slow subscribers with small buffers under concurrent publishers still
// receive every benchmark's final message.
func TestFinalsSurviveLoad(t *testing.T) {
	t.Parallel()
	const runs, steps, subscribers = 8, 300, 6
	h := NewHub()
	defer h.Close()
	finals := make([]map[string]bool, subscribers)
	var wg sync.WaitGroup
	for i := range subscribers {
		s := mustSubscribe(t, h, []string{"benchmark.progress"}, runs/2, nil)
		finals[i] = map[string]bool{}
		wg.Go(func() {
			for len(finals[i]) < runs {
				select {
				case m := <-s.C():
					if IsFinal(m) {
						finals[i][m.RunID] = true
					}
					time.Sleep(50 * time.Microsecond) // a slow reader
				case <-time.After(10 * time.Second):
					t.Errorf("subscriber %d: finals %v after 10 s", i, finals[i])
					return
				}
			}
		})
	}
	var pubs sync.WaitGroup
	for r := range runs {
		pubs.Go(func() {
			id := fmt.Sprintf("run-%d", r)
			for n := range steps {
				h.Publish(progress(id, n, "running"))
			}
			h.Publish(progress(id, steps, "completed"))
		})
	}
	pubs.Wait()
	wg.Wait()
}

// BenchmarkPublish100 publishes to 100 subscribers that keep up.
func BenchmarkPublish100(b *testing.B) {
	h := NewHub()
	defer h.Close()
	var wg sync.WaitGroup
	for range 100 {
		s, err := h.Subscribe([]string{"benchmark.progress"}, 1024, func(m Message) bool { return m.Owner != "" })
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		wg.Go(func() {
			for range s.C() {
			}
		})
	}
	m := progress("a", 1, "running")
	b.ReportAllocs()
	for b.Loop() {
		h.Publish(m)
	}
	b.StopTimer()
	h.Close()
	wg.Wait()
}

// BenchmarkPublish100Full publishes to 100 subscribers that read nothing:
// every offer is a drop.
func BenchmarkPublish100Full(b *testing.B) {
	h := NewHub()
	defer h.Close()
	for range 100 {
		s, err := h.Subscribe([]string{"benchmark.progress"}, 16, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
	}
	m := progress("a", 1, "running")
	b.ReportAllocs()
	for b.Loop() {
		h.Publish(m)
	}
}
