package plugin

import (
	"fmt"
	"strings"
)

// Grant reports whether the operator allows plugin the capability (a
// host service name such as llm.complete). A nil Grant allows nothing.
type Grant func(plugin, capability string) bool

// AllowAll grants every capability to every plugin (tests, tools).
func AllowAll(string, string) bool { return true }

// capabilityFields maps each capability to the manifest field that asks for it.
var capabilityFields = map[string]string{
	ServiceLLMComplete: "capabilities.requires_llm",
	ServiceHTTPRequest: "capabilities.allowed_hosts",
}

// Requested lists the capabilities the manifest asks for, sorted.
func (m *Manifest) Requested() []string {
	var out []string
	if m.Capabilities.RequiresLLM {
		out = append(out, ServiceLLMComplete)
	}
	if len(m.Capabilities.AllowedHosts) > 0 {
		out = append(out, ServiceHTTPRequest)
	}
	return out
}

// CheckGrants refuses a manifest that asks for a capability the operator
// has not granted, naming each one and where to grant it.
func CheckGrants(m *Manifest, grant Grant) error {
	var missing []string
	for _, c := range m.Requested() {
		if grant == nil || !grant(m.Package.Name, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	fields := make([]string, len(missing))
	for i, c := range missing {
		fields[i] = fmt.Sprintf("%s (%s)", c, capabilityFields[c])
	}
	return fmt.Errorf("plugin %q asks for %s, which the operator has not granted: add allow = [\"%s\"] under [plugins.grants.%s] to allow it",
		m.Package.Name, strings.Join(fields, ", "), strings.Join(missing, `", "`), m.Package.Name)
}
