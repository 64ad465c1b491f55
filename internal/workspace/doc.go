// Package workspace holds no code of its own: its test runs the tests of the repository's other
// modules, so that `go test ./...` at the repository root tests everything.
//
// The repository is a Go workspace (go.work) of three modules: the library
// (github.com/nxcalico/nxcalico, what an SDK user imports), kit (the in-process Kubernetes API
// server, the simulated lab and the integration tests that need them) and examples (the
// commands). The go command's ./... stops at module boundaries, so the root's `go test ./...` would
// otherwise test the library alone.
package workspace
