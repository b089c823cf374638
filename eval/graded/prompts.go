package graded

import (
	"embed"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

// promptFiles holds the judge prompts, two files per template:
// <file>.v<N>.system.tmpl and <file>.v<N>.user.tmpl.
//
//go:embed prompts/*.tmpl
var promptFiles embed.FS

// The judge prompts. A change to a prompt's wording is a new version (a
// new pair of files), so that a stored verdict names the exact prompt
// behind it. g-eval's two prompts (steps and evaluation) share one name
// and version: a change to either is a new g-eval version.
var (
	rubricPrompt       = loadPrompt("llm-rubric", "llm-rubric", 1)
	gevalStepsPrompt   = loadPrompt("g-eval-steps", "g-eval", 1)
	gevalPrompt        = loadPrompt("g-eval", "g-eval", 1)
	factualityPrompt   = loadPrompt("factuality", "factuality", 1)
	closedQAPrompt     = loadPrompt("model-graded-closedqa", "model-graded-closedqa", 1)
	qaPrompt           = loadPrompt("model-graded-qa", "model-graded-qa", 1)
	faithfulnessPrompt = loadPrompt("faithfulness", "faithfulness", 1)
	relevancePrompt    = loadPrompt("relevance", "relevance", 1)
	coherencePrompt    = loadPrompt("coherence", "coherence", 1)
)

// loadPrompt builds the template of name and version from its files; a
// missing or broken file is a programming error.
func loadPrompt(file, name string, version int) *judge.Template {
	read := func(part string) string {
		b, err := promptFiles.ReadFile(fmt.Sprintf("prompts/%s.v%d.%s.tmpl", file, version, part))
		if err != nil {
			panic(fmt.Sprintf("graded: prompt %s/v%d: %v", name, version, err))
		}
		return strings.TrimRight(string(b), "\n")
	}
	return judge.MustTemplate(name, version, read("system"), read("user"))
}

// expectedOf is the case's expected answer, "" without a case.
// orExpected is the value rendered with the case's variables, or the
// case's expected answer when it is blank; "" when both are.
func orExpected(raw string, in *eval.Input) string {
	if v := value.Render(raw, in); strings.TrimSpace(v) != "" {
		return v
	}
	if e := expectedOf(in); strings.TrimSpace(e) != "" {
		return e
	}
	return ""
}

func expectedOf(in *eval.Input) string {
	if in.Case == nil {
		return ""
	}
	return in.Case.Expected
}

// contextOf is the case's context passages joined by blank lines, ""
// without a case.
func contextOf(in *eval.Input) string {
	if in.Case == nil {
		return ""
	}
	return strings.Join(in.Case.Context, "\n\n")
}
