package bench

import (
	"encoding/base64"
	"strings"
)

// Part kinds: the non-text inputs a message can carry.
const (
	PartImage = "image"
	PartAudio = "audio"
)

// Part is one non-text input attached to a message: an image or an audio
// clip, either inline (Data, with its MediaType) or by remote URL. The
// dataset loader resolves a case's `inputs` (file://, data: or http(s) URLs)
// into parts; each provider encodes them in its vendor's own format.
type Part struct {
	// Type is PartImage or PartAudio.
	Type string `json:"type"`
	// MediaType is the IANA media type, such as "image/png" or "audio/wav".
	MediaType string `json:"media_type"`
	// Data is the raw bytes of an inline input (base64 in JSON).
	Data []byte `json:"data,omitempty"`
	// URL is a remote http(s) address for inputs the loader did not inline.
	URL string `json:"url,omitempty"`
	// Name is where the input came from (file name or URL), for messages.
	Name string `json:"name,omitempty"`
}

// Base64 is the part's data in standard base64, as most vendors take it.
func (p Part) Base64() string { return base64.StdEncoding.EncodeToString(p.Data) }

// DataURL is the part as a data: URL, or its URL when it is remote.
func (p Part) DataURL() string {
	if p.URL != "" {
		return p.URL
	}
	return "data:" + p.MediaType + ";base64," + p.Base64()
}

// Format is the media subtype in the short form vendors use for audio and
// images: "wav", "mp3", "flac", "png", "jpeg", "webp", "gif".
func (p Part) Format() string {
	_, sub, ok := strings.Cut(p.MediaType, "/")
	if !ok {
		return ""
	}
	switch sub {
	case "mpeg", "mp3":
		return "mp3"
	case "wave", "x-wav", "vnd.wave":
		return "wav"
	case "x-flac":
		return "flac"
	case "jpg":
		return "jpeg"
	}
	return sub
}
