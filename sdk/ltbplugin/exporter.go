package ltbplugin

import (
	"encoding/json"
	"fmt"
)

// ExportInput is an exporter's input: the run, its summary (the report
// package's), and every result (the README's result record).
type ExportInput struct {
	Format  string            `json:"format"`
	Run     json.RawMessage   `json:"run"`
	Summary json.RawMessage   `json:"summary"`
	Results []json.RawMessage `json:"results"`
}

// ExportOutput is the file an exporter makes: Data as text, or
// DataBase64 for bytes. The host writes it; a plugin never touches the
// filesystem.
type ExportOutput struct {
	ContentType string `json:"content_type,omitempty"`
	Data        string `json:"data,omitempty"`
	DataBase64  string `json:"data_base64,omitempty"`
}

// HandleExporter registers an exporter: f gets the output's config (the
// plugin's [config_schema] applies to none; it is {}) and the run.
func HandleExporter(f func(cfg json.RawMessage, in ExportInput) (ExportOutput, error)) {
	Handle(func(req Request) (any, error) {
		if req.Op != "export" {
			return nil, BadInput(fmt.Errorf("exporter: unknown op %q", req.Op))
		}
		var in ExportInput
		if err := json.Unmarshal(req.Input, &in); err != nil {
			return nil, BadInput(fmt.Errorf("exporter input: %w", err))
		}
		return f(req.Config, in)
	})
}
