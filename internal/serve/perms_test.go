package serve_test

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/graphqlapi"
	"github.com/llm-test-bench/llm-test-bench/internal/server"
)

// Every permission a transport checks is one the configuration knows: a
// typo in one table (results.exprot) would pass for admins, whose "*"
// grants everything, and lock every other role out unnoticed.
func TestCheckedPermissionsAreKnown(t *testing.T) {
	t.Parallel()
	checked := map[string]string{}
	for _, rt := range server.Routes() {
		if rt.Perm != server.Public {
			checked[rt.Perm] = "REST " + rt.Method + " " + rt.Pattern
		}
	}
	for field, perm := range graphqlapi.Permissions {
		checked[perm] = "GraphQL " + field
	}
	for _, perm := range []string{api.PermBenchmarkCreate, api.PermBenchmarkRead, api.PermBenchmarkCancel,
		api.PermResultsRead, api.PermResultsExport, api.PermProviderRead, api.PermProviderHealth,
		api.PermEvaluateRun, api.PermSettingsUpdate} {
		checked[perm] = "api.Service"
	}
	for perm, where := range checked {
		if perm == "*" || !config.KnownPermission(perm) {
			t.Errorf("%s checks %q, which is not in config.KnownPermissions", where, perm)
		}
	}
}
