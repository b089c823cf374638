package ltbplugin

import (
	"encoding/json"
	"strings"
)

// Keys of the envelope and an evaluator's input.
var (
	requestKeys   = []string{"abi", "op", "plugin_type", "config", "input"}
	evalInputKeys = []string{"prompt", "response", "reference", "value", "context", "variables", "metadata", "provider"}
)

// decodeRequest decodes an envelope as json.Unmarshal into a Request would.
func decodeRequest(b []byte) (Request, error) {
	var req Request
	d := decoder{b: b}
	err := d.fields(requestKeys, func(key string) error {
		var err error
		switch key {
		case "abi":
			req.ABI, err = d.int(req.ABI)
		case "op":
			req.Op, err = d.string(req.Op)
		case "plugin_type":
			req.PluginType, err = d.string(req.PluginType)
		case "config":
			req.Config, err = d.raw()
		case "input":
			req.Input, err = d.raw()
		default:
			_, err = d.skip()
		}
		return err
	})
	if err == nil {
		err = d.end()
	}
	return req, err
}

// decodeEvalRequest decodes an evaluator's envelope in one pass, as
// json.Unmarshal into an evalRequest would.
func decodeEvalRequest(b []byte) (evalRequest, error) {
	var req evalRequest
	d := decoder{b: b}
	err := d.fields(requestKeys, func(key string) error {
		var err error
		switch key {
		case "abi":
			req.ABI, err = d.int(req.ABI)
		case "op":
			req.Op, err = d.string(req.Op)
		case "config":
			req.Config, err = d.raw()
		case "input":
			err = req.Input.decode(&d)
		default:
			_, err = d.skip()
		}
		return err
	})
	if err == nil {
		err = d.end()
	}
	return req, err
}

// fields reads an object (or null), calling field with each key as the
// known key it matches (exactly, else without regard to case) or as
// itself; field must consume the value.
func (d *decoder) fields(known []string, field func(key string) error) error {
	ok, err := d.openObject()
	if err != nil || !ok {
		return err
	}
	for n := 0; ; n++ {
		k, more, err := d.key(n)
		if err != nil || !more {
			return err
		}
		if err := field(match(k, known)); err != nil {
			return err
		}
	}
}

// match returns the known key that k spells, exactly or else without
// regard to case as encoding/json matches field names; string(k) when
// none does. An exact match costs no allocation.
func match(k []byte, known []string) string {
	for _, name := range known {
		if string(k) == name {
			return name
		}
	}
	ks := string(k)
	for _, name := range known {
		if strings.EqualFold(name, ks) {
			return name
		}
	}
	return ks
}

// decodeEvalInput decodes an evaluator's input object on its own.
func decodeEvalInput(b []byte) (EvalInput, error) {
	var in EvalInput
	d := decoder{b: b}
	err := in.decode(&d)
	if err == nil {
		err = d.end()
	}
	return in, err
}

// raw returns a copy of the next value's bytes, as json.RawMessage keeps them.
func (d *decoder) raw() (json.RawMessage, error) {
	b, err := d.skip()
	if err != nil {
		return nil, err
	}
	return append(json.RawMessage(nil), b...), nil
}

// decode reads an evaluator's input object into in.
func (in *EvalInput) decode(d *decoder) error {
	return d.fields(evalInputKeys, func(key string) error {
		var err error
		switch key {
		case "prompt":
			in.Prompt, err = d.string(in.Prompt)
		case "response":
			in.Response, err = d.string(in.Response)
		case "reference":
			in.Reference, err = d.string(in.Reference)
		case "provider":
			in.Provider, err = d.string(in.Provider)
		case "value":
			in.Value, err = d.value()
		case "context":
			in.Context, err = d.strings()
		case "variables":
			in.Variables, err = d.mapInto(in.Variables)
		case "metadata":
			in.Metadata, err = d.mapInto(in.Metadata)
		default:
			_, err = d.skip()
		}
		return err
	})
}

// strings decodes an array of strings; null is nil, [] is empty.
func (d *decoder) strings() ([]string, error) {
	ok, err := d.openArray()
	if err != nil || !ok {
		return nil, err
	}
	out := []string{}
	for n := 0; ; n++ {
		more, err := d.more(n)
		if err != nil || !more {
			return out, err
		}
		s, err := d.string("")
		if err != nil {
			return out, err
		}
		out = append(out, s)
	}
}

// DecodeJSON decodes one JSON value without reflection into what
// json.Unmarshal gives an any: map[string]any, []any, string, float64,
// bool or nil. It is several times faster than encoding/json in a
// WebAssembly guest; use it for a plugin's config on the hot path.
func DecodeJSON(b []byte) (any, error) {
	d := decoder{b: b}
	v, err := d.value()
	if err == nil {
		err = d.end()
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}
