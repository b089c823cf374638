// Package graphqlapi serves /graphql: the schema in schema.graphqls,
// executed by gqlgen (generated.go, models_gen.go: go generate), over HTTP
// POST and over WebSocket with the graphql-transport-ws protocol on the
// same path.
//
// Resolvers call the server's one service layer, api.Service, which checks
// permissions and ownership; before any of that, every root field must
// pass the operation → permission table in ops.go (the same permissions as
// the REST routes), so a field missing from the table is refused.
// Subscriptions read the live hub through the narrow Feed interface.
//
// Limits, all applied before execution: a query depth limit (depth.go),
// a complexity limit in which list fields cost their page size times their
// children (complexity.go), a parser token limit, pages of at most 100
// items, no batching, no field suggestions, and introspection and the
// playground only when configured.
//
// There is no uploadPlugin mutation: plugins are not served yet, and the
// schema has no field that cannot work.
package graphqlapi
