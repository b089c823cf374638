package pricing

import "strings"

// candidatesInto returns the vendor whose prices apply and the model names to try,
// most specific first: the model as given, then without a "models/" or
// "vendor/" prefix, then without a snapshot suffix, then Anthropic's dotted
// spelling with dashes, then the vendor's model alias of the first name that
// has one, else the model a prefix of the vendor's names. It appends to names
// so that a caller can keep the list on its stack.
func (t *Table) candidatesInto(rawVendor, model string, names []string) (string, []string) {
	vendor := t.canonical(rawVendor)
	m := lower(model)
	names = append(names, m)
	if rest, ok := strings.CutPrefix(m, "models/"); ok && rest != "" {
		m = rest
		names = append(names, m)
	}
	if prefix, rest, ok := strings.Cut(m, "/"); ok && prefix != "" && rest != "" {
		owner := t.canonical(prefix)
		if t.routers[vendor] || owner == vendor {
			vendor, m = owner, rest
			names = append(names, m)
		}
	}
	if vendor == "bedrock" {
		if b := bedrockBase(m); b != m {
			m = b
			names = append(names, m)
		}
	}
	if s := stripSnapshot(vendor, m); s != m {
		m = s
		names = append(names, m)
	}
	if vendor == "anthropic" && strings.Contains(m, ".") {
		m = strings.ReplaceAll(m, ".", "-")
		names = append(names, m)
		if s := stripSnapshot(vendor, m); s != m {
			names = append(names, s)
		}
	}
	for _, n := range names {
		if a, ok := t.modelAliases[vendor][n]; ok {
			return vendor, append(names, a)
		}
	}
	if a, ok := t.byPrefix(vendor, m); ok {
		names = append(names, a)
	}
	return vendor, names
}

// byPrefix returns the model that the longest of a vendor's model prefixes
// starting name stands for.
func (t *Table) byPrefix(vendor, name string) (string, bool) {
	best, model := -1, ""
	for prefix, to := range t.modelPrefixes[vendor] {
		if len(prefix) > best && strings.HasPrefix(name, prefix) {
			best, model = len(prefix), to
		}
	}
	return model, best >= 0
}

// bedrockRegions are the geographic prefixes of Bedrock's cross-region
// inference profiles, priced as in-region calls.
var bedrockRegions = []string{"us.", "eu.", "apac.", "jp.", "au.", "ca.", "us-gov."}

// bedrockBase drops a Bedrock model id's geographic prefix (keeping
// "global.") and its version suffix: "us.anthropic.claude-haiku-4-5-20251001-v1:0"
// is "anthropic.claude-haiku-4-5-20251001".
func bedrockBase(m string) string {
	for _, r := range bedrockRegions {
		if rest, ok := strings.CutPrefix(m, r); ok {
			m = rest
			break
		}
	}
	if i := strings.LastIndexByte(m, ':'); i > 0 && allDigits(m[i+1:]) {
		m = m[:i]
		if j := strings.LastIndexByte(m, '-'); j > 0 && (allDigits(m[j+1:]) || (len(m) > j+2 && m[j+1] == 'v' && allDigits(m[j+2:]))) {
			m = m[:j]
		}
	}
	return m
}

// bedrockOwner splits a normalised Bedrock id into the model's maker and
// its own name ("anthropic", "claude-haiku-4-5"), for models priced at
// their maker's list price.
func bedrockOwner(m string) (owner, model string, ok bool) {
	m = strings.TrimPrefix(bedrockBase(lower(m)), "global.")
	return strings.Cut(m, ".")
}

// isBedrockClaude reports whether a Bedrock model id names one of
// Anthropic's models, with or without a region or "global." prefix.
func isBedrockClaude(m string) bool {
	owner, _, ok := bedrockOwner(m)
	return ok && owner == "anthropic"
}

// canonical maps a vendor name to the vendor whose prices it uses.
func (t *Table) canonical(vendor string) string {
	if a, ok := t.vendorAliases[vendor]; ok {
		return a
	}
	return vendor
}

// stripSnapshot removes one snapshot suffix from a vendor's model name: a
// date ("-2024-07-18", "-20251001") or "-latest" for every vendor but
// Mistral and Cohere, and a Gemini "-001" version. Mistral's "-2411" and
// Cohere's "-08-2024" releases are not stripped: their dated models have
// had prices of their own (ministral-3b-2512 is not ministral-3b), so the
// table names the snapshots that share a price as model aliases or model
// prefixes, as its source does. A name that would be left empty is
// returned unchanged.
func stripSnapshot(vendor, m string) string {
	if vendor == "mistral" || vendor == "cohere" {
		return m
	}
	i := strings.LastIndexByte(m, '-')
	if i <= 0 {
		return m
	}
	base, last := m[:i], m[i+1:]
	switch {
	case last == "latest", allDigits(last) && len(last) == 8:
		return base
	case allDigits(last) && len(last) == 3 && vendor == "gemini":
		return base
	case allDigits(last) && len(last) == 2:
		return stripISODate(m)
	}
	return m
}

// stripISODate removes a "-YYYY-MM-DD" suffix.
func stripISODate(m string) string {
	const n = len("-2006-01-02")
	if len(m) <= n {
		return m
	}
	s := m[len(m)-n:]
	if s[0] != '-' || s[5] != '-' || s[8] != '-' {
		return m
	}
	if !allDigits(s[1:5]) || !allDigits(s[6:8]) || !allDigits(s[9:]) || !validMonth(s[6:8]) {
		return m
	}
	return m[:len(m)-n]
}

// allDigits reports whether s is a non-empty run of ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validMonth reports whether a two-digit string is 01 to 12.
func validMonth(s string) bool {
	return len(s) == 2 && allDigits(s) && s >= "01" && s <= "12"
}
