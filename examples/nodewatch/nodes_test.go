package main

import (
	"net/netip"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/node"
)

// k8sNode returns a Node with the rack label (unless pair is "-") and the given addresses, each
// "TYPE:ADDR" or just "ADDR" for an InternalIP.
func k8sNode(name, pair string, addrs ...string) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kubernetes.io/hostname": name}}}
	if pair != "-" {
		n.Labels[node.LeafPairLabel] = pair
	}
	for _, a := range addrs {
		typ := corev1.NodeInternalIP
		if t, v, ok := cutType(a); ok {
			typ, a = t, v
		}
		n.Status.Addresses = append(n.Status.Addresses, corev1.NodeAddress{Type: typ, Address: a})
	}
	return n
}

func cutType(a string) (corev1.NodeAddressType, string, bool) {
	for _, t := range []corev1.NodeAddressType{corev1.NodeExternalIP, corev1.NodeHostName, corev1.NodeInternalIP} {
		if len(a) > len(t) && a[:len(t)+1] == string(t)+":" {
			return t, a[len(t)+1:], true
		}
	}
	return "", "", false
}

func TestDesignNodes(t *testing.T) {
	gw := design.CaseStudy().Fabric.AnycastGateway // 192.168.1.1/24, 2001:192:168:1::1/64
	a4, a6 := netip.MustParseAddr, netip.MustParseAddr
	tests := []struct {
		name    string
		nodes   []*corev1.Node
		want    []design.Node
		skipped []string
	}{{
		name:  "dual stack, in the subnets",
		nodes: []*corev1.Node{k8sNode("n1", "rack1", "192.168.1.10", "2001:192:168:1::10")},
		want:  []design.Node{{Name: "n1", LeafPair: "rack1", IPv4: a4("192.168.1.10"), IPv6: a6("2001:192:168:1::10")}},
	}, {
		name:  "unlabelled nodes are ignored",
		nodes: []*corev1.Node{k8sNode("n1", "-", "192.168.1.10"), k8sNode("n2", "rack1", "192.168.1.11")},
		want:  []design.Node{{Name: "n2", LeafPair: "rack1", IPv4: a4("192.168.1.11")}},
	}, {
		name: "InternalIPs outside the subnets, ExternalIPs and host names are ignored",
		nodes: []*corev1.Node{k8sNode("n1", "rack1", "10.0.0.5", "ExternalIP:192.168.1.99", "Hostname:n1",
			"192.168.1.12", "fd00::12", "2001:192:168:1::12")},
		want: []design.Node{{Name: "n1", LeafPair: "rack1", IPv4: a4("192.168.1.12"), IPv6: a6("2001:192:168:1::12")}},
	}, {
		name:  "the first InternalIP of a family in the subnet wins",
		nodes: []*corev1.Node{k8sNode("n1", "rack1", "192.168.1.20", "192.168.1.21")},
		want:  []design.Node{{Name: "n1", LeafPair: "rack1", IPv4: a4("192.168.1.20")}},
	}, {
		name:  "IPv4-mapped IPv6 is read as IPv4",
		nodes: []*corev1.Node{k8sNode("n1", "rack1", "::ffff:192.168.1.30")},
		want:  []design.Node{{Name: "n1", LeafPair: "rack1", IPv4: a4("192.168.1.30")}},
	}, {
		name:    "labelled but no address in the subnets: skipped",
		nodes:   []*corev1.Node{k8sNode("n1", "rack1", "10.0.0.5", "ExternalIP:192.168.1.40"), k8sNode("n2", "rack1")},
		skipped: []string{"n1", "n2"},
	}, {
		name:  "an unknown pair is kept for validation to report",
		nodes: []*corev1.Node{k8sNode("n1", "rack9", "192.168.1.50")},
		want:  []design.Node{{Name: "n1", LeafPair: "rack9", IPv4: a4("192.168.1.50")}},
	}, {
		name:  "sorted by name",
		nodes: []*corev1.Node{k8sNode("b", "rack1", "192.168.1.2"), k8sNode("a", "rack1", "192.168.1.3")},
		want: []design.Node{{Name: "a", LeafPair: "rack1", IPv4: a4("192.168.1.3")},
			{Name: "b", LeafPair: "rack1", IPv4: a4("192.168.1.2")}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, skipped := designNodes(gw, tt.nodes, nil)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("nodes = %+v\nwant %+v", got, tt.want)
			}
			var names []string
			for _, s := range skipped {
				names = append(names, s.Node)
				if s.Code != codeNoAddress || s.Message == "" {
					t.Errorf("skipped %s with code %q message %q, want %q and a message", s.Node, s.Code, s.Message, codeNoAddress)
				}
			}
			if !reflect.DeepEqual(names, tt.skipped) {
				t.Errorf("skipped = %v, want %v", names, tt.skipped)
			}
		})
	}
}

