package openai

import (
	"net/http"
	"slices"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Dialect describes how an OpenAI-compatible server differs from OpenAI's
// own API. A variant (Azure, Mistral, llama.cpp, the compat presets) passes
// one to NewCompatible instead of copying the client; the zero value of
// every field means "as OpenAI does".
type Dialect struct {
	// Vendor names the service in errors; "" means "openai".
	Vendor string
	// AuthHeader carries the key raw (as Azure's "api-key"); "" means
	// "Authorization: Bearer <key>". No header is sent without a key.
	AuthHeader string
	// Header is sent on every call (vendor headers from options); the
	// config's custom headers are applied after it and win.
	Header http.Header

	// ChatPath returns the path, relative to the base URL, of a chat call
	// for model (query included); nil means "/chat/completions".
	ChatPath func(model string) string
	// EmbedPath is ChatPath for embeddings; nil means "/embeddings".
	EmbedPath func(model string) string
	// ModelsPath is the models list route; "" means "/models".
	ModelsPath string
	// HealthPath is the route Health GETs; "" means ModelsPath.
	HealthPath string

	// SeedField names the seed in the body; "" means "seed" (Mistral:
	// "random_seed").
	SeedField string
	// DimensionsField names the embedding size in the body; "" means
	// "dimensions" (Mistral: "output_dimension").
	DimensionsField string
	// ReasoningRules applies OpenAI's rules for reasoning models (see
	// IsReasoningModel): max_completion_tokens, and only the default
	// temperature and top_p.
	ReasoningRules bool
	// NoStreamOptions leaves out stream_options.include_usage, for servers
	// that send usage in streams unasked and reject unknown fields.
	NoStreamOptions bool
	// NoLogprobs leaves out logprobs for servers that do not offer them;
	// Response.Logprobs then stays nil.
	NoLogprobs bool
	// NoTools refuses requests with tools (CheckTools and Generate), for
	// servers without function calling.
	NoTools bool
	// NoEmbeddings makes Embed fail before any call, for servers without
	// an embeddings route.
	NoEmbeddings bool
	// Body holds fields added to every chat body; the request's Extra
	// fields are merged after them and win.
	Body map[string]any

	// Inputs says which images and audio the server takes; the zero value
	// takes text only.
	Inputs Inputs
	// EncodePart encodes one image or audio part as a message content
	// part; nil means OpenAI's image_url and input_audio objects.
	EncodePart func(p bench.Part) (any, error)

	// Refine adjusts the classification of a failed response, and of an
	// error object inside a stream (then status is its numeric code or 0
	// and h is nil).
	Refine func(pe *provider.Error, status int, h http.Header, body []byte)
	// RateLimits replaces the x-ratelimit-* header parser.
	RateLimits func(h http.Header) (provider.RateLimits, bool)

	// Options are the option names the variant reads itself; NewCompatible
	// accepts and otherwise ignores them.
	Options []string
}

// Inputs lists the images and audio a server takes.
type Inputs struct {
	// ImageTypes are the image media types taken inline; nil takes none.
	ImageTypes []string
	// ImageURL is true when images may also be sent by remote URL.
	ImageURL bool
	// AudioTypes are the audio media types taken inline; nil takes none.
	AudioTypes []string
	// AudioURL is true when audio may also be sent by remote URL.
	AudioURL bool
}

// OpenAIImages are the image types OpenAI's vision models take.
var OpenAIImages = []string{"image/jpeg", "image/png", "image/gif", "image/webp"}

// OpenAIAudio are the audio types input_audio takes (format wav or mp3).
var OpenAIAudio = []string{"audio/wav", "audio/mpeg"}

// OpenAIInputs is what OpenAI's Chat Completions takes: images inline or by
// URL, and wav or mp3 audio inline (audio models only).
var OpenAIInputs = Inputs{ImageTypes: OpenAIImages, ImageURL: true, AudioTypes: OpenAIAudio}

// check returns nil when the rules take p, else provider.Unsupported.
func (in Inputs) check(vendor string, p bench.Part) error {
	var types []string
	var byURL bool
	switch p.Type {
	case bench.PartImage:
		types, byURL = in.ImageTypes, in.ImageURL
	case bench.PartAudio:
		types, byURL = in.AudioTypes, in.AudioURL
	}
	if !slices.Contains(types, canonicalType(p.MediaType)) || (p.URL != "" && !byURL) {
		return provider.Unsupported(vendor, p)
	}
	return nil
}

// canonicalType folds the aliases of a media type onto one name.
func canonicalType(mediaType string) string {
	switch mediaType {
	case "image/jpg":
		return "image/jpeg"
	case "audio/wave", "audio/x-wav", "audio/vnd.wave":
		return "audio/wav"
	case "audio/mp3":
		return "audio/mpeg"
	}
	return mediaType
}

// withDefaults fills the zero fields.
func (d Dialect) withDefaults() Dialect {
	if d.Vendor == "" {
		d.Vendor = Vendor
	}
	if d.ChatPath == nil {
		d.ChatPath = func(string) string { return "/chat/completions" }
	}
	if d.EmbedPath == nil {
		d.EmbedPath = func(string) string { return "/embeddings" }
	}
	if d.ModelsPath == "" {
		d.ModelsPath = "/models"
	}
	if d.HealthPath == "" {
		d.HealthPath = d.ModelsPath
	}
	if d.SeedField == "" {
		d.SeedField = "seed"
	}
	if d.DimensionsField == "" {
		d.DimensionsField = "dimensions"
	}
	if d.EncodePart == nil {
		d.EncodePart = EncodePart
	}
	return d
}
