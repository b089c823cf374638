package reference

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/gleu"
)

func init() { eval.Register("gleu", GLEU{}) }

// DefaultGLEU is promptfoo's default threshold for gleu.
const DefaultGLEU = 0.5

// GLEU is the gleu assertion type: nltk's sentence_gleu of the answer
// against the references (the value, else the case's references and
// expected answer), passing at the threshold (default 0.5).
//
// The value is references (a string or a list) or a map of "references"
// and options: tokenize ("promptfoo", the default: lower-cased, split on
// white space, trailing periods dropped from each word, as promptfoo
// tokenizes; or "split": split on white space, case kept, as nltk's
// examples call it), min_len and max_len (the n-gram orders, 1 and 4).
type GLEU struct{}

var (
	_ eval.Evaluator = GLEU{}
	_ eval.Validator = GLEU{}
)

// gleuSpec is a gleu value taken apart.
type gleuSpec struct {
	refs           []string
	hasRefs        bool
	split          bool
	minLen, maxLen int
}

func parseGLEU(v any) (gleuSpec, error) {
	sp := gleuSpec{minLen: 1, maxLen: 4}
	v, err := value.Normalize(v)
	if err != nil {
		return sp, err
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		if v != nil {
			sp.refs, err = value.Strings(listOrOne(v))
			sp.hasRefs = true
		}
		return sp, err
	}
	for k, e := range m {
		switch k {
		case "references":
			sp.refs, err = value.Strings(listOrOne(e))
			sp.hasRefs = true
		case "tokenize":
			switch e {
			case "promptfoo":
			case "split":
				sp.split = true
			default:
				err = fmt.Errorf(`tokenize is %v, want "promptfoo" or "split"`, e)
			}
		case "min_len":
			sp.minLen, err = order(k, e)
		case "max_len":
			sp.maxLen, err = order(k, e)
		default:
			err = fmt.Errorf("unknown option %q (known: references, tokenize, min_len, max_len)", k)
		}
		if err != nil {
			return sp, err
		}
	}
	if sp.minLen > sp.maxLen {
		return sp, fmt.Errorf("min_len %d is above max_len %d", sp.minLen, sp.maxLen)
	}
	return sp, nil
}

// order reads an n-gram order, a whole number from 1 to 9.
func order(k string, v any) (int, error) {
	f, ok := value.Float(v)
	if !ok || f != math.Trunc(f) || f < 1 || f > 9 {
		return 0, fmt.Errorf("%s must be a whole number from 1 to 9, got %v", k, v)
	}
	return int(f), nil
}

// Validate checks the value and the threshold.
func (GLEU) Validate(a bench.Assertion) error {
	if t := a.Threshold; t != nil && (*t < 0 || *t > 1 || math.IsNaN(*t)) {
		return fmt.Errorf("threshold must be between 0 and 1, got %v", *t)
	}
	_, err := parseGLEU(a.Value)
	return err
}

// Evaluate scores the answer.
func (GLEU) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	sp, err := parseGLEU(a.Value)
	if err != nil {
		return bench.Score{}, err
	}
	refs := sp.refs
	if sp.hasRefs {
		refs = slices.Clone(refs)
		for i, r := range refs {
			refs[i] = value.Render(r, in)
		}
	} else if in.Case != nil {
		refs = append(append([]string(nil), in.Case.References...), nonEmpty(in.Case.Expected)...)
	}
	if len(refs) == 0 {
		return bench.Score{}, errors.New("no reference: give the assertion a value, or the case references or expected")
	}
	tok := promptfooTokens
	if sp.split {
		tok = strings.Fields
	}
	toks := make([][]string, len(refs))
	for i, r := range refs {
		toks[i] = tok(r)
	}
	r := gleu.Sentence(toks, tok(in.Output), sp.minLen, sp.maxLen)
	th := DefaultGLEU
	if a.Threshold != nil {
		th = *a.Threshold
	}
	op := ">="
	if r.Score < th {
		op = "<"
	}
	return bench.Score{Score: r.Score, Pass: r.Score >= th,
		Reason: fmt.Sprintf("gleu %s (%d of %d n-grams) %s %s", value.FormatFloat(round(r.Score)), r.Matches, r.Total, op, value.FormatFloat(th))}, nil
}

// promptfooTokens splits as promptfoo's gleu: lower-cased, on white
// space, each word without its trailing periods.
func promptfooTokens(s string) []string {
	f := strings.Fields(strings.ToLower(s))
	for i, w := range f {
		f[i] = strings.TrimRight(w, ".")
	}
	return f
}
