package dataset

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/template"
)

// Validate reads every case once and reports all problems it finds, in file
// order: cases that cannot be read, duplicate ids, a case with neither prompt
// nor messages when the suite has no prompts, templates (the suite's prompts
// and the case's own prompt or messages) that do not parse or name a variable
// the case lacks, and assertions of unknown types or with unusable values
// (per eval.Validate; the suite's default assertions are checked once). It
// returns nil, ctx's error, or a *ValidationError keeping the first
// MaxProblems problems and counting the rest.
func (s *Suite) Validate(ctx context.Context) error {
	v := &validation{suite: s, ids: map[string]location{}, kinds: map[string]struct{}{}}
	s.inputKinds, s.toolUse = nil, nil
	if err := eval.Validate(s.Defaults.Assert); err != nil {
		v.errs.add(Problem{File: s.Path, Line: s.defaultsLine, Msg: "defaults: " + err.Error()})
	}
	n := 0
	var ctxErr error
	src := s.src
	if src == nil {
		src = &inlineSource{file: s.Path}
	}
	src.each(func(c bench.Case, err error) bool {
		if ctxErr = ctx.Err(); ctxErr != nil {
			return false
		}
		if err != nil {
			v.addErr(err)
			return true
		}
		n++
		v.check(&c)
		return true
	})
	if ctxErr != nil {
		return ctxErr
	}
	if n == 0 && len(v.errs.Problems) == 0 {
		v.errs.add(Problem{File: s.Path, Msg: errNoCases.Error()})
	}
	if len(v.errs.Problems) == 0 {
		s.validCases = n
		return nil
	}
	return &v.errs
}

type location struct {
	file string
	line int
}

// validation is the state of one Validate pass.
type validation struct {
	suite *Suite
	ids   map[string]location
	kinds map[string]struct{} // input kinds seen, by inputKey
	errs  ValidationError
}

// addErr records an error from reading cases.
func (v *validation) addErr(err error) {
	var le *LoadError
	if errors.As(err, &le) {
		msg := le.Err.Error()
		if le.Col > 0 {
			msg = fmt.Sprintf("column %d: %s", le.Col, msg)
		}
		v.errs.add(Problem{File: le.File, Line: le.Line, CaseID: le.CaseID, Msg: msg})
		return
	}
	v.errs.add(Problem{File: v.suite.Path, Msg: err.Error()})
}

// check validates one case as read from its file, before defaults.
func (v *validation) check(c *bench.Case) {
	p := func(format string, args ...any) {
		v.errs.add(Problem{File: c.Source.File, Line: c.Source.Line, CaseID: c.ID, Msg: fmt.Sprintf(format, args...)})
	}
	if first, dup := v.ids[c.ID]; dup {
		p("duplicate id (first at %s:%d)", first.file, first.line)
	} else {
		v.ids[c.ID] = location{c.Source.File, c.Source.Line}
	}
	if err := eval.Validate(c.Assert); err != nil {
		p("%v", err)
	}
	s := v.suite
	s.Defaults.apply(c)
	own := len(c.Messages) > 0 || c.Prompt != ""
	if len(s.Prompts) == 0 && !own {
		p("no prompt: set prompt or messages (the suite has no prompts)")
	}
	for _, pr := range s.Prompts {
		for _, t := range s.compiled[pr.ID].templates() {
			if missing := t.Missing(c.Variables); len(missing) > 0 {
				p("prompt %q: %s", pr.ID, missingMsg(missing))
			}
		}
	}
	if c.Prompt != "" {
		if msg := checkTemplate(c.Prompt, c.Variables); msg != "" {
			p("prompt: %s", msg)
		}
	}
	for i, m := range c.Messages {
		if msg := checkTemplate(m.Content, c.Variables); msg != "" {
			p("messages[%d]: %s", i, msg)
		}
	}
	if err := bench.CheckToolChoice(c.Tools, c.ToolChoice); err != nil {
		p("%v", err)
	} else if (len(c.Tools) > 0 || c.ToolChoice != nil) && s.toolUse == nil {
		s.toolUse = &ToolUse{CaseID: c.ID, Source: c.Source, Tools: c.Tools, Choice: c.ToolChoice}
	}
	v.checkInputs(c, p)
}

// checkTemplate describes what is wrong with a template for vars, or "".
func checkTemplate(src string, vars map[string]any) string {
	if !strings.Contains(src, "{{") {
		return ""
	}
	t, err := template.Parse(src)
	if err != nil {
		return err.Error()
	}
	if missing := t.Missing(vars); len(missing) > 0 {
		return missingMsg(missing)
	}
	return ""
}

func missingMsg(names []string) string {
	return (&template.MissingError{Names: names}).Error() + " (add them to the case's variables)"
}
