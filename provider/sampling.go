package provider

import (
	"fmt"
	"maps"
)

// ParseSampling splits a config map (a provider's or a case's `config`) into
// the sampling parameters every provider understands and vendor extras.
func ParseSampling(cfg map[string]any) (Sampling, map[string]any, error) {
	var s Sampling
	var extra map[string]any
	for k, v := range cfg {
		var err error
		switch k {
		case "temperature":
			s.Temperature, err = floatPtr(k, v)
		case "top_p":
			s.TopP, err = floatPtr(k, v)
		case "max_tokens":
			s.MaxTokens, err = intPtr(k, v)
		case "seed":
			s.Seed, err = intPtr(k, v)
		case "stop":
			s.Stop, err = stringList(k, v)
		case "logprobs":
			b, ok := v.(bool)
			if !ok {
				err = fmt.Errorf("config %s: want true or false, got %v", k, v)
			}
			s.Logprobs = b
		case "top_logprobs":
			var n *int
			if n, err = intPtr(k, v); err == nil && (*n < 0 || *n > 20) {
				err = fmt.Errorf("config %s: want 0 to 20, got %d", k, *n)
			}
			if n != nil && err == nil {
				s.TopLogprobs = *n
			}
		default:
			if extra == nil {
				extra = map[string]any{}
			}
			extra[k] = v
		}
		if err != nil {
			return s, nil, err
		}
	}
	return s, extra, nil
}

// MergeSampling overlays o on s: every parameter o sets wins.
func MergeSampling(s, o Sampling) Sampling {
	if o.Temperature != nil {
		s.Temperature = o.Temperature
	}
	if o.TopP != nil {
		s.TopP = o.TopP
	}
	if o.MaxTokens != nil {
		s.MaxTokens = o.MaxTokens
	}
	if o.Seed != nil {
		s.Seed = o.Seed
	}
	if o.Stop != nil {
		s.Stop = o.Stop
	}
	s.Logprobs = s.Logprobs || o.Logprobs
	if o.TopLogprobs != 0 {
		s.TopLogprobs = o.TopLogprobs
	}
	return s
}

func MergeExtra(a, b map[string]any) map[string]any {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	return 0, false
}

func floatPtr(k string, v any) (*float64, error) {
	f, ok := toFloat(v)
	if !ok {
		return nil, fmt.Errorf("config %s: want a number, got %v", k, v)
	}
	return &f, nil
}

func intPtr(k string, v any) (*int, error) {
	f, ok := toFloat(v)
	if !ok || f != float64(int(f)) {
		return nil, fmt.Errorf("config %s: want a whole number, got %v", k, v)
	}
	i := int(f)
	return &i, nil
}

func stringList(k string, v any) ([]string, error) {
	switch s := v.(type) {
	case string:
		return []string{s}, nil
	case []string:
		return s, nil
	case []any:
		out := make([]string, 0, len(s))
		for _, e := range s {
			str, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("config %s: want strings, got %v", k, e)
			}
			out = append(out, str)
		}
		return out, nil
	}
	return nil, fmt.Errorf("config %s: want a string or a list of strings, got %v", k, v)
}
