// Command tsv-export is an example exporter plugin: it turns a run's
// results into tab-separated values, one row per result. The host writes
// the file it returns (--output plugin:tsv-export=results.tsv); the
// plugin never touches the filesystem.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o main.wasm .
package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

// result holds the fields of a result record the table shows.
type result struct {
	CaseID   string   `json:"case_id"`
	Provider string   `json:"provider"`
	Status   string   `json:"status"`
	Score    *float64 `json:"score"`
	Passed   bool     `json:"passed"`
}

// clean keeps a field on its line and in its column.
func clean(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}

func export(_ json.RawMessage, in ltbplugin.ExportInput) (ltbplugin.ExportOutput, error) {
	var b strings.Builder
	b.WriteString("case_id\tprovider\tstatus\tscore\tpassed\n")
	for i, raw := range in.Results {
		var r result
		if err := json.Unmarshal(raw, &r); err != nil {
			return ltbplugin.ExportOutput{}, ltbplugin.BadInput(fmt.Errorf("results[%d]: %w", i, err))
		}
		score := ""
		if r.Score != nil {
			score = fmt.Sprintf("%.4g", *r.Score)
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%t\n", clean(r.CaseID), clean(r.Provider), clean(r.Status), score, r.Passed)
	}
	return ltbplugin.ExportOutput{ContentType: "text/tab-separated-values", Data: b.String()}, nil
}

func init() { ltbplugin.HandleExporter(export) }

func main() {}
