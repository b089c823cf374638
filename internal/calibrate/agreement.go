package calibrate

import "math"

// Kappa is Cohen's kappa of a square contingency table (rows: the human's
// category, columns: the judge's) with its large-sample interval at level.
// The standard error is the asymptotic one of Fleiss, Cohen and Everitt
// (1969), the one statsmodels' cohens_kappa reports; the interval is
// kappa ± z·SE, clipped to [−1, 1]. It is nil when the table is empty or
// chance agreement is 1 (both raters used one category only), where kappa
// is undefined.
func Kappa(table [][]int, level float64) *Interval {
	k := len(table)
	n := 0
	for _, row := range table {
		if len(row) != k {
			return nil
		}
		for _, c := range row {
			n += c
		}
	}
	if n == 0 {
		return nil
	}
	nf := float64(n)
	rows, cols := make([]float64, k), make([]float64, k)
	for i := range k {
		for j := range k {
			p := float64(table[i][j]) / nf
			rows[i] += p
			cols[j] += p
		}
	}
	var po, pe float64
	for i := range k {
		po += float64(table[i][i]) / nf
		pe += rows[i] * cols[i]
	}
	if pe >= 1-1e-12 {
		return nil
	}
	kappa := (po - pe) / (1 - pe)
	var a, b float64
	for i := range k {
		for j := range k {
			p := float64(table[i][j]) / nf
			if i == j {
				t := 1 - (rows[i]+cols[i])*(1-kappa)
				a += p * t * t
				continue
			}
			t := cols[i] + rows[j]
			b += p * t * t
		}
	}
	c := kappa - pe*(1-kappa)
	v := (a + (1-kappa)*(1-kappa)*b - c*c) / ((1 - pe) * (1 - pe) * nf)
	se := math.Sqrt(math.Max(0, v))
	zz := z(level)
	return &Interval{Value: kappa, Lo: math.Max(-1, kappa-zz*se), Hi: math.Min(1, kappa+zz*se)}
}

// Binary is a 2×2 table of human labels against judge verdicts.
type Binary struct {
	// TP: human pass, judge pass. FN: human pass, judge fail.
	// FP: human fail, judge pass. TN: human fail, judge fail.
	TP int `json:"tp"`
	FN int `json:"fn"`
	FP int `json:"fp"`
	TN int `json:"tn"`
}

// N is the number of items in the table.
func (b Binary) N() int { return b.TP + b.FN + b.FP + b.TN }

// Table is the table with the human's pass first in rows and columns.
func (b Binary) Table() [][]int { return [][]int{{b.TP, b.FN}, {b.FP, b.TN}} }

// Accuracy is the share of items where the judge agrees with the human.
func (b Binary) Accuracy(level float64) *Interval { return Wilson(b.TP+b.TN, b.N(), level) }

// Sensitivity is the judge's true-positive rate: the share of the human's
// passes that the judge passes.
func (b Binary) Sensitivity(level float64) *Interval { return Wilson(b.TP, b.TP+b.FN, level) }

// Specificity is the judge's true-negative rate: the share of the human's
// fails that the judge fails.
func (b Binary) Specificity(level float64) *Interval { return Wilson(b.TN, b.TN+b.FP, level) }

// Preference is a pairwise verdict: which of two answers is better.
type Preference int

// The preferences, as LLMBar and MT-Bench processed sets label them.
const (
	Tie     Preference = 0
	First   Preference = 1
	Second  Preference = 2
	prefLen            = 3
)

// String is "1", "2" or "tie".
func (p Preference) String() string {
	switch p {
	case First:
		return "1"
	case Second:
		return "2"
	}
	return "tie"
}

// prefOrder is the row and column order of a Pairs table.
var prefOrder = [prefLen]Preference{First, Second, Tie}

// Pairs is a 3×3 table of human preferences (rows) against the judge's
// (columns), in the order 1, 2, tie.
type Pairs [prefLen][prefLen]int

// Add counts one item.
func (p *Pairs) Add(human, judge Preference) { p[prefIndex(human)][prefIndex(judge)]++ }

func prefIndex(x Preference) int {
	for i, o := range prefOrder {
		if o == x {
			return i
		}
	}
	return prefLen - 1
}

// N is the number of items in the table.
func (p Pairs) N() int {
	n := 0
	for _, row := range p {
		for _, c := range row {
			n += c
		}
	}
	return n
}

// AgreementWithTies is the share of items where judge and human prefer
// the same answer or both call a tie.
func (p Pairs) AgreementWithTies(level float64) *Interval {
	return Wilson(p[0][0]+p[1][1]+p[2][2], p.N(), level)
}

// WithoutTies is the number of items where neither called a tie.
func (p Pairs) WithoutTies() int { return p[0][0] + p[0][1] + p[1][0] + p[1][1] }

// AgreementWithoutTies is the agreement over the items where neither the
// judge nor the human called a tie (MT-Bench's "without tie").
func (p Pairs) AgreementWithoutTies(level float64) *Interval {
	return Wilson(p[0][0]+p[1][1], p.WithoutTies(), level)
}

// Kappa is Cohen's kappa over the three categories.
func (p Pairs) Kappa(level float64) *Interval {
	t := make([][]int, prefLen)
	for i := range p {
		t[i] = p[i][:]
	}
	return Kappa(t, level)
}
