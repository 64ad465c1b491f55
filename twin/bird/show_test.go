package bird

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/addressing"
)

// lines turns "DDDD-text" / " text" lines as BIRD's control socket sends them into reply lines.
func lines(t *testing.T, s string) []replyLine {
	t.Helper()
	var out []replyLine
	last := 0
	for _, l := range strings.Split(strings.Trim(s, "\n"), "\n") {
		if strings.HasPrefix(l, " ") {
			out = append(out, replyLine{last, l[1:]})
			continue
		}
		var code int
		for _, c := range l[:4] {
			code = code*10 + int(c-'0')
		}
		last = code
		out = append(out, replyLine{code, l[5:]})
	}
	return out
}

func TestParseRoutes(t *testing.T) {
	got := parseRoutes(lines(t, `
1007-0.0.0.0/0          via 10.10.0.1 on eth0 [Global_192_168_100_1 10:00:01 from 192.168.100.1] * (100/0) [AS65102i]
1008-	Type: BGP unicast univ
1012-	BGP.origin: IGP
 	BGP.as_path: 65102
 	BGP.next_hop: 10.10.0.1
1007-                   unreachable [Global_192_168_100_2 10:00:02 from 192.168.100.2] (100/-) [AS65102 65101i]
1012-	BGP.as_path: 65102 65101
1007-10.244.0.0/26      blackhole [static1 10:00:00] * (200)
1007-10.200.0.0/16      multipath [Global_a 10:00:03] * (100) [AS65102i]
1007-	via 10.10.0.2 on eth0 weight 1
1007-	via 10.10.0.3 on eth1 weight 1
1007-172.16.0.0/24      via 10.10.0.1 on eth0 [kernel1 10:00:04] ! (10)
0000 
`))
	want := []Route{
		{Prefix: netip.MustParsePrefix("0.0.0.0/0"), NextHops: []netip.Addr{netip.MustParseAddr("10.10.0.1")}, ASPath: []uint32{65102}, From: "Global_192_168_100_1", Type: "via", Reachable: true, Best: true},
		{Prefix: netip.MustParsePrefix("0.0.0.0/0"), ASPath: []uint32{65102, 65101}, From: "Global_192_168_100_2", Type: "unreachable"},
		{Prefix: netip.MustParsePrefix("10.244.0.0/26"), From: "static1", Type: "blackhole", Reachable: true, Best: true},
		{Prefix: netip.MustParsePrefix("10.200.0.0/16"), NextHops: []netip.Addr{netip.MustParseAddr("10.10.0.2"), netip.MustParseAddr("10.10.0.3")}, From: "Global_a", Type: "multipath", Reachable: true, Best: true},
		{Prefix: netip.MustParsePrefix("172.16.0.0/24"), NextHops: []netip.Addr{netip.MustParseAddr("10.10.0.1")}, From: "kernel1", Type: "via"},
	}
	if len(got) != len(want) {
		t.Fatalf("parsed %d routes, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Prefix != w.Prefix || !slices.Equal(g.NextHops, w.NextHops) || !slices.Equal(g.ASPath, w.ASPath) ||
			g.From != w.From || g.Type != w.Type || g.Reachable != w.Reachable || g.Best != w.Best {
			t.Errorf("route %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestParseProtocols(t *testing.T) {
	got := parseProtocols(lines(t, `
2002-name     proto    table    state  since       info
1002-kernel1  Kernel   master   up     10:00:00    
1006-  Preference:     10
1002-Global_192_168_100_1 BGP      master   up     10:00:01    Established   
1006-  Description:    Connection to BGP peer
   BGP state:          Established
     Neighbor address: 192.168.100.1
     Neighbor AS:      65102
   Routes:         1 imported, 2 exported, 1 preferred
1002-Node_fd99__2 BGP      master   start  10:00:02    Active        Socket: Connection refused
1006-  BGP state:          Active
     Neighbor address: fd99::2
     Neighbor AS:      65002
     Last error:       Socket: Connection refused
0000 
`), addressing.IPv6)
	if len(got) != 3 {
		t.Fatalf("parsed %d protocols, want 3: %+v", len(got), got)
	}
	up, down := got[1], got[2]
	if !up.Established || up.Neighbor != netip.MustParseAddr("192.168.100.1") || up.NeighborAS != 65102 ||
		up.Imported != 1 || up.Exported != 2 || up.State != "up" || up.Since != "10:00:01" || up.Proto != "BGP" {
		t.Errorf("established protocol = %+v", up)
	}
	if down.Established || down.BGPState != "Active" || down.LastError != "Socket: Connection refused" ||
		down.Info != "Active Socket: Connection refused" || down.Family != addressing.IPv6 {
		t.Errorf("down protocol = %+v", down)
	}
	if got[0].Proto != "Kernel" || got[0].Established {
		t.Errorf("kernel protocol = %+v", got[0])
	}
}
