package bench

// Role names used in chat messages.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Message is one chat turn: its text, and any images or audio attached.
type Message struct {
	Role    string `json:"role" yaml:"role"`
	Content string `json:"content" yaml:"content"`
	// Parts are non-text inputs sent with the text; set by the loader from a
	// case's inputs, never read from a dataset file directly.
	Parts []Part `json:"parts,omitempty" yaml:"-"`
}

// Location says where a test case came from, for error messages.
type Location struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Case is one test case of a suite (the README's "Suites"). Prompt or Messages carry the
// input; templates in them are rendered with Variables.
type Case struct {
	ID         string         `json:"id" yaml:"id"`
	Category   string         `json:"category,omitempty" yaml:"category"`
	Prompt     string         `json:"prompt,omitempty" yaml:"prompt"`
	Messages   []Message      `json:"messages,omitempty" yaml:"messages"`
	Variables  map[string]any `json:"variables,omitempty" yaml:"variables"`
	Expected   string         `json:"expected,omitempty" yaml:"expected"`
	References []string       `json:"references,omitempty" yaml:"references"`
	Context    []string       `json:"context,omitempty" yaml:"context"`
	Inputs     []string       `json:"inputs,omitempty" yaml:"inputs"`
	Assert     []Assertion    `json:"assert,omitempty" yaml:"assert"`
	// Tools are the functions the model may call; ToolChoice says whether
	// it must (nil: the vendor's default).
	Tools      []Tool      `json:"tools,omitempty" yaml:"tools"`
	ToolChoice *ToolChoice `json:"tool_choice,omitempty" yaml:"tool_choice"`
	// Threshold, when set, is the weighted score a case must reach to pass.
	Threshold *float64       `json:"threshold,omitempty" yaml:"threshold"`
	Config    map[string]any `json:"config,omitempty" yaml:"config"`
	Tags      []string       `json:"tags,omitempty" yaml:"tags"`
	Metadata  map[string]any `json:"metadata,omitempty" yaml:"metadata"`
	// Source is where the case was read from; it is not part of the file format.
	Source Location `json:"-" yaml:"-"`
}

// Assertion is one check on a response (the README's "Assertions"). A Type prefixed with
// "not-" negates the check.
type Assertion struct {
	Type  string `json:"type" yaml:"type"`
	Value any    `json:"value,omitempty" yaml:"value"`
	// Threshold is the score the assertion must reach, for scored types.
	Threshold *float64 `json:"threshold,omitempty" yaml:"threshold"`
	// Weight in the case's weighted mean; nil means 1, 0 records without gating.
	Weight *float64 `json:"weight,omitempty" yaml:"weight"`
	// Metric names the score in the result record; defaults to Type.
	Metric string `json:"metric,omitempty" yaml:"metric"`
	// Provider is the judge or embedding provider for model-graded types.
	Provider string `json:"provider,omitempty" yaml:"provider"`
	// Config holds a type's own settings (a judge's score map, a
	// similarity metric, a second provider); each type documents its keys.
	Config map[string]any `json:"config,omitempty" yaml:"config"`
	// Assert holds the members of an assert-set, which scores them as a
	// group of its own; other types leave it empty.
	Assert []Assertion `json:"assert,omitempty" yaml:"assert"`
}

// Name is the key under which the assertion's score is recorded.
func (a Assertion) Name() string {
	if a.Metric != "" {
		return a.Metric
	}
	return a.Type
}

// EffectiveWeight is the assertion's weight, 1 when unset.
func (a Assertion) EffectiveWeight() float64 {
	if a.Weight == nil {
		return 1
	}
	return *a.Weight
}
