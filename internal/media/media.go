// Package media turns a case's `inputs` references — file://PATH (relative
// to the file that names it), data: URLs and http(s) URLs — into checked
// images and audio clips (bench.Part). It identifies each input by its
// content, not its name, decodes enough of it to know it is what it claims
// (image dimensions; audio duration), and enforces the [multimodal] limits,
// so a broken or oversized input is reported before any model is called.
package media

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Limits bounds the inputs a run accepts; the zero value means no limits
// and every format.
type Limits struct {
	// DisableImages and DisableAudio reject that kind outright.
	DisableImages, DisableAudio bool
	// MaxImageBytes bounds an inline image's size; 0 means no limit.
	MaxImageBytes int64
	// MaxAudio bounds an audio clip's duration; 0 means no limit.
	MaxAudio time.Duration
	// ImageFormats and AudioFormats list the accepted formats by short name
	// (bench.Part.Format: "png", "wav", ...); nil accepts every known one.
	ImageFormats, AudioFormats []string
}

// maxRead bounds any inline input, whatever the limits say: 64 MiB.
const maxRead = 64 << 20

// Resolve reads one input reference. baseDir resolves relative file://
// paths. A remote http(s) URL is not fetched: it becomes a Part with URL
// set and the media type its name suggests, for vendors that fetch URLs.
func Resolve(ref, baseDir string, lim Limits) (bench.Part, error) {
	ref = strings.TrimSpace(ref)
	var (
		data []byte
		name string
		err  error
	)
	switch {
	case strings.HasPrefix(ref, "file://"):
		name = strings.TrimPrefix(ref, "file://")
		data, err = readFile(name, baseDir)
	case strings.HasPrefix(ref, "data:"):
		name = "data URL"
		var declared string
		declared, data, err = parseDataURL(ref)
		if err == nil && declared != "" && !strings.HasPrefix(declared, "image/") && !strings.HasPrefix(declared, "audio/") {
			err = fmt.Errorf("data URL of type %q: want an image/* or audio/* type", declared)
		}
	case strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://"):
		return remote(ref, lim)
	default:
		return bench.Part{}, fmt.Errorf("input %q: want file://PATH, a data: URL or an http(s) URL", truncate(ref, 80))
	}
	if err != nil {
		return bench.Part{}, fmt.Errorf("input %s: %w", name, err)
	}
	p, err := Inspect(data, lim)
	if err != nil {
		return bench.Part{}, fmt.Errorf("input %s: %w", name, err)
	}
	p.Name = name
	return p, nil
}

// Inspect identifies data by its content and checks it against lim.
func Inspect(data []byte, lim Limits) (bench.Part, error) {
	mt := Sniff(data)
	p := bench.Part{MediaType: mt, Data: data}
	switch {
	case strings.HasPrefix(mt, "image/"):
		p.Type = bench.PartImage
		return p, checkImage(p, lim)
	case strings.HasPrefix(mt, "audio/"):
		p.Type = bench.PartAudio
		return p, checkAudio(p, lim)
	}
	return bench.Part{}, fmt.Errorf("not a known image or audio format (starts with %q)", head(data))
}

func checkImage(p bench.Part, lim Limits) error {
	if lim.DisableImages {
		return errors.New("image inputs are disabled ([multimodal] enable_vision = false)")
	}
	if err := checkFormat(p.Format(), lim.ImageFormats, "image", "supported_image_formats"); err != nil {
		return err
	}
	if lim.MaxImageBytes > 0 && int64(len(p.Data)) > lim.MaxImageBytes {
		return fmt.Errorf("image is %s, over the %s limit ([multimodal] max_image_size_mb)", size(int64(len(p.Data))), size(lim.MaxImageBytes))
	}
	w, h, err := imageSize(p.Data)
	if err != nil {
		return fmt.Errorf("%s image does not decode: %w", p.Format(), err)
	}
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%s image has no pixels (%dx%d)", p.Format(), w, h)
	}
	return nil
}

