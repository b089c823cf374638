package graphqlapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// The extensions.code of this package's errors.
const (
	codeUnauthenticated = "UNAUTHENTICATED"
	codeForbidden       = "FORBIDDEN"
	codeNotFound        = "NOT_FOUND"
	codeBadRequest      = "BAD_REQUEST"
	codeConflict        = "CONFLICT"
	codeTooMany         = "TOO_MANY_REQUESTS"
	codeInternal        = "INTERNAL"
	codeDepth           = "DEPTH_LIMIT_EXCEEDED"
)

// codedError is an error answer with extensions.code set.
func codedError(code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// badInput is a BAD_REQUEST naming the argument at fault.
func badInput(field, msg string) *gqlerror.Error {
	e := codedError(codeBadRequest, msg)
	e.Extensions["field"] = field
	return e
}

// codeForStatus maps a service error's HTTP status to extensions.code.
func codeForStatus(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
		return codeBadRequest
	case http.StatusUnauthorized:
		return codeUnauthenticated
	case http.StatusForbidden:
		return codeForbidden
	case http.StatusNotFound:
		return codeNotFound
	case http.StatusConflict:
		return codeConflict
	case http.StatusTooManyRequests:
		return codeTooMany
	}
	return codeInternal
}

// errorPresenter shows service errors (*problem.Details) with their status
// and code, passes GraphQL errors through, and hides anything else behind
// "internal error" (logged with the field's path).
func errorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var d *problem.Details
		if errors.As(err, &d) {
			msg := d.Detail
			if msg == "" || d.Status >= http.StatusInternalServerError {
				msg = d.Title
			}
			e := graphql.DefaultErrorPresenter(ctx, errors.New(msg))
			e.Extensions = map[string]any{"code": codeForStatus(d.Status), "status": d.Status}
			if d.Field != "" {
				e.Extensions["field"] = d.Field
			}
			return e
		}
		var ge *gqlerror.Error
		if errors.As(err, &ge) {
			return graphql.DefaultErrorPresenter(ctx, err)
		}
		e := graphql.DefaultErrorPresenter(ctx, errors.New("internal error"))
		log.ErrorContext(ctx, "graphql resolver failed", "path", e.Path.String(), "err", err)
		e.Extensions = map[string]any{"code": codeInternal}
		return e
	}
}
