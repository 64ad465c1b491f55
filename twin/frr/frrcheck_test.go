package frr

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// TestFRRAcceptsGolden feeds the configuration of every test leaf (passwords included) to
// "vtysh --dryrun", FRR's own parser: every line must be a command FRR knows in its context.
func TestFRRAcceptsGolden(t *testing.T) {
	vtysh, err := exec.LookPath("vtysh")
	if err != nil {
		t.Skip("twin/frr: needs the Debian package frr (vtysh): apt-get install -y frr bird iputils-ping")
	}
	dir := t.TempDir()
	trees := allTrees(t)
	for i, tree := range unitTrees() {
		trees["unit"] = append(trees["unit"], leafTree{"unit", "tree" + strconv.Itoa(i), tree})
	}
	for name, leaves := range trees {
		for i, lt := range leaves {
			opts := fabricOptions(i, len(leaves))
			opts.Hostname = lt.leaf
			c, err := Translate(lt.tree, opts)
			if err != nil {
				t.Fatalf("%s/%s: %v", name, lt.leaf, err)
			}
			f := filepath.Join(dir, name+"-"+lt.leaf+".conf")
			if err := os.WriteFile(f, []byte(c.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			out, err := exec.CommandContext(ctx, vtysh, "--dryrun", "-f", f).CombinedOutput()
			cancel()
			if err != nil || strings.TrimSpace(string(out)) != "" {
				t.Errorf("%s/%s: vtysh --dryrun: %v\n%s", name, lt.leaf, err, redact(string(out), c.secrets))
			}
		}
	}
}

// unitTrees are the small trees of the mapping-rule tests, each exercising lines the test designs
// do not: neighbor-level settings, deactivation of a template family, prefix-list ge/le, route-map
// kinds, maximum-prefix forms, additive route targets.
func unitTrees() []*dme.Object {
	tmpl := dme.New("bgpPeerCont", "name", "T", "asn", "65531", "srcIf", "lo7").Add(dme.New("bgpPeerAf", "type", "ipv4-ucast").Add(
		dme.New("bgpMaxPfxP", "maxPfx", "100", "thresh", "50", "action", "restart", "restartTime", "5")))
	tmplLog := dme.New("bgpPeerCont", "name", "L", "asn", "65531").Add(dme.New("bgpPeerAf", "type", "ipv6-ucast").Add(
		dme.New("bgpMaxPfxP", "maxPfx", "10", "action", "log")))
	nbV6 := dme.New("bgpPeer", "addr", "10.1.0.11", "peerImp", "T").Add(dme.New("bgpPeerAf", "type", "ipv6-ucast", "sendComExt", "enabled"))
	own := dme.New("bgpPeer", "addr", "10.1.0.12", "asn", "65001", "name", "node-a", "kaIntvl", "10", "holdIntvl", "30", "adminSt", "disabled", "srcIf", "lo7").Add(
		dme.New("bgpPeerAf", "type", "ipv4-ucast", "ctrl", "nh-self,allow-self-as", "allowedSelfAsCnt", "3", "defOrg", "enabled", "softReconfigBackup", "inbound", "wght", "100"),
		dme.New("bgpLocalAsn", "localAsn", "65200", "asnPropagate", "replace-as"))
	colored := coloredTree()
	findClass(colored, "rtmapSetRttComm").Set("additive", "enabled")
	return []*dme.Object{
		miniTree([]*dme.Object{tmpl, tmplLog}, []*dme.Object{v4Peer("10.1.0.10", "T"), nbV6, own, dme.New("bgpPeer", "addr", "fd00::20", "peerImp", "L").Add(dme.New("bgpPeerAf", "type", "ipv6-ucast"))}),
		colored,
	}
}
