package media

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"
	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/meta"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// webp1x1 is a 1x1 lossless WebP image.
const webp1x1 = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="

func img() image.Image {
	m := image.NewRGBA(image.Rect(0, 0, 3, 2))
	m.Set(1, 1, color.RGBA{200, 10, 10, 255})
	return m
}

func encodePNG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeGIF(t testing.TB) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, img(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// encodeWAV writes seconds of 8 kHz mono 16-bit silence.
func encodeWAV(t testing.TB, seconds float64) []byte {
	path := filepath.Join(t.TempDir(), "a.wav")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	enc := wav.NewEncoder(f, 8000, 16, 1, 1)
	buf := &audio.IntBuffer{Format: &audio.Format{NumChannels: 1, SampleRate: 8000}, SourceBitDepth: 16, Data: make([]int, int(8000*seconds))}
	if err := enc.Write(buf); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// encodeFLAC writes a FLAC header announcing seconds of 44.1 kHz audio.
func encodeFLAC(t testing.TB, seconds float64) []byte {
	var b bytes.Buffer
	info := &meta.StreamInfo{BlockSizeMin: 4096, BlockSizeMax: 4096, SampleRate: 44100, NChannels: 1, BitsPerSample: 16, NSamples: uint64(44100 * seconds)}
	enc, err := flac.NewEncoder(&b, info)
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// encodeMP3 builds n silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz).
func encodeMP3(n int) []byte {
	frame := make([]byte, 417)
	copy(frame, []byte{0xff, 0xfb, 0x90, 0x00})
	return bytes.Repeat(frame, n)
}

func webp(t testing.TB) []byte {
	d, err := base64.StdEncoding.DecodeString(webp1x1)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestInspectFormats(t *testing.T) {
	for _, tc := range []struct {
		name, mediaType, typ string
		data                 []byte
	}{
		{"png", "image/png", bench.PartImage, encodePNG(t)},
		{"jpeg", "image/jpeg", bench.PartImage, encodeJPEG(t)},
		{"gif", "image/gif", bench.PartImage, encodeGIF(t)},
		{"webp", "image/webp", bench.PartImage, webp(t)},
		{"wav", "audio/wav", bench.PartAudio, encodeWAV(t, 0.5)},
		{"flac", "audio/flac", bench.PartAudio, encodeFLAC(t, 1)},
		{"mp3", "audio/mpeg", bench.PartAudio, encodeMP3(20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Inspect(tc.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if p.MediaType != tc.mediaType || p.Type != tc.typ || !bytes.Equal(p.Data, tc.data) {
				t.Errorf("got %s %s", p.Type, p.MediaType)
			}
		})
	}
}

func TestAudioDuration(t *testing.T) {
	for _, tc := range []struct {
		format string
		data   []byte
		want   time.Duration
	}{
		{"wav", encodeWAV(t, 1.5), 1500 * time.Millisecond},
		{"flac", encodeFLAC(t, 2), 2 * time.Second},
		{"mp3", encodeMP3(38), 38 * 1152 * time.Second / 44100},
	} {
		d, err := audioDuration(tc.format, tc.data)
		if err != nil {
			t.Fatalf("%s: %v", tc.format, err)
		}
		if diff := d - tc.want; diff < -30*time.Millisecond || diff > 30*time.Millisecond {
			t.Errorf("%s: duration %s, want %s", tc.format, d, tc.want)
		}
	}
}

func TestResolveReferences(t *testing.T) {
	dir := t.TempDir()
	pngData := encodePNG(t)
	if err := os.WriteFile(filepath.Join(dir, "cat.png"), pngData, 0o600); err != nil {
		t.Fatal(err)
	}
	// Named .jpg but holding a PNG: the content decides.
	if err := os.WriteFile(filepath.Join(dir, "liar.jpg"), pngData, 0o600); err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(pngData)
	for _, tc := range []struct {
		ref, wantType, wantURL, wantName string
	}{
		{"file://cat.png", "image/png", "", "cat.png"},
		{"file://liar.jpg", "image/png", "", "liar.jpg"},
		{"file://" + filepath.Join(dir, "cat.png"), "image/png", "", filepath.Join(dir, "cat.png")},
		{"data:image/png;base64," + b64, "image/png", "", "data URL"},
		{"data:;base64," + b64[:len(b64)-2] + "\n" + b64[len(b64)-2:], "image/png", "", "data URL"},
		{"https://example.com/x/cat.webp?s=1", "image/webp", "https://example.com/x/cat.webp?s=1", "https://example.com/x/cat.webp?s=1"},
		{"https://example.com/clip.mp3", "audio/mpeg", "https://example.com/clip.mp3", "https://example.com/clip.mp3"},
		{"https://example.com/photo", "image/jpeg", "https://example.com/photo", "https://example.com/photo"},
	} {
		p, err := Resolve(tc.ref, dir, Limits{})
		if err != nil {
			t.Errorf("%.40s: %v", tc.ref, err)
			continue
		}
		if p.MediaType != tc.wantType || p.URL != tc.wantURL || p.Name != tc.wantName {
			t.Errorf("%.40s: got %+v", tc.ref, bench.Part{Type: p.Type, MediaType: p.MediaType, URL: p.URL, Name: p.Name})
		}
		if p.URL == "" && !bytes.Equal(p.Data, pngData) {
			t.Errorf("%.40s: data differs", tc.ref)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("big.png", encodePNG(t))
	write("long.wav", encodeWAV(t, 3))
	write("text.png", []byte("hello, not an image"))
	trunc := encodePNG(t)
	write("cut.png", trunc[:20])
	write("bad.wav", append([]byte("RIFF\x10\x00\x00\x00WAVE"), 0, 1, 2))
	for _, tc := range []struct {
		ref  string
		lim  Limits
		want string
	}{
		{"file://missing.png", Limits{}, "missing.png"},
		{"file://text.png", Limits{}, "not a known image or audio format"},
		{"file://cut.png", Limits{}, "png image does not decode"},
		{"file://bad.wav", Limits{}, "wav audio does not decode"},
		{"file://big.png", Limits{MaxImageBytes: 10}, "max_image_size_mb"},
		{"file://long.wav", Limits{MaxAudio: time.Second}, "max_audio_duration_seconds"},
		{"file://big.png", Limits{ImageFormats: []string{"jpeg"}}, "image format png is not accepted"},
		{"file://long.wav", Limits{DisableAudio: true}, "enable_audio = false"},
		{"file://big.png", Limits{DisableImages: true}, "enable_vision = false"},
		{"https://example.com/a.png", Limits{DisableImages: true}, "enable_vision = false"},
		{"data:text/plain,hello", Limits{}, `data URL of type "text/plain"`},
		{"data:image/png;base64,@@@", Limits{}, "bad base64"},
		{"data:image/png;base64", Limits{}, "without a comma"},
		{"ftp://example.com/a.png", Limits{}, "want file://PATH"},
		{"cat.png", Limits{}, "want file://PATH"},
		{"https://", Limits{}, "not a valid URL"},
	} {
		_, err := Resolve(tc.ref, dir, tc.lim)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tc.ref, err, tc.want)
		}
	}
}

func FuzzInspect(f *testing.F) {
	for _, d := range [][]byte{encodePNG(f), encodeJPEG(f), encodeGIF(f), webp(f), encodeWAV(f, 0.01), encodeFLAC(f, 1), encodeMP3(2), []byte("RIFF"), []byte("ID3\x04")} {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Inspect(data, Limits{MaxImageBytes: 1 << 20, MaxAudio: time.Minute})
		if err == nil && p.Type != bench.PartImage && p.Type != bench.PartAudio {
			t.Fatalf("accepted with type %q", p.Type)
		}
	})
}

func FuzzResolveDataURL(f *testing.F) {
	f.Add("data:image/png;base64," + base64.StdEncoding.EncodeToString(encodePNG(f)))
	f.Add("data:," + "%89PNG")
	f.Add("data:image/webp;base64," + webp1x1)
	f.Fuzz(func(t *testing.T, ref string) {
		if !strings.HasPrefix(ref, "data:") {
			return
		}
		_, _ = Resolve(ref, "", Limits{})
	})
}
