package nxos

import (
	"context"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// caseStudy renders the reference design, changed by mutate, with password pw
// (empty = none), and returns the leaf configurations by name.
func caseStudy(t testing.TB, mutate func(*design.Design), pw string) map[string]*LeafConfig {
	t.Helper()
	d := design.CaseStudy()
	opts := RenderOptions{}
	if pw != "" {
		d.Peering.PasswordSecret = &design.SecretRef{Namespace: "calico-system", Name: "bgp-auth", Key: "password"}
		opts.Password = design.NewSecret(pw)
	}
	if mutate != nil {
		mutate(d)
	}
	in, err := design.Derive(d)
	if err != nil {
		t.Fatal(err)
	}
	cfgs, err := Render(in, opts)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*LeafConfig{}
	for _, c := range cfgs {
		out[c.Leaf] = c
	}
	return out
}

func newSim(t testing.TB, opts ...nxostest.Option) *nxostest.Server {
	t.Helper()
	s := nxostest.NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// simClient returns a client of sim logging in as admin/admin, with quick retries.
func simClient(t testing.TB, sim *nxostest.Server, mod func(*Options)) *Client {
	t.Helper()
	o := Options{URL: sim.URL(), Credentials: Credentials{Username: "admin", Password: design.NewSecret("admin")},
		RetryMin: time.Millisecond, RetryMax: 10 * time.Millisecond, Timeout: 10 * time.Second}
	if mod != nil {
		mod(&o)
	}
	c, err := NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// simState is the simulator's whole tree as DN key -> object, read directly
// from the simulator (not through the client).
func simState(t testing.TB, sim *nxostest.Server) map[string]*flatObj {
	t.Helper()
	ft, err := flattenDesired(sim.Dump())
	if err != nil {
		t.Fatal(err)
	}
	return ft.objs
}

// stateDiff lists DN keys only in a, only in b, and present in both with other properties.
func stateDiff(a, b map[string]*flatObj) (onlyA, onlyB, changed []string) {
	for k, x := range a {
		y, ok := b[k]
		switch {
		case !ok:
			onlyA = append(onlyA, k)
		case !equalAttrs(x.attrs, y.attrs):
			changed = append(changed, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			onlyB = append(onlyB, k)
		}
	}
	sort.Strings(onlyA)
	sort.Strings(onlyB)
	sort.Strings(changed)
	return
}

func equalAttrs(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// requestLines returns "METHOD path status" for each request the simulator saw.
func requestLines(sim *nxostest.Server) []string {
	var out []string
	for _, r := range sim.Requests() {
		out = append(out, r.Method+" "+r.Path+" "+http.StatusText(r.Status))
	}
	return out
}

// planApply plans and applies cfg through c.
func planApply(t testing.TB, c *Client, cfg *LeafConfig, opts ...PlanOption) *Plan {
	t.Helper()
	ctx := context.Background()
	p, err := c.Plan(ctx, cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustKey(dn string) string { return dme.MustParseDN(dn).Key() }
