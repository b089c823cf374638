package rag

import (
	"bufio"
	"embed"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

// promptFiles holds one file per assertion type and prompt version,
// prompts/<type>.v<N>.tmpl. A file is a list of sections, each opened by
// a line "-- <call>.system --" or "-- <call>.user --" (a type that makes
// one call names it "main"); every template of the file shares the
// type's name and version, so a verdict names the exact prompts behind it.
//
//go:embed prompts/*.tmpl
var promptFiles embed.FS

// prompts is the parsed set of one file, by call.
type prompts map[string]*judge.Template

// mustPrompts parses prompts/<name>.v<version>.tmpl and checks it holds a
// system and a user message for each call; the files are built in, so a
// broken one is a programming error.
func mustPrompts(name string, version int, calls ...string) prompts {
	p, err := parsePrompts(name, version, calls...)
	if err != nil {
		panic(err)
	}
	return p
}

func parsePrompts(name string, version int, calls ...string) (prompts, error) {
	file := fmt.Sprintf("prompts/%s.v%d.tmpl", name, version)
	b, err := promptFiles.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("judge prompts: %w", err)
	}
	sections, err := splitSections(string(b))
	if err != nil {
		return nil, fmt.Errorf("judge prompts %s: %w", file, err)
	}
	out := make(prompts, len(calls))
	for _, c := range calls {
		sys, user := sections[c+".system"], sections[c+".user"]
		if sys == "" || user == "" {
			return nil, fmt.Errorf("judge prompts %s: call %q needs a system and a user section", file, c)
		}
		t, err := judge.NewTemplate(name, version, sys, user)
		if err != nil {
			return nil, err
		}
		out[c] = t
		delete(sections, c+".system")
		delete(sections, c+".user")
	}
	for s := range sections {
		return nil, fmt.Errorf("judge prompts %s: section %q belongs to no call", file, s)
	}
	return out, nil
}

// splitSections reads "-- name --" sections; text before the first one is
// not allowed, and each section's text is trimmed of surrounding blank
// lines.
func splitSections(s string) (map[string]string, error) {
	out := map[string]string{}
	var name string
	var body strings.Builder
	flush := func() {
		if name != "" {
			out[name] = strings.Trim(body.String(), "\n")
		}
		body.Reset()
	}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(line, "-- "); ok && strings.HasSuffix(n, " --") {
			flush()
			name = strings.TrimSuffix(n, " --")
			if _, dup := out[name]; dup {
				return nil, fmt.Errorf("section %q appears twice", name)
			}
			continue
		}
		if name == "" && strings.TrimSpace(line) != "" {
			return nil, fmt.Errorf("text before the first section: %q", line)
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	flush()
	return out, sc.Err()
}
