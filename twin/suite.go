package twin

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"slices"

	"github.com/nxcalico/nxcalico/design"
)

// Suite is the change suite for a design: the ten kinds of change a cluster on a fabric goes
// through, each a Change from the design the one before left, so that Lab.Change can run them in
// order on a lab started from d:
//
//  1. a node joins the first rack; 2. it leaves again; 5. a rack (leaf pair) with two nodes is
//     added; 3. a node moves to it; 4. a node changes its address; 9. route-safety limits change
//     (maximum-prefix set, then raised); 7. the BGP password is introduced, rotated (a new
//     Secret) and removed;
//  8. the peering shape switches (unique loopbacks to shared ones with coloring, or back) and
//     returns; 10. a leaf of the first rack is retired and replaced by a new leaf in its pair;
//  6. the added rack is removed: its nodes leave (the node that moved there with them), then
//     its leaves.
//
// Addresses, names and colors for what is added are taken where d leaves room. d is not changed.
func Suite(d *design.Design) ([]Change, error) {
	if len(d.Fabric.LeafPairs) == 0 || len(d.Fabric.LeafPairs[0].Leaves) != 2 {
		return nil, errors.New("twin: Suite: the design's first leaf pair must have two leaves")
	}
	var out []Change
	cur := d.Clone()
	var password design.Secret
	add := func(name string, edit func(d *design.Design) error, pw func(c *Change), allow bool) error {
		next := cur.Clone()
		if err := edit(next); err != nil {
			return fmt.Errorf("twin: Suite: %s: %w", name, err)
		}
		in, err := design.Derive(next)
		if err != nil {
			return fmt.Errorf("twin: Suite: %s: %w", name, err)
		}
		c := Change{Name: name, To: in, Password: password, AllowOutage: allow}
		if pw != nil {
			pw(&c)
			password = c.Password
		}
		if in.Cluster.PasswordSecret == nil {
			c.Password, password = design.Secret{}, design.Secret{}
		}
		out = append(out, c)
		cur = next
		return nil
	}
	if cur.Peering.PasswordSecret != nil {
		return nil, errors.New("twin: Suite: start from a design without a BGP password (the suite introduces one)")
	}
	rack1 := cur.Fabric.LeafPairs[0].Name
	const joiner = "joiner"
	steps := []struct {
		name  string
		edit  func(d *design.Design) error
		pw    func(c *Change)
		allow bool // the node moves: it is recabled, so it keeps no session meanwhile
	}{
		{"1 a node joins rack " + rack1, func(d *design.Design) error {
			a, err := freeNodeAddr(d)
			d.Cluster.Nodes = append(d.Cluster.Nodes, design.Node{Name: joiner, LeafPair: rack1, IPv4: a.IPv4, IPv6: a.IPv6})
			return err
		}, nil, false},
		{"2 the node leaves", func(d *design.Design) error { return removeNode(d, joiner) }, nil, false},
		{"5 a rack is added", addRack, nil, false},
		{"3 a node moves to the new rack", func(d *design.Design) error {
			n := &d.Cluster.Nodes[lastNodeOf(d, rack1)]
			n.LeafPair = d.Fabric.LeafPairs[len(d.Fabric.LeafPairs)-1].Name
			return nil
		}, nil, true},
		{"4 a node changes its address", func(d *design.Design) error {
			a, err := freeNodeAddr(d)
			n := &d.Cluster.Nodes[lastNodeOf(d, rack1)]
			n.IPv4, n.IPv6 = a.IPv4, pick(n.IPv6.IsValid(), a.IPv6)
			return err
		}, nil, false},
		{"9 maximum-prefix is set", func(d *design.Design) error {
			d.Peering.MaximumPrefix = 1000
			return nil
		}, nil, false},
		{"9 maximum-prefix is raised", func(d *design.Design) error {
			d.Peering.MaximumPrefix = 2000
			return nil
		}, nil, false},
		{"7 a BGP password is introduced", func(d *design.Design) error {
			d.Peering.PasswordSecret = &design.SecretRef{Namespace: "calico-system", Name: "bgp-fabric", Key: "password"}
			return nil
		}, func(c *Change) { c.Password = randomPassword() }, false},
		// A new value in the Secret every peer reads reaches every node at once, so the sessions of
		// both leaves of a pair reset together; a new Secret is taken up peer by peer, a leaf
		// position at a time (see nxcalico.Syncer.Handover).
		{"7 the BGP password is rotated (a new Secret)", func(d *design.Design) error {
			ref := *d.Peering.PasswordSecret
			ref.Name += "-rotated"
			d.Peering.PasswordSecret = &ref
			return nil
		}, func(c *Change) { c.Password = randomPassword() }, false},
		{"7 the BGP password is removed", func(d *design.Design) error {
			d.Peering.PasswordSecret = nil
			return nil
		}, nil, false},
		{"8 the peering shape switches", switchShape, nil, false},
		{"8 the peering shape switches back", switchShape, nil, false},
		{"10 a leaf is replaced in rack " + rack1, func(d *design.Design) error { return swapLeaf(d, 0) }, nil, false},
		{"6 the added rack's nodes leave", func(d *design.Design) error {
			last := d.Fabric.LeafPairs[len(d.Fabric.LeafPairs)-1].Name
			d.Cluster.Nodes = slices.DeleteFunc(d.Cluster.Nodes, func(n design.Node) bool { return n.LeafPair == last })
			return nil
		}, nil, false},
		{"6 the added rack is removed", func(d *design.Design) error {
			d.Fabric.LeafPairs = d.Fabric.LeafPairs[:len(d.Fabric.LeafPairs)-1]
			return nil
		}, nil, false},
	}
	// The shape switch starts from what the design has: the first pair's loopbacks reused
	// everywhere (shared) or not.
	for _, st := range steps {
		if err := add(st.name, st.edit, st.pw, st.allow); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func pick[T any](ok bool, v T) T {
	var zero T
	if ok {
		return v
	}
	return zero
}

// randomPassword is a fresh BGP password.
func randomPassword() design.Secret {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return design.NewSecret("suite-" + hex.EncodeToString(b))
}

type addrPair struct{ IPv4, IPv6 netip.Addr }

// freeNodeAddr is the first address pair after every node's and the gateway's, in the gateway
// subnets.
func freeNodeAddr(d *design.Design) (addrPair, error) {
	var out addrPair
	gw := d.Fabric.AnycastGateway
	for _, f := range []struct {
		subnet netip.Prefix
		get    func(n design.Node) netip.Addr
		set    func(a netip.Addr)
	}{
		{gw.IPv4, func(n design.Node) netip.Addr { return n.IPv4 }, func(a netip.Addr) { out.IPv4 = a }},
		{gw.IPv6, func(n design.Node) netip.Addr { return n.IPv6 }, func(a netip.Addr) { out.IPv6 = a }},
	} {
		if !f.subnet.IsValid() {
			continue
		}
		last := f.subnet.Addr()
		for _, n := range d.Cluster.Nodes {
			if a := f.get(n); a.IsValid() && last.Less(a) {
				last = a
			}
		}
		next := last.Next()
		if !f.subnet.Contains(next) {
			return out, fmt.Errorf("no free node address in %s", f.subnet)
		}
		f.set(next)
	}
	return out, nil
}

func removeNode(d *design.Design, name string) error {
	i := slices.IndexFunc(d.Cluster.Nodes, func(n design.Node) bool { return n.Name == name })
	if i < 0 {
		return fmt.Errorf("no node %s", name)
	}
	d.Cluster.Nodes = slices.Delete(d.Cluster.Nodes, i, i+1)
	return nil
}

// lastNodeOf is the index of the pair's last node.
func lastNodeOf(d *design.Design, pair string) int {
	i := -1
	for k, n := range d.Cluster.Nodes {
		if n.LeafPair == pair {
			i = k
		}
	}
	return i
}

// shared reports whether every pair reuses the first pair's loopbacks.
func shared(d *design.Design) bool {
	first := d.Fabric.LeafPairs[0]
	for _, p := range d.Fabric.LeafPairs[1:] {
		for i, l := range p.Leaves {
			if i < len(first.Leaves) && l.PeeringLoopback != first.Leaves[i].PeeringLoopback {
				return false
			}
		}
	}
	return len(d.Fabric.LeafPairs) > 1
}

// addRack adds a pair of two leaves and two nodes: shared loopbacks with a color of its own when
// the design shares them, else loopbacks of its own.
func addRack(d *design.Design) error {
	k := len(d.Fabric.LeafPairs)
	first := d.Fabric.LeafPairs[0]
	pair := design.LeafPair{Name: fmt.Sprintf("rack-added%d", k+1)}
	if first.RouteTargetColor != (design.RouteTarget{}) {
		pair.RouteTargetColor = design.MustParseRouteTarget(fmt.Sprintf("%d:%d", d.Fabric.ASN, 900+k))
	}
	share := shared(d)
	for j, l := range first.Leaves {
		leaf := design.Leaf{Name: fmt.Sprintf("%s-added%d", l.Name, k+1), RouterID: netip.AddrFrom4([4]byte{10, 254, byte(k + 1), byte(j + 1)}),
			PeeringLoopback: l.PeeringLoopback}
		if !share {
			leaf.PeeringLoopback = freshLoopback(d, l.PeeringLoopback, j, k)
		}
		pair.Leaves = append(pair.Leaves, leaf)
	}
	d.Fabric.LeafPairs = append(d.Fabric.LeafPairs, pair)
	for j := range 2 {
		a, err := freeNodeAddr(d)
		if err != nil {
			return err
		}
		d.Cluster.Nodes = append(d.Cluster.Nodes, design.Node{Name: fmt.Sprintf("node-added%d-%d", k+1, j+1), LeafPair: pair.Name, IPv4: a.IPv4, IPv6: a.IPv6})
	}
	return nil
}

// freshLoopback is a loopback like lb with addresses no leaf of d has: lb's moved by 16*(k+1)+j
// in its last byte.
func freshLoopback(d *design.Design, lb design.Loopback, j, k int) design.Loopback {
	used := map[netip.Addr]bool{}
	for _, p := range d.Fabric.LeafPairs {
		for _, l := range p.Leaves {
			used[l.PeeringLoopback.IPv4.Addr()] = true
			used[l.PeeringLoopback.IPv6.Addr()] = true
		}
	}
	move := func(p netip.Prefix) netip.Prefix {
		if !p.IsValid() {
			return p
		}
		a := p.Addr()
		for n := 0; n < 16*(k+1)+j+1 || used[a]; n++ {
			a = a.Next()
		}
		used[a] = true
		return netip.PrefixFrom(a, p.Bits())
	}
	lb.IPv4, lb.IPv6 = move(lb.IPv4), move(lb.IPv6)
	return lb
}

// switchShape makes every pair reuse the first pair's loopbacks, colored per pair, or, when they
// do, gives every other pair loopbacks of its own.
func switchShape(d *design.Design) error {
	if len(d.Fabric.LeafPairs) < 2 {
		return errors.New("the peering shape needs two pairs to switch")
	}
	first := d.Fabric.LeafPairs[0]
	share := !shared(d)
	for k := 1; k < len(d.Fabric.LeafPairs); k++ {
		p := &d.Fabric.LeafPairs[k]
		for j := range p.Leaves {
			if share {
				p.Leaves[j].PeeringLoopback = first.Leaves[j].PeeringLoopback
			} else {
				p.Leaves[j].PeeringLoopback = freshLoopback(d, first.Leaves[j].PeeringLoopback, j, k)
			}
		}
		if share && p.RouteTargetColor == (design.RouteTarget{}) {
			p.RouteTargetColor = design.MustParseRouteTarget(fmt.Sprintf("%d:%d", d.Fabric.ASN, 900+k))
		}
	}
	if share && first.RouteTargetColor == (design.RouteTarget{}) {
		d.Fabric.LeafPairs[0].RouteTargetColor = design.MustParseRouteTarget(fmt.Sprintf("%d:%d", d.Fabric.ASN, 900))
	}
	return nil
}

// swapLeaf replaces the second leaf of pair i by a new leaf with a new name and router ID and the
// same loopback (the hardware swap of a pair member).
func swapLeaf(d *design.Design, i int) error {
	p := &d.Fabric.LeafPairs[i]
	old := p.Leaves[1]
	p.Leaves[1] = design.Leaf{Name: old.Name + "-new", RouterID: netip.AddrFrom4([4]byte{10, 253, byte(i + 1), 2}), PeeringLoopback: old.PeeringLoopback}
	return nil
}
