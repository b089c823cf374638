package plugin

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
)

// OpExport is an exporter's op; SchemePlugin names exporter outputs:
// --output plugin:NAME=PATH.
const (
	OpExport     = "export"
	SchemePlugin = "plugin"
)

func init() {
	report.RegisterScheme(SchemePlugin, func(name string) (report.Opener, error) {
		p, err := ActiveOfType(name, TypeExporter)
		if err != nil {
			return nil, err
		}
		return func(w io.Writer) report.Output { return &exportOutput{p: p, w: w} }, nil
	})
}

// exportInput is an exporter's envelope input.
type exportInput struct {
	Format  string            `json:"format"`
	Run     bench.Run         `json:"run"`
	Summary *report.Summary   `json:"summary"`
	Results []json.RawMessage `json:"results"`
}

// ExportOutput is what an exporter returns: the file's bytes as text
// (data) or base64 (data_base64).
type ExportOutput struct {
	ContentType string  `json:"content_type,omitempty"`
	Data        *string `json:"data,omitempty"`
	DataBase64  *string `json:"data_base64,omitempty"`
}

// exportOutput is a report output that hands the whole run to an
// exporter plugin at End and writes the bytes it returns. Results are
// encoded as they come (Add must not keep them) and must fit, with the
// envelope, in the plugin's input cap.
type exportOutput struct {
	p       *Plugin
	w       io.Writer
	run     bench.Run
	summary *report.Summary
	results []json.RawMessage
	size    int
}

func (e *exportOutput) Begin(run bench.Run, s *report.Summary) error {
	e.run, e.summary = run, s
	return nil
}

func (e *exportOutput) Add(r *bench.Result) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("plugin %q: encode result %s: %w", e.p.Name(), r.ID, err)
	}
	e.size += len(b) + 1
	if limit := e.p.host.limits.InputBytes; e.size > limit {
		return fmt.Errorf("plugin %q: the run's results pass the plugin input cap of %d bytes; export it with a built-in format", e.p.Name(), limit)
	}
	e.results = append(e.results, b)
	return nil
}

func (e *exportOutput) End() error {
	data, err := e.p.Export(context.Background(), exportInput{Format: e.p.Name(), Run: e.run, Summary: e.summary, Results: e.results})
	if err != nil {
		return err
	}
	_, err = e.w.Write(data)
	return err
}

// Export sends a run to an exporter and returns the file's bytes.
func (p *Plugin) Export(ctx context.Context, in exportInput) ([]byte, error) {
	if in.Results == nil {
		in.Results = []json.RawMessage{}
	}
	env, err := json.Marshal(Envelope{ABI: ABIVersion, Op: OpExport, PluginType: TypeExporter, Config: map[string]any{}, Input: in})
	if err != nil {
		return nil, fmt.Errorf("plugin %q: encode input: %w", p.Name(), err)
	}
	raw, err := p.Call(ctx, env, nil)
	if err != nil {
		return nil, err
	}
	data, err := parseExportOutput(raw)
	if err != nil {
		return nil, p.fail(ctx, KindOutput, err, "")
	}
	return data, nil
}

// parseExportOutput decodes an exporter's output into the file's bytes.
func parseExportOutput(raw []byte) ([]byte, error) {
	var out ExportOutput
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("output is not the exporter's JSON object: %w", err)
	}
	switch {
	case out.Data != nil && out.DataBase64 != nil:
		return nil, errors.New(`output sets both "data" and "data_base64"`)
	case out.Data != nil:
		return []byte(*out.Data), nil
	case out.DataBase64 != nil:
		b, err := base64.StdEncoding.DecodeString(*out.DataBase64)
		if err != nil {
			return nil, fmt.Errorf("data_base64: %w", err)
		}
		return b, nil
	}
	return nil, errors.New(`output has neither "data" nor "data_base64"`)
}
