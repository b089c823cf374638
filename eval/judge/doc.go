// Package judge is what every model-graded assertion family shares: the
// versioned prompt templates and how untrusted text is put into them, the
// judge call with its recorded tokens, cost and cache hits, and the
// unscored verdict for a reply that cannot be read.
//
// Text being judged (the answer, the prompt, the reference, the context)
// is untrusted: it is escaped before it is placed between a template's
// delimiters, so it can neither close them nor open new ones (see Escape).
// Each family's parser reads only the judge's reply and accepts nothing
// but its documented output contract; anything else is unscored, never a
// silent 0 or 1.
package judge
