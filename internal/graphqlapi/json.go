package graphqlapi

import (
	"encoding/json"
	"fmt"
	"io"
)

// JSON is the schema's JSON scalar: any JSON value, kept as its encoding
// (an inline suite in, a live payload out).
type JSON json.RawMessage

// MarshalGQL writes the value as it is (null when empty).
func (j JSON) MarshalGQL(w io.Writer) {
	if len(j) == 0 {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = w.Write(j)
}

// UnmarshalGQL takes the decoded input value and re-encodes it.
func (j *JSON) UnmarshalGQL(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("JSON scalar: %w", err)
	}
	*j = b
	return nil
}
