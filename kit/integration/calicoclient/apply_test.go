package calicoclient_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/change"
	"github.com/nxcalico/nxcalico/design/designtest"
	"github.com/nxcalico/nxcalico/node"

	"github.com/google/go-cmp/cmp"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/calicotest"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// specOf returns the spec of the desired object as the server would store it from our apply,
// for comparison with what the server returns.
func specOf(tb testing.TB, obj calico.Object) map[string]any {
	tb.Helper()
	u := jsonMap(tb, obj)
	spec, _ := u["spec"].(map[string]any)
	return spec
}

// subsetOf reports the fields of want that got lacks or holds with another value.
func subsetOf(want, got map[string]any) []string {
	var diffs []string
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			diffs = append(diffs, k+": missing")
			continue
		}
		if d := cmp.Diff(normalize(w), normalize(g)); d != "" {
			diffs = append(diffs, k+": "+d)
		}
	}
	return diffs
}

func TestApplyCaseStudyThenPlanEmpty(t *testing.T) {
	objs := desiredObjects(t, design.CaseStudy())
	cluster := objs.BGPConfiguration.Labels[calico.ManagedByLabel]
	forEachGroup(t, calico.Options{}, func(t *testing.T, srv *calicotest.Server, c *calico.Client) {
		g, err := c.Group(t.Context())
		if err != nil || g != groupOfServer(srv) {
			t.Fatalf("Group() = %q, %v; want %q", g, err, groupOfServer(srv))
		}
		p, res := mustApply(t, c, cluster, objs.All())
		if nc, nu, nd := p.Counts(); nc != objs.Len() || nu != 0 || nd != 0 {
			t.Errorf("first plan: %d creates, %d updates, %d deletes; want %d creates only\n%s", nc, nu, nd, objs.Len(), p)
		}
		if want := refs(t, objs.All()); !slices.Equal(res.Created, want) {
			t.Errorf("Result.Created = %v, want %v", res.Created, want)
		}

		// Read every object back from the server.
		r := rawClient(t, srv, g)
		for _, obj := range objs.All() {
			k := kindOf(t, obj)
			u := r.get(k.resource, obj.GetName())
			if u == nil {
				t.Errorf("%s %q not on the server", k.name, obj.GetName())
				continue
			}
			if got := u.GetLabels()[calico.ManagedByLabel]; got != cluster {
				t.Errorf("%s %q: label %s = %q, want %q", k.name, obj.GetName(), calico.ManagedByLabel, got, cluster)
			}
			spec, _, _ := unstructured.NestedMap(u.Object, "spec")
			if d := subsetOf(specOf(t, obj), spec); len(d) > 0 {
				t.Errorf("%s %q: server spec differs from the design: %v", k.name, obj.GetName(), d)
			}
			if m := managers(u); !slices.Contains(m, calico.FieldManager) {
				t.Errorf("%s %q: field managers %v lack %q", k.name, obj.GetName(), m, calico.FieldManager)
			}
		}

		cur, err := c.Current(t.Context(), cluster)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := refs(t, cur), refs(t, objs.All()); !slices.Equal(got, want) {
			t.Errorf("Current = %v, want %v", got, want)
		}

		second := mustPlan(t, c, cluster, objs.All())
		if !second.Empty() || len(second.Unchanged) != objs.Len() {
			t.Errorf("second plan not empty (%d unchanged, want %d):\n%s", len(second.Unchanged), objs.Len(), second)
		}
		res, err = c.Apply(t.Context(), second)
		if err != nil || len(res.Created)+len(res.Updated)+len(res.Deleted) != 0 {
			t.Errorf("applying the empty plan: %+v, %v", res, err)
		}
	})
}

// managers lists the field managers of an object.
func managers(u *unstructured.Unstructured) []string {
	var out []string
	for _, e := range u.GetManagedFields() {
		out = append(out, e.Manager)
	}
	return out
}

// groupOfServer is the one group a test server serves.
func groupOfServer(srv *calicotest.Server) calico.Group {
	if slices.Contains(srv.Groups(), calicotest.GroupV3) {
		return calico.GroupV3
	}
	return calico.GroupV1
}

