package javascript

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"modernc.org/quickjs"
)

// Limits bound one assertion's run.
type Limits struct {
	// Timeout bounds the script's run, its promise jobs included.
	Timeout time.Duration
	// Memory bounds what the engine may allocate, in bytes, the script's
	// inputs (the output and the context) included.
	Memory int64
}

// Defaults and bounds of the limits; a suite's config may set them per
// assertion within the bounds.
const (
	DefaultTimeout = 5 * time.Second
	DefaultMemory  = 64 << 20
	MinMemory      = 4 << 20
	MaxTimeout     = time.Minute
	MaxMemory      = 1 << 30
)

// DefaultLimits are the limits of an assertion that sets none.
var DefaultLimits = Limits{Timeout: DefaultTimeout, Memory: DefaultMemory}

// Errors a run can end with, besides the script's own exception (*ScriptError).
var (
	ErrTimeout = errors.New("timed out")
	ErrMemory  = errors.New("ran out of memory")
)

// ScriptError is an exception the script threw (or a promise it returned
// rejected with), or a syntax error in its source.
type ScriptError struct {
	Name, Message string
}

func (e *ScriptError) Error() string {
	if e.Name == "" {
		return e.Message
	}
	return e.Name + ": " + e.Message
}

// outcome is what a script returned, as the prelude describes it.
type outcome struct {
	Kind   string  `json:"k"`
	Bool   bool    `json:"b"`
	Num    float64 `json:"n"`
	Pass   bool    `json:"pass"`
	Score  float64 `json:"score"`
	Reason string  `json:"reason"`
	Type   string  `json:"t"`
}

// engine is one QuickJS runtime with the prelude loaded. It is used by one
// goroutine at a time.
type engine struct {
	vm                        *quickjs.VM
	check, run, settle, clean quickjs.Value
	uses                      int
}

// maxUses retires an engine after this many runs, so whatever a long
// series of scripts leaves behind (interned strings, fragmentation) is
// given back.
const maxUses = 2000

// maxStack bounds the call depth, in the engine's stack slots (about one
// per JavaScript call). Deeper recursion throws "stack overflow" instead of
// growing the goroutine's stack; at the engine's default (5000) unbounded
// recursion takes most of a second to get there, at 2000 a few
// milliseconds.
const maxStack = 2000

// newEngine starts a runtime and loads the prelude.
func newEngine() (*engine, error) {
	vm, err := quickjs.NewVM()
	if err != nil {
		return nil, fmt.Errorf("javascript: start engine: %w", err)
	}
	vm.SetMemoryLimit(DefaultMemory)
	vm.SetMaxStackSize(maxStack)
	if err := vm.SetEvalTimeout(DefaultTimeout); err != nil {
		_ = vm.Close()
		return nil, fmt.Errorf("javascript: start engine: %w", err)
	}
	fns, err := vm.EvalValue(prelude, quickjs.EvalGlobal)
	if err != nil {
		_ = vm.Close()
		return nil, fmt.Errorf("javascript: load prelude: %w", err)
	}
	defer fns.Free()
	e := &engine{vm: vm}
	for i, dst := range []*quickjs.Value{&e.check, &e.run, &e.settle, &e.clean} {
		atom, err := vm.NewAtom(fmt.Sprint(i))
		if err == nil {
			*dst, err = fns.GetPropertyValue(atom)
		}
		if err != nil {
			e.close()
			return nil, fmt.Errorf("javascript: load prelude: %w", err)
		}
	}
	return e, nil
}

// close frees the engine.
func (e *engine) close() {
	for _, v := range []*quickjs.Value{&e.check, &e.run, &e.settle, &e.clean} {
		if v.VM() != nil {
			v.Free()
		}
	}
	_ = e.vm.Close()
}

// Pool keeps started engines for reuse, so an assertion does not pay for a
// runtime's start (about half a millisecond). Scripts cannot leave state
// behind for the next one: the prelude freezes the built-ins, the globals a
// script adds are deleted after it, and an engine whose script was stopped
// (timeout, memory) or that cannot be cleaned is closed, not reused.
type Pool struct {
	idle chan *engine
}

