package calibrate

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Report is a judge measured against a labelled set. Its JSON keys are
// stable: scripts read them.
type Report struct {
	Dataset string    `json:"dataset"`
	Kind    Kind      `json:"kind"`
	Labels  LabelKind `json:"labels"`
	Type    string    `json:"type"`
	// Judge is the judge as the verdicts name it, else as requested.
	Judge string  `json:"judge"`
	Level float64 `json:"level"`
	// Items = Scored + Unscored; unscored verdicts are in no statistic.
	Items           int      `json:"items"`
	Scored          int      `json:"scored"`
	Unscored        int      `json:"unscored"`
	UnscoredReasons []Reason `json:"unscored_reasons"`
	CostUSD         float64  `json:"cost_usd"`
	// One of Binary, Numeric and Pairwise is set, after the labels.
	Binary   *BinaryReport   `json:"binary,omitempty"`
	Numeric  *NumericReport  `json:"numeric,omitempty"`
	Pairwise *PairwiseReport `json:"pairwise,omitempty"`
	// Correction is set by Correct.
	Correction *RunCorrection `json:"correction,omitempty"`
}

// Reason is why some verdicts are unscored.
type Reason struct {
	Reason    string `json:"reason"`
	Count     int    `json:"count"`
	FirstItem string `json:"first_item"`
}

// BinaryReport compares pass/fail verdicts with pass/fail labels.
type BinaryReport struct {
	Confusion   Binary    `json:"confusion"`
	Accuracy    *Interval `json:"accuracy"`
	Kappa       *Interval `json:"kappa"`
	Sensitivity *Interval `json:"sensitivity"`
	Specificity *Interval `json:"specificity"`
}

// NumericReport compares the judge's scores with the human's by rank.
type NumericReport struct {
	Pairs int `json:"pairs"`
	// Spearman is nil when undefined (fewer than two pairs, or constant scores).
	Spearman *float64 `json:"spearman"`
}

// PairwiseReport compares the judge's preferences with the human's.
type PairwiseReport struct {
	// Order names Confusion's rows (human) and columns (judge).
	Order                [prefLen]string `json:"order"`
	Confusion            Pairs           `json:"confusion"`
	AgreementWithTies    *Interval       `json:"agreement_with_ties"`
	AgreementWithoutTies *Interval       `json:"agreement_without_ties"`
	// WithoutTiesItems counts the items where neither called a tie.
	WithoutTiesItems int       `json:"without_ties_items"`
	Kappa            *Interval `json:"kappa"`
	// PositionConsistency is the share of the verdicts that say whether
	// the judge preferred the same answer in both orders (PositionKnown
	// of them) where it did.
	PositionConsistency *Interval `json:"position_consistency"`
	PositionKnown       int       `json:"position_known"`
}

// RunCorrection is a run's judge-scored pass rate corrected for the
// judge's error on the labelled set.
type RunCorrection struct {
	RunRate
	Correction
	Method string `json:"method"`
}

// Build measures the judge's verdicts (in the set's order) against the
// set's labels. judge names the judge when no verdict does.
func Build(set *Set, verdicts []bench.Score, typ, judge string, costUSD float64) *Report {
	r := &Report{Dataset: set.File, Kind: set.Kind, Labels: set.Labels, Type: typ, Judge: judge,
		Level: Level, Items: len(set.Items), CostUSD: costUSD, UnscoredReasons: []Reason{}}
	var (
		bin           Binary
		pairs         Pairs
		human, scores []float64
		consistent    int
	)
	pos := 0
	for i, s := range verdicts {
		it := &set.Items[i]
		if s.Judge != nil && s.Judge.Provider != "" && r.Judge == judge {
			r.Judge = s.Judge.Provider
		}
		if !s.Unscored && (math.IsNaN(s.Score) || math.IsInf(s.Score, 0)) {
			s = bench.Unscored(fmt.Sprintf("the judge's score %v is not a number", s.Score), "")
		}
		if s.Unscored {
			r.addUnscored(s.Reason, it.ID)
			continue
		}
		r.Scored++
		switch set.Labels {
		case BinaryLabels:
			bin.add(it.Label == 1, s.Pass)
		case NumericLabels:
			human, scores = append(human, it.Label), append(scores, s.Score)
		case PreferenceLabels:
			pairs.Add(it.Preference(), preferenceOf(s.Score))
			if s.Judge != nil && s.Judge.PositionConsistent != nil {
				pos++
				if *s.Judge.PositionConsistent {
					consistent++
				}
			}
		}
	}
	r.Unscored = r.Items - r.Scored
	slices.SortStableFunc(r.UnscoredReasons, func(a, b Reason) int { return cmp.Compare(b.Count, a.Count) })
	switch set.Labels {
	case BinaryLabels:
		r.Binary = &BinaryReport{Confusion: bin, Accuracy: bin.Accuracy(Level), Kappa: Kappa(bin.Table(), Level),
			Sensitivity: bin.Sensitivity(Level), Specificity: bin.Specificity(Level)}
	case NumericLabels:
		r.Numeric = &NumericReport{Pairs: len(human)}
		if rho, ok := Spearman(human, scores); ok {
			r.Numeric.Spearman = &rho
		}
	case PreferenceLabels:
		r.Pairwise = &PairwiseReport{
			Order: [prefLen]string{First.String(), Second.String(), Tie.String()}, Confusion: pairs,
			AgreementWithTies: pairs.AgreementWithTies(Level), AgreementWithoutTies: pairs.AgreementWithoutTies(Level),
			WithoutTiesItems: pairs.WithoutTies(), Kappa: pairs.Kappa(Level),
			PositionConsistency: Wilson(consistent, pos, Level), PositionKnown: pos,
		}
	}
	return r
}

func (b *Binary) add(human, judge bool) {
	switch {
	case human && judge:
		b.TP++
	case human:
		b.FN++
	case judge:
		b.FP++
	default:
		b.TN++
	}
}

// preferenceOf reads output_1's score against the baseline output_2:
// above ½ output_1 wins, below it output_2 does, ½ is a tie.
func preferenceOf(score float64) Preference {
	switch {
	case score > 0.5:
		return First
	case score < 0.5:
		return Second
	}
	return Tie
}

func (r *Report) addUnscored(reason, item string) {
	for i := range r.UnscoredReasons {
		if r.UnscoredReasons[i].Reason == reason {
			r.UnscoredReasons[i].Count++
			return
		}
	}
	r.UnscoredReasons = append(r.UnscoredReasons, Reason{Reason: reason, Count: 1, FirstItem: item})
}

// Correct adds the correction of a run's pass rate to a report of binary
// labels, with draws seeded Monte Carlo draws (see the package comment).
func (r *Report) Correct(rate *RunRate, draws int, seed uint64) error {
	if r.Binary == nil {
		return fmt.Errorf("correcting a pass rate needs true/false labels; this set's labels are %s", r.Labels)
	}
	c, err := Correct(Counts{Passed: rate.Passed, Scored: rate.Scored, Calibration: r.Binary.Confusion}, Level, draws, seed)
	if err != nil {
		return err
	}
	r.Correction = &RunCorrection{RunRate: *rate, Correction: *c,
		Method: fmt.Sprintf("Rogan–Gladen; interval: percentiles of %d draws of q, Se and Sp from their Jeffreys Beta distributions (seed %d)", draws, seed)}
	return nil
}
