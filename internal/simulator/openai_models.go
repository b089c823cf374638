package simulator

// OpenAI answers a request for a model alias with the dated snapshot it
// resolves to ("gpt-4o-mini" is answered as "gpt-4o-mini-2024-07-18", as
// recorded), on Chat Completions and the Responses API, as Azure's v1
// route does; the other vendors answer with the name as given (Anthropic,
// Gemini's modelVersion, Ollama, the OpenAI-compatible servers), and
// Bedrock's InvokeModel with the Anthropic model's own name (see
// anthropicModelName). A name that is not an alias below, dated ones
// included, is answered as given.
var openAISnapshots = map[string]string{
	"gpt-4o-mini":   "gpt-4o-mini-2024-07-18",
	"gpt-4o":        "gpt-4o-2024-08-06",
	"gpt-4.1":       "gpt-4.1-2025-04-14",
	"gpt-4.1-mini":  "gpt-4.1-mini-2025-04-14",
	"gpt-4.1-nano":  "gpt-4.1-nano-2025-04-14",
	"gpt-5":         "gpt-5-2025-08-07",
	"gpt-5-mini":    "gpt-5-mini-2025-08-07",
	"gpt-5-nano":    "gpt-5-nano-2025-08-07",
	"o3":            "o3-2025-04-16",
	"o3-mini":       "o3-mini-2025-01-31",
	"o4-mini":       "o4-mini-2025-04-16",
	"gpt-4-turbo":   "gpt-4-turbo-2024-04-09",
	"gpt-3.5-turbo": "gpt-3.5-turbo-0125",
}

// openAIModelName is the model an OpenAI answer names for the requested one.
func openAIModelName(model string) string {
	if dated, ok := openAISnapshots[model]; ok {
		return dated
	}
	return model
}

// datedFlavor reports whether the vendor flavor answers with OpenAI's
// dated snapshots: OpenAI's own routes and Azure's.
func datedFlavor(flavor string) bool {
	return flavor == "" || flavor == "openai" || flavor == "azure"
}
