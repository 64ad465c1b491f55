package bird

import (
	"flag"
	"fmt"
	"math/big"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	apiv3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"sigs.k8s.io/yaml"

	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/node"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// testPassword is the clear password the tests resolve for every password secret.
const testPassword = "twin-test-password"

// nodePatch is one entry of node/testdata/*/patches.yaml.
type nodePatch struct {
	Node        string            `json:"node"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

// cluster is one rendered design: its Calico resources and its nodes.
type cluster struct {
	name  string
	res   Resources
	nodes []Node
}

// renderedCluster returns the case study as calico.Render and node.Patches make it.
func renderedCluster(tb testing.TB) cluster {
	tb.Helper()
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		tb.Fatalf("derive case study: %v", err)
	}
	objs, err := calico.Render(in)
	if err != nil {
		tb.Fatalf("render case study: %v", err)
	}
	var r Resources
	r.Config = objs.BGPConfiguration
	for _, p := range objs.IPPools {
		r.Pools = append(r.Pools, *p)
	}
	for _, p := range objs.BGPPeers {
		r.Peers = append(r.Peers, *p)
	}
	for _, f := range objs.BGPFilters {
		r.Filters = append(r.Filters, *f)
	}
	var patches []nodePatch
	for _, np := range node.Patches(in) {
		patches = append(patches, nodePatch{Node: np.Node, Labels: np.Labels, Annotations: np.Annotations})
	}
	return finishCluster(tb, "casestudy", r, patches)
}

// fileCluster reads a design's rendered objects from calico/testdata/render/<name> and its
// node patches from node/testdata/<name>.
func fileCluster(tb testing.TB, name string) cluster {
	tb.Helper()
	dir := filepath.Join("..", "..", "calico", "testdata", "render", name)
	b, err := os.ReadFile(filepath.Join(dir, "calico.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	var r Resources
	for i, doc := range strings.Split(string(b), "\n---\n") {
		var meta struct{ Kind string }
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			tb.Fatalf("%s document %d: %v", name, i, err)
		}
		var err error
		switch meta.Kind {
		case "BGPConfiguration":
			r.Config = &apiv3.BGPConfiguration{}
			err = yaml.UnmarshalStrict([]byte(doc), r.Config)
		case "IPPool":
			var p apiv3.IPPool
			err = yaml.UnmarshalStrict([]byte(doc), &p)
			r.Pools = append(r.Pools, p)
		case "BGPPeer":
			var p apiv3.BGPPeer
			err = yaml.UnmarshalStrict([]byte(doc), &p)
			r.Peers = append(r.Peers, p)
		case "BGPFilter":
			var f apiv3.BGPFilter
			err = yaml.UnmarshalStrict([]byte(doc), &f)
			r.Filters = append(r.Filters, f)
		default:
			tb.Fatalf("%s document %d: unexpected kind %q", name, i, meta.Kind)
		}
		if err != nil {
			tb.Fatalf("%s document %d (%s): %v", name, i, meta.Kind, err)
		}
	}
	pb, err := os.ReadFile(filepath.Join("..", "..", "node", "testdata", name, "patches.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	var patches []nodePatch
	if err := yaml.UnmarshalStrict(pb, &patches); err != nil {
		tb.Fatal(err)
	}
	return finishCluster(tb, name, r, patches)
}

// finishCluster turns node patches into Nodes: addresses from the annotations and, as Calico IPAM
// would give them, the i-th block of every pool to the i-th node; every password secret resolves
// to testPassword.
func finishCluster(tb testing.TB, name string, r Resources, patches []nodePatch) cluster {
	tb.Helper()
	r.Passwords = map[string]string{}
	for _, p := range r.Peers {
		if p.Spec.Password != nil && p.Spec.Password.SecretKeyRef != nil {
			ref := p.Spec.Password.SecretKeyRef
			r.Passwords[PasswordKey(DefaultNamespace, ref.Name, ref.Key)] = testPassword
		}
	}
	c := cluster{name: name, res: r}
	for i, np := range patches {
		n := Node{Name: np.Node, Labels: np.Labels}
		if s := np.Annotations[node.IPv4AddressAnnotation]; s != "" {
			p := netip.MustParsePrefix(s)
			n.IPv4, n.IPv4Subnet = p.Addr(), p.Masked()
		}
		if s := np.Annotations[node.IPv6AddressAnnotation]; s != "" {
			p := netip.MustParsePrefix(s)
			n.IPv6, n.IPv6Subnet = p.Addr(), p.Masked()
		}
		for _, pool := range r.Pools {
			n.Blocks = append(n.Blocks, nthBlock(tb, pool, i))
		}
		c.nodes = append(c.nodes, n)
	}
	return c
}

// nthBlock returns block i of a pool (blocks of the pool's blockSize, counted from its start).
func nthBlock(tb testing.TB, pool apiv3.IPPool, i int) netip.Prefix {
	tb.Helper()
	p := netip.MustParsePrefix(pool.Spec.CIDR)
	size := pool.Spec.BlockSize
	if size == 0 {
		size = map[bool]int{true: 26, false: 122}[p.Addr().Is4()]
	}
	v := new(big.Int).SetBytes(p.Addr().AsSlice())
	v.Add(v, new(big.Int).Lsh(big.NewInt(int64(i)), uint(p.Addr().BitLen()-size)))
	b := v.FillBytes(make([]byte, p.Addr().BitLen()/8))
	a, _ := netip.AddrFromSlice(b)
	blk := netip.PrefixFrom(a, size)
	if !p.Contains(a) || blk != blk.Masked() {
		tb.Fatalf("block %d of pool %s (size %d) = %s is not a block of the pool", i, pool.Spec.CIDR, size, blk)
	}
	return blk
}

// goldenClusters are the designs the golden files cover.
func goldenClusters(tb testing.TB) []cluster {
	return []cluster{renderedCluster(tb), fileCluster(tb, "shared4"), fileCluster(tb, "unique3")}
}

func goldenDir(c cluster, n Node) string {
	return filepath.Join("testdata", "golden", c.name, n.Name)
}

func mustGenerate(tb testing.TB, n Node, r Resources) (*Config, *Config) {
	tb.Helper()
	v4, v6, err := Generate(n, r)
	if err != nil {
		tb.Fatalf("Generate(%s): %v", n.Name, err)
	}
	return v4, v6
}

func describe(n Node) string { return fmt.Sprintf("%s (%v, %v)", n.Name, n.IPv4, n.IPv6) }
