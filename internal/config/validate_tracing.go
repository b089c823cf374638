package config

import "strings"

// tracing checks the OTLP exporter's keys of [monitoring]. The endpoint
// is checked even when tracing is off, so that turning it on later does
// not meet an old mistake.
func (v *validation) tracing() {
	m := v.c.Monitoring
	v.url("monitoring.otlp_endpoint", m.OTLPEndpoint, "http", "https")
	if m.EnableTracing && m.OTLPEndpoint == "" {
		v.add("monitoring.otlp_endpoint", "tracing is enabled: name the collector, such as http://127.0.0.1:4318")
	}
	if m.SampleRatio < 0 || m.SampleRatio > 1 || m.SampleRatio != m.SampleRatio {
		v.add("monitoring.sample_ratio", "must be between 0 and 1, got %g", m.SampleRatio)
	}
	v.atLeast("monitoring.otlp_timeout_seconds", m.OTLPTimeoutSeconds, 1)
	if m.EnableTracing && strings.TrimSpace(m.ServiceName) == "" {
		v.add("monitoring.service_name", "tracing is enabled: name the service its spans come from")
	}
	for name := range m.OTLPHeaders {
		if name == "" || strings.ContainsAny(name, " :\r\n") {
			v.add("monitoring.otlp_headers", "%q is not a header name", name)
		}
	}
}
