package main

import (
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/cache"

	listersv1 "k8s.io/client-go/listers/core/v1"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/calicotest"
	"github.com/nxcalico/nxcalico/kit/lab"
	"github.com/nxcalico/nxcalico/node"
	"github.com/nxcalico/nxcalico/nxos"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// bigDesign is the case study grown to pairs leaf pairs (two leaves each, loopbacks in
// 100.64.0.0/16 and 2001:193:168:1::/64, colors 3000+i:3000+i) and nodes nodes spread round-robin
// over the pairs, on a /16 anycast gateway subnet (172.16.0.1/16).
func bigDesign(pairs, nodes int) *design.Design {
	d := design.CaseStudy()
	d.Fabric.AnycastGateway.IPv4 = netip.MustParsePrefix("172.16.0.1/16")
	d.Fabric.LeafPairs = nil
	k := 0
	for i := range pairs {
		p := design.LeafPair{Name: fmt.Sprintf("rack%d", i+1), RouteTargetColor: design.MustParseRouteTarget(fmt.Sprintf("%d:%d", 3000+i, 3000+i))}
		for range 2 {
			k++
			p.Leaves = append(p.Leaves, design.Leaf{
				Name:     fmt.Sprintf("Leaf%04d", k),
				RouterID: netip.AddrFrom4([4]byte{10, 200, byte(k >> 8), byte(k)}),
				PeeringLoopback: design.Loopback{ID: 1002, Tag: 6789,
					IPv4: netip.PrefixFrom(netip.AddrFrom4([4]byte{100, 64, byte(k >> 8), byte(k)}), 32),
					IPv6: netip.MustParsePrefix(fmt.Sprintf("2001:193:168:1::%x/128", k))},
			})
		}
		d.Fabric.LeafPairs = append(d.Fabric.LeafPairs, p)
	}
	d.Cluster.Nodes = nil
	for i := range nodes {
		d.Cluster.Nodes = append(d.Cluster.Nodes, bigNode(i, pairs, 0))
	}
	return d
}

// bigNode is node i of bigDesign; alt moves its IPv4 address to a second, free one.
func bigNode(i, pairs, alt int) design.Node {
	return design.Node{
		Name:     fmt.Sprintf("node%05d", i),
		LeafPair: fmt.Sprintf("rack%d", i%pairs+1),
		IPv4:     netip.AddrFrom4([4]byte{172, 16, byte(1 + i/250 + 100*alt), byte(2 + i%250)}),
		IPv6:     netip.MustParseAddr(fmt.Sprintf("2001:192:168:1::1:%x", i)),
	}
}

// kubeletNode is a Node as a kubelet reports it: the rack label, addresses, and the status,
// annotations and managed fields nodewatch does not read.
func kubeletNode(n design.Node) *corev1.Node {
	k := nodeOf(n)
	k.UID = types.UID("uid-" + k.Name)
	k.Labels["kubernetes.io/hostname"] = n.Name
	k.Labels["kubernetes.io/os"] = "linux"
	k.Annotations = map[string]string{"node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"}
	k.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubelet", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "v1",
		FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(`{"f:status":{"f:images":{}}}` + strings.Repeat(" ", 2048))}}
	k.Status.Capacity = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("32"), corev1.ResourceMemory: resource.MustParse("128Gi")}
	k.Status.Allocatable = k.Status.Capacity
	for _, c := range []corev1.NodeConditionType{"MemoryPressure", "DiskPressure", "PIDPressure", "Ready"} {
		k.Status.Conditions = append(k.Status.Conditions, corev1.NodeCondition{Type: c, Status: "False", Reason: "KubeletHasSufficient", Message: "kubelet has sufficient resources"})
	}
	for j := range 20 {
		k.Status.Images = append(k.Status.Images, corev1.ContainerImage{Names: []string{fmt.Sprintf("registry.example/app%d@sha256:%064d", j, j)}, SizeBytes: 1 << 25})
	}
	k.Status.NodeInfo = corev1.NodeSystemInfo{KubeletVersion: "v1.37.2", OSImage: "Debian GNU/Linux 13", ContainerRuntimeVersion: "containerd://2.1.0"}
	return k
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPassOneNodeChanged is a pass after one Node of a 500-pair, 20,000-node cluster moved
// its address: read the cache, derive and validate the whole design, find the one affected
// pair, plan and apply its two leaves (simulated, on loopback), render the Calico objects (in
// step: not planned, see Syncer.CalicoInStep), plan the Node annotations of the whole design
// from the cache, patch the one Node. cpu-ms/op is the process's CPU time per pass, which here
// includes the in-process switch simulators and the fake core API that serve the pass's
// requests; ns/op is its wall time.
func BenchmarkPassOneNodeChanged(b *testing.B) {
	const pairs, nodes = 500, 20000
	ctx := context.Background()
	d := bigDesign(pairs, nodes)
	in, err := design.Derive(d)
	if err != nil {
		b.Fatal(err)
	}
	api, err := calicotest.Start(ctx, calicotest.Options{Groups: []calicotest.Group{calicotest.GroupV3}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = api.Close() })
	cal, err := calico.NewClient(api.Config(), calico.Options{QPS: -1})
	if err != nil {
		b.Fatal(err)
	}
	core := fake.NewSimpleClientset() // no client-side field management: a real API server does that, not the controller
	idx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	for _, n := range d.Cluster.Nodes {
		k := kubeletNode(n)
		if _, err := core.CoreV1().Nodes().Create(ctx, k, metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
		slim, _ := slimNode(k)
		if err := idx.Add(slim); err != nil {
			b.Fatal(err)
		}
	}
	// Calico and the Node annotations in step with the whole design (no leaf involved).
	nodeClient, err := node.NewClient(core, node.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s := &nxcalico.Syncer{Switches: map[string]*nxos.Client{}, Calico: cal, Nodes: nodeClient, Logger: discard()}
	plan, err := s.Plan(ctx, scoped(in, nil))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Apply(ctx, plan); err != nil {
		b.Fatal(err)
	}

	// Simulated leaves for the pair of node00000, the one that changes.
	switches := map[string]*nxos.Client{}
	for _, l := range d.Fabric.LeafPairs[0].Leaves {
		sim := nxostest.NewTLSServer(nxostest.WithHostname(l.Name), nxostest.WithCredentials(lab.User, lab.Password))
		b.Cleanup(sim.Close)
		c, err := nxos.NewClient(nxos.Options{URL: sim.URL(), RootCAs: sim.CertPool(),
			Credentials: nxos.Credentials{Username: lab.User, Password: design.NewSecret(lab.Password)}})
		if err != nil {
			b.Fatal(err)
		}
		switches[l.Name] = c
	}
	base := *d
	base.Cluster.Nodes = nil
	r := &reconciler{Base: &base, Switches: switches, Calico: cal, Core: core, Logger: discard()}
	r.applied = membershipOf(in)
	delete(r.applied, "rack1") // the first pass configures rack1's leaves from scratch
	lister := listersv1.NewNodeLister(idx)
	// move changes node00000's address, in the API and in the cache (which also takes in the
	// annotations the last pass patched, as the informer would).
	move := func(alt int) {
		k, err := core.CoreV1().Nodes().Get(ctx, "node00000", metav1.GetOptions{})
		if err != nil {
			b.Fatal(err)
		}
		k.Status.Addresses = kubeletNode(bigNode(0, pairs, alt)).Status.Addresses
		if _, err := core.CoreV1().Nodes().UpdateStatus(ctx, k, metav1.UpdateOptions{}); err != nil {
			b.Fatal(err)
		}
		slim, _ := slimNode(k)
		if err := idx.Update(slim); err != nil {
			b.Fatal(err)
		}
	}
	check := func(p pass) {
		if p.Err != nil || p.Problems != nil || len(p.Pairs) != 1 || p.Pairs[0] != "rack1" || !p.Changed {
			b.Fatalf("pass = %+v, want rack1 planned and changed", p)
		}
	}
	check(r.reconcile(ctx, lister))
	// The informer's cache, as it stands once it has seen the Node patches so far.
	list, err := core.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for i := range list.Items {
		slim, _ := slimNode(&list.Items[i])
		if err := idx.Update(slim); err != nil {
			b.Fatal(err)
		}
	}
	alt := 0
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		alt = 1 - alt
		move(alt)
		check(r.reconcile(ctx, lister))
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkNodeCacheMemory is the heap the leader's Node informer holds for 20,000 Nodes as a
// kubelet reports them (status, images, managed fields), measured after a GC once the cache has
// synced, minus the heap before it started (the fake API's own copies are not counted).
func BenchmarkNodeCacheMemory(b *testing.B) {
	const pairs, nodes = 500, 20000
	ctx := context.Background()
	core := fake.NewClientset()
	for i := range nodes {
		if _, err := core.CoreV1().Nodes().Create(ctx, kubeletNode(bigNode(i, pairs, 0)), metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	var perCache float64
	for b.Loop() {
		before := heapInUse()
		inf := nodeInformer(core, newMetrics())
		ictx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { inf.RunWithContext(ictx); close(done) }()
		if !cache.WaitForCacheSync(ictx.Done(), inf.HasSynced) {
			b.Fatal("cache did not sync")
		}
		if n := len(inf.GetStore().List()); n != nodes {
			b.Fatalf("cache holds %d Nodes, want %d", n, nodes)
		}
		perCache = float64(heapInUse()-before) / (1 << 20)
		runtime.KeepAlive(inf)
		cancel()
		<-done
	}
	b.ReportMetric(perCache, "cache-MiB")
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
