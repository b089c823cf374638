// Package sse decodes Server-Sent Events streams (the WHATWG event-stream
// format) as vendors send them: data-only OpenAI streams ending in [DONE],
// Anthropic's named events, comments and keep-alives, and the line-ending and
// whitespace quirks of real servers.
package sse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// DefaultMaxLine is the longest line NewDecoder accepts, in bytes.
const DefaultMaxLine = 4 << 20

// ErrLineTooLong is returned when a line exceeds the decoder's limit.
var ErrLineTooLong = errors.New("sse: line too long")

// Event is one dispatched event.
type Event struct {
	// Type is the "event:" field; "" means the default type "message".
	Type string
	// Data is the event's data lines joined by "\n". It is only valid until
	// the next call to Next; copy it to keep it.
	Data []byte
	// ID is the last "id:" seen in the stream, as the format defines.
	ID string
	// Retry is the "retry:" reconnection time, 0 when not given.
	Retry time.Duration
	// Error holds a non-standard "error:" field, which llama.cpp's server
	// uses for mid-stream errors; nil when absent. Valid until the next Next.
	Error []byte
}

// Done reports whether the event is OpenAI's end-of-stream marker "[DONE]".
func (e Event) Done() bool {
	return string(bytes.TrimSpace(e.Data)) == "[DONE]"
}

// Decoder reads events from a stream. It is not safe for concurrent use.
type Decoder struct {
	r       io.Reader
	buf     []byte
	start   int
	end     int
	maxLine int
	err     error // sticky read error
	skipLF  bool  // the last line ended in '\r': a following '\n' belongs to it
	data    []byte
	errData []byte
	typ     string
	id      string
	retry   time.Duration
	hasData bool
}

// NewDecoder returns a decoder reading r with lines of at most DefaultMaxLine bytes.
func NewDecoder(r io.Reader) *Decoder {
	return NewDecoderSize(r, DefaultMaxLine)
}

// NewDecoderSize returns a decoder reading r that fails with ErrLineTooLong
// on a line longer than maxLine bytes.
func NewDecoderSize(r io.Reader, maxLine int) *Decoder {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	return &Decoder{r: r, buf: make([]byte, min(4096, maxLine+1)), maxLine: maxLine}
}

// Next returns the next event. It returns io.EOF when the stream ends; an
// event whose last line was complete but which lacks the closing blank line
// is still dispatched at the end, while an unterminated last line is
// dropped as truncated. Read errors are returned as they come.
func (d *Decoder) Next() (Event, error) {
	d.data = d.data[:0]
	d.errData = d.errData[:0]
	d.hasData = false
	d.typ = ""
	d.retry = 0
	for {
		line, err := d.readLine()
		if err != nil {
			if errors.Is(err, io.EOF) && (d.hasData || len(d.errData) > 0) {
				return d.event(), nil
			}
			return Event{}, err
		}
		if len(bytes.TrimLeft(line, " \t")) == 0 {
			if d.hasData || len(d.errData) > 0 {
				return d.event(), nil
			}
			d.typ, d.retry = "", 0
			continue
		}
		d.field(line)
	}
}

func (d *Decoder) event() Event {
	data := d.data
	if n := len(data); n > 0 && data[n-1] == '\n' {
		data = data[:n-1]
	}
	ev := Event{Type: d.typ, Data: data, ID: d.id, Retry: d.retry}
	if len(d.errData) > 0 {
		ev.Error = d.errData
	}
	return ev
}

// field applies one non-blank line. Leading blanks before the field name are
// tolerated (some proxies indent lines); comments start with ':'.
func (d *Decoder) field(line []byte) {
	line = bytes.TrimLeft(line, " \t")
	if line[0] == ':' {
		return
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "data":
		d.data = append(d.data, value...)
		d.data = append(d.data, '\n')
		d.hasData = true
	case "error":
		d.errData = append(d.errData, value...)
	case "event":
		if d.typ != string(value) {
			d.typ = string(value)
		}
	case "id":
		if bytes.IndexByte(value, 0) < 0 && d.id != string(value) {
			d.id = string(value)
		}
	case "retry":
		if ms, err := strconv.ParseUint(string(value), 10, 31); err == nil {
			d.retry = time.Duration(ms) * time.Millisecond
		}
	}
}

// readLine returns the next line without its terminator ("\n", "\r\n" or
// "\r"). The slice is valid until the next call.
func (d *Decoder) readLine() ([]byte, error) {
	for {
		if d.skipLF && d.start < d.end {
			if d.buf[d.start] == '\n' {
				d.start++
			}
			d.skipLF = false
		}
		seg := d.buf[d.start:d.end]
		if i := lineEnd(seg); i >= 0 {
			if i > d.maxLine {
				return nil, fmt.Errorf("%w: more than %d bytes", ErrLineTooLong, d.maxLine)
			}
			line := seg[:i]
			d.skipLF = seg[i] == '\r'
			d.start += i + 1
			return line, nil
		}
		if len(seg) > d.maxLine {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrLineTooLong, d.maxLine)
		}
		if d.err != nil {
			d.start = d.end // an unterminated last line is a truncated one
			return nil, d.err
		}
		d.fill()
	}
}

// lineEnd returns the index of the first '\r' or '\n' in b, or -1.
func lineEnd(b []byte) int {
	i := bytes.IndexByte(b, '\n')
	search := b
	if i >= 0 {
		search = b[:i]
	}
	if j := bytes.IndexByte(search, '\r'); j >= 0 {
		return j
	}
	return i
}

// fill reads more input, compacting or growing the buffer first.
func (d *Decoder) fill() {
	if d.start > 0 {
		n := copy(d.buf, d.buf[d.start:d.end])
		d.start, d.end = 0, n
	}
	if d.end == len(d.buf) {
		grown := make([]byte, min(2*len(d.buf), d.maxLine+1))
		if len(grown) <= len(d.buf) {
			grown = make([]byte, len(d.buf)+1)
		}
		copy(grown, d.buf[:d.end])
		d.buf = grown
	}
	for range 100 {
		n, err := d.r.Read(d.buf[d.end:])
		d.end += n
		if err != nil {
			d.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	d.err = io.ErrNoProgress
}
