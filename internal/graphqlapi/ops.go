package graphqlapi

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
)

// PermMetricsRead lets a caller read live metrics and alerts (GET
// /metrics on the API port, metricsStream, alertsStream, metrics).
const PermMetricsRead = "metrics.read"

// Permissions is the operation → permission table: the permission each
// root field needs ("Query.benchmark" → "benchmark.read"), the same as its
// REST route. A root field missing here is refused for everyone, so a new
// field cannot go unchecked; TestEveryRootFieldHasAPermission keeps the
// table and the schema in step.
var Permissions = map[string]string{
	"Query.benchmark":  api.PermBenchmarkRead,
	"Query.benchmarks": api.PermBenchmarkRead,
	"Query.results":    api.PermResultsRead,
	"Query.provider":   api.PermProviderRead,
	"Query.providers":  api.PermProviderRead,
	"Query.metrics":    PermMetricsRead,

	"Mutation.createBenchmark": api.PermBenchmarkCreate,
	"Mutation.cancelBenchmark": api.PermBenchmarkCancel,
	"Mutation.updateSettings":  api.PermSettingsUpdate,

	"Subscription.benchmarkProgress": api.PermBenchmarkRead,
	"Subscription.metricsStream":     PermMetricsRead,
	"Subscription.alertsStream":      PermMetricsRead,
}

// permissionGate refuses, before execution, an operation with a root
// field the principal in ctx may not use.
type permissionGate struct{}

var (
	_ graphql.HandlerExtension        = permissionGate{}
	_ graphql.OperationContextMutator = permissionGate{}
)

func (permissionGate) ExtensionName() string                   { return "PermissionGate" }
func (permissionGate) Validate(graphql.ExecutableSchema) error { return nil }
func (permissionGate) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	p := auth.FromContext(ctx)
	for _, name := range rootFields(oc.Doc, oc.Operation) {
		if err := allowed(p, name); err != nil {
			return err
		}
	}
	if oc.Operation.Operation == ast.Subscription && stateOf(ctx) == nil {
		// Over POST a subscription would hold the request open for ever.
		return codedError(codeBadRequest, "subscriptions are served over WebSocket (graphql-transport-ws) only")
	}
	return nil
}

// allowed says whether p may use the root field name ("Query.results").
func allowed(p *auth.Principal, name string) *gqlerror.Error {
	perm, ok := Permissions[name]
	switch {
	case p == nil:
		return codedError(codeUnauthenticated, "authentication required")
	case !ok:
		return codedError(codeForbidden, fmt.Sprintf("%s is not allowed", name))
	case !p.Can(perm):
		return codedError(codeForbidden, fmt.Sprintf("%s needs the %s permission", name, perm))
	}
	return nil
}

// rootFields returns the operation's root fields as "Type.field", through
// fragments at the root; introspection fields (__typename, __schema,
// __type) are left to the introspection setting.
func rootFields(doc *ast.QueryDocument, op *ast.OperationDefinition) []string {
	root := "Query"
	switch op.Operation {
	case ast.Mutation:
		root = "Mutation"
	case ast.Subscription:
		root = "Subscription"
	}
	var names []string
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if len(s.Name) < 2 || s.Name[:2] != "__" {
					names = append(names, root+"."+s.Name)
				}
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if seen[s.Name] {
					continue
				}
				seen[s.Name] = true
				if f := doc.Fragments.ForName(s.Name); f != nil {
					walk(f.SelectionSet)
				}
			}
		}
	}
	walk(op.SelectionSet)
	return names
}
