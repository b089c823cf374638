package benchmarks

import (
	"fmt"
	"net/http"

	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// badField is a 400 naming the request member at fault.
func badField(field, format string, args ...any) *problem.Details {
	d := problem.New(http.StatusBadRequest, fmt.Sprintf(format, args...))
	d.Field = field
	return d
}

func notFound(id string) *problem.Details {
	return problem.New(http.StatusNotFound, fmt.Sprintf("no benchmark %q", id))
}

func conflict(format string, args ...any) *problem.Details {
	return problem.New(http.StatusConflict, fmt.Sprintf(format, args...))
}

func unavailable(format string, args ...any) *problem.Details {
	return problem.New(http.StatusServiceUnavailable, fmt.Sprintf(format, args...))
}
