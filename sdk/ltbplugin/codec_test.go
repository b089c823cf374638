package ltbplugin

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

// envelopeSeeds are envelopes the host sends and the corners of JSON the
// decoder must treat as encoding/json does.
var envelopeSeeds = []string{
	`{"abi":1,"op":"evaluate","plugin_type":"evaluator","config":{"keywords":["Paris","France"]},"input":{"prompt":"What is the capital of France?","response":"Paris is the capital of France.","reference":"Paris"}}`,
	`{"abi":1,"op":"evaluate","config":{},"input":{"prompt":"p","response":"r","value":{"a":[1,2.5e3,-0,true,null,"x"]},"context":["c1","c2"],"variables":{"v":"1"},"metadata":{"m":{"n":1}},"provider":"openai:gpt-4o-mini"}}`,
	`{"abi":1,"op":"evaluate","input":{"response":"esc \" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 \ud800 \udc00x \u2028"}}`,
	"{\"abi\":1,\"input\":{\"response\":\"bad utf8 \xff\xfe end\"}}",
	`{"ABI":1,"Op":"evaluate","INPUT":{"Response":"case-insensitive keys"}}`,
	`{"abi":1,"abi":2,"input":{"variables":{"a":1},"variables":{"b":2},"context":["x"],"context":[]}}`,
	`{"abi":null,"op":null,"config":null,"input":null}`,
	`{"abi":1.0}`, `{"abi":"1"}`, `{"abi":1e2}`, `{"abi":99999999999999999999}`,
	`{"input":{"value":1e999}}`, `{"input":{"context":[1]}}`, `{"input":{"variables":[]}}`,
	`{"input":5}`, `null`, `[]`, `"x"`, ``, ` `, `{`, `{"abi":1}x`, `{"abi":01}`, `{"abi":-}`, `{"a":.5}`,
	`{"a":"\u12"}`, `{"a":"\x"}`, "{\"a\":\"tab\there\"}", `{"a":tru}`, `{,}`, `{"a":1,}`, `[1,]`,
	`{"unknown":{"deep":[[[{}]]]},"abi":1}`,
}

func FuzzDecodeEnvelope(f *testing.F) {
	for _, s := range envelopeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want evalRequest
		wantErr := json.Unmarshal(b, &want)
		got, gotErr := decodeEvalRequest(b)
		if (wantErr != nil) != (gotErr != nil) {
			t.Fatalf("%q: encoding/json err %v, SDK err %v", b, wantErr, gotErr)
		}
		if wantErr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\nSDK           %#v\nencoding/json %#v", b, got, want)
		}
		var wantReq Request
		wantErr = json.Unmarshal(b, &wantReq)
		gotReq, gotErr := decodeRequest(b)
		if (wantErr != nil) != (gotErr != nil) {
			t.Fatalf("Request %q: encoding/json err %v, SDK err %v", b, wantErr, gotErr)
		}
		if wantErr == nil && !reflect.DeepEqual(gotReq, wantReq) {
			t.Fatalf("Request %q:\nSDK           %#v\nencoding/json %#v", b, gotReq, wantReq)
		}
		var wantAny any
		wantErr = json.Unmarshal(b, &wantAny)
		gotAny, gotErr := DecodeJSON(b)
		if (wantErr != nil) != (gotErr != nil) || (wantErr == nil && !reflect.DeepEqual(gotAny, wantAny)) {
			t.Fatalf("DecodeJSON %q: SDK %#v, %v; encoding/json %#v, %v", b, gotAny, gotErr, wantAny, wantErr)
		}
		var wantIn EvalInput
		wantErr = json.Unmarshal(b, &wantIn)
		gotIn, gotErr := decodeEvalInput(b)
		if (wantErr != nil) != (gotErr != nil) || (wantErr == nil && !reflect.DeepEqual(gotIn, wantIn)) {
			t.Fatalf("EvalInput %q: SDK %#v, %v; encoding/json %#v, %v", b, gotIn, gotErr, wantIn, wantErr)
		}
	})
}

func TestDecodeEnvelopeSeeds(t *testing.T) {
	// The seeds run under FuzzDecodeEnvelope too; this pins two answers.
	req, err := decodeEvalRequest([]byte(envelopeSeeds[2]))
	if err != nil || req.Input.Response != "esc \" \\ / \b\f\n\r\t é 😀 \ufffd \ufffdx \u2028" {
		t.Errorf("escapes: %q, %v", req.Input.Response, err)
	}
	req, err = decodeEvalRequest([]byte(envelopeSeeds[5]))
	if err != nil || req.ABI != 2 || len(req.Input.Variables) != 2 || req.Input.Context == nil || len(req.Input.Context) != 0 {
		t.Errorf("repeated keys: %+v, %v", req, err)
	}
}

func FuzzEncodeEvalResult(f *testing.F) {
	f.Add(1.0, uint8(1), "3 of 3 keywords", "keywords_found", 3.0)
	f.Add(0.5, uint8(2), "<b>&amp;</b> \u2028\u2029 \x00\x1f \"q\" \\ \t\n", "k\"ey", 1e-7)
	f.Add(0.0, uint8(0), "", "", 0.0)
	f.Add(1e21, uint8(0), "\xff\xfe invalid", "é", -1e-300)
	f.Add(math.NaN(), uint8(0), "", "", 0.0)
	f.Add(0.1, uint8(0), "", "m", math.Inf(1))
	f.Fuzz(func(t *testing.T, score float64, passed uint8, reason, key string, metric float64) {
		r := EvalResult{Score: score, Reason: reason}
		if passed > 0 {
			p := passed == 1
			r.Passed = &p
		}
		if key != "" {
			r.Metrics = map[string]float64{key: metric, key + "2": score}
		}
		want, wantErr := json.Marshal(r)
		got, gotErr := r.appendJSON(nil)
		if (wantErr != nil) != (gotErr != nil) {
			t.Fatalf("%+v: encoding/json err %v, SDK err %v", r, wantErr, gotErr)
		}
		if wantErr == nil && string(got) != string(want) {
			t.Fatalf("%+v:\nSDK           %s\nencoding/json %s", r, got, want)
		}
	})
}
