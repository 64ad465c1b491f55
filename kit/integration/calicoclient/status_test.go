package calicoclient_test

import (
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/calico"

	"github.com/google/go-cmp/cmp"
	"github.com/nxcalico/nxcalico/kit/calicotest"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// calicoNodeReport is the status calico-node writes for a node with one IPv4 session up and one
// IPv6 session down.
const calicoNodeReport = `{"status":{
  "lastUpdated":"2026-06-24T10:00:05Z",
  "agent":{"birdV4":{"state":"Ready","version":"v0.3.3"}},
  "bgp":{
    "numberEstablishedV4":1,"numberNotEstablishedV4":1,"numberEstablishedV6":0,"numberNotEstablishedV6":1,
    "peersV4":[
      {"peerIP":"192.168.100.2","type":"GlobalPeer","state":"Active","since":"10:00:01"},
      {"peerIP":"192.168.100.1","type":"GlobalPeer","state":"Established","since":"2026-06-24 09:58:00"}],
    "peersV6":[{"peerIP":"2001:193:168:1::4","type":"GlobalPeer","state":"Connect","since":"10:00:02"}]}}}`

func TestStatusFromCalicoNodeStatus(t *testing.T) {
	nodes := []string{"node02", "node01"}
	forEachGroup(t, calico.Options{}, func(t *testing.T, srv *calicotest.Server, c *calico.Client) {
		got, err := c.Status(t.Context(), "prod", nodes)
		if err != nil {
			t.Fatal(err)
		}
		want := []calico.NodeStatus{{Node: "node02"}, {Node: "node01"}}
		if d := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); d != "" {
			t.Errorf("Status before calico-node reported (-want +got):\n%s", d)
		}
		if got[0].Reported() {
			t.Error("Reported() is true before calico-node wrote a status")
		}

		// What Status asked calico-node for.
		r := rawClient(t, srv, groupOfServer(srv))
		for _, n := range nodes {
			u := r.get("caliconodestatuses", calico.NodeStatusName(n))
			if u == nil {
				t.Fatalf("no CalicoNodeStatus %q", calico.NodeStatusName(n))
			}
			node, _, _ := unstructured.NestedString(u.Object, "spec", "node")
			classes, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "classes")
			period, _, _ := unstructured.NestedInt64(u.Object, "spec", "updatePeriodSeconds")
			if node != n || !slices.Equal(classes, []string{"BGP"}) || period != calico.NodeStatusUpdatePeriod {
				t.Errorf("CalicoNodeStatus %q spec: node %q classes %v period %d", u.GetName(), node, classes, period)
			}
			if got := u.GetLabels()[calico.ManagedByLabel]; got != "prod" {
				t.Errorf("CalicoNodeStatus %q: label %s = %q, want prod", u.GetName(), calico.ManagedByLabel, got)
			}
		}

		// calico-node on node01 reports.
		r.mergePatch("caliconodestatuses", calico.NodeStatusName("node01"), "calico-node", calicoNodeReport)
		got, err = c.Status(t.Context(), "prod", nodes)
		if err != nil {
			t.Fatal(err)
		}
		want = []calico.NodeStatus{
			{Node: "node02"},
			{Node: "node01", Updated: time.Date(2026, 6, 24, 10, 0, 5, 0, time.UTC), Peers: []calico.PeerStatus{
				{PeerIP: netip.MustParseAddr("192.168.100.1"), Type: "GlobalPeer", State: "Established", Since: "2026-06-24 09:58:00"},
				{PeerIP: netip.MustParseAddr("192.168.100.2"), Type: "GlobalPeer", State: "Active", Since: "10:00:01"},
				{PeerIP: netip.MustParseAddr("2001:193:168:1::4"), Type: "GlobalPeer", State: "Connect", Since: "10:00:02"},
			}},
		}
		if d := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); d != "" {
			t.Errorf("Status after calico-node reported (-want +got):\n%s", d)
		}
		if !got[1].Reported() || !got[1].Peers[0].Established() || got[1].Peers[1].Established() {
			t.Errorf("Reported/Established wrong for %+v", got[1])
		}
		// Asking again keeps what calico-node wrote.
		again, err := c.Status(t.Context(), "prod", nodes[1:])
		if err != nil || len(again) != 1 || len(again[0].Peers) != 3 {
			t.Errorf("second Status: %+v, %v", again, err)
		}
	})
}

