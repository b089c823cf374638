package storetest

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// pluginTests is the PluginStore section.
var pluginTests = []test{
	{"RoundTrip", testPluginRoundTrip},
	{"Reinstall", testPluginReinstall},
	{"ListAndDelete", testPluginListDelete},
}

func newPluginRecord(name, version string, i int) *store.PluginRecord {
	return &store.PluginRecord{
		Name: name, Version: version, Type: "evaluator", Author: "Zoë ✓", Description: "scores keywords",
		Hash:         "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Manifest:     "[package]\nname = \"" + name + "\"\nversion = \"" + version + "\"\n",
		Capabilities: []string{"llm.complete"}, Path: "/srv/plugins/" + name, Enabled: true,
		InstalledAt: at(i),
	}
}

func testPluginRoundTrip(t *testing.T, s store.Store) {
	p := newPluginRecord("kw", "1.0.0", 1)
	if err := s.PutPlugin(ctxT(t), p); err != nil {
		t.Fatal(err)
	}
	if !p.CreatedAt.Equal(at(1)) {
		t.Errorf("CreatedAt of a first install = %v, want its InstalledAt %v", p.CreatedAt, at(1))
	}
	got, err := s.GetPlugin(ctxT(t), "kw")
	if err != nil {
		t.Fatal(err)
	}
	want := *p
	want.CreatedAt, want.InstalledAt = at(1).UTC(), at(1).UTC()
	if diff := cmp.Diff(want, *got); diff != "" {
		t.Errorf("GetPlugin (-want +got):\n%s", diff)
	}
	bare := &store.PluginRecord{Name: "bare", Version: "0.1", Type: "exporter"}
	if err := s.PutPlugin(ctxT(t), bare); err != nil || bare.InstalledAt.IsZero() {
		t.Fatalf("PutPlugin(bare) = %v, installed %v", err, bare.InstalledAt)
	}
	got, err = s.GetPlugin(ctxT(t), "bare")
	if err != nil || got.Capabilities == nil || len(got.Capabilities) != 0 || got.Enabled {
		t.Errorf("bare plugin read back as %+v, %v", got, err)
	}
	if err := s.PutPlugin(ctxT(t), &store.PluginRecord{Version: "1"}); err == nil {
		t.Error("PutPlugin without a name succeeded")
	}
	if _, err := s.GetPlugin(ctxT(t), "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetPlugin(missing) = %v, want ErrNotFound", err)
	}
}

func testPluginReinstall(t *testing.T, s store.Store) {
	if err := s.PutPlugin(ctxT(t), newPluginRecord("kw", "1.0.0", 1)); err != nil {
		t.Fatal(err)
	}
	next := newPluginRecord("kw", "2.0.0", 5)
	next.Hash, next.Capabilities, next.Enabled = "abc", nil, false
	if err := s.PutPlugin(ctxT(t), next); err != nil {
		t.Fatal(err)
	}
	if !next.CreatedAt.Equal(at(1)) {
		t.Errorf("reinstall: CreatedAt = %v, want the first install's %v", next.CreatedAt, at(1))
	}
	got, err := s.GetPlugin(ctxT(t), "kw")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != "2.0.0" || got.Hash != "abc" || len(got.Capabilities) != 0 || got.Enabled ||
		!got.InstalledAt.Equal(at(5)) || !got.CreatedAt.Equal(at(1)) {
		t.Errorf("reinstall read back as %+v", got)
	}
}

func testPluginListDelete(t *testing.T, s store.Store) {
	list, err := s.ListPlugins(ctxT(t))
	if err != nil || list == nil || len(list) != 0 {
		t.Fatalf("ListPlugins(empty) = %#v, %v; want an empty non-nil slice", list, err)
	}
	for i, name := range []string{"zeta", "alpha", "mid"} {
		if err := s.PutPlugin(ctxT(t), newPluginRecord(name, "1", i)); err != nil {
			t.Fatal(err)
		}
	}
	names := func() []string {
		list, err := s.ListPlugins(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range list {
			out = append(out, p.Name)
		}
		return out
	}
	if diff := cmp.Diff([]string{"alpha", "mid", "zeta"}, names()); diff != "" {
		t.Errorf("ListPlugins order (-want +got):\n%s", diff)
	}
	if err := s.DeletePlugin(ctxT(t), "mid"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePlugin(ctxT(t), "mid"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeletePlugin twice = %v, want ErrNotFound", err)
	}
	if diff := cmp.Diff([]string{"alpha", "zeta"}, names()); diff != "" {
		t.Errorf("after delete (-want +got):\n%s", diff)
	}
}
