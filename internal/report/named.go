package report

import (
	"fmt"
	"strings"
	"sync"
)

// NamedOpener returns the Opener of a named output of its scheme, such as
// the exporter plugin NAME of "plugin:NAME=PATH", or an error saying why
// there is none.
type NamedOpener func(name string) (Opener, error)

var schemes = struct {
	sync.RWMutex
	m map[string]NamedOpener
}{m: map[string]NamedOpener{}}

// RegisterScheme makes outputs written "SCHEME:NAME=PATH" write PATH
// through the Opener open(NAME) returns (an exporter plugin), whatever
// PATH's extension. It panics when the scheme is empty or taken.
func RegisterScheme(scheme string, open NamedOpener) {
	schemes.Lock()
	defer schemes.Unlock()
	if scheme == "" || open == nil || strings.ContainsAny(scheme, ":=/\\.") {
		panic(fmt.Sprintf("report: RegisterScheme(%q): want a plain scheme name and an opener", scheme))
	}
	if _, dup := schemes.m[scheme]; dup {
		panic(fmt.Sprintf("report: scheme %q registered twice", scheme))
	}
	schemes.m[scheme] = open
}

// SplitOutput splits an output "SCHEME:NAME=PATH" of a registered scheme
// into its parts; ok is false for a plain file path.
func SplitOutput(spec string) (scheme, name, path string, ok bool) {
	scheme, rest, found := strings.Cut(spec, ":")
	if !found {
		return "", "", spec, false
	}
	schemes.RLock()
	_, known := schemes.m[scheme]
	schemes.RUnlock()
	if !known {
		return "", "", spec, false
	}
	name, path, _ = strings.Cut(rest, "=")
	return scheme, name, path, true
}

// resolve returns the opener and the file of an output: a named output's
// scheme opener, or the format its extension names.
func resolve(spec string) (Opener, string, error) {
	scheme, name, path, ok := SplitOutput(spec)
	if !ok {
		f, err := formatFor(spec)
		if err != nil {
			return nil, "", err
		}
		return f.open, spec, nil
	}
	if name == "" || path == "" {
		return nil, "", fmt.Errorf("output %q: want %s:NAME=PATH", spec, scheme)
	}
	schemes.RLock()
	open := schemes.m[scheme]
	schemes.RUnlock()
	o, err := open(name)
	if err != nil {
		return nil, "", fmt.Errorf("output %q: %w", spec, err)
	}
	return o, path, nil
}