func TestPlanUpdateShowsChangedFieldsOnly(t *testing.T) {
	objs := desiredObjects(t, design.CaseStudy())
	cluster := objs.BGPConfiguration.Labels[calico.ManagedByLabel]
	forEachGroup(t, calico.Options{}, func(t *testing.T, srv *calicotest.Server, c *calico.Client) {
		mustApply(t, c, cluster, objs.All())

		changed := desiredObjects(t, design.CaseStudy())
		changed.IPPools[0].Spec.NATOutgoing = false
		changed.BGPPeers[1].Spec.PeerIP = "192.168.100.9"
		p := mustPlan(t, c, cluster, changed.All())
		var got []string
		for _, ch := range p.Changes {
			got = append(got, ch.Action.String()+" "+ch.Object.String()+": "+strings.Join(ch.Diff, ", "))
		}
		want := []string{
			`update IPPool/` + changed.IPPools[0].Name + `: Spec.NATOutgoing: true → false`,
			`update BGPPeer/` + changed.BGPPeers[1].Name + `: Spec.PeerIP: "` + objs.BGPPeers[1].Spec.PeerIP + `" → "192.168.100.9"`,
		}
		if !slices.Equal(got, want) {
			t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		res, err := c.Apply(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Updated) != 2 {
			t.Errorf("Result.Updated = %v, want 2 objects", res.Updated)
		}
		u := rawClient(t, srv, p.Group).get("bgppeers", changed.BGPPeers[1].Name)
		if ip, _, _ := unstructured.NestedString(u.Object, "spec", "peerIP"); ip != "192.168.100.9" {
			t.Errorf("server peerIP = %q after update, want 192.168.100.9", ip)
		}
		// natOutgoing false is omitted by the Go type: the apply must remove the field it owned.
		pool := rawClient(t, srv, p.Group).get("ippools", changed.IPPools[0].Name)
		if v, found, _ := unstructured.NestedBool(pool.Object, "spec", "natOutgoing"); found && v {
			t.Errorf("server natOutgoing still true after the design turned it off")
		}
		if p := mustPlan(t, c, cluster, changed.All()); !p.Empty() {
			t.Errorf("plan after update not empty:\n%s", p)
		}
	})
}

func TestPruneRemovedRackLeavesForeignPeers(t *testing.T) {
	full := designtest.UniqueLoopbacks()
	objs := desiredObjects(t, full)
	cluster := full.Cluster.Name
	forEachGroup(t, calico.Options{}, func(t *testing.T, srv *calicotest.Server, c *calico.Client) {
		r := rawClient(t, srv, groupOfServer(srv))
		foreign := []string{"hand-made", "other-cluster", "other-cluster-rack-b"}
		r.apply("bgppeers", v3.KindBGPPeer, "kubectl", map[string]any{
			"metadata": map[string]any{"name": "hand-made"},
			"spec":     map[string]any{"peerIP": "10.255.0.2", "asNumber": int64(65000)},
		})
		r.apply("bgppeers", v3.KindBGPPeer, "nxcalico", map[string]any{
			"metadata": map[string]any{"name": "other-cluster", "labels": map[string]any{calico.ManagedByLabel: "other"}},
			"spec":     map[string]any{"peerIP": "10.255.0.3", "asNumber": int64(65000)},
		})
		r.apply("bgppeers", v3.KindBGPPeer, "nxcalico", map[string]any{
			"metadata": map[string]any{"name": "other-cluster-rack-b", "labels": map[string]any{calico.ManagedByLabel: "other", node.LeafPairLabel: "rack-b"}},
			"spec":     map[string]any{"peerIP": "10.255.0.3", "asNumber": int64(65000)},
		})
		mustApply(t, c, cluster, objs.All())

		// Remove rack-b: its leaves and its node.
		d := designtest.UniqueLoopbacks()
		d.Fabric.LeafPairs = slices.DeleteFunc(d.Fabric.LeafPairs, func(p design.LeafPair) bool { return p.Name == "rack-b" })
		d.Cluster.Nodes = slices.DeleteFunc(d.Cluster.Nodes, func(n design.Node) bool { return n.LeafPair == "rack-b" })
		smaller := desiredObjects(t, d)

		var wantDeleted []calico.ObjectRef
		for _, p := range objs.BGPPeers {
			if p.Labels[node.LeafPairLabel] == "rack-b" {
				wantDeleted = append(wantDeleted, calico.ObjectRef{Kind: v3.KindBGPPeer, Name: p.Name})
			}
		}
		if len(wantDeleted) == 0 {
			t.Fatal("the design renders no rack-b peers; the test needs some")
		}
		p := mustPlan(t, c, cluster, smaller.All())
		var gotDeletes []calico.ObjectRef
		for _, ch := range p.Changes {
			if ch.Action != change.Delete {
				t.Errorf("unexpected %s %s in the plan", ch.Action, ch.Object)
				continue
			}
			gotDeletes = append(gotDeletes, ch.Object)
		}
		if !slices.Equal(gotDeletes, wantDeleted) {
			t.Errorf("plan deletes %v, want %v", gotDeletes, wantDeleted)
		}
		res, err := c.Apply(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Deleted, wantDeleted) {
			t.Errorf("Result.Deleted = %v, want %v", res.Deleted, wantDeleted)
		}

		var want []string
		for _, p := range smaller.BGPPeers {
			want = append(want, p.Name)
		}
		want = append(want, foreign...)
		slices.Sort(want)
		if got := r.names("bgppeers"); !slices.Equal(got, want) {
			t.Errorf("BGPPeers on the server after prune:\n got %v\nwant %v", got, want)
		}
		for _, name := range foreign {
			u := r.get("bgppeers", name)
			if ip, _, _ := unstructured.NestedString(u.Object, "spec", "peerIP"); !strings.HasPrefix(ip, "10.255.0.") {
				t.Errorf("foreign peer %q: peerIP %q changed", name, ip)
			}
			if l := u.GetLabels()[calico.ManagedByLabel]; l == cluster {
				t.Errorf("foreign peer %q: relabelled %s=%q", name, calico.ManagedByLabel, l)
			}
		}
		if p := mustPlan(t, c, cluster, smaller.All()); !p.Empty() {
			t.Errorf("plan after prune not empty:\n%s", p)
		}
	})
}

func TestPlanRefusesAnotherClustersObject(t *testing.T) {
	objs := desiredObjects(t, design.CaseStudy())
	cluster := objs.BGPConfiguration.Labels[calico.ManagedByLabel]
	forEachGroup(t, calico.Options{}, func(t *testing.T, srv *calicotest.Server, c *calico.Client) {
		r := rawClient(t, srv, groupOfServer(srv))
		r.apply("bgpconfigurations", v3.KindBGPConfiguration, "nxcalico", map[string]any{
			"metadata": map[string]any{"name": "default", "labels": map[string]any{calico.ManagedByLabel: "other"}},
			"spec":     map[string]any{"asNumber": int64(64999)},
		})
		_, err := c.Plan(t.Context(), cluster, objs.All())
		if err == nil || !strings.Contains(err.Error(), `BGPConfiguration "default" exists labelled nxcalico.io/managed-by="other"`) {
			t.Fatalf("Plan error = %v, want a refusal naming BGPConfiguration \"default\" and cluster \"other\"", err)
		}
		if got := r.names("bgppeers"); len(got) != 0 {
			t.Errorf("peers created despite the refusal: %v", got)
		}
	})
}

func TestPlanAdoptsUnlabelledObjectOfTheSameName(t *testing.T) {
	objs := desiredObjects(t, design.CaseStudy())
	cluster := objs.BGPConfiguration.Labels[calico.ManagedByLabel]
	forEachGroup(t, calico.Options{}, func(t *testing.T, srv *calicotest.Server, c *calico.Client) {
		r := rawClient(t, srv, groupOfServer(srv))
		// The operator's default BGPConfiguration: no label, one field nxcalico does not set.
		r.apply("bgpconfigurations", v3.KindBGPConfiguration, "operator", map[string]any{
			"metadata": map[string]any{"name": "default"},
			"spec":     map[string]any{"logSeverityScreen": "Debug"},
		})
		p := mustPlan(t, c, cluster, objs.All())
		var ch *calico.Change
		for i := range p.Changes {
			if p.Changes[i].Object.Kind == v3.KindBGPConfiguration {
				ch = &p.Changes[i]
			}
		}
		if ch == nil || ch.Action != change.Update {
			t.Fatalf("plan for the existing BGPConfiguration: %+v, want an update\n%s", ch, p)
		}
		if _, err := c.Apply(t.Context(), p); err != nil {
			t.Fatal(err)
		}
		u := r.get("bgpconfigurations", "default")
		if sev, _, _ := unstructured.NestedString(u.Object, "spec", "logSeverityScreen"); sev != "Debug" {
			t.Errorf("logSeverityScreen = %q after apply, want the operator's \"Debug\" kept", sev)
		}
		if u.GetLabels()[calico.ManagedByLabel] != cluster {
			t.Errorf("labels = %v, want %s=%s", u.GetLabels(), calico.ManagedByLabel, cluster)
		}
	})
}

func TestSchemaRejectionNamesObjectAndFieldAndAppliesNothing(t *testing.T) {
	tests := []struct {
		name   string
		modify func(o *calico.Objects)
		// wantIn are substrings the error must contain.
		wantIn []string
		fields []string // calico.ObjectError.Fields, when the server names them
		code   int32
	}{
		{
			name: "CEL rule: IPIP and VXLAN both Always",
			modify: func(o *calico.Objects) {
				o.IPPools[0].Spec.VXLANMode = v3.VXLANModeAlways
				o.IPPools[0].Spec.IPIPMode = v3.IPIPModeAlways
			},
			wantIn: []string{`IPPool "default-ipv4-ippool"`, "spec"},
			code:   422,
		},
		{
			name:   "enum",
			modify: func(o *calico.Objects) { o.IPPools[1].Spec.VXLANMode = "Sometimes" },
			wantIn: []string{`IPPool "default-ipv6-ippool"`, "spec.vxlanMode", "Sometimes"},
			code:   422,
		},
		{
			// The 3.31 Go type still has the deprecated ipip field; the 3.32.1 CRD does not.
			// It is rejected instead of silently dropped (server-side apply answers 500 for
			// an undeclared field, whatever the field validation).
			name: "field the CRD lacks",
			modify: func(o *calico.Objects) {
				//lint:ignore SA1019 setting the deprecated field is the point: the CRD no longer has it.
				o.IPPools[0].Spec.IPIP = &v3.IPIPConfiguration{Enabled: true}
			},
			wantIn: []string{`IPPool "default-ipv4-ippool"`, ".spec.ipip: field not declared in schema"},
			fields: []string{".spec.ipip"},
			code:   500,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs := desiredObjects(t, design.CaseStudy())
			cluster := objs.BGPConfiguration.Labels[calico.ManagedByLabel]
			tt.modify(objs)
			forEachGroup(t, calico.Options{}, func(t *testing.T, srv *calicotest.Server, c *calico.Client) {
				_, err := c.Plan(t.Context(), cluster, objs.All())
				var oe *calico.ObjectError
				if !errors.As(err, &oe) {
					t.Fatalf("Plan error = %v (%T), want an *calico.ObjectError", err, err)
				}
				for _, s := range tt.wantIn {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q lacks %q", err, s)
					}
				}
				if tt.fields != nil && !slices.Equal(oe.Fields, tt.fields) {
					t.Errorf("ObjectError.Fields = %q, want %q", oe.Fields, tt.fields)
				}
				if code := statusCode(oe.Err); code != tt.code {
					t.Errorf("status code %d, want %d", code, tt.code)
				}
				r := rawClient(t, srv, groupOfServer(srv))
				for _, res := range []string{"bgpconfigurations", "ippools", "bgppeers"} {
					if got := r.names(res); len(got) != 0 {
						t.Errorf("%s applied although the plan failed: %v", res, got)
					}
				}
			})
		})
	}
}