func TestStatusRejectsBadNodeNamesBeforeAnyRequest(t *testing.T) {
	srv := groupServer(t, calico.GroupV3)
	var requests atomic.Int64
	c, err := calico.NewClient(countingConfig(srv.Config(), &requests), calico.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Status(t.Context(), "prod", []string{"node01", "", "Node_2"})
	for _, want := range []string{`nodes[1] ""`, `nodes[2] "Node_2"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}

// TestStatusSortsPeersByAddress checks that peers come in address order, not string order.
func TestStatusSortsPeersByAddress(t *testing.T) {
	srv := groupServer(t, calico.GroupV3)
	c, err := calico.NewClient(srv.Config(), calico.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Status(t.Context(), "prod", []string{"node01"}); err != nil {
		t.Fatal(err)
	}
	rawClient(t, srv, calico.GroupV3).mergePatch("caliconodestatuses", calico.NodeStatusName("node01"), "calico-node", `{"status":{"lastUpdated":"2026-06-24T10:00:05Z","bgp":{"numberEstablishedV4":2,"numberNotEstablishedV4":0,"numberEstablishedV6":0,"numberNotEstablishedV6":0,
    "peersV4":[{"peerIP":"10.0.0.10","type":"GlobalPeer","state":"Established"},{"peerIP":"10.0.0.9","type":"GlobalPeer","state":"Established"}]}}}`)
	got, err := c.Status(t.Context(), "prod", []string{"node01"})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, p := range got[0].Peers {
		order = append(order, p.PeerIP.String())
	}
	if !slices.Equal(order, []string{"10.0.0.9", "10.0.0.10"}) {
		t.Errorf("peers in order %v, want 10.0.0.9 before 10.0.0.10", order)
	}
}

// TestPruneStatusRemovesOnlyItsOwnDepartedNodes checks that PruneStatus deletes the status objects
// of this cluster's nodes that are gone, and leaves kept nodes, another cluster's objects and
// objects nxcalico did not make alone.
func TestPruneStatusRemovesOnlyItsOwnDepartedNodes(t *testing.T) {
	forEachGroup(t, calico.Options{}, func(t *testing.T, srv *calicotest.Server, c *calico.Client) {
		if _, err := c.Status(t.Context(), "prod", []string{"node01", "node02", "node03"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Status(t.Context(), "other", []string{"node09"}); err != nil {
			t.Fatal(err)
		}
		r := rawClient(t, srv, groupOfServer(srv))
		r.apply("caliconodestatuses", "CalicoNodeStatus", "kubectl", map[string]any{
			"metadata": map[string]any{"name": "by-hand"},
			"spec":     map[string]any{"node": "node02", "classes": []any{"BGP"}, "updatePeriodSeconds": 10},
		})
		gone, err := c.PruneStatus(t.Context(), "prod", []string{"node01"})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{calico.NodeStatusName("node02"), calico.NodeStatusName("node03")}; !slices.Equal(gone, want) {
			t.Errorf("pruned %v, want %v", gone, want)
		}
		want := []string{"by-hand", calico.NodeStatusName("node01"), calico.NodeStatusName("node09")}
		if got := r.names("caliconodestatuses"); !slices.Equal(got, want) {
			t.Errorf("left %v, want %v", got, want)
		}
		if again, err := c.PruneStatus(t.Context(), "prod", []string{"node01"}); err != nil || len(again) != 0 {
			t.Errorf("second prune: %v, %v", again, err)
		}
		if _, err := c.PruneStatus(t.Context(), "not a label", nil); err == nil {
			t.Error("PruneStatus accepted an invalid cluster name")
		}
	})
}
