package bedrock

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream/eventstreamapi"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// eventStreamType is the content type of Bedrock's streamed answers.
const eventStreamType = "application/vnd.amazon.eventstream"

// maxStream bounds the bytes read from one streamed answer, so a corrupt
// frame length cannot make the decoder buffer without end.
const maxStream = 256 << 20

// eventReader reads AWS event-stream messages (length-prefixed binary
// frames with CRCs and typed headers) with the AWS SDK's decoder. Bedrock
// sends three kinds, told apart by the ":message-type" header: "event"
// (named by ":event-type"), "exception" (named by ":exception-type", with
// {"message":…} as payload) and "error" (":error-code", ":error-message").
type eventReader struct {
	c   *Client
	r   countingReader
	dec *eventstream.Decoder
	buf []byte
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (cr *countingReader) Read(p []byte) (int, error) {
	n, err := cr.r.Read(p)
	cr.n += int64(n)
	return n, err
}

func (c *Client) newEventReader(body io.Reader) *eventReader {
	return &eventReader{c: c, r: countingReader{r: io.LimitReader(body, maxStream)}, dec: eventstream.NewDecoder()}
}

// next returns the next event's type and payload, valid until the next
// call. It returns io.EOF at a clean end between frames, a *provider.Error
// for an exception or error message, and the read error otherwise. (The
// decoder reports a frame cut after its payload as a bare io.EOF too; any
// byte read before the end makes it io.ErrUnexpectedEOF here.)
func (e *eventReader) next() (typ string, payload []byte, err error) {
	before := e.r.n
	m, err := e.dec.Decode(&e.r, e.buf)
	if errors.Is(err, io.EOF) && e.r.n != before {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return "", nil, err
	}
	e.buf = m.Payload[:0]
	switch kind := header(m.Headers, eventstreamapi.MessageTypeHeader); kind {
	case eventstreamapi.EventMessageType:
		return header(m.Headers, eventstreamapi.EventTypeHeader), m.Payload, nil
	case eventstreamapi.ExceptionMessageType:
		return "", nil, e.c.exception(header(m.Headers, eventstreamapi.ExceptionTypeHeader), m.Payload)
	case eventstreamapi.ErrorMessageType:
		code := header(m.Headers, eventstreamapi.ErrorCodeHeader)
		msg := header(m.Headers, eventstreamapi.ErrorMessageHeader)
		pe := e.c.exception(code, []byte(`{}`))
		pe.Err = fmt.Errorf("%s: stream error %s: %s", Vendor, code, httpcall.Redact(clip(msg), e.c.secrets...))
		return "", nil, pe
	default:
		return "", nil, &provider.Error{Kind: provider.KindTransient,
			Err: fmt.Errorf("%s: event-stream message of unknown type %q", Vendor, clip(kind))}
	}
}

// header returns a string header's value, "" when absent or not a string.
func header(h eventstream.Headers, name string) string {
	if v, ok := h.Get(name).(eventstream.StringValue); ok {
		return string(v)
	}
	return ""
}

// readError classifies an error met while reading a stream after its HTTP
// 200: a frame cut short is a truncated stream, a bad CRC or length a
// malformed one (both transient), a deadline a timeout.
func (c *Client) readError(ctx context.Context, err error, status, textLen int) error {
	if pe := provider.AsError(err); pe != nil {
		if pe.StatusCode == 0 {
			pe.StatusCode = status
		}
		return pe
	}
	var (
		crc    eventstream.ChecksumError
		length eventstream.LengthError
	)
	switch {
	case ctx.Err() != nil:
		return c.runtime.Transport(ctx, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &provider.Error{Kind: provider.KindTransient, StatusCode: status,
			Err: fmt.Errorf("%s: %w mid-frame after %d bytes of text", Vendor, httpcall.ErrStreamTruncated, textLen)}
	case errors.As(err, &crc), errors.As(err, &length):
		return &provider.Error{Kind: provider.KindTransient, StatusCode: status,
			Err: fmt.Errorf("%s: malformed event stream: %w", Vendor, err)}
	}
	return c.runtime.Transport(ctx, fmt.Errorf("read stream: %w", err))
}

// truncated is the error for a stream that ended cleanly between frames
// but before its last event.
func truncated(status int, last string, textLen int) error {
	return &provider.Error{Kind: provider.KindTransient, StatusCode: status,
		Err: fmt.Errorf("%s: %w: no %s after %d bytes of text", Vendor, httpcall.ErrStreamTruncated, last, textLen)}
}
