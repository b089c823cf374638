package calibrate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Kind is the shape of a labelled set.
type Kind string

// The kinds of labelled set.
const (
	// Graded items are one answer with the human's verdict on it.
	Graded Kind = "graded"
	// Pairwise items are two answers with the human's preference.
	Pairwise Kind = "pairwise"
)

// LabelKind is what a set's labels are.
type LabelKind string

// The kinds of label.
const (
	// BinaryLabels are true (the answer passes) or false.
	BinaryLabels LabelKind = "binary"
	// NumericLabels are the human's scores, compared by rank.
	NumericLabels LabelKind = "numeric"
	// PreferenceLabels are 1, 2 or 0 for a tie.
	PreferenceLabels LabelKind = "preference"
)

// Item is one labelled example.
type Item struct {
	ID   string
	Line int // where the item starts in its file
	Kind Kind
	// Input is the question or instruction the answers respond to.
	Input string
	// Output, Expected and Context are a graded item's answer, reference
	// answer and retrieved context.
	Output   string
	Expected string
	Context  []string
	// Output1 and Output2 are a pairwise item's two answers.
	Output1, Output2 string
	// Rubric is the item's own rubric or criteria, the assertion's value.
	Rubric string
	// Labels says how to read Label: a binary label is 1 (pass) or 0; a
	// numeric one is the human's score; a preference is 1, 2 or 0 (tie).
	Labels LabelKind
	Label  float64
}

// Preference is a pairwise item's label as a Preference.
func (it *Item) Preference() Preference { return Preference(it.Label) }

var (
	gradedKeys   = []string{"id", "input", "output", "expected", "context", "rubric", "criteria", "label", "metadata"}
	pairwiseKeys = []string{"id", "input", "output_1", "output_2", "rubric", "criteria", "label", "metadata"}
)

// ParseItem reads one item from a JSON object. The kind follows from the
// fields: "output" makes a graded item, "output_1" and "output_2" a
// pairwise one. Unknown fields are an error (a misspelt field would
// otherwise be silently ignored); free-form data goes in "metadata".
func ParseItem(raw []byte) (Item, error) {
	var f map[string]json.RawMessage
	if err := json.Unmarshal(raw, &f); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) || bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
			return Item{}, errors.New("an item must be a JSON object")
		}
		return Item{}, fmt.Errorf("not JSON: %w", err)
	}
	if f == nil {
		return Item{}, errors.New("an item must be a JSON object, not null")
	}
	_, graded := f["output"]
	_, o1 := f["output_1"]
	_, o2 := f["output_2"]
	it := Item{Kind: Graded}
	keys := gradedKeys
	switch {
	case graded && (o1 || o2):
		return Item{}, errors.New(`both "output" (a graded item) and "output_1"/"output_2" (a pairwise item): an item is one or the other`)
	case o1 || o2:
		it.Kind, keys = Pairwise, pairwiseKeys
	case !graded:
		return Item{}, errors.New(`no answer: a graded item has "output", a pairwise item "output_1" and "output_2"`)
	}
	for k := range f {
		if !slices.Contains(keys, k) {
			return Item{}, fmt.Errorf("unknown field %q in a %s item (known: %s)", k, it.Kind, strings.Join(keys, ", "))
		}
	}
	if err := it.fields(f); err != nil {
		return Item{}, err
	}
	return it, nil
}

// fields reads the item's fields once its kind is known.
func (it *Item) fields(f map[string]json.RawMessage) error {
	var err error
	if it.ID, err = idField(f); err != nil {
		return err
	}
	if it.Input, err = text(f, "input", true); err != nil {
		return err
	}
	if it.Rubric, err = rubric(f); err != nil {
		return err
	}
	if it.Kind == Pairwise {
		if it.Output1, err = text(f, "output_1", true); err != nil {
			return err
		}
		if it.Output2, err = text(f, "output_2", true); err != nil {
			return err
		}
		it.Labels = PreferenceLabels
		it.Label, err = preference(f["label"])
		return err
	}
	if it.Output, err = text(f, "output", true); err != nil {
		return err
	}
	if it.Expected, err = text(f, "expected", false); err != nil {
		return err
	}
	if it.Context, err = contextField(f["context"]); err != nil {
		return err
	}
	it.Labels, it.Label, err = gradedLabel(f["label"])
	return err
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// text reads a string field; a missing or null optional one is "".
func text(f map[string]json.RawMessage, key string, required bool) (string, error) {
	raw, ok := f[key]
	if !ok || isNull(raw) {
		if required {
			return "", fmt.Errorf("%q is missing (a string)", key)
		}
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%q must be a string, not %s", key, describe(raw))
	}
	return s, nil
}

// idField reads "id": a string or an integer.
func idField(f map[string]json.RawMessage) (string, error) {
	raw, ok := f["id"]
	if !ok || isNull(raw) {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return "", errors.New(`"id" is empty`)
		}
		return s, nil
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if _, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			return n.String(), nil
		}
	}
	return "", fmt.Errorf(`"id" must be a string or an integer, not %s`, describe(raw))
}

// rubric reads "rubric" or its synonym "criteria"; both is an error.
func rubric(f map[string]json.RawMessage) (string, error) {
	r, err := text(f, "rubric", false)
	if err != nil {
		return "", err
	}
	c, err := text(f, "criteria", false)
	if err != nil {
		return "", err
	}
	if r != "" && c != "" {
		return "", errors.New(`both "rubric" and "criteria": give one (they are the same thing)`)
	}
	return r + c, nil
}

// contextField reads "context": a string or a list of strings.
func contextField(raw json.RawMessage) ([]string, error) {
	if raw == nil || isNull(raw) {
		return nil, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil || list == nil {
		return nil, fmt.Errorf(`"context" must be a string or a list of strings, not %s`, describe(raw))
	}
	return list, nil
}

// gradedLabel reads a graded item's label: true, false or a number.
func gradedLabel(raw json.RawMessage) (LabelKind, float64, error) {
	if raw == nil || isNull(raw) {
		return "", 0, errors.New(`"label" is missing: true (the answer passes), false, or a number (the human's score)`)
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		if b {
			return BinaryLabels, 1, nil
		}
		return BinaryLabels, 0, nil
	}
	var x float64
	if err := json.Unmarshal(raw, &x); err != nil || math.IsInf(x, 0) {
		return "", 0, fmt.Errorf(`"label" must be true, false or a number, not %s`, describe(raw))
	}
	return NumericLabels, x, nil
}

// preference reads a pairwise item's label: 1, 2 or 0 (a tie).
func preference(raw json.RawMessage) (float64, error) {
	if raw == nil || isNull(raw) {
		return 0, errors.New(`"label" is missing: 1 (output_1 is better), 2 (output_2 is better) or 0 (a tie)`)
	}
	var x float64
	if err := json.Unmarshal(raw, &x); err != nil || (x != 0 && x != 1 && x != 2) {
		return 0, fmt.Errorf(`"label" of a pairwise item must be 1, 2 or 0 (a tie), not %s`, describe(raw))
	}
	return x, nil
}

// describe names a JSON value for an error, cut short.
func describe(raw json.RawMessage) string {
	s := string(bytes.TrimSpace(raw))
	if len(s) > 40 {
		s = strings.ToValidUTF8(s[:40], "") + "…"
	}
	return s
}
