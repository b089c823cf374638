package plugin

import (
	"context"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// escapeBody outputs a passing verdict when the WASI call before it
// (leaving an errno) succeeded, and fails with "denied" otherwise.
const escapeTail = `
    (if (i32.eqz) (then
      (call $set_output (i32.const 24) (i32.const 38)) (return (i32.const 0))))
    (call $set_error (i32.const 16) (i32.const 6))
    (i32.const 1)`

// escapeData: "denied" at 16, the escape verdict (38 bytes) at 24, a path at 64.
const escapeData = `denied  {"score":1,"reason":"escaped sandbox"}  etc/passwd`

// hostile are guests that misbehave, each with the error kind and the
// words its recorded verdict must carry.
var hostile = []struct {
	name string
	g    watGuest
	kind Kind
	want string
}{
	{"loop", watGuest{body: `(loop $l (br $l)) (i32.const 0)`}, KindTimeout, "no answer within"},
	{"memory-bomb", watGuest{body: `(loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) unreachable`}, KindTrap, "unreachable"},
	{"huge-output", watGuest{body: `(drop (memory.grow (i32.const 2))) (call $set_output (i32.const 0) (i32.const 131072)) (i32.const 0)`}, KindLimit, "over the cap"},
	{"invalid-json", watGuest{data: `{"score": oops`, body: okBody}, KindOutput, "not the evaluator's JSON"},
	{"score-out-of-range", watGuest{data: `{"score": 7}`, body: okBody}, KindOutput, "outside [0, 1]"},
	{"trap", watGuest{body: `unreachable`}, KindTrap, "unreachable"},
	{"bad-status", watGuest{body: `(i32.const 7)`}, KindABI, "status 7"},
	{"no-output", watGuest{body: `(i32.const 0)`}, KindABI, "without calling set_output"},
	{"bad-pointer", watGuest{body: `(call $set_output (i32.const 65000) (i32.const 60000)) (i32.const 0)`}, KindLimit, "outside the guest's memory"},
	{"read-file", watGuest{
		data:    escapeData,
		imports: `(import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))`,
		body:    `(call $path_open (i32.const 3) (i32.const 1) (i32.const 64) (i32.const 10) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 2048))` + escapeTail,
	}, KindPlugin, "denied"},
	{"read-environment", watGuest{
		data:    escapeData,
		imports: `(import "wasi_snapshot_preview1" "environ_sizes_get" (func $env (param i32 i32) (result i32)))`,
		body:    `(drop (call $env (i32.const 2048) (i32.const 2052))) (i32.eqz (i32.load (i32.const 2048)))` + escapeTail,
	}, KindPlugin, "denied"},
	{"open-socket", watGuest{
		data:    escapeData,
		imports: `(import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))`,
		body:    `(call $accept (i32.const 3) (i32.const 0) (i32.const 2048))` + escapeTail,
	}, KindPlugin, "denied"},
	{"read-clock", watGuest{
		data:    escapeData,
		imports: `(import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))`,
		// A wall clock past 2023-11 is the real one; wazero's fake clock starts in 2022.
		body: `(drop (call $clock (i32.const 0) (i64.const 1) (i32.const 2048))) (i64.lt_u (i64.load (i32.const 2048)) (i64.const 1700000000000000000))` + escapeTail,
	}, KindPlugin, "denied"},
}

// TestHostileContained runs each hostile plugin inside an assertion list
// beside a well-behaved one, twice: the hostile verdict is an unscored
// error naming the plugin, the good verdict is unharmed, and the second
// round shows the host still serves both.
func TestHostileContained(t *testing.T) {
	t.Parallel()
	h := newTestHost(t, testLimits())
	good, err := loadWAT(t, h, "hostile-neighbour", watGuest{data: `{"score":0.75,"reason":"fine"}`, body: okBody})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			name := "hostile-" + tc.name
			p, err := loadWAT(t, h, name, tc.g)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Activate([]*Plugin{p, good}); err != nil {
				t.Fatal(err)
			}
			as := []bench.Assertion{{Type: TypePrefix + name}, {Type: TypePrefix + good.Name()}}
			in := &eval.Input{Case: &bench.Case{ID: "c1"}, Prompt: "p", Output: "o"}
			for round := range 2 {
				out := eval.Check(context.Background(), as, nil, in)
				bad, ok := out.Scores[TypePrefix+name], out.Scores[TypePrefix+good.Name()]
				if !bad.Unscored || !strings.Contains(bad.Reason, `plugin "`+name+`"`) || !strings.Contains(bad.Reason, string(tc.kind)) || !strings.Contains(bad.Reason, tc.want) {
					t.Errorf("round %d: hostile verdict %+v, want unscored %s naming the plugin with %q", round, bad, tc.kind, tc.want)
				}
				if ok.Unscored || ok.Score != 0.75 || !ok.Pass {
					t.Errorf("round %d: neighbour verdict %+v, want 0.75 pass", round, ok)
				}
				if out.Passed {
					t.Errorf("round %d: the case passed with an unscored assertion", round)
				}
			}
			_, err = p.Call(context.Background(), []byte(`{}`), nil)
			if KindOf(err) != tc.kind && (tc.kind != KindOutput || err != nil) {
				t.Errorf("direct call: %v, want kind %s", err, tc.kind)
			}
		})
	}
}
