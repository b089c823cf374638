package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// maxBody bounds a JSON request body (an inline suite is the largest).
const maxBody = 4 << 20

// jsonType is the media type of every JSON answer.
const jsonType = "application/json; charset=utf-8"

// decode reads r's body into v: application/json only (415 otherwise),
// at most maxBody bytes, one object, and no member v does not have, so a
// client cannot set owner_id, status or role by adding them.
func decode(r *http.Request, v any) *problem.Details {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return problem.New(http.StatusUnsupportedMediaType, "send the body as application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return problem.New(http.StatusBadRequest, "the body holds more than one JSON value")
	}
	return nil
}

// decodeProblem says what was wrong with a body without echoing it.
func decodeProblem(err error) *problem.Details {
	var mbe *http.MaxBytesError
	var ute *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &mbe):
		return problem.New(http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", maxBody))
	case errors.As(err, &ute):
		d := problem.New(http.StatusBadRequest, fmt.Sprintf("%s: want %s", ute.Field, ute.Type))
		d.Field = ute.Field
		return d
	case errors.As(err, &se):
		return problem.New(http.StatusBadRequest, fmt.Sprintf("malformed JSON at byte %d", se.Offset))
	case errors.Is(err, io.EOF):
		return problem.New(http.StatusBadRequest, "the body is empty")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		d := problem.New(http.StatusBadRequest, "unknown member "+field)
		d.Field = field
		return d
	}
	return problem.New(http.StatusBadRequest, "malformed JSON body")
}

// writeJSON answers status with v.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", jsonType)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeError answers err: its problem details, or a 500 that says
// nothing of the cause (which is logged).
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var d *problem.Details
	if errors.As(err, &d) {
		cp := *d
		problem.Write(w, &cp)
		return
	}
	log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	problem.Error(w, http.StatusInternalServerError, "internal error")
}
