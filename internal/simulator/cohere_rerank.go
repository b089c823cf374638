package simulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// The Cohere Rerank v2 wire: POST /v2/rerank with a query and documents
// (strings) to {"results":[{"index","relevance_score"}],"id","meta":
// {"api_version","billed_units":{"search_units"}}}, the results in falling
// order of relevance and cut to top_n. The relevance of a document is the
// cosine similarity of its embedding and the query's (see embed.go),
// mapped from [-1, 1] to [0, 1], so documents sharing the query's words
// rank first and reranking is as deterministic as embedding. It takes the
// embedding routes' latency and faults.

// cohereMaxDocuments bounds the documents of one rerank request.
const cohereMaxDocuments = 1000

// cohereRerankRequest is the part of a rerank request the simulator reads.
type cohereRerankRequest struct {
	Model     string   `json:"model"`
	Query     string   `json:"query"`
	Documents []string `json:"documents"`
	TopN      *int     `json:"top_n"`
}

// cohereRerankWire is the Cohere rerank wire of one request: the job's
// first text is the query, the others the documents.
type cohereRerankWire struct {
	cohereDialect
	topN int
}

// cohereRerank serves POST /v2/rerank.
func (s *Server) cohereRerank(w http.ResponseWriter, r *http.Request) {
	s.serveEmbed(w, r, &cohereRerankWire{})
}

// parseCohereRerank decodes and checks a rerank body as Cohere does.
func parseCohereRerank(body []byte) (cohereRerankRequest, *apiError) {
	var req cohereRerankRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return req, cohereDecodeError(err)
	}
	switch {
	case req.Model == "":
		return req, badCohere("model is required")
	case req.Query == "":
		return req, badCohere("query must not be empty")
	case len(req.Documents) == 0:
		return req, badCohere("documents must not be empty")
	case len(req.Documents) > cohereMaxDocuments:
		return req, badCohere("too many documents, max is " + strconv.Itoa(cohereMaxDocuments))
	case req.TopN != nil && *req.TopN < 1:
		return req, badCohere("top_n must be at least 1")
	}
	return req, nil
}

func (c *cohereRerankWire) parseEmbed(_ *http.Request, body []byte, t *turn, job *embedJob) *apiError {
	c.setID(&t.rnd)
	req, e := parseCohereRerank(body)
	if e != nil {
		return e
	}
	job.model = req.Model
	job.texts = append(append(make([]string, 0, 1+len(req.Documents)), req.Query), req.Documents...)
	c.topN = len(req.Documents)
	if req.TopN != nil {
		c.topN = min(*req.TopN, c.topN)
	}
	return nil
}

// rerankScore is one document's relevance.
type rerankScore struct {
	index int
	score float64
}

func (c *cohereRerankWire) appendEmbed(h http.Header, b []byte, _ *turn, job *embedJob) []byte {
	query := slices.Clone(job.vector(0))
	scores := make([]rerankScore, len(job.texts)-1)
	for i := range scores {
		doc := job.vector(i + 1)
		var dot float64
		for k, q := range query {
			dot += float64(q) * float64(doc[k])
		}
		scores[i] = rerankScore{index: i, score: max(0, min(1, (1+dot)/2))}
	}
	slices.SortStableFunc(scores, func(a, b rerankScore) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	h["Content-Type"] = hdrJSON
	b = append(b, `{"results":[`...)
	for i, s := range scores[:c.topN] {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"index":`...)
		b = appendInt(b, int64(s.index))
		b = append(b, `,"relevance_score":`...)
		b = strconv.AppendFloat(b, s.score, 'g', 8, 64)
		b = append(b, '}')
	}
	b = append(b, `],"id":"`...)
	b = append(b, c.id[:]...)
	return append(b, `","meta":{"api_version":{"version":"2"},"billed_units":{"search_units":1}}}`...)
}
