package runner

import (
	"context"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// statusOf maps a call error to a result status and error record.
func statusOf(ctx context.Context, err error) (bench.Status, *bench.ErrorInfo) {
	if err == nil {
		return bench.StatusSuccess, nil
	}
	info := &bench.ErrorInfo{Kind: string(provider.KindTransient), Message: err.Error()}
	if pe := provider.AsError(err); pe != nil {
		info.Kind = string(pe.Kind)
		info.Status = pe.StatusCode
		if pe.Kind == provider.KindTimeout {
			return bench.StatusTimeout, info
		}
	}
	if ctx.Err() != nil {
		info.Kind = "cancelled"
		return bench.StatusCancelled, info
	}
	return bench.StatusError, info
}
