package report

import (
	"bufio"
	"cmp"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// maxJUnitOutput bounds the response kept in a failing test case's system-out.
const maxJUnitOutput = 2000

// junitCounts are one suite's attributes, gathered in the first pass.
type junitCounts struct {
	tests, failures, errors, skipped int
	seconds                          float64
}

func (c *junitCounts) add(r *bench.Result) {
	c.tests++
	switch r.Status {
	case bench.StatusSuccess:
		if !r.Passed {
			c.failures++
		}
	case bench.StatusSkipped, bench.StatusCancelled:
		c.skipped++
	default:
		c.errors++
	}
	if finite(r.LatencyMs) && r.LatencyMs > 0 {
		c.seconds += r.LatencyMs / 1000
	}
}

func (c *junitCounts) attrs(name string) []xml.Attr {
	return []xml.Attr{
		{Name: xml.Name{Local: "name"}, Value: xmlText(name)},
		{Name: xml.Name{Local: "tests"}, Value: strconv.Itoa(c.tests)},
		{Name: xml.Name{Local: "failures"}, Value: strconv.Itoa(c.failures)},
		{Name: xml.Name{Local: "errors"}, Value: strconv.Itoa(c.errors)},
		{Name: xml.Name{Local: "skipped"}, Value: strconv.Itoa(c.skipped)},
		{Name: xml.Name{Local: "time"}, Value: seconds(c.seconds)},
	}
}

// junitCase is one <testcase>.
type junitCase struct {
	XMLName   xml.Name      `xml:"testcase"`
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

// junitProblem is a <failure>, <error> or <skipped> element.
type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes one <testsuite> per provider (sorted by id) and one
// <testcase> per result. The first pass counts every suite; then one pass
// per provider writes its test cases, so memory stays bounded by the number
// of providers.
func writeJUnit(ctx context.Context, w io.Writer, run bench.Run, results Results) error {
	suites := map[string]*junitCounts{}
	var total junitCounts
	err := each(ctx, results, func(r *bench.Result) error {
		c := suites[r.Provider]
		if c == nil {
			c = &junitCounts{}
			suites[r.Provider] = c
		}
		c.add(r)
		total.add(r)
		return nil
	})
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString(xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	root := xml.StartElement{Name: xml.Name{Local: "testsuites"}, Attr: total.attrs(cmp.Or(run.Name, run.ID))}
	if err := enc.EncodeToken(root); err != nil {
		return err
	}
	for _, provider := range slices.Sorted(maps.Keys(suites)) {
		if err := writeJUnitSuite(ctx, enc, provider, suites[provider], results); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	bw.WriteByte('\n')
	return bw.Flush()
}

// writeJUnitSuite writes one provider's <testsuite>.
func writeJUnitSuite(ctx context.Context, enc *xml.Encoder, provider string, c *junitCounts, results Results) error {
	start := xml.StartElement{Name: xml.Name{Local: "testsuite"}, Attr: c.attrs(provider)}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	err := each(ctx, results, func(r *bench.Result) error {
		if r.Provider != provider {
			return nil
		}
		return enc.Encode(junitCaseOf(r))
	})
	if err != nil {
		return err
	}
	return enc.EncodeToken(start.End())
}

// junitCaseOf maps a result to its <testcase>.
func junitCaseOf(r *bench.Result) junitCase {
	tc := junitCase{
		Name:      xmlText(caseName(r)),
		Classname: xmlText(r.Provider),
		Time:      seconds(r.LatencyMs / 1000),
	}
	reason := xmlText(FailureReason(r))
	switch r.Status {
	case bench.StatusSuccess:
		if r.Passed {
			return tc
		}
		tc.Failure = &junitProblem{Message: truncate(reason, maxReason), Type: "assertion", Text: failureDetail(r)}
	case bench.StatusSkipped, bench.StatusCancelled:
		tc.Skipped = &junitProblem{Message: reason}
		return tc
	default:
		kind := string(r.Status)
		if r.Error != nil && r.Error.Kind != "" {
			kind = r.Error.Kind
		}
		tc.Error = &junitProblem{Message: truncate(reason, maxReason), Type: xmlText(kind), Text: reason}
	}
	if r.Response != "" {
		tc.SystemOut = xmlText(truncate(r.Response, maxJUnitOutput))
	}
	return tc
}

// failureDetail lists each failing assertion on its own line.
func failureDetail(r *bench.Result) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(r.Scores)) {
		s := r.Scores[name]
		if s.Pass {
			continue
		}
		fmt.Fprintf(&b, "%s (score %s): %s\n", name, strconv.FormatFloat(s.Score, 'g', 4, 64), s.Reason)
	}
	if b.Len() == 0 {
		fmt.Fprintf(&b, "score %s below threshold\n", strconv.FormatFloat(r.Score, 'g', 4, 64))
	}
	return xmlText(b.String())
}

// caseName is "case_id [prompt_id] #repetition".
func caseName(r *bench.Result) string {
	if r.PromptID == "" {
		return fmt.Sprintf("%s #%d", r.CaseID, r.Repetition)
	}
	return fmt.Sprintf("%s [%s] #%d", r.CaseID, r.PromptID, r.Repetition)
}

// seconds formats a duration in seconds with millisecond precision.
func seconds(s float64) string {
	if !finite(s) || s < 0 {
		s = 0
	}
	return strconv.FormatFloat(s, 'f', 3, 64)
}

// xmlText removes the characters XML 1.0 (and HTML) cannot carry (control characters
// other than tab, newline and carriage return, surrogates, U+FFFE/U+FFFF)
// (invalid UTF-8 becomes U+FFFD when the encoder escapes it).
func xmlText(s string) string {
	ok := true
	for _, r := range s {
		if !xmlChar(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if xmlChar(r) {
			return r
		}
		return -1
	}, s)
}

func xmlChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}
