package httpcall

import (
	"net/http"
	"strings"
)

// UserAgent is the User-Agent every call sends unless the vendor package
// or the configuration sets another.
const UserAgent = "llm-test-bench"

// SetKey puts an API key into h: raw in the header name, or as
// "Authorization: Bearer KEY" when name is "" or Authorization. An empty
// key sets nothing.
func SetKey(h http.Header, name, key string) {
	switch {
	case key == "":
	case name != "" && !strings.EqualFold(name, "Authorization"):
		h.Set(name, key)
	default:
		h.Set("Authorization", "Bearer "+key)
	}
}

// header is base with custom set over it and UserAgent added when neither
// names one.
func header(base http.Header, custom map[string]string) http.Header {
	h := base.Clone()
	if h == nil {
		h = make(http.Header, len(custom)+1)
	}
	for k, v := range custom {
		h.Set(k, v)
	}
	if _, ok := h["User-Agent"]; !ok {
		h.Set("User-Agent", UserAgent)
	}
	return h
}
