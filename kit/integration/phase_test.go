package integration_test

import "testing"

// phase runs f as the subtest name, like t.Run, and stops t when it fails: the phases after it
// build on the state it leaves, so running them would only repeat its failure in other words.
// When -run leaves the phase out, t is skipped for the same reason. Phases that only assert,
// leaving nothing the later ones need, use t.Run instead.
func phase(t *testing.T, name string, f func(t *testing.T)) {
	t.Helper()
	ran := false
	if !t.Run(name, func(t *testing.T) { ran = true; f(t) }) {
		t.FailNow()
	}
	if !ran {
		t.Skipf("phase %q did not run (-run left it out): the phases after it need its state", name)
	}
}
