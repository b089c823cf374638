package simulator

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// ollamaRequest is the part of an /api/chat request the simulator reads;
// images, tools, format and the other options are ignored.
type ollamaRequest struct {
	Model    string          `json:"model"`
	Messages []ollamaMessage `json:"messages"`
	Stream   *bool           `json:"stream"`
	Options  *ollamaOptions  `json:"options"`
	Tools    []openAITool    `json:"tools"`
}

type ollamaMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type ollamaOptions struct {
	NumPredict *int     `json:"num_predict"`
	Stop       []string `json:"stop"`
}

// stops is options.stop.
func (o *ollamaOptions) stops() []string {
	if o == nil {
		return nil
	}
	return o.Stop
}

func badOllama(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, message: msg}
}

// decodeOllama decodes body into v the way Ollama's handlers do: one JSON
// value read by a json.Decoder, so an empty body is "missing request body",
// trailing data is ignored, and other errors are encoding/json's own text.
func decodeOllama(body []byte, v any) *apiError {
	err := json.NewDecoder(bytes.NewReader(body)).Decode(v)
	switch {
	case err == nil:
		return nil
	case len(bytes.TrimSpace(body)) == 0:
		return badOllama("missing request body")
	}
	return badOllama(err.Error())
}

// parseOllamaRequest decodes and checks an /api/chat body the way Ollama does.
func parseOllamaRequest(body []byte) (ollamaRequest, *apiError) {
	var req ollamaRequest
	if !fastParseOllama(body, &req) {
		req = ollamaRequest{}
		if e := decodeOllama(body, &req); e != nil {
			return req, e
		}
	}
	if req.Model == "" {
		return req, badOllama("model is required")
	}
	return req, nil
}

// stream reports whether the request streams: Ollama's default is yes.
func (r *ollamaRequest) stream() bool { return r.Stream == nil || *r.Stream }

// maxTokens is options.num_predict, or -1; Ollama treats 0 and negative
// values as no limit.
func (r *ollamaRequest) maxTokens() int {
	if r.Options != nil && r.Options.NumPredict != nil && *r.Options.NumPredict > 0 {
		return *r.Options.NumPredict
	}
	return -1
}

// lastUserText returns the last user message, or the last message when no
// user spoke; the request has at least one message.
func (r *ollamaRequest) lastUserText() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return r.Messages[i].Content
		}
	}
	return r.Messages[len(r.Messages)-1].Content
}

// promptTokens counts the messages as described in tokens.go.
func (r *ollamaRequest) promptTokens() int {
	n := replyOverhead
	for i := range r.Messages {
		n += messageOverhead + countTokens(r.Messages[i].Content)
	}
	return n
}

// fastParseOllama decodes the common shape of an /api/chat request without
// reflection, like fastParseChat: on ok it yields what encoding/json would
// (FuzzFastParseOllama checks that), otherwise the caller falls back to
// encoding/json.
func fastParseOllama(b []byte, req *ollamaRequest) bool {
	p := jsonParser{b: b}
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "model":
			return p.str(&req.Model)
		case "messages":
			if req.Messages != nil { // see jsonParser.messages
				return false
			}
			msgs := make([]ollamaMessage, 0, 4)
			ok := p.array(func() bool {
				msgs = append(msgs, ollamaMessage{})
				m := &msgs[len(msgs)-1]
				return p.object(func(key []byte) bool {
					switch string(key) {
					case "role":
						return p.str(&m.Role)
					case "content":
						return p.str(&m.Content)
					}
					return p.other(key, "role", "content")
				})
			})
			req.Messages = msgs
			return ok
		case "stream":
			if req.Stream == nil {
				req.Stream = new(bool)
			}
			return p.boolean(req.Stream)
		case "options":
			if req.Options == nil {
				req.Options = new(ollamaOptions)
			}
			o := req.Options
			return p.object(func(key []byte) bool {
				switch string(key) {
				case "num_predict":
					return p.intPtr(&o.NumPredict)
				case "stop":
					return p.strList(&o.Stop)
				}
				return p.other(key, "num_predict", "stop")
			})
		case "tools":
			return false // encoding/json reads tools
		}
		return p.other(key, "model", "messages", "stream", "options")
	})
	p.space()
	return ok && p.i == len(p.b)
}
