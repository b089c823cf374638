// Package similar registers the embedding-similarity assertion types:
// similar, similar:cosine, similar:dot and similar:euclidean. Each embeds
// the answer and the expected text with one call to the embedding model
// named by the assertion's provider ("" is the run's default, the suite's
// defaults.embedding_provider or [evaluation] embedding_provider) and
// compares the vectors.
//
// Metrics:
//
//   - cosine (similar, similar:cosine): dot(a,b)/(|a||b|), between -1 and
//     1, and 0 when either vector is all zeros. The score is the
//     similarity; the assertion passes when it is at least the threshold.
//   - dot (similar:dot): the raw dot product, as score and as what the
//     threshold is compared with. It equals the cosine for the unit-length
//     vectors most embedding models return.
//   - euclidean (similar:euclidean): the distance d between the vectors;
//     the score is 1/(1+d) and the assertion passes when d is at most the
//     threshold, which is a distance here.
//
// The default threshold is 0.75 for every metric. A cosine threshold must
// lie in [-1, 1], a Euclidean one must not be negative.
//
// Value: the expected text, or a list of them; {{var}} placeholders are
// filled with the case's variables. Without a value (or with an empty
// one) the case's expected answer is used. With several expected texts
// the best match counts (the largest similarity, the smallest distance)
// and the assertion passes when it passes.
//
// Config: metric (cosine, dot or euclidean) chooses the metric of plain
// "similar"; on a typed form it must agree with the type.
//
// not-similar (and not-similar:cosine, ...) is the registry's negation:
// the score becomes 1 - score and the assertion passes when the plain one
// would fail. An unscored verdict stays unscored.
//
// Unscored, never a silent 0 or 1: nothing to compare with (no value and
// no expected answer), an empty answer, a failed or refused embedding
// call, a reply with the wrong number of vectors, vectors of different
// lengths, empty vectors, and vectors holding NaN or infinities. Every
// verdict, scored or not, records the embedding provider, its call, tokens,
// cost and cache hits (bench.JudgeInfo).
package similar
