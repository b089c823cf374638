// Package walls enforces, in its test, which of the project's packages may
// depend on which (see docs/ARCHITECTURE.md).
package walls
