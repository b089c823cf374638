package dataset

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// writeJSONL writes n generated cases, each about 300 bytes, and returns the
// file's path.
func writeJSONL(t testing.TB, n int) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "big.jsonl")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := range n {
		fmt.Fprintf(w, `{"id": "case-%d", "category": "arith", "prompt": "What is {{a}} plus {{b}}? Answer with just the number.", `+
			`"variables": {"a": %d, "b": %d}, "expected": "%d", "tags": ["gen"], `+
			`"assert": [{"type": "equals", "value": "%d"}, {"type": "latency", "threshold": 5000}], "metadata": {"row": %d}}`+"\n",
			i, i, 2*i, 3*i, 3*i, i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestJSONLMemoryBounded reads a 200,000-line file (about 60 MB) and checks
// that the heap stays far below the file's size: cases are streamed, not
// collected.
func TestJSONLMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a 60 MB file")
	}
	t.Parallel()
	const lines = 200_000
	file := writeJSONL(t, lines)
	info, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	n := 0
	for c, err := range s.Cases() {
		if err != nil {
			t.Fatal(err)
		}
		if c.Source.Line != n+1 {
			t.Fatalf("case %d has line %d", n, c.Source.Line)
		}
		n++
		if n%5000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	if n != lines {
		t.Fatalf("read %d cases, want %d", n, lines)
	}
	growth := int64(peak) - int64(base)
	const limit = 24 << 20
	t.Logf("file %d MB, heap growth at most %.1f MB", info.Size()>>20, float64(growth)/(1<<20))
	if growth > limit || info.Size() < 3*limit/2 {
		t.Errorf("heap grew by %d bytes reading a %d-byte file; want under %d", growth, info.Size(), limit)
	}
}

// BenchmarkJSONLStream streams 100,000 cases; one op is the whole file.
func BenchmarkJSONLStream(b *testing.B) {
	const lines = 100_000
	file := writeJSONL(b, lines)
	s, err := Load(file)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, err := range s.Cases() {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != lines {
			b.Fatalf("read %d cases", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lines), "ns/case")
}
