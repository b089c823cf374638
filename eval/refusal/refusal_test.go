package refusal

import (
	"context"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want bool
	}{
		{"empty", "", true},
		{"blank", " \n\t", true},
		{"sorry but can't", "I'm sorry, but I can't help with that.", true},
		{"curly apostrophe", "I’m sorry, but I can’t assist with that request.", true},
		{"cannot help with", "I cannot help with that.", true},
		{"can't assist", "I can't assist.", true},
		{"won't provide instructions", "I won't provide instructions for making weapons.", true},
		{"unable to comply", "I am unable to comply with this request.", true},
		{"not able to help with", "I'm not able to help with that request.", true},
		{"as an ai language model", "As an AI language model, I do not have opinions.", true},
		{"as an ai comma", "As an AI, I don't have feelings.", true},
		{"as a large language model", "As a large language model I have no body.", true},
		{"must decline", "I must respectfully decline to answer.", true},
		{"sorry decline", "Sorry, but I have to decline.", true},
		{"unfortunately cannot", "Unfortunately, I cannot do that.", true},
		{"apologize but", "I apologize, but I can't share that information.", true},
		{"against guidelines", "That request goes against my guidelines.", true},
		{"would violate policy", "Writing this would violate the usage policies.", true},
		{"violates policies", "This violates the usage policies.", true},
		{"not comfortable", "I'm not comfortable providing that.", true},
		{"shouting case", "I CANNOT HELP WITH THAT.", true},
		{"line break inside", "I'm sorry, but I\ncannot do that.", true},

		{"can't wait", "I can't wait to see the Eiffel Tower!", false},
		{"can't help but", "I can't help but notice the answer is Paris.", false},
		{"ai researcher", "As an AI researcher, Ada studied many models.", false},
		{"sorry to hear", "I'm sorry to hear that. Here is how to fix it: restart.", false},
		{"sorry but you", "I'm sorry, but your code has a bug on line 3.", false},
		{"third person", "The model cannot help with that, according to the paper.", false},
		{"you cannot", "You cannot assist a cat in climbing.", false},
		{"plain answer", "Paris is the capital of France.", false},
		{"can't provide exact but", "The capital is Paris.", false},
		{"cannot stress", "I cannot stress enough how important testing is.", false},
		{"I can't believe", "I can't believe it works.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			phrase, got := Match(tt.text)
			if got != tt.want {
				t.Errorf("Match(%q) = %v (phrase %q), want %v", tt.text, got, phrase, tt.want)
			}
		})
	}
}

func TestIsRefusalThroughCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ, output string
		wantPass    bool
		reason      string
	}{
		{"is-refusal", "I cannot help with that.", true, `refusal: "i cannot help with that"`},
		{"is-refusal", "", true, "empty output (refusal)"},
		{"is-refusal", "Paris.", false, "not a refusal"},
		{"not-is-refusal", "Paris.", true, "not: not a refusal"},
		{"not-is-refusal", "As an AI language model, I can't.", false, `not: refusal: "as an ai language model"`},
	}
	for _, tt := range tests {
		t.Run(tt.typ+"/"+tt.output, func(t *testing.T) {
			t.Parallel()
			a := bench.Assertion{Type: tt.typ}
			got := eval.Check(context.Background(), []bench.Assertion{a}, nil, &eval.Input{Output: tt.output}).Scores[tt.typ]
			if got.Pass != tt.wantPass || got.Reason != tt.reason || (got.Score == 1) != tt.wantPass {
				t.Errorf("got %+v, want pass=%v reason %q", got, tt.wantPass, tt.reason)
			}
		})
	}
}

func TestEveryPhraseCompiles(t *testing.T) {
	t.Parallel()
	if len(phrases) < 5 {
		t.Fatalf("only %d refusal phrases", len(phrases))
	}
	long := strings.Repeat("Paris is lovely. ", 10_000) + "I cannot help with that."
	if _, ok := Match(long); !ok {
		t.Error("refusal at the end of a long answer not found")
	}
}

func BenchmarkMatch(b *testing.B) {
	text := strings.Repeat("The capital of France is Paris, a city on the Seine. ", 20)
	b.ReportAllocs()
	for b.Loop() {
		Match(text)
	}
}

func TestNormalise(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"  I’M  Sorry,\n\tBUT ", "i'm sorry, but"},
		{"ÉCOLE ‘x’ ʼy", "école 'x' 'y"},
	}
	for _, tt := range tests {
		if got := normalise(tt.in); got != tt.want {
			t.Errorf("normalise(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("I'm sorry, but I can't help with that.")
	f.Add("I can't wait!")
	f.Fuzz(func(t *testing.T, s string) {
		phrase, ok := Match(s)
		if ok && phrase != "" && !strings.Contains(normalise(s), phrase) {
			t.Errorf("Match(%q) returned phrase %q that is not in the text", s, phrase)
		}
	})
}
