package config

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/alerts/expr"
)

// alertSeverities are the levels an alert rule can have.
var alertSeverities = []string{"info", "warning", "error", "critical"}

// notifierTypes are the kinds of [[monitoring.notifiers]].
var notifierTypes = []string{"webhook", "slack"}

// Notifier limits.
const (
	maxNotifierRetries = 10
	maxNotifierTimeout = time.Minute
)

// alerts checks [monitoring] alert_rules, alert_interval and notifiers.
// A condition that does not parse is reported with its rule's name and
// the column of the error.
func (v *validation) alerts() {
	m := v.c.Monitoring
	if m.AlertInterval < 0 || len(m.AlertRules) > 0 && m.AlertInterval == 0 {
		v.add("monitoring.alert_interval", "must be a positive duration such as \"10s\", got %s", m.AlertInterval)
	}
	seen := map[string]bool{}
	for i, r := range m.AlertRules {
		key := fmt.Sprintf("monitoring.alert_rules[%d]", i)
		switch {
		case strings.TrimSpace(r.Name) == "":
			v.add(key+".name", "every alert rule needs a name")
		case seen[r.Name]:
			v.add(key+".name", "alert rule %q is defined twice", r.Name)
		}
		seen[r.Name] = true
		if strings.TrimSpace(r.Condition) == "" {
			v.add(key+".condition", "want a condition such as \"p95_latency_ms > 5000\"")
		} else if _, err := expr.Parse(r.Condition); err != nil {
			v.probs = append(v.probs, Problem{
				Source: v.c.SourceOf(key + ".condition"), Key: key + ".condition", Value: strconv.Quote(r.Condition),
				Msg: fmt.Sprintf("alert rule %q: %v (see docs/MONITORING.md, \"Alerts\")", r.Name, err),
			})
		}
		if !slices.Contains(alertSeverities, r.Severity) {
			v.add(key+".severity", "want one of %s, got %q", strings.Join(alertSeverities, ", "), r.Severity)
		}
		if r.For < 0 {
			v.add(key+".for", "must not be negative, got %s", r.For)
		}
	}
	for i, n := range m.Notifiers {
		v.notifier(fmt.Sprintf("monitoring.notifiers[%d]", i), n)
	}
}

// notifier checks one [[monitoring.notifiers]]; its URL is never quoted.
func (v *validation) notifier(key string, n Notifier) {
	if name, ok := strings.CutPrefix(n.Type, "plugin:"); ok {
		// A notifier plugin delivers by itself; it takes no url or headers.
		if !pluginName.MatchString(name) {
			v.add(key+".type", "plugin:NAME: %q is not a plugin name", name)
		}
		if u, err := url.Parse(n.URL); n.URL != "" && (err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https")) {
			v.add(key+".url", "want an http or https URL (not shown: it may hold a secret), or none")
		}
		if len(n.Headers) > 0 {
			v.add(key+".headers", "a plugin notifier takes no headers (the plugin builds its request)")
		}
	} else if !slices.Contains(notifierTypes, n.Type) {
		v.add(key+".type", "want one of %s or plugin:NAME, got %q", strings.Join(notifierTypes, ", "), n.Type)
	} else if u, err := url.Parse(n.URL); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		v.add(key+".url", "want an http or https URL (not shown: it may hold a secret)")
	}
	for name, val := range n.Headers {
		if !isHeaderName(name) || !isHeaderValue(val) {
			v.add(key+".headers", "header %q: want a header name and a value without control characters", name)
		}
	}
	if n.Timeout < 0 || n.Timeout > maxNotifierTimeout {
		v.add(key+".timeout", "want a duration from 0 (the default, 5s) to %s, got %s", maxNotifierTimeout, n.Timeout)
	}
	if n.MaxRetries < 0 || n.MaxRetries > maxNotifierRetries {
		v.add(key+".max_retries", "want 0 to %d, got %d", maxNotifierRetries, n.MaxRetries)
	}
}
