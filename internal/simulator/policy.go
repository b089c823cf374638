package simulator

import "strings"

// answer returns the text the simulator answers to a conversation whose last
// user message is prompt.
func (s *Server) answer(prompt string) string {
	switch s.cfg.Policy {
	case PolicyExpected:
		if a, ok := s.cfg.Answers[strings.TrimSpace(prompt)]; ok {
			return a
		}
		return prompt
	case PolicyScripted:
		for _, r := range s.cfg.Script {
			m := r.Match.FindStringSubmatchIndex(prompt)
			if m == nil {
				continue
			}
			if !strings.Contains(r.Answer, "$") {
				return r.Answer
			}
			return string(r.Match.ExpandString(nil, r.Answer, prompt, m))
		}
		return s.cfg.DefaultAnswer
	default:
		return prompt
	}
}
