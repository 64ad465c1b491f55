package calicoclient_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/calico"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/calicotest"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestConflictWithAnotherManager(t *testing.T) {
	objs := desiredObjects(t, design.CaseStudy())
	cluster := objs.BGPConfiguration.Labels[calico.ManagedByLabel]
	pool := objs.IPPools[0].Name
	wantConflict := []calico.FieldConflict{{Field: ".spec.natOutgoing", Manager: "kubectl-edit"}}

	forEachGroup(t, calico.Options{}, func(t *testing.T, srv *calicotest.Server, c *calico.Client) {
		mustApply(t, c, cluster, objs.All())
		r := rawClient(t, srv, groupOfServer(srv))
		// Someone edits the pool by hand; the edit takes the field over from nxcalico.
		r.mergePatch("ippools", pool, "kubectl-edit", `{"spec":{"natOutgoing":false}}`)

		_, err := c.Plan(t.Context(), cluster, objs.All())
		var ce *calico.ConflictError
		if !errors.As(err, &ce) {
			t.Fatalf("Plan error = %v (%T), want a *calico.ConflictError", err, err)
		}
		if ce.Op != "plan" || ce.Object != (calico.ObjectRef{Kind: v3.KindIPPool, Name: pool}) || !slices.Equal(ce.Conflicts, wantConflict) {
			t.Errorf("ConflictError = %+v, want op plan, IPPool/%s, %v", ce, pool, wantConflict)
		}
		for _, s := range []string{`IPPool "` + pool + `"`, `.spec.natOutgoing is owned by field manager "kubectl-edit"`, "Options.Force"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q lacks %q", err, s)
			}
		}
		u := r.get("ippools", pool)
		if nat, _, _ := unstructured.NestedBool(u.Object, "spec", "natOutgoing"); nat {
			t.Error("natOutgoing reset although the plan failed")
		}

		// Forced, the design wins and nxcalico owns the field again.
		forced, err := calico.NewClient(srv.Config(), calico.Options{Force: true})
		if err != nil {
			t.Fatal(err)
		}
		p, _ := mustApply(t, forced, cluster, objs.All())
		if len(p.Changes) != 1 || p.Changes[0].Object.Name != pool || !slices.Equal(p.Changes[0].Diff, []string{"Spec.NATOutgoing: false → true"}) {
			t.Errorf("forced plan:\n%s", p)
		}
		u = r.get("ippools", pool)
		if nat, _, _ := unstructured.NestedBool(u.Object, "spec", "natOutgoing"); !nat {
			t.Error("natOutgoing not restored by the forced apply")
		}
		if p := mustPlan(t, c, cluster, objs.All()); !p.Empty() {
			t.Errorf("unforced plan after the forced apply not empty:\n%s", p)
		}
	})
}

func TestApplyReportsConflictArisenAfterPlan(t *testing.T) {
	objs := desiredObjects(t, design.CaseStudy())
	cluster := objs.BGPConfiguration.Labels[calico.ManagedByLabel]
	forEachGroup(t, calico.Options{}, func(t *testing.T, srv *calicotest.Server, c *calico.Client) {
		mustApply(t, c, cluster, objs.All())
		changed := desiredObjects(t, design.CaseStudy())
		changed.BGPConfiguration.Spec.ASNumber = new(*changed.BGPConfiguration.Spec.ASNumber + 1)
		changed.BGPPeers[0].Spec.ASNumber++
		p := mustPlan(t, c, cluster, changed.All())
		if len(p.Changes) != 2 {
			t.Fatalf("plan:\n%s", p)
		}

		// Between plan and apply another tool takes the BGPConfiguration's asNumber.
		r := rawClient(t, srv, groupOfServer(srv))
		r.apply("bgpconfigurations", v3.KindBGPConfiguration, "operator", map[string]any{
			"metadata": map[string]any{"name": "default"},
			"spec":     map[string]any{"asNumber": int64(64512)},
		})
		res, err := c.Apply(t.Context(), p)
		var ce *calico.ConflictError
		if !errors.As(err, &ce) {
			t.Fatalf("Apply error = %v (%T), want a *calico.ConflictError", err, err)
		}
		want := []calico.FieldConflict{{Field: ".spec.asNumber", Manager: "operator"}}
		if ce.Op != "apply" || ce.Object.String() != "BGPConfiguration/default" || !slices.Equal(ce.Conflicts, want) {
			t.Errorf("ConflictError = %+v, want apply BGPConfiguration/default %v", ce, want)
		}
		// The BGPConfiguration goes first; after its failure Apply starts nothing else.
		if len(res.Created)+len(res.Updated)+len(res.Deleted) != 0 {
			t.Errorf("Result after the conflict = %+v, want nothing done", res)
		}
		u := r.get("bgppeers", changed.BGPPeers[0].Name)
		if asn, _, _ := unstructured.NestedInt64(u.Object, "spec", "asNumber"); asn != int64(objs.BGPPeers[0].Spec.ASNumber) {
			t.Errorf("peer asNumber = %d, want the old %d: nothing after the failed kind is applied", asn, objs.BGPPeers[0].Spec.ASNumber)
		}
	})
}
