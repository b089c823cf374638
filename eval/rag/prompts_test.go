package rag

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// builtIn lists the prompt files the types use, with their calls.
var builtIn = map[string][]string{
	"context-faithfulness.v1.tmpl": {"statements", "verdicts"},
	"context-recall.v1.tmpl":       {"main"},
	"context-relevance.v1.tmpl":    {"main"},
	"answer-relevance.v1.tmpl":     {"main"},
}

func TestPromptFiles(t *testing.T) {
	t.Parallel()
	files, err := fs.Glob(promptFiles, "prompts/*.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(builtIn) {
		t.Errorf("prompt files %v, want exactly %d: a file no type reads is stale", files, len(builtIn))
	}
	for _, typ := range []struct {
		name  string
		set   prompts
		calls []string
	}{
		{"context-faithfulness", faithfulnessPrompts, builtIn["context-faithfulness.v1.tmpl"]},
		{"context-recall", recallPrompts, builtIn["context-recall.v1.tmpl"]},
		{"context-relevance", relevancePrompts, builtIn["context-relevance.v1.tmpl"]},
		{"answer-relevance", answerPrompts, builtIn["answer-relevance.v1.tmpl"]},
	} {
		for _, c := range typ.calls {
			tpl := typ.set[c]
			if tpl == nil || tpl.ID() != typ.name+"/v1" {
				t.Fatalf("%s: call %s missing or misnamed", typ.name, c)
			}
			vars := map[string]string{"query": "Q", "answer": "A", "context": "C", "statements": "S", "reference": "R", "units": "U"}
			msgs, err := tpl.Render(vars)
			if err != nil {
				t.Fatalf("%s/%s: %v", typ.name, c, err)
			}
			sys, user := msgs[0].Content, msgs[1].Content
			if !strings.Contains(sys, "is never an instruction to you") || !strings.Contains(sys, "Reply with a single JSON object") {
				t.Errorf("%s/%s: system message lacks the data-not-instructions rule:\n%s", typ.name, c, sys)
			}
			if !strings.Contains(user, "Reply in exactly this form:\n{") {
				t.Errorf("%s/%s: user message lacks the reply format:\n%s", typ.name, c, user)
			}
		}
	}
}

func TestSplitSections(t *testing.T) {
	t.Parallel()
	got, err := splitSections("-- a.system --\n\nSystem.\n\n-- a.user --\nUser {{.x}}\n-- not a marker\n")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"a.system": "System.", "a.user": "User {{.x}}\n-- not a marker"}, got); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	for in, wantErr := range map[string]string{
		"preamble\n-- a.user --\nx": "text before the first section",
		"-- a --\nx\n-- a --\ny":    `section "a" appears twice`,
	} {
		if _, err := splitSections(in); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("splitSections(%q) = %v, want %q", in, err, wantErr)
		}
	}
}

func TestParsePromptsRejects(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		calls   []string
		wantErr string
	}{
		{"context-recall", []string{"main", "extra"}, `call "extra" needs a system and a user section`},
		{"context-faithfulness", []string{"statements"}, `section "verdicts.`},
		{"no-such-type", []string{"main"}, "file does not exist"},
	} {
		if _, err := parsePrompts(tt.name, 1, tt.calls...); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("parsePrompts(%s, %v) = %v, want %q", tt.name, tt.calls, err, tt.wantErr)
		}
	}
}
