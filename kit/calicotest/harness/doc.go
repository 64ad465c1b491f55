// Package harness wires calicotest.Server into Go tests: one server shared
// by a whole test binary (Main, from TestMain) or one per test (Start).
//
// It is separate from package calicotest so that programs using calicotest
// at run time do not import package testing.
//
// Typical use, one server for the whole test binary:
//
//	var srv *calicotest.Server
//
//	func TestMain(m *testing.M) {
//		os.Exit(harness.Main(m, calicotest.Options{}, &srv))
//	}
//
//	func TestSomething(t *testing.T) {
//		harness.Reset(t, srv) // start from an empty datastore
//		cfg := srv.Config()
//		...
//	}
package harness
