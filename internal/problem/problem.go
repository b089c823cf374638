// Package problem writes the API server's one error shape, RFC 9457
// problem details: application/problem+json with type, title, status and
// detail (and, for some errors, extra members such as the invalid field).
package problem

import (
	"encoding/json"
	"net/http"
)

// Details is one error answer.
type Details struct {
	// Type is a URI naming the kind of problem; "about:blank" when the
	// status says it all.
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Field names the request member at fault, for 400 answers.
	Field string `json:"field,omitempty"`
	// RequestID lets an operator find the server's log line.
	RequestID string `json:"request_id,omitempty"`
}

// ContentType is the media type of problem answers.
const ContentType = "application/problem+json"

// New returns the details of status with a detail message.
func New(status int, detail string) *Details {
	return &Details{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

// Error makes Details an error, so services can return it.
func (d *Details) Error() string {
	if d.Detail == "" {
		return d.Title
	}
	return d.Title + ": " + d.Detail
}

// Write sends d; the request id comes from the X-Request-Id response
// header when the request-id middleware set it.
func Write(w http.ResponseWriter, d *Details) {
	if d.RequestID == "" {
		d.RequestID = w.Header().Get("X-Request-Id")
	}
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(d.Status)
	_ = json.NewEncoder(w).Encode(d)
}

// Error writes status with detail.
func Error(w http.ResponseWriter, status int, detail string) {
	Write(w, New(status, detail))
}

// BadField writes a 400 naming the request member at fault.
func BadField(w http.ResponseWriter, field, detail string) {
	d := New(http.StatusBadRequest, detail)
	d.Field = field
	Write(w, d)
}
