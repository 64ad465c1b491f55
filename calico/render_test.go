package calico

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/design/designtest"
	"github.com/nxcalico/nxcalico/node"

	"github.com/google/go-cmp/cmp"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"sigs.k8s.io/yaml"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
)

func renderDesign(t *testing.T, d *design.Design) (*design.Intent, *Objects) {
	t.Helper()
	in := renderIntent(t, d)
	objs, err := Render(in)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return in, objs
}

// splitYAML splits a multi-document stream at its "---" separator lines.
func splitYAML(b []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(b, []byte("\n---\n")) {
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, append(d, '\n'))
		}
	}
	return docs
}

func TestRenderYAMLDecodesStrictlyToTheObjects(t *testing.T) {
	for _, rd := range renderDesigns {
		t.Run(rd.name, func(t *testing.T) {
			_, objs := renderDesign(t, rd.design())
			y, err := objs.YAML()
			if err != nil {
				t.Fatal(err)
			}
			for _, noise := range []string{"status:", "creationTimestamp", "null", "{}"} {
				if bytes.Contains(y, []byte(noise)) {
					t.Errorf("YAML contains %q:\n%s", noise, y)
				}
			}
			docs, all := splitYAML(y), objs.All()
			if len(docs) != len(all) {
				t.Fatalf("YAML has %d documents, want %d (one per object)", len(docs), len(all))
			}
			for i, doc := range docs {
				var got Object
				switch all[i].(type) {
				case *v3.BGPConfiguration:
					got = &v3.BGPConfiguration{}
				case *v3.IPPool:
					got = &v3.IPPool{}
				case *v3.BGPFilter:
					got = &v3.BGPFilter{}
				case *v3.BGPPeer:
					got = &v3.BGPPeer{}
				default:
					t.Fatalf("unexpected object type %T", all[i])
				}
				if err := yaml.UnmarshalStrict(doc, got); err != nil {
					t.Fatalf("document %d does not decode strictly: %v\n%s", i, err, doc)
				}
				if diff := cmp.Diff(all[i], got); diff != "" {
					t.Errorf("document %d decodes to another object (-rendered +decoded):\n%s", i, diff)
				}
				if gvk := got.GetObjectKind().GroupVersionKind(); gvk.GroupVersion() != v3.SchemeGroupVersion || gvk.Kind == "" {
					t.Errorf("document %d: apiVersion/kind %v, want projectcalico.org/v3 and a kind", i, gvk)
				}
			}
		})
	}
}

func TestRenderLabelsEveryObjectAndOrdersThem(t *testing.T) {
	for _, rd := range renderDesigns {
		t.Run(rd.name, func(t *testing.T) {
			in, objs := renderDesign(t, rd.design())
			all := objs.All()
			if len(all) != objs.Len() {
				t.Fatalf("All returned %d objects, Len says %d", len(all), objs.Len())
			}
			rank := map[string]int{"BGPConfiguration": 0, "IPPool": 1, "BGPFilter": 2, "BGPPeer": 3}
			for i, o := range all {
				if got := o.GetLabels()[ManagedByLabel]; got != in.Cluster.Name {
					t.Errorf("%s %s: label %s=%q, want %q", o.GetObjectKind().GroupVersionKind().Kind, o.GetName(), ManagedByLabel, got, in.Cluster.Name)
				}
				if i == 0 {
					continue
				}
				prev := all[i-1]
				pk, k := rank[prev.GetObjectKind().GroupVersionKind().Kind], rank[o.GetObjectKind().GroupVersionKind().Kind]
				if pk > k || (pk == k && prev.GetName() >= o.GetName()) {
					t.Errorf("objects %d (%s) and %d (%s) out of apply order", i-1, prev.GetName(), i, o.GetName())
				}
			}
		})
	}
}

