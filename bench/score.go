package bench

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// Score is one assertion's or metric's verdict.
//
// An unscored verdict is its own state: the evaluator could not reach one
// (a judge reply that cannot be parsed, a judge call that failed, a
// retrieval metric without statements). Its Score is meaningless and is
// written as JSON null, Pass is false, Reason says why and Raw keeps the
// start of the judge's reply. It is never read as a 0 or a 1: the case's
// weighted mean leaves it out and the case does not pass.
type Score struct {
	Score  float64 `json:"score"`
	Reason string  `json:"reason"`
	// Raw is the judge's reply of an unscored verdict, cut to RawLimit bytes.
	Raw string `json:"raw,omitempty"`
	// Judge describes the model calls behind the verdict; nil for
	// assertions that call no model.
	Judge *JudgeInfo `json:"judge,omitempty"`
	Pass  bool       `json:"pass"`
	// Unscored marks a verdict that could not be reached.
	Unscored bool `json:"unscored,omitempty"`
}

// RawLimit bounds Score.Raw, in bytes.
const RawLimit = 2000

// Unscored returns the unscored verdict with its reason and the judge's
// reply, cut to RawLimit bytes on a character boundary.
func Unscored(reason, raw string) Score {
	return Score{Unscored: true, Reason: reason, Raw: Truncate(raw, RawLimit)}
}

// Truncate cuts s to at most n bytes without splitting a UTF-8 character.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// JudgeInfo is what a model-graded verdict cost and came from: the judge
// and prompt template that produced it, and its calls, tokens and cost
// (calls answered from the cache cost nothing and are counted in Cached).
type JudgeInfo struct {
	// Provider is the judge as the run resolved it ("vendor:model" or a target id).
	Provider string `json:"provider,omitempty"`
	// Model is the model the judge's vendor says answered.
	Model string `json:"model,omitempty"`
	// Prompt is the template and its version, "llm-rubric/v1".
	Prompt string `json:"prompt,omitempty"`
	// Embedding is the embedding provider, for verdicts that compare vectors.
	Embedding string  `json:"embedding,omitempty"`
	Calls     int     `json:"calls"`
	Cached    int     `json:"cached,omitempty"`
	Tokens    Usage   `json:"tokens"`
	CostUSD   float64 `json:"cost_usd"`
	// CostUnknown is set when a call's model has no price: CostUSD leaves it out.
	CostUnknown bool `json:"cost_unknown,omitempty"`
	// PositionConsistent, for verdicts that compare answers in both orders,
	// says whether the judge gave the same verdict both ways.
	PositionConsistent *bool `json:"position_consistent,omitempty"`
}

// Add counts one call: its tokens, its cost and whether it came from the cache.
func (j *JudgeInfo) Add(u Usage, c Cost, cached bool) {
	j.Calls++
	if cached {
		j.Cached++
	}
	j.Tokens.Prompt += u.Prompt
	j.Tokens.Completion += u.Completion
	j.Tokens.Cached += u.Cached
	j.Tokens.Reasoning += u.Reasoning
	j.Tokens.Total += u.Total
	j.CostUSD += c.Total
	j.CostUnknown = j.CostUnknown || c.Unknown
}

// scoreJSON is Score's wire form: the score is null when unscored.
type scoreJSON struct {
	Score    *float64   `json:"score"`
	Pass     bool       `json:"pass"`
	Reason   string     `json:"reason"`
	Unscored bool       `json:"unscored,omitempty"`
	Raw      string     `json:"raw,omitempty"`
	Judge    *JudgeInfo `json:"judge,omitempty"`
}

// MarshalJSON writes an unscored verdict's score as null.
func (s Score) MarshalJSON() ([]byte, error) {
	w := scoreJSON{Pass: s.Pass, Reason: s.Reason, Unscored: s.Unscored, Raw: s.Raw, Judge: s.Judge}
	if !s.Unscored {
		w.Score = &s.Score
	}
	// The caller's encoder decides on HTML escaping: json.Marshal would
	// escape here, and an encoder with SetEscapeHTML(false) cannot undo it.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads a null score as unscored.
func (s *Score) UnmarshalJSON(b []byte) error {
	var w scoreJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = Score{Pass: w.Pass, Reason: w.Reason, Unscored: w.Unscored || w.Score == nil, Raw: w.Raw, Judge: w.Judge}
	if w.Score != nil {
		s.Score = *w.Score
	}
	return nil
}
