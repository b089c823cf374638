package graphqlapi

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// depthLimit refuses, before execution, an operation whose fields nest
// deeper than Max (a root field is depth 1). Fragment spreads count as the
// fields they hold; a fragment cycle (which validation refuses anyway)
// cannot loop, since a fragment is never entered again below itself.
type depthLimit struct{ Max int }

var (
	_ graphql.HandlerExtension        = depthLimit{}
	_ graphql.OperationContextMutator = depthLimit{}
)

func (depthLimit) ExtensionName() string { return "DepthLimit" }

func (d depthLimit) Validate(graphql.ExecutableSchema) error {
	if d.Max < 1 {
		return fmt.Errorf("depth limit must be at least 1, got %d", d.Max)
	}
	return nil
}

func (d depthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Doc, oc.Operation.SelectionSet, map[string]bool{}, d.Max); depth > d.Max {
		return codedError(codeDepth, fmt.Sprintf("operation is nested more than %d levels deep", d.Max))
	}
	return nil
}

// selectionDepth returns the depth of set, stopping once it passes limit.
// inFragment holds the fragments being expanded on the current path.
func selectionDepth(doc *ast.QueryDocument, set ast.SelectionSet, inFragment map[string]bool, limit int) int {
	deepest := 0
	for _, sel := range set {
		var depth int
		switch s := sel.(type) {
		case *ast.Field:
			depth = 1
			if len(s.SelectionSet) > 0 && limit > 0 {
				depth += selectionDepth(doc, s.SelectionSet, inFragment, limit-1)
			}
		case *ast.InlineFragment:
			depth = selectionDepth(doc, s.SelectionSet, inFragment, limit)
		case *ast.FragmentSpread:
			f := doc.Fragments.ForName(s.Name)
			if f == nil || inFragment[s.Name] {
				continue
			}
			inFragment[s.Name] = true
			depth = selectionDepth(doc, f.SelectionSet, inFragment, limit)
			delete(inFragment, s.Name)
		}
		deepest = max(deepest, depth)
		if deepest > limit {
			return deepest
		}
	}
	return deepest
}
