package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// Delivery defaults and bounds.
const (
	DefaultNotifyTimeout = 5 * time.Second
	DefaultMaxRetries    = 3
	// DefaultBackoff is the wait before the first retry; it doubles for
	// each retry after, up to maxBackoff.
	DefaultBackoff = time.Second
	maxBackoff     = 30 * time.Second
	// queueSize is how many notifications one notifier may have waiting;
	// past it new ones are dropped (and counted), so a dead receiver
	// never holds up evaluation or the other notifiers.
	queueSize = 64
)

// Dispatcher sends notifications to the configured notifiers, each from
// its own queue and goroutine, with retries and exponential backoff.
// Notify never blocks.
type Dispatcher struct {
	targets []*target
	wg      sync.WaitGroup
	stop    context.CancelFunc
	// mu guards closed: Notify sends under the read lock, Close closes the
	// queues under the write lock.
	mu     sync.RWMutex
	closed bool
}

var _ Notifier = (*Dispatcher)(nil)

// PluginSender delivers a notification through the notifier plugin of a
// name (internal/plugin's NotifyAlert) with its config ({"url": URL}
// when the notifier sets one); retry says whether another attempt may
// succeed.
type PluginSender func(ctx context.Context, name string, cfg map[string]any, status string, alert any) (retry bool, err error)

// PluginPrefix starts a notifier type that names a plugin: plugin:NAME.
const PluginPrefix = "plugin:"

// DispatchOptions tune delivery; zero values take the defaults.
type DispatchOptions struct {
	Client *http.Client
	// Plugins delivers to notifiers of type plugin:NAME; nil leaves them
	// undelivered, with a warning.
	Plugins PluginSender
	// Backoff is the wait before the first retry.
	Backoff time.Duration
	Logger  *slog.Logger
}

// target is one notifier and its queue.
type target struct {
	cfg     config.Notifier
	name    string
	queue   chan Notification
	dropped atomic.Uint64
	client  *http.Client
	plugins PluginSender
	backoff time.Duration
	log     *slog.Logger
}

// NewDispatcher starts one sender per notifier; Close stops them.
func NewDispatcher(ns []config.Notifier, o DispatchOptions) *Dispatcher {
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{stop: cancel}
	for i, n := range ns {
		name := n.Name
		if name == "" {
			name = fmt.Sprintf("%s-%d", n.Type, i)
		}
		if n.Timeout <= 0 {
			n.Timeout = DefaultNotifyTimeout
		}
		if n.MaxRetries <= 0 {
			n.MaxRetries = DefaultMaxRetries
		}
		t := &target{cfg: n, name: name, queue: make(chan Notification, queueSize), client: o.Client, plugins: o.Plugins,
			backoff: o.Backoff, log: log.With("component", "alerts", "notifier", name)}
		d.targets = append(d.targets, t)
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			t.run(ctx)
		}()
	}
	return d
}

// Notify queues n for every notifier; a full queue drops it for that
// notifier, with a warning.
func (d *Dispatcher) Notify(n Notification) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return
	}
	for _, t := range d.targets {
		select {
		case t.queue <- n:
		default:
			t.dropped.Add(1)
			t.log.Warn("notification dropped: the queue is full", "rule", n.Alert.Rule, "status", n.Status)
		}
	}
}

// Close stops taking notifications and waits until the queued ones are
// delivered (or given up); when ctx ends first, deliveries in progress
// are cancelled and the rest dropped.
func (d *Dispatcher) Close(ctx context.Context) {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.closed = true
	for _, t := range d.targets {
		close(t.queue)
	}
	d.mu.Unlock()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		d.stop()
		<-done
	}
	d.stop()
}

func (t *target) run(ctx context.Context) {
	for n := range t.queue {
		if ctx.Err() != nil {
			continue // drain what is left without sending
		}
		if err := t.deliver(ctx, n); err != nil {
			t.log.Warn("notification not delivered", "rule", n.Alert.Rule, "status", n.Status, "err", err)
		}
	}
}

// deliver tries 1+MaxRetries times, waiting Backoff, 2×Backoff, ...
// between attempts (or what a 429's Retry-After asks, within maxBackoff).
func (t *target) deliver(ctx context.Context, n Notification) error {
	send, err := t.sender(n)
	if err != nil {
		return err
	}
	wait := t.backoff
	var last error
	for attempt := 0; attempt <= t.cfg.MaxRetries; attempt++ {
		if attempt > 0 {
			if !sleep(ctx, wait) {
				return fmt.Errorf("gave up after %d attempts: %w", attempt, ctx.Err())
			}
			wait = min(wait*2, maxBackoff)
		}
		retry, after, err := send(ctx)
		if err == nil {
			return nil
		}
		last = err
		if !retry {
			return err
		}
		if after > 0 {
			wait = min(after, maxBackoff)
		}
	}
	return fmt.Errorf("gave up after %d attempts: %w", t.cfg.MaxRetries+1, last)
}

// sender is one delivery attempt of n: a POST, or a notifier plugin's call.
func (t *target) sender(n Notification) (func(context.Context) (bool, time.Duration, error), error) {
	if name, ok := strings.CutPrefix(t.cfg.Type, PluginPrefix); ok {
		if t.plugins == nil {
			return nil, fmt.Errorf("notifier plugin %q: plugins are not loaded here", name)
		}
		return func(ctx context.Context) (bool, time.Duration, error) {
			ctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
			defer cancel()
			cfg := map[string]any{}
			if t.cfg.URL != "" {
				cfg["url"] = t.cfg.URL
			}
			retry, err := t.plugins(ctx, name, cfg, n.Status, n.Alert)
			return retry, 0, err
		}, nil
	}
	body, err := t.body(n)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (bool, time.Duration, error) { return t.post(ctx, body) }, nil
}

// body is what the notifier's type sends.
func (t *target) body(n Notification) ([]byte, error) {
	var v any = n
	if t.cfg.Type == "slack" {
		v = map[string]string{"text": slackText(n)}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode the notification: %w", err)
	}
	return b, nil
}

// slackText is the one line a chat shows.
func slackText(n Notification) string {
	icon := ":rotating_light:"
	if n.Status == StatusResolved {
		icon = ":white_check_mark:"
	}
	return icon + " " + n.Alert.Message
}

// post sends one attempt. retry says whether another attempt may
// succeed; after is a 429's or 503's Retry-After. Errors never carry the
// URL, which may hold a secret.
func (t *target) post(ctx context.Context, body []byte) (retry bool, after time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return false, 0, errors.New("the notifier's URL is not valid")
	}
	for k, v := range t.cfg.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "llm-test-bench-alerts")
	res, err := t.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the URL
		}
		return true, 0, fmt.Errorf("send: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return false, 0, nil
	}
	err = fmt.Errorf("the receiver answered %d", res.StatusCode)
	switch {
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusServiceUnavailable:
		secs, _ := strconv.Atoi(res.Header.Get("Retry-After"))
		return true, time.Duration(max(secs, 0)) * time.Second, err
	case res.StatusCode >= 500 || res.StatusCode == http.StatusRequestTimeout:
		return true, 0, err
	}
	return false, 0, err
}

// sleep waits d unless ctx ends first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
