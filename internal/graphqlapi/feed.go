package graphqlapi

import (
	"encoding/json"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

// Feed is the live hub as subscriptions need it. Subscribe delivers the
// messages on topics matching patterns ("metrics.*") that filter accepts,
// through a channel holding up to buffer messages (a slow reader loses
// messages and never slows the hub); cancel ends the subscription and
// closes the channel.
type Feed interface {
	Subscribe(patterns []string, buffer int, filter func(live.Message) bool) (msgs <-chan live.Message, cancel func(), err error)
}

// HubFeed is the server's live hub as a Feed.
func HubFeed(h *live.Hub) Feed { return hubFeed{h} }

type hubFeed struct{ h *live.Hub }

func (f hubFeed) Subscribe(patterns []string, buffer int, filter func(live.Message) bool) (<-chan live.Message, func(), error) {
	s, err := f.h.Subscribe(patterns, buffer, filter)
	if err != nil {
		return nil, nil, err
	}
	return s.C(), s.Close, nil
}

// visibleTo says whether p may see m: a message about a user's object
// goes to that user and to those who see everything.
func visibleTo(p *auth.Principal, m live.Message) bool {
	return m.Owner == "" || p.Owns(m.Owner)
}

// payloadJSON encodes a message's payload for the JSON scalar.
func payloadJSON(m live.Message) (JSON, error) {
	b, err := json.Marshal(m.Payload)
	if err != nil {
		return nil, fmt.Errorf("encode %s payload: %w", m.Topic, err)
	}
	return b, nil
}

// progressOf reads a benchmark.progress or benchmark.finished payload: a
// live.Progress, a pointer to one, or its JSON form (from another process).
func progressOf(m live.Message) (live.Progress, bool) {
	switch v := m.Payload.(type) {
	case live.Progress:
		return v, true
	case *live.Progress:
		if v != nil {
			return *v, true
		}
		return live.Progress{}, false
	}
	b, err := json.Marshal(m.Payload)
	if err != nil {
		return live.Progress{}, false
	}
	var p live.Progress
	if err := json.Unmarshal(b, &p); err != nil {
		return live.Progress{}, false
	}
	return p, true
}
