package provider

// Unwrapper is implemented by decorators around a provider (the call
// policy), so the wrapped provider's optional abilities stay reachable.
type Unwrapper interface {
	Unwrap() Provider
}

// As finds the first provider in p's chain of wrappers that implements T
// (Lister, HealthChecker, Embedder, InputChecker, ...), as errors.As does
// for errors.
func As[T any](p Provider) (T, bool) {
	for p != nil {
		if t, ok := p.(T); ok {
			return t, true
		}
		u, ok := p.(Unwrapper)
		if !ok {
			break
		}
		p = u.Unwrap()
	}
	var zero T
	return zero, false
}
