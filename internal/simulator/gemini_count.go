package simulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// geminiCountRequest is a countTokens body: the contents alone, or a whole
// generateContent request under generateContentRequest.
type geminiCountRequest struct {
	Contents               []geminiContent `json:"contents"`
	GenerateContentRequest json.RawMessage `json:"generateContentRequest"`
}

// countGeminiTokens checks a countTokens body as Gemini does and counts
// its prompt the way generateContent's promptTokenCount does.
func countGeminiTokens(body []byte) (int, *apiError) {
	var req geminiCountRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, geminiDecodeError(err)
	}
	if g := bytes.TrimSpace(req.GenerateContentRequest); len(g) > 0 && string(g) != "null" {
		if len(req.Contents) > 0 {
			return 0, badGemini("* CountTokensRequest: only one of contents or generate_content_request may be set\n")
		}
		gr, e := parseGeminiRequest(g)
		if e != nil {
			return 0, e
		}
		return gr.promptTokens(), nil
	}
	if len(req.Contents) == 0 {
		return 0, badGemini("* CountTokensRequest.contents: contents is not specified\n")
	}
	if e := checkGeminiContents(req.Contents); e != nil {
		return 0, e
	}
	gr := geminiRequest{Contents: req.Contents}
	return gr.promptTokens(), nil
}

// geminiCountTokens serves POST /v1beta/models/{model}:countTokens with
// {"totalTokens":N,"promptTokensDetails":[...]}; faults and latency do not
// apply, as the call is not a model call.
func (s *Server) geminiCountTokens(w http.ResponseWriter, r *http.Request) {
	sc := s.getScratch()
	body, e := s.readBody(r, sc)
	var n int
	if e == nil {
		n, e = countGeminiTokens(body)
	}
	if e != nil {
		s.putScratch(sc, sc.out)
		s.writeError(w, &geminiDialect{}, e)
		return
	}
	b := sc.out[:0]
	b = append(b, `{"totalTokens":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `,"promptTokensDetails":[{"modality":"TEXT","tokenCount":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, "}]}\n"...)
	w.Header()["Content-Type"] = hdrGeminiJSON
	_, _ = w.Write(b)
	s.putScratch(sc, b)
}