// TestViewIgnoresNoise: updates that change neither the pair nor a gateway-subnet address
// (conditions, annotations nxcalico writes, other addresses) leave the view alone, so the
// informer's update handler does not queue a pass for them.
func TestViewIgnoresNoise(t *testing.T) {
	gw := design.CaseStudy().Fabric.AnycastGateway
	base := k8sNode("n1", "rack1", "192.168.1.10", "2001:192:168:1::10")
	tests := []struct {
		name    string
		change  func(n *corev1.Node)
		changed bool
	}{
		{"condition", func(n *corev1.Node) {
			n.Status.Conditions = append(n.Status.Conditions, corev1.NodeCondition{Type: corev1.NodeReady, Status: corev1.ConditionTrue})
		}, false},
		{"annotation", func(n *corev1.Node) {
			n.Annotations = map[string]string{node.IPv4AddressAnnotation: "192.168.1.10/24"}
		}, false},
		{"other label", func(n *corev1.Node) { n.Labels["zone"] = "a" }, false},
		{"address outside the subnets", func(n *corev1.Node) {
			n.Status.Addresses = append(n.Status.Addresses, corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: "10.1.1.1"})
		}, false},
		{"pair", func(n *corev1.Node) { n.Labels[node.LeafPairLabel] = "rack2" }, true},
		{"unlabelled", func(n *corev1.Node) { delete(n.Labels, node.LeafPairLabel) }, true},
		{"IPv4 address", func(n *corev1.Node) { n.Status.Addresses[0].Address = "192.168.1.20" }, true},
		{"IPv6 address gone", func(n *corev1.Node) { n.Status.Addresses = n.Status.Addresses[:1] }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := base.DeepCopy()
			tt.change(n)
			if got := viewOf(gw, base) != viewOf(gw, n); got != tt.changed {
				t.Errorf("view changed = %v, want %v (%+v → %+v)", got, tt.changed, viewOf(gw, base), viewOf(gw, n))
			}
		})
	}
}

// TestViewCache: designNodes with a view cache gives what it gives without one, takes an updated
// Node (a new object, as the informer stores it) afresh, and forgets Nodes that are gone.
func TestViewCache(t *testing.T) {
	gw := design.CaseStudy().Fabric.AnycastGateway
	a := k8sNode("a", "rack1", "192.168.1.10")
	b := k8sNode("b", "rack1", "192.168.1.11")
	var views viewCache
	first, _ := designNodes(gw, []*corev1.Node{b, a}, &views)
	plain, _ := designNodes(gw, []*corev1.Node{b, a}, nil)
	if !reflect.DeepEqual(first, plain) {
		t.Fatalf("with a cache %v, without %v", first, plain)
	}
	b2 := k8sNode("b", "rack1", "192.168.1.12") // b moved: a new object
	got, _ := designNodes(gw, []*corev1.Node{a, b2}, &views)
	if len(got) != 2 || got[1].IPv4 != netip.MustParseAddr("192.168.1.12") {
		t.Errorf("after b's update: %v", got)
	}
	if _, ok := views.last[b]; ok || len(views.last) != 2 {
		t.Errorf("the cache holds %d views, and b's old object: %v", len(views.last), ok)
	}
	other := gw
	other.IPv4 = netip.MustParsePrefix("10.0.0.1/24")
	if got, skipped := designNodes(other, []*corev1.Node{a, b2}, &views); len(got) != 0 || len(skipped) != 2 {
		t.Errorf("another gateway still gives %v (skipped %v): the views were not taken afresh", got, skipped)
	}
}