func TestRenderBGPConfiguration(t *testing.T) {
	cs := design.CaseStudy()
	withPort := design.CaseStudy()
	withPort.Cluster.ListenPort = 1790
	withPort.Cluster.ServiceLoadBalancerIPs = []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}
	tests := []struct {
		name     string
		d        *design.Design
		port     uint16
		clusters []string
		lbs      []string
	}{
		{"case study", cs, 0, []string{"10.96.0.0/12"}, nil},
		{"listen port and LB range", withPort, 1790, []string{"10.96.0.0/12"}, []string{"203.0.113.0/24"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, objs := renderDesign(t, tt.d)
			c := objs.BGPConfiguration
			if c.Name != "default" {
				t.Errorf("name %q, want default", c.Name)
			}
			if c.Spec.ASNumber == nil || uint32(*c.Spec.ASNumber) != uint32(tt.d.Cluster.ASN) {
				t.Errorf("asNumber %v, want %d", c.Spec.ASNumber, tt.d.Cluster.ASN)
			}
			if c.Spec.NodeToNodeMeshEnabled == nil || *c.Spec.NodeToNodeMeshEnabled {
				t.Errorf("nodeToNodeMeshEnabled %v, want explicitly false", c.Spec.NodeToNodeMeshEnabled)
			}
			if c.Spec.ListenPort != tt.port {
				t.Errorf("listenPort %d, want %d", c.Spec.ListenPort, tt.port)
			}
			if c.Spec.LogSeverityScreen != "" {
				t.Errorf("logSeverityScreen %q, want it left to Calico", c.Spec.LogSeverityScreen)
			}
			var clusters, lbs []string
			for _, b := range c.Spec.ServiceClusterIPs {
				clusters = append(clusters, b.CIDR)
			}
			for _, b := range c.Spec.ServiceLoadBalancerIPs {
				lbs = append(lbs, b.CIDR)
			}
			if diff := cmp.Diff(tt.clusters, clusters); diff != "" {
				t.Errorf("serviceClusterIPs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.lbs, lbs); diff != "" {
				t.Errorf("serviceLoadBalancerIPs (-want +got):\n%s", diff)
			}
			y, _ := objs.YAML()
			if tt.port == 0 && bytes.Contains(y, []byte("listenPort")) {
				t.Error("listenPort rendered although the design leaves it unset")
			}
		})
	}
}

