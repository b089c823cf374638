package server

import _ "embed"

//go:embed openapi.json
var openapiDoc []byte

// OpenAPI returns the OpenAPI 3.1 document of the REST API, written by
// hand and tested against the handlers (see docs/SERVER.md).
func OpenAPI() []byte { return openapiDoc }
