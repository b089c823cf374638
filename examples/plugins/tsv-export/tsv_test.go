package main

import (
	"encoding/json"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

func TestExport(t *testing.T) {
	t.Parallel()
	out, err := export(nil, ltbplugin.ExportInput{Results: []json.RawMessage{
		json.RawMessage(`{"case_id":"a\tb","provider":"p","status":"success","score":0.5,"passed":true}`),
		json.RawMessage(`{"case_id":"c","provider":"p","status":"error","score":null}`),
	}})
	want := "case_id\tprovider\tstatus\tscore\tpassed\na b\tp\tsuccess\t0.5\ttrue\nc\tp\terror\t\tfalse\n"
	if err != nil || out.Data != want {
		t.Errorf("export = %q, %v", out.Data, err)
	}
}
