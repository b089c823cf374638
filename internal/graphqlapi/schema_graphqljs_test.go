package graphqlapi

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// graphqlJSVersion is the graphql-js release the schema is checked with.
const graphqlJSVersion = "16.11.0"

// checkSchemaJS builds SDL from standard input with graphql-js and
// validates it; it prints the root types so the test can see it ran.
const checkSchemaJS = `
const { buildSchema, validateSchema } = require("graphql");
let sdl = "";
process.stdin.on("data", (d) => (sdl += d));
process.stdin.on("end", () => {
  const schema = buildSchema(sdl);
  const errors = validateSchema(schema);
  if (errors.length > 0) {
    for (const e of errors) console.error(e.message);
    process.exit(1);
  }
  console.log([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map((t) => t && t.name).join(" "));
});
`

// TestSchemaValidForGraphQLJS checks schema.graphqls with the reference
// implementation. It needs node and the npm package graphql: from
// GRAPHQL_JS_DIR (a directory whose node_modules holds it; .ci/run installs
// it there), or installed with npm into a temporary directory. Under
// CI=true a missing node or package fails the test.
func TestSchemaValidForGraphQLJS(t *testing.T) {
	t.Parallel()
	ci := os.Getenv("CI") == "true"
	node, err := exec.LookPath("node")
	if err != nil {
		if ci {
			t.Fatal("node is not installed (needed under CI=true)")
		}
		t.Skip("node is not installed")
	}
	dir := os.Getenv("GRAPHQL_JS_DIR")
	if dir == "" {
		if ci {
			t.Fatal("GRAPHQL_JS_DIR is not set under CI=true: install graphql@" + graphqlJSVersion + " with npm and point it there")
		}
		dir = t.TempDir()
		install := exec.Command("npm", "install", "--prefix", dir, "--no-audit", "--no-fund", "--silent", "graphql@"+graphqlJSVersion)
		if out, err := install.CombinedOutput(); err != nil {
			t.Skipf("npm install graphql: %v: %s", err, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "graphql")); err != nil {
		t.Fatalf("graphql-js not found under %s: %v", dir, err)
	}
	sdl, err := os.ReadFile("schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "-e", checkSchemaJS)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(sdl)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("graphql-js refused the schema: %v\n%s", err, stderr.String())
	}
	if got := strings.TrimSpace(string(out)); got != "Query Mutation Subscription" {
		t.Fatalf("graphql-js saw root types %q", got)
	}
}
