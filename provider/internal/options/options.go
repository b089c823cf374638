// Package options reads the vendor options of a provider.Config
// (cfg.Options) as the config files give them: TOML and YAML produce int,
// int64 or uint64 for whole numbers and JSON produces float64. Every
// vendor package reports a bad option with the same words, which live
// here; what an option means stays in the vendor package.
package options

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Check fails on the first name in opts that is not one of known, naming
// the vendor and listing the known names in order.
func Check(vendor string, opts map[string]any, known []string) error {
	for name := range opts {
		if !slices.Contains(known, name) {
			return fmt.Errorf("option %s: unknown to the %s provider (known: %s)", name, vendor, strings.Join(slices.Sorted(slices.Values(known)), ", "))
		}
	}
	return nil
}

// String reads a string option; "" when absent.
func String(opts map[string]any, name string) (string, error) {
	v, ok := opts[name]
	if !ok || v == nil {
		return "", nil
	}
	s, isString := v.(string)
	if !isString {
		return "", fmt.Errorf("option %s: want a string, got %T", name, v)
	}
	return s, nil
}

// Bool reads a true/false option; nil when absent.
func Bool(opts map[string]any, name string) (*bool, error) {
	v, ok := opts[name]
	if !ok || v == nil {
		return nil, nil
	}
	b, isBool := v.(bool)
	if !isBool {
		return nil, fmt.Errorf("option %s: want true or false, got %v", name, v)
	}
	return &b, nil
}

// Int reads a whole-number option in [lo, hi]; nil when absent.
func Int(opts map[string]any, name string, lo, hi int) (*int, error) {
	v, ok := opts[name]
	if !ok || v == nil {
		return nil, nil
	}
	f, isNum := Number(v)
	if !isNum {
		return nil, fmt.Errorf("option %s: want a whole number, got %T", name, v)
	}
	if f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return nil, fmt.Errorf("option %s: want a whole number from %d to %d, got %v", name, lo, hi, v)
	}
	n := int(f)
	return &n, nil
}

// Number reads a config number of any of the types the formats give.
func Number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}
