package graphqlapi

// The executor (generated.go) and the input and output models
// (models_gen.go) come from schema.graphqls and gqlgen.yml; the second line
// records their digest so TestGeneratedCodeIsCurrent fails when the schema
// or the configuration changed without a new generation.
//go:generate go tool gqlgen generate --config gqlgen.yml
//go:generate go test -run TestGeneratedCodeIsCurrent -update .
