// Package jsonmerge adds a request's extra body fields
// (provider.Request.Extra) to the JSON object a vendor package encoded.
// Which of the two merges a vendor uses is its own choice: Replace when an
// extra key stands for the whole field, Deep when extra objects add to the
// body's nested objects (such as Gemini's generationConfig or Ollama's
// options).
package jsonmerge

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Replace adds extra's keys to the JSON object data, replacing any there.
func Replace(data []byte, extra map[string]any) ([]byte, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("merge extra fields: %w", err)
	}
	for k, v := range extra {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode extra field %q: %w", k, err)
		}
		obj[k] = raw
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("merge extra fields: %w", err)
	}
	return out, nil
}

// Deep merges extra into the JSON object data. Keys in extra replace those
// in data, except that two objects are merged recursively, so that
// {"generationConfig":{"topK":40}} adds topK beside the fields already
// there. Numbers keep their exact text.
func Deep(data []byte, extra map[string]any) ([]byte, error) {
	var obj map[string]any
	if err := decodeNumbers(data, &obj); err != nil {
		return nil, fmt.Errorf("merge extra fields: %w", err)
	}
	for k, v := range extra {
		// Normalise through JSON so structs and typed maps merge like objects.
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode extra field %q: %w", k, err)
		}
		var ev any
		if err := decodeNumbers(raw, &ev); err != nil {
			return nil, fmt.Errorf("encode extra field %q: %w", k, err)
		}
		obj[k] = mergeValue(obj[k], ev)
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("merge extra fields: %w", err)
	}
	return out, nil
}

// decodeNumbers decodes JSON keeping numbers exact (json.Number).
func decodeNumbers(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

// mergeValue returns extra merged over base: objects key by key, anything
// else replaced.
func mergeValue(base, extra any) any {
	bm, baseIsObj := base.(map[string]any)
	em, extraIsObj := extra.(map[string]any)
	if !baseIsObj || !extraIsObj {
		return extra
	}
	for k, v := range em {
		bm[k] = mergeValue(bm[k], v)
	}
	return bm
}
