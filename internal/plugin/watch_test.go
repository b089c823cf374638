package plugin

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// waitScore polls plugin:NAME until it scores want or the deadline passes.
func waitScore(t *testing.T, name string, want float64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := score(t, name)
		if err == nil && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("plugin:%s scores %v, %v; want %v", name, got, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWatchReloads: with the watcher running, a new version written into
// the directory is swapped in, a broken one leaves the last good one
// serving, a plugin installed by rename is loaded and a removed one is
// unloaded.
func TestWatchReloads(t *testing.T) {
	h := newTestHost(t, testLimits())
	root := t.TempDir()
	m := NewManager(h, ManagerOptions{Dir: root, Activate: true})
	t.Cleanup(func() { m.Close(context.Background()) })
	name := "watched"
	writePlugin(t, filepath.Join(root, name), manifestText(name, "1", ""), wat2wasm(t, scoreGuest("0.25").source()))
	if err := m.LoadAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- m.Watch(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-stopped; err != nil {
			t.Errorf("Watch: %v", err)
		}
	})
	time.Sleep(100 * time.Millisecond) // the watches are in place

	writePlugin(t, filepath.Join(root, name), manifestText(name, "2", ""), wat2wasm(t, scoreGuest("0.75").source()))
	waitScore(t, name, 0.75)

	if err := os.WriteFile(filepath.Join(root, name, "main.wasm"), []byte("broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * watchDebounce)
	waitScore(t, name, 0.75)

	// Installed the way Install does it: a dot directory renamed into place.
	other := "watched-new"
	tmp := filepath.Join(root, ".install-"+other)
	writePlugin(t, tmp, manifestText(other, "1", ""), wat2wasm(t, scoreGuest("0.5").source()))
	if err := os.Rename(tmp, filepath.Join(root, other)); err != nil {
		t.Fatal(err)
	}
	waitScore(t, other, 0.5)

	if err := os.RemoveAll(filepath.Join(root, other)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, ok := m.Get(other); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a removed plugin stayed loaded")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