func TestDriftFieldFromNewerCRDSurvivesApply(t *testing.T) {
	objs := desiredObjects(t, design.CaseStudy())
	cluster := objs.BGPConfiguration.Labels[calico.ManagedByLabel]
	peer := objs.BGPPeers[0].Name
	forEachGroup(t, calico.Options{}, func(t *testing.T, srv *calicotest.Server, c *calico.Client) {
		mustApply(t, c, cluster, objs.All())
		r := rawClient(t, srv, groupOfServer(srv))
		// keepaliveTime is in the 3.32.1 CRD but not in the 3.31 Go type.
		r.apply("bgppeers", v3.KindBGPPeer, "calicoctl", map[string]any{
			"metadata": map[string]any{"name": peer},
			"spec":     map[string]any{"keepaliveTime": "30s"},
		})
		// A field the Go types cannot express is not a change nxcalico could make.
		if p := mustPlan(t, c, cluster, objs.All()); !p.Empty() {
			t.Errorf("plan after another manager set keepaliveTime is not empty:\n%s", p)
		}
		// Change the peer so that nxcalico applies it, then read the field back.
		changed := desiredObjects(t, design.CaseStudy())
		changed.BGPPeers[0].Spec.ASNumber++
		p, _ := mustApply(t, c, cluster, changed.All())
		if n := len(p.Changes); n != 1 {
			t.Errorf("plan has %d changes, want 1:\n%s", n, p)
		}
		u := r.get("bgppeers", peer)
		if ka, _, _ := unstructured.NestedString(u.Object, "spec", "keepaliveTime"); ka != "30s" {
			t.Errorf("keepaliveTime = %q after nxcalico's apply, want \"30s\" kept", ka)
		}
		if asn, _, _ := unstructured.NestedInt64(u.Object, "spec", "asNumber"); asn != int64(changed.BGPPeers[0].Spec.ASNumber) {
			t.Errorf("asNumber = %d, want %d", asn, changed.BGPPeers[0].Spec.ASNumber)
		}
	})
}
