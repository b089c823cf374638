package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// alertTests is the AlertStore section.
var alertTests = []test{
	{"RoundTrip", testAlertRoundTrip},
	{"Resolve", testAlertResolve},
	{"PagesAndFilters", testAlertPages},
}

func newAlert(id, rule string, i int) *store.Alert {
	return &store.Alert{
		ID: id, Rule: rule, Severity: "warning", Condition: "p95_latency_ms > 500 over 2s",
		Message: "p95_latency_ms = 812.5 > 500 (ünïcode ✓)", Provider: "openai:gpt-4o-mini", Model: "gpt-4o-mini",
		RunID: "run-1", Value: 812.5, Threshold: 500,
		Details:     map[string]any{"values": map[string]any{"p95_latency_ms": 812.5}, "window": "2s"},
		TriggeredAt: at(i),
	}
}

func listAlerts(t *testing.T, s store.Store, q store.AlertQuery) ([]store.Alert, string) {
	t.Helper()
	items, next, err := s.ListAlerts(ctxT(t), q)
	if err != nil {
		t.Fatalf("ListAlerts(%+v): %v", q, err)
	}
	return items, next
}

func testAlertRoundTrip(t *testing.T, s store.Store) {
	a := newAlert("a1", "slow", 1)
	if err := s.CreateAlert(ctxT(t), a); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAlert(ctxT(t), newAlert("a1", "other", 2)); !errors.Is(err, store.ErrExists) {
		t.Errorf("CreateAlert(same id) = %v, want ErrExists", err)
	}
	bare := &store.Alert{ID: "a2", Rule: "bare"}
	if err := s.CreateAlert(ctxT(t), bare); err != nil || bare.TriggeredAt.IsZero() {
		t.Fatalf("CreateAlert(bare) = %v, triggered %v", err, bare.TriggeredAt)
	}
	if err := s.CreateAlert(ctxT(t), &store.Alert{ID: "a3"}); err == nil {
		t.Error("CreateAlert without a rule succeeded")
	}
	got, next := listAlerts(t, s, store.AlertQuery{})
	want := []store.Alert{
		{ID: "a2", Rule: "bare", Details: map[string]any{}, TriggeredAt: bare.TriggeredAt.UTC()},
		*a,
	}
	want[1].TriggeredAt = a.TriggeredAt.UTC()
	if d := cmp.Diff(want, got); d != "" || next != "" {
		t.Errorf("ListAlerts (-want +got):\n%s\nnext %q", d, next)
	}
}

func testAlertResolve(t *testing.T, s store.Store) {
	a := newAlert("a1", "slow", 1)
	if err := s.CreateAlert(ctxT(t), a); err != nil {
		t.Fatal(err)
	}
	if err := s.ResolveAlert(ctxT(t), "a1", at(5), map[string]any{"resolved_values": map[string]any{"p95_latency_ms": 12.0}}); err != nil {
		t.Fatal(err)
	}
	if err := s.ResolveAlert(ctxT(t), "a1", at(6), nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ResolveAlert(resolved) = %v, want ErrNotFound", err)
	}
	if err := s.ResolveAlert(ctxT(t), "nope", at(6), nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ResolveAlert(missing) = %v, want ErrNotFound", err)
	}
	got, _ := listAlerts(t, s, store.AlertQuery{})
	if len(got) != 1 {
		t.Fatalf("ListAlerts = %+v", got)
	}
	if r := got[0].ResolvedAt; r == nil || !r.Equal(at(5)) || r.Location() != time.UTC {
		t.Errorf("resolved at %v, want %v in UTC", r, at(5))
	}
	wantDetails := map[string]any{
		"values": map[string]any{"p95_latency_ms": 812.5}, "window": "2s",
		"resolved_values": map[string]any{"p95_latency_ms": 12.0},
	}
	if d := cmp.Diff(wantDetails, got[0].Details); d != "" {
		t.Errorf("details after resolve (-want +got):\n%s", d)
	}
}

func testAlertPages(t *testing.T, s store.Store) {
	// Seven alerts of two rules; a3 and a4 share a trigger time (the id
	// breaks the tie); the even ones are resolved.
	for i := range 7 {
		a := newAlert(fmt.Sprintf("a%d", i), []string{"slow", "costly"}[i%2], i)
		if i == 4 {
			a.TriggeredAt = at(3)
		}
		if err := s.CreateAlert(ctxT(t), a); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := s.ResolveAlert(ctxT(t), a.ID, at(10+i), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	ids := func(as []store.Alert) []string {
		out := []string{}
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	var all []string
	q := store.AlertQuery{Limit: 3}
	for range 5 {
		page, next := listAlerts(t, s, q)
		all = append(all, ids(page)...)
		if next == "" {
			break
		}
		q.After = next
	}
	if d := cmp.Diff([]string{"a6", "a5", "a4", "a3", "a2", "a1", "a0"}, all); d != "" {
		t.Errorf("pages (-want +got):\n%s", d)
	}
	for _, tc := range []struct {
		q    store.AlertQuery
		want []string
	}{
		{store.AlertQuery{State: store.AlertFiring}, []string{"a5", "a3", "a1"}},
		{store.AlertQuery{State: store.AlertResolved, Rule: "slow"}, []string{"a6", "a4", "a2", "a0"}},
		{store.AlertQuery{Rule: "costly", Limit: 2}, []string{"a5", "a3"}},
		{store.AlertQuery{Rule: "none"}, []string{}},
	} {
		got, _ := listAlerts(t, s, tc.q)
		if d := cmp.Diff(tc.want, ids(got)); d != "" {
			t.Errorf("ListAlerts(%+v) (-want +got):\n%s", tc.q, d)
		}
	}
	if _, _, err := s.ListAlerts(ctxT(t), store.AlertQuery{After: "bm90IGEgY3Vyc29y"}); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("ListAlerts(bad cursor) = %v, want ErrBadCursor", err)
	}
	if _, _, err := s.ListAlerts(ctxT(t), store.AlertQuery{State: "sleeping"}); err == nil {
		t.Error("ListAlerts(unknown state) succeeded")
	}
}
