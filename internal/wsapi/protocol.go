package wsapi

import (
	"encoding/json"
	"strconv"

	"github.com/coder/websocket"
)

// Close codes of /ws beyond RFC 6455's: 4401 unauthenticated (a message
// before Auth, an expired credential), 4403 forbidden (a bad token, a
// revoked credential), 4408 no authentication within the init timeout,
// 4429 too many connections for one user. Shutdown closes with 1001 and
// an oversized message with 1009.
const (
	CloseUnauthorized    websocket.StatusCode = 4401
	CloseForbidden       websocket.StatusCode = 4403
	CloseInitTimeout     websocket.StatusCode = 4408
	CloseTooManyRequests websocket.StatusCode = 4429
)

// Message types of API.md.
const (
	typeAuth        = "Auth"
	typeSubscribe   = "Subscribe"
	typeSubscribed  = "Subscribed"
	typeUnsubscribe = "Unsubscribe"
	typePing        = "Ping"
	typePong        = "Pong"
	typeEvent       = "Event"
	typeError       = "Error"
)

// clientMessage is any message a client sends.
type clientMessage struct {
	Type   string   `json:"type"`
	Token  string   `json:"token,omitempty"`
	Topics []string `json:"topics,omitempty"`
}

// serverMessage is any message the server sends.
type serverMessage struct {
	Type    string   `json:"type"`
	Topics  []string `json:"topics,omitempty"`
	Topic   string   `json:"topic,omitempty"`
	Payload any      `json:"payload,omitempty"`
	Message string   `json:"message,omitempty"`
}

// parseClientMessage decodes one client message.
func parseClientMessage(data []byte) (clientMessage, error) {
	var m clientMessage
	err := json.Unmarshal(data, &m)
	return m, err
}

// maxQuoted bounds client text repeated in logs and Error messages.
const maxQuoted = 64

// quoteShort quotes client-supplied text, cut to maxQuoted bytes.
func quoteShort(s string) string {
	if len(s) > maxQuoted {
		return strconv.Quote(s[:maxQuoted]) + "..."
	}
	return strconv.Quote(s)
}
