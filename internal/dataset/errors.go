package dataset

import (
	"fmt"
	"strconv"
	"strings"
)

// LoadError is a suite or case that cannot be read. Its message has the form
// FILE:LINE[:COL]: case "ID": msg, leaving out the parts that are unknown.
type LoadError struct {
	File   string
	Line   int
	Col    int // set for syntax errors where the parser reports a column
	CaseID string
	Err    error
}

// Error formats the location, the case and the problem.
func (e *LoadError) Error() string {
	var b strings.Builder
	writeLocation(&b, e.File, e.Line, e.Col, e.CaseID)
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *LoadError) Unwrap() error { return e.Err }

func writeLocation(b *strings.Builder, file string, line, col int, caseID string) {
	if file != "" {
		b.WriteString(file)
		if line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(line))
			if col > 0 {
				b.WriteByte(':')
				b.WriteString(strconv.Itoa(col))
			}
		}
		b.WriteString(": ")
	}
	if caseID != "" {
		fmt.Fprintf(b, "case %q: ", caseID)
	}
}

// Problem is one finding of Suite.Validate.
type Problem struct {
	File   string
	Line   int
	CaseID string
	Msg    string
}

// String formats the problem as FILE:LINE: case "ID": msg.
func (p Problem) String() string {
	var b strings.Builder
	writeLocation(&b, p.File, p.Line, 0, p.CaseID)
	b.WriteString(p.Msg)
	return b.String()
}

// MaxProblems is how many problems a ValidationError keeps; the rest are
// only counted.
const MaxProblems = 50

// ValidationError lists what Suite.Validate found wrong, in file order.
type ValidationError struct {
	Problems []Problem // at most MaxProblems
	More     int       // problems found beyond MaxProblems
}

// Error lists every kept problem on its own line, then how many more there were.
func (e *ValidationError) Error() string {
	var b strings.Builder
	total := len(e.Problems) + e.More
	if total == 1 {
		b.WriteString("1 problem:")
	} else {
		fmt.Fprintf(&b, "%d problems:", total)
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  and %d more", e.More)
	}
	return b.String()
}

// add records a problem, keeping at most MaxProblems.
func (e *ValidationError) add(p Problem) {
	if len(e.Problems) < MaxProblems {
		e.Problems = append(e.Problems, p)
		return
	}
	e.More++
}
