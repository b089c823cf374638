package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // registers GIF for image.DecodeConfig
	_ "image/jpeg" // registers JPEG
	_ "image/png"  // registers PNG
	"time"

	"github.com/go-audio/wav"
	"github.com/hajimehoshi/go-mp3"
	"github.com/mewkiz/flac"
	_ "golang.org/x/image/webp" // registers WebP
)

// imageSize decodes an image's header.
func imageSize(data []byte) (w, h int, err error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0, err
	}
	return cfg.Width, cfg.Height, nil
}

// audioDuration reads a clip's duration for the formats we can decode; for
// the others (ogg, aac, m4a, aiff) it returns 0 and no error: the clip is
// passed on unchecked and the vendor judges it.
func audioDuration(format string, data []byte) (d time.Duration, err error) {
	defer func() {
		// The decoders are third-party parsers of outside input: a panic on
		// a malformed file is an error here, never a crash.
		if r := recover(); r != nil {
			d, err = 0, fmt.Errorf("malformed %s data", format)
		}
	}()
	switch format {
	case "wav":
		dec := wav.NewDecoder(bytes.NewReader(data))
		if !dec.IsValidFile() {
			return 0, errors.New("not a valid WAV file")
		}
		return dec.Duration()
	case "mp3":
		dec, err := mp3.NewDecoder(bytes.NewReader(data))
		if err != nil {
			return 0, err
		}
		if dec.SampleRate() <= 0 || dec.Length() <= 0 {
			return 0, errors.New("no audio frames")
		}
		// Length is in bytes of 16-bit stereo PCM: 4 bytes a sample.
		return time.Duration(float64(dec.Length()) / 4 / float64(dec.SampleRate()) * float64(time.Second)), nil
	case "flac":
		stream, err := flac.New(bytes.NewReader(data))
		if err != nil {
			return 0, err
		}
		info := stream.Info
		if info == nil || info.SampleRate == 0 {
			return 0, errors.New("no stream info")
		}
		return time.Duration(float64(info.NSamples) / float64(info.SampleRate) * float64(time.Second)), nil
	}
	return 0, nil
}
