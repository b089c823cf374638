package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// geminiRequest is the part of a generateContent request the simulator
// reads. Like the REST API it takes the camelCase and the snake_case
// spelling of each field. Parts other than text (inlineData, fileData,
// function calls) are ignored.
type geminiRequest struct {
	Contents               []geminiContent  `json:"contents"`
	SystemInstruction      *geminiContent   `json:"systemInstruction"`
	SystemInstructionSnake *geminiContent   `json:"system_instruction"`
	GenerationConfig       *geminiGenConfig `json:"generationConfig"`
	GenerationConfigSnake  *geminiGenConfig `json:"generation_config"`
	GeminiToolFields
}

type geminiContent struct {
	Role  string       `json:"role"`
	Parts []geminiPart `json:"parts"`
}

type geminiPart struct {
	Text             *string `json:"text"`
	FunctionResponse *struct {
		Name     string          `json:"name"`
		Response json.RawMessage `json:"response"`
	} `json:"functionResponse"`
}

type geminiGenConfig struct {
	MaxOutputTokens       *int     `json:"maxOutputTokens"`
	MaxOutputTokensSnake  *int     `json:"max_output_tokens"`
	ResponseLogprobs      *bool    `json:"responseLogprobs"`
	ResponseLogprobsSnake *bool    `json:"response_logprobs"`
	Logprobs              *int     `json:"logprobs"`
	StopSequences         []string `json:"stopSequences"`
	StopSequencesSnake    []string `json:"stop_sequences"`
}

// text joins the content's text parts with newlines.
func (c *geminiContent) text() string {
	var s string
	first := true
	for _, p := range c.Parts {
		if p.Text == nil {
			continue
		}
		if !first {
			s += "\n"
		}
		s += *p.Text
		first = false
	}
	return s
}

// system returns the system instruction's text.
func (r *geminiRequest) system() string {
	if r.SystemInstruction != nil {
		return r.SystemInstruction.text()
	}
	if r.SystemInstructionSnake != nil {
		return r.SystemInstructionSnake.text()
	}
	return ""
}

// maxTokens is the completion limit the request sets, or -1.
func (r *geminiRequest) maxTokens() int {
	for _, g := range []*geminiGenConfig{r.GenerationConfig, r.GenerationConfigSnake} {
		if g == nil {
			continue
		}
		for _, v := range []*int{g.MaxOutputTokens, g.MaxOutputTokensSnake} {
			if v != nil && *v > 0 {
				return *v
			}
		}
	}
	return -1
}

// stops is generationConfig.stopSequences, in either spelling.
func (r *geminiRequest) stops() []string {
	var s []string
	for _, g := range []*geminiGenConfig{r.GenerationConfig, r.GenerationConfigSnake} {
		if g != nil {
			s = append(append(s, g.StopSequences...), g.StopSequencesSnake...)
		}
	}
	return s
}

// logprobs reports whether the request asks for token logprobs
// (responseLogprobs) and how many alternatives per token (logprobs).
func (r *geminiRequest) logprobs() (on bool, top int) {
	for _, g := range []*geminiGenConfig{r.GenerationConfig, r.GenerationConfigSnake} {
		if g == nil {
			continue
		}
		for _, v := range []*bool{g.ResponseLogprobs, g.ResponseLogprobsSnake} {
			if v != nil && *v {
				on = true
			}
		}
		if g.Logprobs != nil && *g.Logprobs > top {
			top = *g.Logprobs
		}
	}
	return on, top
}

// lastUserText returns the last user content, or the last content when no
// user spoke; the request has at least one content.
func (r *geminiRequest) lastUserText() string {
	for i := len(r.Contents) - 1; i >= 0; i-- {
		if role := r.Contents[i].Role; role == "user" || role == "" {
			return r.Contents[i].text()
		}
	}
	return r.Contents[len(r.Contents)-1].text()
}

// promptTokens counts the system instruction and contents as described in
// tokens.go.
func (r *geminiRequest) promptTokens() int {
	n := replyOverhead
	if s := r.system(); s != "" {
		n += messageOverhead + countTokens(s)
	}
	for i := range r.Contents {
		n += messageOverhead + countTokens(r.Contents[i].text())
	}
	return n
}

func badGemini(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: "INVALID_ARGUMENT", message: msg}
}

// checkGeminiContents checks the roles and parts of contents as Gemini does.
func checkGeminiContents(contents []geminiContent) *apiError {
	for i, c := range contents {
		if c.Role != "" && c.Role != "user" && c.Role != "model" {
			return badGemini("Please use a valid role: user, model.")
		}
		if len(c.Parts) == 0 {
			return badGemini(fmt.Sprintf("* GenerateContentRequest.contents[%d].parts: contents.parts must not be empty.\n", i))
		}
	}
	return nil
}