// NewPool returns a pool keeping up to size idle engines (at least one).
func NewPool(size int) *Pool {
	return &Pool{idle: make(chan *engine, max(size, 1))}
}

// DefaultPoolSize is the idle engines kept by the registered evaluator.
func DefaultPoolSize() int { return 2 * runtime.GOMAXPROCS(0) }

func (p *Pool) get() (*engine, error) {
	select {
	case e := <-p.idle:
		return e, nil
	default:
		return newEngine()
	}
}

// put returns e to the pool when it is clean, else closes it.
func (p *Pool) put(e *engine, reusable bool) {
	e.uses++
	if reusable && e.uses < maxUses {
		e.vm.SetMemoryLimit(DefaultMemory)
		_ = e.vm.SetEvalTimeout(DefaultTimeout)
		if ok, err := e.clean.Call(quickjs.UndefinedValue); err == nil && ok == true {
			select {
			case p.idle <- e:
				return
			default:
			}
		}
	}
	e.close()
}

// Check compiles body as a function of (output, context, process) without
// running it; a syntax error is a *ScriptError.
func (p *Pool) Check(ctx context.Context, body string, lim Limits) error {
	_, err := p.exec(ctx, lim, func(e *engine) (string, error) {
		_, err := e.check.Call(quickjs.UndefinedValue, body)
		return "", err
	})
	return err
}

// Run compiles body and calls it with output and the context (JSON), within
// lim, and returns what it returned.
func (p *Pool) Run(ctx context.Context, body, output string, contextJSON []byte, lim Limits) (outcome, error) {
	desc, err := p.exec(ctx, lim, func(e *engine) (string, error) {
		r, err := e.run.Call(quickjs.UndefinedValue, body, output, string(contextJSON))
		if err != nil {
			return "", err
		}
		s, _ := r.(string)
		if s != "pending" {
			return s, nil
		}
		if _, err := e.vm.ExecutePendingJobs(); err != nil {
			return "", err
		}
		r, err = e.settle.Call(quickjs.UndefinedValue)
		s, _ = r.(string)
		return s, err
	})
	if err != nil {
		return outcome{}, err
	}
	var o outcome
	if err := json.Unmarshal([]byte(desc), &o); err != nil {
		return outcome{}, fmt.Errorf("javascript: read result: %w", err)
	}
	return o, nil
}

// exec runs f on an engine within lim and ctx and classifies its error.
func (p *Pool) exec(ctx context.Context, lim Limits, f func(*engine) (string, error)) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	e, err := p.get()
	if err != nil {
		return "", err
	}
	// The timeout is re-armed at each entry into the engine (the call, the
	// pending jobs, settle); the timer bounds them together.
	e.vm.SetMemoryLimit(uintptr(lim.Memory))
	_ = e.vm.SetEvalTimeout(lim.Timeout)
	timer := time.AfterFunc(lim.Timeout, e.vm.Interrupt)
	stop := context.AfterFunc(ctx, e.vm.Interrupt)
	out, err := f(e)
	timer.Stop()
	stop()
	if err == nil {
		p.put(e, true)
		return out, nil
	}
	err, reusable := classify(ctx, err)
	p.put(e, reusable)
	return "", err
}

// classify turns an engine error into ErrTimeout, ErrMemory, ctx's error
// or a *ScriptError, and says whether the engine may be reused: not after
// it was stopped.
func classify(ctx context.Context, err error) (error, bool) {
	var qe *quickjs.Error
	if !errors.As(err, &qe) {
		return fmt.Errorf("javascript: %w", err), false
	}
	if qe.Name == "InternalError" {
		switch {
		case strings.Contains(qe.Message, "interrupted"):
			if ctx.Err() != nil {
				return ctx.Err(), false
			}
			return ErrTimeout, false
		case strings.Contains(qe.Message, "out of memory"):
			return ErrMemory, false
		}
	}
	msg := qe.Message
	if qe.Name == "" && msg == "" {
		msg = qe.Error()
	}
	return &ScriptError{Name: qe.Name, Message: msg}, true
}
