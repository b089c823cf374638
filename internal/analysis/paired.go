package analysis

// PairedValue is one case present on both sides: its key and each side's value,
// repetitions averaged.
type PairedValue struct {
	Key  Key
	A, B float64
}

// PairedValues lists the cases present on both sides, ordered by case id then
// prompt id, with each side's per-case mean. Memory grows with the number
// of cases.
func PairedValues(a, b *Side) []PairedValue {
	keys := pairedKeys(a, b)
	out := make([]PairedValue, len(keys))
	for i, k := range keys {
		ca, cb := a.cells[k], b.cells[k]
		out[i] = PairedValue{Key: k, A: ca.sum / float64(ca.n), B: cb.sum / float64(cb.n)}
	}
	return out
}
