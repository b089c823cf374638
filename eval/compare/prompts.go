package compare

import (
	"context"
	"embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

// The prompts are versioned: a change to a template's wording, or to the
// answer blocks that answerBlocks writes into select-best's, is a new
// version (new files and a new number below), so a stored verdict always
// names the prompt that produced it.
var (
	//go:embed prompts/*.tmpl
	promptFiles embed.FS

	selectBestPrompt = loadTemplate("select-best", 1)
	pairwisePrompt   = loadTemplate("pairwise", 1)
)

// loadTemplate reads prompts/<name>.v<version>.{system,user}.tmpl.
func loadTemplate(name string, version int) *judge.Template {
	read := func(part string) string {
		b, err := promptFiles.ReadFile(fmt.Sprintf("prompts/%s.v%d.%s.tmpl", name, version, part))
		if err != nil {
			panic(err)
		}
		return string(b)
	}
	return judge.MustTemplate(name, version, read("system"), read("user"))
}

// answersSlot is where select-best's user message takes its answer
// blocks. Template values are escaped before they are rendered, so no
// value can contain "<": the slot found in a rendered message is the
// template's own.
const answersSlot = "<answers/>"

// askSelectBest renders select-best's prompt over the answers, in the
// order given, and asks the judge.
func askSelectBest(ctx context.Context, v *judge.Verdict, criteria, question string, answers []string) (string, error) {
	msgs, err := selectBestPrompt.Render(map[string]string{
		"criteria": criteria, "question": question,
		"count": strconv.Itoa(len(answers)), "last": strconv.Itoa(len(answers) - 1),
	})
	if err != nil {
		return "", err
	}
	last := &msgs[len(msgs)-1]
	if last.Role != bench.RoleUser || strings.Count(last.Content, answersSlot) != 1 {
		return "", fmt.Errorf("judge template %s: the user message needs one %s", selectBestPrompt.ID(), answersSlot)
	}
	last.Content = strings.Replace(last.Content, answersSlot, answerBlocks(answers), 1)
	r, err := v.AskMessages(ctx, msgs, 0)
	return r.Text, err
}

// answerBlocks writes each answer, escaped, in a tag of its own that
// carries its number in the order given.
func answerBlocks(answers []string) string {
	var b strings.Builder
	for i, a := range answers {
		if i > 0 {
			b.WriteString("\n\n")
		}
		fmt.Fprintf(&b, "<answer index=\"%d\">\n%s\n</answer>", i, judge.Escape(a))
	}
	return b.String()
}

// askPairwise asks the judge to compare first (as A) with second (as B).
func askPairwise(ctx context.Context, v *judge.Verdict, question, first, second string) (string, error) {
	r, err := v.Ask(ctx, pairwisePrompt, map[string]string{"question": question, "answer_a": first, "answer_b": second}, 0)
	return r.Text, err
}
