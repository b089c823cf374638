package compare

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

// parseBest reads select-best's reply contract: a JSON object with "best",
// the number of the chosen answer (an integer from 0 to n-1), and an
// optional string "reason". Text around the object is ignored; when the
// reply holds several objects with "best" (the judge quoting an answer),
// the last one is its verdict.
func parseBest(reply string, n int) (best int, reason string, err error) {
	objs := judge.JSONObjects(reply, 0)
	for k := len(objs) - 1; k >= 0; k-- {
		var fields map[string]json.RawMessage
		if json.Unmarshal(objs[k], &fields) != nil {
			continue
		}
		raw, ok := fields["best"]
		if !ok {
			continue
		}
		return readBest(raw, fields["reason"], n)
	}
	return 0, "", errors.New(`no JSON object with "best" in the judge's reply`)
}

// readBest checks one verdict object's fields.
func readBest(rawBest, rawReason json.RawMessage, n int) (int, string, error) {
	dec := json.NewDecoder(bytes.NewReader(rawBest))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return 0, "", fmt.Errorf(`"best" is not valid JSON: %w`, err)
	}
	num, ok := v.(json.Number)
	if !ok {
		return 0, "", fmt.Errorf(`"best" must be an integer, got %s`, rawBest)
	}
	f, err := num.Float64()
	if err != nil || f != math.Trunc(f) {
		return 0, "", fmt.Errorf(`"best" must be an integer, got %s`, num)
	}
	if f < 0 || f >= float64(n) {
		return 0, "", fmt.Errorf(`"best" is %s, outside 0..%d`, num, n-1)
	}
	var reason string
	if rawReason != nil && string(rawReason) != "null" {
		if err := json.Unmarshal(rawReason, &reason); err != nil {
			return 0, "", fmt.Errorf(`"reason" must be a string, got %s`, rawReason)
		}
	}
	return int(f), strings.TrimSpace(reason), nil
}

// markers are pairwise's verdict markers.
var markers = [...]string{"[[A]]", "[[B]]", "[[C]]"}

// parseMarker reads pairwise's reply contract: the verdict is the last of
// the markers "[[A]]", "[[B]]" and "[[C]]" in the reply, so a marker the
// judge quotes from an answer before its own verdict cannot decide it. It
// returns 'A', 'B' or 'C'.
func parseMarker(reply string) (byte, error) {
	at, got := -1, byte(0)
	for _, m := range markers {
		if i := strings.LastIndex(reply, m); i > at {
			at, got = i, m[2]
		}
	}
	if at < 0 {
		return 0, errors.New("no verdict [[A]], [[B]] or [[C]] in the judge's reply")
	}
	return got, nil
}
