package main

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"

	listersv1 "k8s.io/client-go/listers/core/v1"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/node"
)

func TestIsolate(t *testing.T) {
	base := twoPairDesign()
	a := designNode("a", "rack1", "192.168.1.10", "2001:192:168:1::10")
	b := designNode("b", "rack2", "192.168.1.11", "2001:192:168:1::11")
	dupOfA := designNode("c", "rack2", "192.168.1.10", "2001:192:168:1::12") // a's IPv4
	unknown := designNode("d", "rack9", "192.168.1.13", "2001:192:168:1::13")
	gateway := designNode("e", "rack1", "192.168.1.1", "2001:192:168:1::14") // the anycast gateway's address

	in, dropped, err := isolate(base, []design.Node{a, b, dupOfA, unknown, gateway})
	if err != nil {
		t.Fatalf("isolate: %v", err)
	}
	var kept []string
	for _, n := range in.Nodes {
		kept = append(kept, n.Name)
	}
	if !reflect.DeepEqual(kept, []string{"a", "b"}) {
		t.Errorf("kept %v, want [a b]: the first holder of an address keeps it", kept)
	}
	got := map[string]design.Code{}
	for _, p := range dropped {
		got[p.Node] = p.Code
		if strings.Contains(p.Message, "cluster.nodes[") {
			t.Errorf("problem of %s names a list index, which changes from pass to pass: %q", p.Node, p.Message)
		}
	}
	want := map[string]design.Code{"c": design.CodeDuplicateAddress, "d": design.CodeUnknownLeafPair, "e": design.CodeGatewayAddress}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("dropped %v, want %v", dropped, want)
	}

	// A problem no Node is to blame for makes the design unusable.
	bad := twoPairDesign()
	bad.Fabric.LeafPairs[1].Leaves[0].RouterID = bad.Fabric.LeafPairs[0].Leaves[0].RouterID
	if _, _, err := isolate(bad, []design.Node{a}); !isDesignError(err) {
		t.Errorf("isolate(duplicate router ID) = %v, want a design error", err)
	} else if ps, ok := design.AsProblems(errors.Unwrap(err)); !ok || !ps.Has(design.CodeDuplicateRouterID) {
		t.Errorf("design error %v, want the duplicate-router-id problem", err)
	}
}

// TestReconcileReportsUnusableDesign: a design problem no Node is to blame for stops the pass
// before anything is planned and is reported once on the Lease, in the log and the metric; its
// end is reported too.
func TestReconcileReportsUnusableDesign(t *testing.T) {
	idx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	if err := idx.Add(nodeOf(designNode("a", "rack1", "192.168.1.10", "2001:192:168:1::10"))); err != nil {
		t.Fatal(err)
	}
	lister := listersv1.NewNodeLister(idx)
	bad := twoPairDesign()
	bad.Fabric.LeafPairs[1].Leaves[0].RouterID = bad.Fabric.LeafPairs[0].Leaves[0].RouterID
	rec := record.NewFakeRecorder(10)
	r := &reconciler{Base: bad, Recorder: rec, Logger: discard(), Lease: leaseConfig{Namespace: "ops", Name: "nw"}}
	for range 2 {
		if p := r.reconcile(context.Background(), lister); !isDesignError(p.Problems) || len(p.Pairs) != 0 {
			t.Fatalf("pass = %+v, want a design error and nothing planned", p)
		}
	}
	if got := testutil.ToFloat64(r.metrics().designUnusable); got != 1 {
		t.Errorf("nodewatch_design_unusable = %v, want 1", got)
	}
	if n := len(rec.Events); n != 1 {
		t.Fatalf("%d events after two passes, want 1 (reported once)", n)
	}
	if ev := <-rec.Events; !strings.HasPrefix(ev, "Warning DesignUnusable") || !strings.Contains(ev, string(design.CodeDuplicateRouterID)) {
		t.Errorf("event %q, want a DesignUnusable warning naming the problem", ev)
	}

	r.Base = twoPairDesign()
	r.Switches = nil // no pair can be applied: the pass fails, but the design is usable again
	_ = r.reconcile(context.Background(), lister)
	if got := testutil.ToFloat64(r.metrics().designUnusable); got != 0 {
		t.Errorf("nodewatch_design_unusable = %v after the fix, want 0", got)
	}
	if ev := <-rec.Events; !strings.HasPrefix(ev, "Normal DesignUsable") {
		t.Errorf("event %q, want DesignUsable", ev)
	}
}

func TestSlimNodeKeepsWhatTheViewReads(t *testing.T) {
	n := nodeOf(designNode("a", "rack1", "192.168.1.10", "2001:192:168:1::10"))
	n.UID = "u1"
	n.Annotations = map[string]string{"big": strings.Repeat("x", 1000), node.IPv4AddressAnnotation: "192.168.1.10/24"}
	n.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubelet"}}
	n.Status.Images = []corev1.ContainerImage{{Names: []string{"img"}, SizeBytes: 1}}
	got, err := slimNode(n)
	if err != nil {
		t.Fatal(err)
	}
	s := got.(*corev1.Node)
	gw := twoPairDesign().Fabric.AnycastGateway
	if viewOf(gw, s) != viewOf(gw, n) || s.UID != "u1" || s.Name != "a" {
		t.Errorf("slim node %+v lost what nodewatch reads", s)
	}
	if len(s.Annotations) != 1 || s.Annotations[node.IPv4AddressAnnotation] != "192.168.1.10/24" {
		t.Errorf("slim node annotations %v, want only %s", s.Annotations, node.IPv4AddressAnnotation)
	}
	if s.ManagedFields != nil || s.Status.Images != nil {
		t.Errorf("slim node kept managed fields or images: %+v", s)
	}
}
