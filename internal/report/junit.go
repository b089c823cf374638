package report

import (
	"cmp"
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

// junitCounts are one suite's attributes, gathered as the rows pass.
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

// junitOutput writes one <testsuite> per provider (sorted by id) and one
// <testcase> per result. JUnit puts each suite's counts before its test
// cases and groups them by provider, while the store yields results in
// another order: so each provider's test cases are encoded into a spool of
// their own (in memory up to a limit, then a temporary file), the counts
// are taken as the rows pass, and End writes the suites one after another.
// Memory stays bounded by the number of providers, never by the results.
type junitOutput struct {
	w      io.Writer
	name   string
	total  junitCounts
	suites map[string]*junitSuite
	// spoolLimit and spoolDir configure every suite's spool (tests).
	spoolLimit int
	spoolDir   string
}

// junitSuite is one provider's counts and encoded test cases.
type junitSuite struct {
	counts junitCounts
	rows   spool
	enc    *xml.Encoder
}

var (
	_ Output  = (*junitOutput)(nil)
	_ Aborter = (*junitOutput)(nil)
)

func newJUnitOutput(w io.Writer) Output {
	return &junitOutput{w: w, suites: map[string]*junitSuite{}}
}

// Begin takes the name of the root element.
func (o *junitOutput) Begin(run bench.Run, _ *Summary) error {
	o.name = cmp.Or(run.Name, run.ID)
	return nil
}

// Add counts r and encodes its <testcase> into its provider's spool.
func (o *junitOutput) Add(r *bench.Result) error {
	s := o.suites[r.Provider]
	if s == nil {
		s = &junitSuite{rows: spool{limit: o.spoolLimit, dir: o.spoolDir}}
		// Test cases sit at depth 2: the prefix gives them the indentation
		// they have inside <testsuites><testsuite>.
		s.enc = xml.NewEncoder(&s.rows)
		s.enc.Indent("    ", "  ")
		o.suites[r.Provider] = s
	}
	s.counts.add(r)
	o.total.add(r)
	if err := s.enc.Encode(junitCaseOf(r)); err != nil {
		return fmt.Errorf("encode result %s: %w", r.ID, err)
	}
	return nil
}

// End writes the document: the root with the totals, then each suite's
// element around its spooled test cases.
func (o *junitOutput) End() error {
	defer o.Abort()
	if _, err := io.WriteString(o.w, xml.Header); err != nil {
		return err
	}
	if err := writeStartTag(o.w, "testsuites", o.total.attrs(o.name)); err != nil {
		return err
	}
	for _, provider := range slices.Sorted(maps.Keys(o.suites)) {
		s := o.suites[provider]
		if _, err := io.WriteString(o.w, "\n  "); err != nil {
			return err
		}
		if err := writeStartTag(o.w, "testsuite", s.counts.attrs(provider)); err != nil {
			return err
		}
		if !s.rows.empty() {
			if _, err := io.WriteString(o.w, "\n"); err != nil {
				return err
			}
			if _, err := s.rows.WriteTo(o.w); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(o.w, "\n  </testsuite>"); err != nil {
			return err
		}
	}
	end := "</testsuites>\n"
	if len(o.suites) > 0 {
		end = "\n" + end
	}
	_, err := io.WriteString(o.w, end)
	return err
}

// Abort removes the spools' temporary files.
func (o *junitOutput) Abort() {
	for _, s := range o.suites {
		_ = s.rows.Close()
	}
}

// writeStartTag writes <name attrs…> with the attributes escaped as
// encoding/xml escapes them.
func writeStartTag(w io.Writer, name string, attrs []xml.Attr) error {
	enc := xml.NewEncoder(w)
	if err := enc.EncodeToken(xml.StartElement{Name: xml.Name{Local: name}, Attr: attrs}); err != nil {
		return err
	}
	return enc.Flush()
}

// junitCaseOf maps a result to its <testcase>. A result that failed for
// want of a verdict is a failure of type "unscored" whose message names
// each unscored assertion as "name: unscored: reason".
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
		kind := "assertion"
		if unscoredGating(r) {
			kind = "unscored"
		}
		tc.Failure = &junitProblem{Message: truncate(reason, maxReason), Type: kind, Text: failureDetail(r)}
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

// maxJUnitRaw bounds the judge reply shown under an unscored assertion.
const maxJUnitRaw = 300

// failureDetail lists each failing assertion on its own line, an unscored
// one with the start of the judge's reply when there was one.
func failureDetail(r *bench.Result) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(r.Scores)) {
		s := r.Scores[name]
		switch {
		case s.Unscored:
			fmt.Fprintf(&b, "%s (%s)\n", name, unscoredText(s.Reason))
			if s.Raw != "" {
				fmt.Fprintf(&b, "  judge reply: %s\n", truncate(oneLine(s.Raw), maxJUnitRaw))
			}
		case !s.Pass:
			fmt.Fprintf(&b, "%s (score %s): %s\n", name, strconv.FormatFloat(s.Score, 'g', 4, 64), s.Reason)
		}
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
