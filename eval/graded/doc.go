// Package graded registers the single-answer model-graded assertion types:
// llm-rubric, g-eval, factuality, model-graded-closedqa, model-graded-qa,
// faithfulness, relevance and coherence. A judge model grades one answer;
// the side-by-side types live elsewhere.
//
// # Judge, prompts and what every verdict records
//
// The judge is the assertion's provider, else the suite's default judge
// ([evaluation] judge_provider), called through the run's call policy at
// temperature 0. Each type's prompt is a versioned template (prompts/*.tmpl)
// and every verdict records it ("llm-rubric/v1") with the judge, the model
// that answered, the calls, tokens, cost and cache hits (bench.JudgeInfo),
// unscored verdicts included. The text being judged (output, prompt,
// expected answer, context) and the assertion's own text (rubric,
// criteria) sit between tags such as <output>…</output>, escaped so that
// they can close none (judge.Escape); the system message tells the judge
// that text inside the tags is material to assess, never an instruction.
// The value's {{var}} placeholders are filled from the case's variables.
//
// A verdict the judge cannot give is unscored, never a 0 or a 1: no judge
// in the run, a failed call, or a reply that breaks the type's contract
// below (the reason says what was wrong, Raw keeps the reply's start), and
// an input the type cannot do without (no reference, no context; such a
// verdict makes no call and carries no judge info). An unscored gating
// assertion fails its case.
//
// Every type accepts config.max_tokens, the answer budget of its judge
// calls (a whole number, default 1024), and a threshold within [0, 1].
// Validate refuses unknown config keys, values of the wrong type and
// thresholds out of range, at load time.
//
// # llm-rubric
//
// Value: the rubric, a non-empty string. The judge replies with a JSON
// object {"reason": string, "pass": boolean, "score": number}; the first
// JSON object of the reply is read. "pass" is required and must be a JSON
// boolean; "score" is optional (absent: 1 when pass, else 0) and must lie
// within [0, 1]; "reason" is an optional string. Score: the judge's score.
// Pass: the judge's pass, and with a threshold also score >= threshold.
//
// # g-eval
//
// Value: the criteria, a string, or a list of strings for one verdict per
// criterion. Config: steps, a list of evaluation steps (one criterion
// only), which skips their generation. For each criterion the judge first
// writes 3 to 6 steps, {"steps": [...]} (1 to 10 non-empty strings are
// accepted), then rates the output following them, {"reason": string,
// "score": whole number 0..10} (asked for in that order, so that the
// rating is the last number the judge writes), with its 20 most likely
// tokens at each position. When the judge returns them, the rating is weighted by
// probability as in the G-Eval paper (and DeepEval): at the last generated
// token that is the rating written out, the alternatives that are whole
// numbers from 0 to 10 with a probability of at least 1% are averaged,
// weighted by probability; without such a token or alternative the raw
// rating stands. The reason says which. A criterion's score is the rating
// over 10; the assertion's is the mean over criteria, and a criterion
// without a verdict leaves the whole assertion unscored. Pass: score >=
// threshold, default 0.7 (DefaultGEvalThreshold). g-eval/v1 names both of
// its prompts: a change to either is a new version.
//
// # factuality
//
// Value: the reference answer (optional; absent or blank, the case's
// expected answer; neither, unscored "no reference"). The judge replies
// {"reason": string, "category": "A".."E"}: A the output's facts are a
// consistent subset of the reference's, B a consistent superset, C the
// same facts, D they disagree, E they differ in ways that do not matter
// for the facts. A category other than A to E (space and case aside) is
// unscored. Score: the category's, by default A=1 B=1 C=1 D=0 E=1
// (promptfoo's); config.score_map ({A: 0.4, B: 0.6}, numbers within
// [0, 1]) overrides the categories it names. autoevals uses A=0.4 B=0.6
// C=1 D=0 E=1, which rewards exact agreement over a partial answer. Pass:
// score > 0, or score >= threshold when the assertion sets one.
//
// # model-graded-closedqa
//
// Value: the criterion, a non-empty string. The judge reasons step by
// step, then writes Y or N alone on its last line. The parser reads the
// last non-empty line only, ignoring surrounding space, Markdown emphasis
// (*, _, `) and trailing punctuation; it must be Y, N, Yes or No in any
// case, else unscored. Score: 1 for Y, 0 for N. Pass: Y, or score >=
// threshold when the assertion sets one.
//
// # model-graded-qa
//
// Value: the criterion or the correct answer (optional; absent or blank,
// the case's expected answer; neither, unscored "no criterion"). Config:
// partial_credit (boolean, default false). The judge reasons step by step
// and ends with "GRADE: C" (correct, score 1) or "GRADE: I" (incorrect,
// 0), or with partial credit "GRADE: P" (partly correct, 0.5). The last
// "GRADE: X" of the reply counts, so that a grade the judge quotes earlier,
// from the output for instance, does not; the words correct, incorrect and
// partial are read as their letters. No grade, or a grade not offered, is
// unscored. Pass: score >= threshold, default 1 (DefaultQAThreshold): only
// C passes unless the threshold is at most 0.5.
//
// # faithfulness, relevance, coherence
//
// Rubric-style metrics whose criteria are written in their prompts:
// faithfulness, every factual claim of the output is supported by the
// case's context (no context: unscored "no context"); relevance, the
// output addresses what the prompt asks, all of it, without off-topic
// material (no prompt: unscored "no prompt"); coherence, the output is
// logically organised and consistent, without contradictions. Value:
// optional extra guidance for the judge. The reply contract is
// llm-rubric's. Score: the judge's score. Pass: score >= threshold,
// default 0.5 (DefaultMetricThreshold); the judge's "pass" does not gate.
package graded