func checkAudio(p bench.Part, lim Limits) error {
	if lim.DisableAudio {
		return errors.New("audio inputs are disabled ([multimodal] enable_audio = false)")
	}
	if err := checkFormat(p.Format(), lim.AudioFormats, "audio", "supported_audio_formats"); err != nil {
		return err
	}
	d, err := audioDuration(p.Format(), p.Data)
	if err != nil {
		return fmt.Errorf("%s audio does not decode: %w", p.Format(), err)
	}
	if lim.MaxAudio > 0 && d > lim.MaxAudio {
		return fmt.Errorf("audio lasts %s, over the %s limit ([multimodal] max_audio_duration_seconds)", d.Round(time.Millisecond), lim.MaxAudio)
	}
	return nil
}

func checkFormat(f string, allowed []string, kind, key string) error {
	if allowed == nil || slices.ContainsFunc(allowed, func(a string) bool { return strings.EqualFold(a, f) || (f == "jpeg" && strings.EqualFold(a, "jpg")) }) {
		return nil
	}
	return fmt.Errorf("%s format %s is not accepted (allowed: %s; [multimodal] %s)", kind, f, strings.Join(allowed, ", "), key)
}

// remote describes a URL input by its path's extension; images are assumed
// when the extension says nothing.
func remote(ref string, lim Limits) (bench.Part, error) {
	u, err := url.Parse(ref)
	if err != nil || u.Host == "" {
		return bench.Part{}, fmt.Errorf("input %q: not a valid URL", truncate(ref, 80))
	}
	mt := byExtension(path.Ext(u.Path))
	if mt == "" {
		mt = "image/jpeg"
	}
	p := bench.Part{Type: bench.PartImage, MediaType: mt, URL: ref, Name: ref}
	if strings.HasPrefix(mt, "audio/") {
		p.Type = bench.PartAudio
		if lim.DisableAudio {
			return bench.Part{}, fmt.Errorf("input %s: audio inputs are disabled ([multimodal] enable_audio = false)", ref)
		}
		return p, nil
	}
	if lim.DisableImages {
		return bench.Part{}, fmt.Errorf("input %s: image inputs are disabled ([multimodal] enable_vision = false)", ref)
	}
	return p, nil
}

func readFile(name, baseDir string) ([]byte, error) {
	if name == "" {
		return nil, errors.New("empty file:// path")
	}
	if !filepath.IsAbs(name) {
		name = filepath.Join(baseDir, filepath.FromSlash(name))
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxRead+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxRead {
		return nil, fmt.Errorf("over %s", size(maxRead))
	}
	return data, nil
}

// parseDataURL decodes "data:[<mediatype>][;base64],<data>".
func parseDataURL(ref string) (mediaType string, data []byte, err error) {
	meta, payload, ok := strings.Cut(strings.TrimPrefix(ref, "data:"), ",")
	if !ok {
		return "", nil, errors.New("data URL without a comma")
	}
	params := strings.Split(meta, ";")
	mediaType = strings.ToLower(strings.TrimSpace(params[0]))
	isB64 := slices.Contains(params[1:], "base64")
	if !isB64 {
		s, err := url.PathUnescape(payload)
		return mediaType, []byte(s), err
	}
	if len(payload) > maxRead/3*4+4 {
		return "", nil, fmt.Errorf("over %s", size(maxRead))
	}
	payload = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, payload)
	data, err = base64.StdEncoding.DecodeString(payload)
	if err != nil {
		if d, err2 := base64.RawStdEncoding.DecodeString(payload); err2 == nil {
			return mediaType, d, nil
		}
		return "", nil, fmt.Errorf("bad base64: %w", err)
	}
	return mediaType, data, nil
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func head(data []byte) string {
	return string(bytes.ToValidUTF8(data[:min(len(data), 8)], []byte("?")))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