func TestRenderIPPoolEncapsulation(t *testing.T) {
	v4, v6 := netip.MustParsePrefix("10.244.0.0/16"), netip.MustParsePrefix("fd00:244::/48")
	tests := []struct {
		name  string
		pool  design.IPPool
		ipip  v3.IPIPMode
		vxlan v3.VXLANMode
		path  string // of the problem; "" for none
		code  design.Code
	}{
		{"none", design.IPPool{CIDR: v4, Encapsulation: design.EncapNone}, v3.IPIPModeNever, v3.VXLANModeNever, "", ""},
		{"IPIP always", design.IPPool{CIDR: v4, Encapsulation: design.EncapIPIP, EncapsulationMode: design.ModeAlways}, v3.IPIPModeAlways, v3.VXLANModeNever, "", ""},
		{"IPIP cross-subnet", design.IPPool{CIDR: v4, Encapsulation: design.EncapIPIP, EncapsulationMode: design.ModeCrossSubnet}, v3.IPIPModeCrossSubnet, v3.VXLANModeNever, "", ""},
		{"VXLAN always", design.IPPool{CIDR: v4, Encapsulation: design.EncapVXLAN, EncapsulationMode: design.ModeAlways}, v3.IPIPModeNever, v3.VXLANModeAlways, "", ""},
		{"VXLAN cross-subnet IPv6", design.IPPool{CIDR: v6, Encapsulation: design.EncapVXLAN, EncapsulationMode: design.ModeCrossSubnet}, v3.IPIPModeNever, v3.VXLANModeCrossSubnet, "", ""},
		{"IPIP on IPv6", design.IPPool{CIDR: v6, Encapsulation: design.EncapIPIP}, "", "", "cluster.pools[0].encapsulation", design.CodeFamilyMismatch},
		{"unknown", design.IPPool{CIDR: v4, Encapsulation: "GRE"}, "", "", "cluster.pools[0].encapsulation", design.CodeInvalidValue},
		{"bad mode", design.IPPool{CIDR: v4, Encapsulation: design.EncapVXLAN, EncapsulationMode: "Sometimes"}, "", "", "cluster.pools[0].encapsulationMode", design.CodeInvalidValue},
		{"no CIDR", design.IPPool{Encapsulation: design.EncapVXLAN}, "", "", "cluster.pools[0].cidr", design.CodeRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := renderIntent(t, design.CaseStudy())
			tt.pool.Name, tt.pool.BlockSize, tt.pool.NATOutgoing, tt.pool.NodeSelector = "p", 26, true, "rack == 'a'"
			in.Cluster.Pools = []design.IPPool{tt.pool}
			objs, err := Render(in)
			if tt.path != "" {
				assertProblem(t, err, tt.path, tt.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := objs.IPPools[0]
			want := v3.IPPoolSpec{
				CIDR: tt.pool.CIDR.String(), BlockSize: 26, IPIPMode: tt.ipip, VXLANMode: tt.vxlan, NATOutgoing: true,
				NodeSelector: "rack == 'a'", AllowedUses: []v3.IPPoolAllowedUse{v3.IPPoolAllowedUseWorkload, v3.IPPoolAllowedUseTunnel},
			}
			if diff := cmp.Diff(want, p.Spec); diff != "" {
				t.Errorf("spec (-want +got):\n%s", diff)
			}
		})
	}
}

// peerIPs returns the peerIP of every peer whose nodeSelector is sel.
func peerIPs(objs *Objects, sel string) []string {
	var ips []string
	for _, p := range objs.BGPPeers {
		if p.Spec.NodeSelector == sel {
			ips = append(ips, p.Spec.PeerIP)
		}
	}
	return ips
}

func TestRenderPerPairPeersSelectTheirPair(t *testing.T) {
	in, objs := renderDesign(t, designtest.UniqueLoopbacks())
	if in.Cluster.SharedLoopbacks {
		t.Fatal("the unique-loopback design derived shared loopbacks")
	}
	if got := peerIPs(objs, ""); len(got) != 0 {
		t.Errorf("global peers %v in a design without shared loopbacks", got)
	}
	total := 0
	for _, pair := range in.Pairs {
		var want []string
		for _, leaf := range pair.Leaves {
			lb := in.Leaf(leaf).Loopback
			for _, p := range []netip.Prefix{lb.IPv4, lb.IPv6} {
				if p.IsValid() {
					want = append(want, p.Addr().String())
				}
			}
		}
		sel := fmt.Sprintf("nxcalico.io/leaf-pair == '%s'", pair.Name)
		got := peerIPs(objs, sel)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pair %s: peers selected by %q (-want +got):\n%s", pair.Name, sel, diff)
		}
		total += len(got)
	}
	if total != len(objs.BGPPeers) {
		t.Errorf("%d peers belong to a pair, %d rendered", total, len(objs.BGPPeers))
	}
	for _, p := range objs.BGPPeers {
		if want := strings.TrimSuffix(strings.TrimPrefix(p.Spec.NodeSelector, "nxcalico.io/leaf-pair == '"), "'"); p.Labels[node.LeafPairLabel] != want {
			t.Errorf("%s: label %s=%q, want %q", p.Name, node.LeafPairLabel, p.Labels[node.LeafPairLabel], want)
		}
		if p.Spec.ASNumber != 65000 || p.Spec.Node != "" || p.Spec.KeepOriginalNextHop || p.Spec.ReachableBy != "" || p.Spec.Password != nil {
			t.Errorf("%s: spec %+v, want only peerIP, asNumber 65000 and nodeSelector", p.Name, p.Spec)
		}
	}
}

