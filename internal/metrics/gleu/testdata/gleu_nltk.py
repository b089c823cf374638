# nltk.translate.gleu_score.sentence_gleu, restated from its definition
# (nltk 3.x): everygrams min..max, Counter intersection, tp/max(tpfp,tpfn),
# best reference by (score, tp, n_all).
import json
from collections import Counter
def everygrams(seq, lo, hi):
    out = []
    for n in range(lo, min(hi, len(seq)) + 1):
        for i in range(len(seq) - n + 1):
            out.append(tuple(seq[i:i+n]))
    return out
def sentence_gleu(refs, hyp, lo=1, hi=4):
    h = Counter(everygrams(hyp, lo, hi)); tpfp = sum(h.values())
    best = []
    for r in refs:
        rc = Counter(everygrams(r, lo, hi)); tpfn = sum(rc.values())
        tp = sum((rc & h).values()); n_all = max(tpfp, tpfn)
        if n_all > 0: best.append((tp / n_all, tp, n_all))
    if not best: return 0.0, 0, 0
    s, tp, n = max(best)
    return (tp / n if n else 0.0), tp, n
ref1a = 'It is a guide to action that ensures that the military will forever heed Party commands'
ref1b = 'It is the guiding principle which guarantees the military forces always being under the command of the Party'
ref1c = 'It is the practical guide for the army always to heed the directions of the party'
hyp1 = 'It is a guide to action which ensures that the military always obeys the commands of the party'
hyp2 = 'It is to insure the troops forever hearing the activity guidebook that party direct'
ref2a = 'he was interested in world history because he read the book'
hyp2b = 'he read the book because he was interested in world history'
cases = [
  ("nltk doctest: the the the", ['the cat is on the mat'], 'the the the the the the the', 1, 4, "0.0909"),
  ("nltk doctest: hyp1 vs ref1", [ref1a], hyp1, 1, 4, "0.4393"),
  ("nltk doctest: hyp2 vs ref1", [ref1a], hyp2, 1, 4, "0.1206"),
  ("nltk doctest: world history (0.6144*2 - 0.4393)", [ref2a], hyp2b, 1, 4, ""),
  ("three references: the best one counts", [ref1a, ref1b, ref1c], hyp1, 1, 4, ""),
  ("unigrams only", [ref1a], hyp1, 1, 1, ""),
  ("bigrams to trigrams", [ref1a], hyp2, 2, 3, ""),
  ("identical", ['The cat sat on the mat'], 'The cat sat on the mat', 1, 4, ""),
  ("hypothesis shorter than max_len", ['a b c d e'], 'a b', 1, 4, ""),
  ("no overlap", ['alpha beta'], 'gamma delta', 1, 4, ""),
  ("empty hypothesis", ["alpha beta"], "", 1, 4, ""),
  ("a later reference wins", ["alpha beta", "gamma delta epsilon"], "gamma delta", 1, 4, ""),
]
out = []
for name, refs, hyp, lo, hi, doc in cases:
    s, tp, n = sentence_gleu([r.split() for r in refs], hyp.split(), lo, hi)
    if doc: assert ('%.4f' % s)[:6] == doc or str(s).startswith(doc), (name, s)
    out.append({"name": name, "references": refs, "hypothesis": hyp, "min_len": lo, "max_len": hi,
                "tp": tp, "n_all": n, "gleu": s, "nltk_doctest": doc})
json.dump(out, open('gleu_nltk.json', 'w'), indent=1)
for o in out: print(o["name"], o["tp"], o["n_all"], o["gleu"])
