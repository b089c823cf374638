// Package rag registers the model-graded assertion types for
// retrieval-augmented answers: context-faithfulness, context-recall,
// context-relevance and answer-relevance. They follow RAGAS' definitions,
// with their own prompts (prompts/*.tmpl, versioned: a verdict records
// "context-faithfulness/v1") and a strict JSON reply contract per call.
//
// Inputs, for every type:
//
//   - query: config.query when set, else the rendered prompt;
//   - context: config.context (a string or a list of chunks) when set,
//     else the case's context; empty chunks are dropped;
//   - answer: the model's output;
//   - reference (context-recall only): the assertion's value (a string)
//     when set, else the case's expected answer.
//
// {{var}} placeholders in config.query, config.context and the value are
// filled with the case's variables. The judge is the assertion's provider
// ("" is the suite's defaults.provider or [evaluation] judge_provider);
// its calls run at temperature 0 with config.max_tokens (default 1024) as
// the answer budget.
//
// Scores lie in [0, 1]. The default threshold is 0.5 (DefaultThreshold);
// an assertion's threshold, between 0 and 1, overrides it; the assertion
// passes when the score reaches the threshold. "not-" negation is the
// registry's: score 1 - score, pass inverted.
//
// context-faithfulness: are the answer's claims backed by the context?
// Call 1 breaks the answer into self-contained factual statements
// ({"statements": [...]}); call 2 gives each statement a verdict, 1
// supported by the context or 0 not ({"verdicts": [{"statement",
// "verdict", "reason"}]}), exactly one per statement, in order. Score =
// supported / statements. Unscored: no context; an empty answer or one
// with no statements (never 0 or 1: there is nothing to check); a verdict
// count that differs from the statement count; a verdict other than 0 or 1.
//
// context-recall: does the context hold what the reference answer says?
// One call splits the reference into statements and classifies each as
// attributable to the context or not ({"classifications": [{"statement",
// "attributed", "reason"}]}). Score = attributed / statements. Unscored:
// no reference, no context, no statements, a classification other than
// 0 or 1.
//
// context-relevance: how much of the context does the query need? The
// context's units are its chunks, or, for a single chunk with several
// non-empty lines, those lines; they are numbered from 0 in the prompt.
// One call lists the units needed to answer the query ({"relevant":
// [indices], "reason"}). Score = distinct listed units / units; an empty
// list is a score of 0. Unscored: no context, no query, an index that is
// not a whole number from 0 to units-1.
//
// answer-relevance: does the answer address the query? One judge call
// writes up to three questions the answer would answer and says whether
// the answer is noncommittal ({"questions": [...], "noncommittal": 0|1});
// one embedding call then embeds the query and the questions. Score = the
// mean cosine similarity of the query with each question (a negative mean
// counts as 0), and 0 when the answer is noncommittal (then no embedding
// call is made). The embedding provider is config.embedding_provider (""
// is the suite's defaults.embedding_provider or [evaluation]
// embedding_provider). Unscored: no query, an empty answer, no non-empty
// question, more than three questions, noncommittal other than 0 or 1,
// embedding vectors that cannot be compared.
//
// Config keys: query, context, max_tokens, and for answer-relevance
// embedding_provider; any other key is refused at load time, as is a
// value on a type that takes none.
//
// For every type, a judge or embedding provider that cannot be opened, a
// failed call and a reply that does not follow the contract leave the
// verdict unscored, never a silent 0 or 1: its reason says why and Raw
// keeps the start of the reply. Every verdict, scored or not, records the
// judge, the prompt version, the embedding provider, and the calls'
// tokens, cost and cache hits (bench.JudgeInfo).
//
// Text being judged is escaped into delimiters (judge.Escape) and each
// system message tells the judge that delimited text is data, not
// instructions. The units of context-relevance and the statements of
// context-faithfulness are written one per line with their number, their
// own line breaks turned into spaces, so a chunk cannot fake a number.
package rag