func TestRenderSharedLoopbackPeerCountIsIndependentOfScale(t *testing.T) {
	for _, size := range []struct{ pairs, nodes int }{{1, 1}, {2, 3}, {60, 10}} {
		in, objs := renderDesign(t, designtest.Scale(size.pairs, size.nodes, true))
		if !in.Cluster.SharedLoopbacks {
			t.Fatalf("%d pairs: shared loopbacks not derived", size.pairs)
		}
		// Two leaves per pair, two families: four loopback addresses shared by every pair.
		if len(objs.BGPPeers) != 4 {
			t.Errorf("%d pairs × %d nodes: %d BGPPeers, want 4", size.pairs, size.nodes, len(objs.BGPPeers))
		}
		for _, p := range objs.BGPPeers {
			// Every node of the design, and no other node: the pair label is what the design sets.
			if p.Spec.NodeSelector != DesignNodesSelector || p.Spec.Node != "" || p.Labels[node.LeafPairLabel] != "" {
				t.Errorf("global peer %s does not select exactly the design's nodes: %+v %v", p.Name, p.Spec, p.Labels)
			}
		}
	}
	_, unique := renderDesign(t, designtest.Scale(60, 10, false))
	if len(unique.BGPPeers) != 60*2*2 {
		t.Errorf("60 unique pairs: %d BGPPeers, want %d", len(unique.BGPPeers), 60*2*2)
	}
}

func TestRenderReachableBy(t *testing.T) {
	static := designtest.UniqueLoopbacks()
	reach := designtest.UniqueLoopbacks()
	reach.Peering.NodeReachability = design.ReachableBy
	tests := []struct {
		name string
		d    *design.Design
		want map[addressing.Family]string
	}{
		{"static routes", static, map[addressing.Family]string{addressing.IPv4: "", addressing.IPv6: ""}},
		{"reachableBy", reach, map[addressing.Family]string{addressing.IPv4: "172.16.0.1", addressing.IPv6: "fd00:172:16::1"}},
		{"shared reachableBy", designtest.SharedLoopbacks(), map[addressing.Family]string{addressing.IPv4: "10.10.0.1", addressing.IPv6: "2001:db8:10::1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, objs := renderDesign(t, tt.d)
			for _, p := range objs.BGPPeers {
				f := addressing.FamilyOf(netip.MustParseAddr(p.Spec.PeerIP))
				if p.Spec.ReachableBy != tt.want[f] {
					t.Errorf("%s: reachableBy %q, want %q", p.Name, p.Spec.ReachableBy, tt.want[f])
				}
			}
			for _, n := range in.Nodes {
				if hasRoutes := len(n.Routes) > 0; hasRoutes == (in.Cluster.Reachability == design.ReachableBy) {
					t.Errorf("node %s: %d routes with reachability %s", n.Name, len(n.Routes), in.Cluster.Reachability)
				}
			}
		})
	}
}

// stringPaths calls fn with the path of every string value in a decoded YAML document.
func stringPaths(v any, path string, fn func(path, s string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			stringPaths(e, path+"."+k, fn)
		}
	case []any:
		for _, e := range v {
			stringPaths(e, path+"[]", fn)
		}
	case string:
		fn(path, v)
	}
}

func TestRenderPasswordIsOnlyASecretKeyRef(t *testing.T) {
	d := designtest.SharedLoopbacks()
	secret := d.Peering.PasswordSecret
	_, objs := renderDesign(t, d)
	y, err := objs.YAML()
	if err != nil {
		t.Fatal(err)
	}
	refs := 0
	for _, doc := range splitYAML(y) {
		var m map[string]any
		if err := yaml.Unmarshal(doc, &m); err != nil {
			t.Fatal(err)
		}
		isPeer := m["kind"] == "BGPPeer"
		stringPaths(m, "", func(path, s string) {
			switch {
			case strings.HasPrefix(path, ".spec.password"):
				if !isPeer {
					t.Errorf("%s set on a %v", path, m["kind"])
				}
				want := map[string]string{".spec.password.secretKeyRef.name": secret.Name, ".spec.password.secretKeyRef.key": secret.Key}[path]
				if want == "" || s != want {
					t.Errorf("%s = %q: the password may only be a secretKeyRef to %s", path, s, secret)
				}
				refs++
			case s == secret.Name || s == secret.Namespace:
				t.Errorf("%s = %q: the secret named outside spec.password.secretKeyRef", path, s)
			}
		})
	}
	if want := 2 * len(objs.BGPPeers); refs != want {
		t.Errorf("%d secretKeyRef fields, want name and key on each of %d peers", refs, len(objs.BGPPeers))
	}
	_, plain := renderDesign(t, design.CaseStudy())
	if y, _ := plain.YAML(); bytes.Contains(y, []byte("password")) {
		t.Error("a design without a password secret renders a password")
	}
}