// parseGeminiRequest decodes and checks a request body the way Gemini does.
func parseGeminiRequest(body []byte) (geminiRequest, *apiError) {
	var req geminiRequest
	if !fastParseGemini(body, &req) {
		req = geminiRequest{}
		if err := json.Unmarshal(body, &req); err != nil {
			return req, geminiDecodeError(err)
		}
	}
	if len(req.Contents) == 0 {
		return req, badGemini("* GenerateContentRequest.contents: contents is not specified\n")
	}
	if e := checkGeminiContents(req.Contents); e != nil {
		return req, e
	}
	for _, g := range []*geminiGenConfig{req.GenerationConfig, req.GenerationConfigSnake} {
		if g != nil && g.Logprobs != nil && (*g.Logprobs < 0 || *g.Logprobs > MaxTopLogprobs) {
			return req, badGemini(fmt.Sprintf("* GenerateContentRequest.generation_config.logprobs: logprobs must be in the range [0, %d], got %d\n",
				MaxTopLogprobs, *g.Logprobs))
		}
	}
	return req, nil
}

// geminiDecodeError turns an encoding/json error into Gemini's 400.
func geminiDecodeError(err error) *apiError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		typ := "TYPE_MESSAGE"
		switch te.Type.Kind().String() {
		case "int":
			typ = "TYPE_INT32"
		case "string":
			typ = "TYPE_STRING"
		case "bool":
			typ = "TYPE_BOOL"
		}
		return badGemini(fmt.Sprintf("Invalid value at '%s' (%s), %s", te.Field, typ, te.Value))
	}
	return badGemini("Invalid JSON payload received. " + err.Error())
}

// fastParseGemini decodes the common shape of a generateContent request
// without reflection, like fastParseChat: on ok it yields what
// encoding/json would (FuzzFastParseGemini checks that), otherwise the
// caller falls back to encoding/json.
func fastParseGemini(b []byte, req *geminiRequest) bool {
	p := jsonParser{b: b}
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "contents":
			if req.Contents != nil { // see jsonParser.messages
				return false
			}
			contents := make([]geminiContent, 0, 2)
			ok := p.array(func() bool {
				contents = append(contents, geminiContent{})
				return p.geminiContent(&contents[len(contents)-1])
			})
			req.Contents = contents
			return ok
		case "systemInstruction":
			return p.geminiContentPtr(&req.SystemInstruction)
		case "system_instruction":
			return p.geminiContentPtr(&req.SystemInstructionSnake)
		case "generationConfig":
			return p.geminiGenConfig(&req.GenerationConfig)
		case "generation_config":
			return p.geminiGenConfig(&req.GenerationConfigSnake)
		case "tools", "toolConfig", "tool_config":
			return false // encoding/json reads tools
		}
		return p.other(key, "contents", "systemInstruction", "system_instruction", "generationConfig", "generation_config")
	})
	p.space()
	return ok && p.i == len(p.b)
}

// geminiContentPtr reads a content into *dst, which encoding/json reuses
// when a key repeats.
func (p *jsonParser) geminiContentPtr(dst **geminiContent) bool {
	if *dst == nil {
		*dst = new(geminiContent)
	}
	return p.geminiContent(*dst)
}

func (p *jsonParser) geminiContent(c *geminiContent) bool {
	return p.object(func(key []byte) bool {
		switch string(key) {
		case "role":
			return p.str(&c.Role)
		case "parts":
			if c.Parts != nil { // see jsonParser.messages
				return false
			}
			parts := make([]geminiPart, 0, 1)
			ok := p.array(func() bool {
				var part geminiPart
				ok := p.object(func(key []byte) bool {
					switch string(key) {
					case "text":
						if part.Text == nil {
							part.Text = new(string)
						}
						return p.str(part.Text)
					case "functionResponse":
						return false // encoding/json reads tool results
					}
					return p.other(key, "text")
				})
				parts = append(parts, part)
				return ok
			})
			c.Parts = parts
			return ok
		}
		return p.other(key, "role", "parts")
	})
}

func (p *jsonParser) geminiGenConfig(dst **geminiGenConfig) bool {
	if *dst == nil {
		*dst = new(geminiGenConfig)
	}
	g := *dst
	return p.object(func(key []byte) bool {
		switch string(key) {
		case "maxOutputTokens":
			return p.intPtr(&g.MaxOutputTokens)
		case "max_output_tokens":
			return p.intPtr(&g.MaxOutputTokensSnake)
		case "responseLogprobs":
			return p.boolPtr(&g.ResponseLogprobs)
		case "response_logprobs":
			return p.boolPtr(&g.ResponseLogprobsSnake)
		case "logprobs":
			return p.intPtr(&g.Logprobs)
		case "stopSequences":
			return p.strList(&g.StopSequences)
		case "stop_sequences":
			return p.strList(&g.StopSequencesSnake)
		}
		return p.other(key, "maxOutputTokens", "max_output_tokens", "responseLogprobs", "response_logprobs", "logprobs",
			"stopSequences", "stop_sequences")
	})
}
