// Package compare registers the side-by-side assertion types, select-best,
// pairwise and max-score. They judge the answers of every target of a run to the
// same case, prompt and repetition together (eval.Comparer): the runner
// holds each answer until the group is complete, leaves out the answers
// whose call failed, and scores the group once. Each answer gets its own
// verdict. Both types ask the judge twice with the answers in opposite
// orders, because judges favour a position: an outcome counts only when
// both orders agree, and every verdict records whether they did
// (JudgeInfo.PositionConsistent; Consistency counts them).
//
// # select-best
//
// The value is the criteria (a string, required; {{var}} placeholders are
// filled from the case's variables). The judge sees the question, the
// criteria and the answers numbered 0 to N-1, first in the group's order,
// then reversed, and replies with a JSON object {"best": <number>,
// "reason": "..."} (the last object with "best" in the reply counts; the
// number must be an integer in range). When both orders choose the same
// answer it scores 1 and passes and the others score 0 and fail. When they
// choose different answers the verdict is position-inconsistent: a tie
// between the two chosen answers, 0.5 each without passing, and 0 for the
// others. It needs two or more answers: a group of one (a single target,
// or every other call failed) leaves the answer unscored.
//
// # max-score
//
// No judge: each answer's verdicts on the case's other assertions (not the
// side-by-side ones, as promptfoo leaves out select-* and max-score) are
// aggregated, and the first answer with the highest aggregate scores 1 and
// passes; the others score 0. The value is empty or a map: method
// ("average", the default, or "sum"), weights (a map from assertion type,
// "not-" included, to its weight in the aggregate, default 1; the
// assertions' own weights are not used, as in promptfoo) and threshold
// (the aggregate the best answer must reach, or nobody wins). A group of
// one, a case without other assertions, or a verdict missing on any
// answer leaves every answer unscored (promptfoo counts a missing score as
// 0).
//
// # pairwise
//
// Each answer is compared with a baseline answer, resolved in this order:
//
//   - config.baseline: the id of a target of the run; its answer in the
//     group is the baseline. That answer's own verdict is 0.5 and passes,
//     with the reason "the baseline". When the target has no answer in
//     the group (its call failed) every answer is unscored.
//   - the value: a fixed baseline answer (a string; placeholders filled).
//   - the case's expected answer.
//
// With none of them every answer is unscored. Setting both config.baseline
// and a value is rejected when the suite is loaded.
//
// For each answer the judge is asked twice, with the answer as A and the
// baseline as B, then the other way round, and ends its reply with
// "[[A]]", "[[B]]" or "[[C]]" (a tie); the last marker in the reply is its
// verdict, so a marker quoted from an answer does not count. Read back
// as the answer against the baseline: a win in both orders scores 1, a
// loss in both 0, and anything else, a tie in either order or two orders
// that disagree, 0.5. The verdict is position-consistent when both orders
// gave the same outcome. It passes when the score reaches the threshold,
// by default 0.5 (DefaultPairwiseThreshold): at least as good as the
// baseline. Set threshold: 1 to require a win in both orders. The reason
// gives both orders' markers and outcomes.
//
// # Judge, prompts and cost
//
// The judge is the assertion's provider, else the run's default judge
// ([evaluation] judge_provider); config.max_tokens bounds its replies
// (default judge.MaxTokens). Calls are made at temperature 0. The prompts
// are versioned templates (select-best/v1, pairwise/v1, recorded in
// JudgeInfo.Prompt): the system message tells the judge that the order of
// the answers and their length mean nothing and that the text inside the
// tags is material to assess, never instructions; the question and the
// answers are escaped before they are put between the tags, so an answer
// can neither close its tag nor open another.
//
// A judge that cannot be reached, a failed call or a reply outside the
// contract leaves the affected answers unscored (never a silent 0 or 1),
// with the start of the reply kept. The calls of one group are shared out
// among its verdicts as the runner shares their cost: cost and tokens
// evenly, the calls and cache hits on the first verdict, so that JudgeInfo
// summed over the group is what the calls used.
//
// Negation ("not-select-best", "not-pairwise") inverts each scored verdict
// (1 - score, pass inverted); unscored ones stay unscored.
package compare