// TestRenderErrorsNameTheField checks that an intent Calico cannot express is refused with
// design.Problems naming the field by its path in the intent, every problem at once.
func TestRenderErrorsNameTheField(t *testing.T) {
	type problem struct {
		path string
		code design.Code
	}
	tests := []struct {
		name   string
		change func(*design.Intent)
		want   []problem
	}{
		{"cluster name", func(in *design.Intent) { in.Cluster.Name = "Prod Cluster" }, []problem{{"cluster.name", design.CodeInvalidName}}},
		{"empty cluster name", func(in *design.Intent) { in.Cluster.Name = "" }, []problem{{"cluster.name", design.CodeRequired}}},
		{"pair", func(in *design.Intent) {
			for i := range in.Cluster.Peers {
				in.Cluster.Peers[i].Pair = "rack 1'"
			}
		}, []problem{{"cluster.peers[0].pair", design.CodeInvalidName}}},
		{"pair no object name", func(in *design.Intent) {
			for i := range in.Cluster.Peers {
				in.Cluster.Peers[i].Pair = "Rack_1" // a label value, but nxcalico-Rack_1.… is no object name
			}
		}, []problem{{"cluster.peers[0].pair", design.CodeInvalidName}}},
		{"secret", func(in *design.Intent) {
			in.Cluster.PasswordSecret = &design.SecretRef{Namespace: "calico-system"}
		}, []problem{{"cluster.passwordSecret.key", design.CodeRequired}, {"cluster.passwordSecret.name", design.CodeRequired}}},
		{"reachableBy without gateway", func(in *design.Intent) {
			in.Cluster.Reachability = design.ReachableBy
			in.Fabric.Gateway.IPv6 = netip.Prefix{}
		}, []problem{{"cluster.peers[2]", design.CodeFamilyMismatch}, {"cluster.peers[3]", design.CodeFamilyMismatch}}},
		{"two peers one name", func(in *design.Intent) {
			in.Cluster.Peers[1].Addr = in.Cluster.Peers[0].Addr
		}, []problem{{"cluster.peers[1].addr", design.CodeDuplicateAddress}}},
		{"two errors at once", func(in *design.Intent) {
			in.Cluster.Name = "x y"
			in.Cluster.Pools[1].Encapsulation = "GRE"
		}, []problem{{"cluster.name", design.CodeInvalidName}, {"cluster.pools[1].encapsulation", design.CodeInvalidValue}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := renderIntent(t, design.CaseStudy())
			tt.change(in)
			objs, err := Render(in)
			if err == nil {
				t.Fatalf("no error, rendered %d objects", objs.Len())
			}
			for _, w := range tt.want {
				assertProblem(t, err, w.path, w.code)
			}
		})
	}
	if _, err := Render(nil); err == nil {
		t.Error("Render(nil) succeeded")
	}
}

// assertProblem fails unless err holds design.Problems with one of code at path.
func assertProblem(t *testing.T, err error, path string, code design.Code) {
	t.Helper()
	ps, ok := design.AsProblems(err)
	if !ok {
		t.Fatalf("error %v is no design.Problems", err)
	}
	if !ps.HasAt(path, code) {
		t.Errorf("no %s problem at %s in:\n%v", code, path, ps)
	}
}
