package nxostest

import (
	"net/netip"
	"strings"

	"github.com/nxcalico/nxcalico/bgp"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// Established is the bgpPeerEntry.operSt of a session that is up (bgp.StateEstablished).
const Established = bgp.StateEstablished

// flapLayout is how NX-OS prints lastFlapTs ("2017-08-29T13:42:38.791+00:00").
const flapLayout = "2006-01-02T15:04:05.000-07:00"

func peerKey(vrf, addr string) string {
	if a, err := netip.ParseAddr(addr); err == nil {
		addr = a.String()
	}
	return vrf + "|" + addr
}

// SetPeerState forces the session state (bgpPeerEntry.operSt, e.g. "idle",
// "active", "established") of neighbor addr in VRF vrf ("default" for the
// default domain). It applies now if the neighbor is configured and whenever it
// is configured later; an empty state removes the override.
func (s *Server) SetPeerState(vrf, addr, state string) {
	s.peerMu.Lock()
	if state == "" {
		delete(s.peerStates, peerKey(vrf, addr))
	} else {
		s.peerStates[peerKey(vrf, addr)] = state
	}
	s.peerMu.Unlock()
	s.resync()
}

// SetPeersAlive declares whether the remote sides of all neighbors answer: when
// true every configured neighbor, existing and future, comes up "established"
// (with a fresh lastFlapTs); when false they sit in "idle". SetPeerState
// overrides this per neighbor.
func (s *Server) SetPeersAlive(alive bool) {
	s.peerMu.Lock()
	s.peersAlive = alive
	s.peerMu.Unlock()
	s.resync()
}

func (s *Server) resync() {
	s.treeMu.Lock()
	defer s.treeMu.Unlock()
	next := s.tree.clone()
	s.syncPeers(next)
	s.tree = next
}

// stateOf returns the operSt neighbor addr in vrf should have and whether
// SetPeerState forced it.
func (s *Server) stateOf(vrf, addr string) (string, bool) {
	s.peerMu.Lock()
	defer s.peerMu.Unlock()
	if st, ok := s.peerStates[peerKey(vrf, addr)]; ok {
		return st, true
	}
	if st, ok := s.liveState(vrf, addr); ok {
		return st, true
	}
	if s.peersAlive {
		return Established, false
	}
	return "idle", false
}

// syncPeers gives every configured bgpPeer its operational bgpPeerEntry (and a
// bgpPeerAfEntry per configured address family) and sets their state.
// Entries of deleted peers went away with the peer's subtree.
func (s *Server) syncPeers(t *tree) {
	inst := t.lookup(dme.MustParseDN("sys/bgp/inst"))
	if inst == nil {
		return
	}
	entClass, _ := dme.Lookup("bgpPeerEntry")
	afClass, _ := dme.Lookup("bgpPeerAfEntry")
	now := s.now()
	// Templates are router-wide: a neighbor in any VRF inherits one by name.
	templates := map[string]*node{}
	for _, dom := range inst.children() {
		for _, pc := range dom.children() {
			if pc.class.Name == "bgpPeerCont" {
				templates[pc.attrs["name"]] = pc
			}
		}
	}
	seen := map[string]bool{}
	defer func() {
		for key := range s.sessionSigs {
			if !seen[key] {
				delete(s.sessionSigs, key)
			}
		}
	}()
	for _, dom := range inst.children() {
		if dom.class.Name != "bgpDom" {
			continue
		}
		vrf := dom.attrs["name"]
		for _, peer := range dom.children() {
			if peer.class.Name != "bgpPeer" {
				continue
			}
			addr := peer.attrs["addr"]
			rn, _ := entClass.FormatRN(map[string]string{"addr": addr})
			key, err := dme.RNKey(rn)
			if err != nil {
				continue
			}
			ent := peer.child(key)
			st, forced := s.stateOf(vrf, addr)
			if ent == nil {
				// A new session starts in its state; that is no flap.
				ent = newNode(entClass, rn, map[string]string{"addr": addr, "operSt": st})
				peer.add(key, ent)
			}
			if (forced || !ent.pinned) && ent.attrs["operSt"] != st {
				ent.attrs["prevOperSt"] = ent.attrs["operSt"]
				ent.attrs["operSt"] = st
				ent.attrs["lastFlapTs"] = now.UTC().Format(flapLayout)
			}
			// NX-OS resets a session whose remote AS, update source, password, local AS or
			// template changes (its own or its template's): the simulated remote side comes
			// back at once, so the reset shows only as a fresh lastFlapTs. A session whose
			// state comes from a live peer (SetPeerStateFunc) flaps when that peer says so.
			sig := sessionSig(peer, templates[peer.attrs["peerImp"]])
			sigKey := peerKey(vrf, addr)
			_, live := s.liveState(vrf, addr)
			if old, ok := s.sessionSigs[sigKey]; ok && old != sig && ent.attrs["operSt"] == Established && !live {
				ent.attrs["prevOperSt"] = "idle"
				ent.attrs["lastFlapTs"] = now.UTC().Format(flapLayout)
			}
			seen[sigKey] = true
			s.sessionSigs[sigKey] = sig
			ent.attrs["passwdSet"] = "disabled"
			if tmpl := templates[peer.attrs["peerImp"]]; peer.attrs["password"] != "" || tmpl != nil && tmpl.attrs["password"] != "" {
				ent.attrs["passwdSet"] = "enabled"
			}
			if src := peer.attrs["srcIf"]; src != "" && src != "unspecified" {
				ent.attrs["connIf"] = src
			}
			// One AF entry per configured AF, none for removed ones.
			want := map[string]bool{}
			for _, af := range peer.children() {
				if af.class.Name != "bgpPeerAf" {
					continue
				}
				typ := af.attrs["type"]
				afRN, _ := afClass.FormatRN(map[string]string{"type": typ})
				afKey, err := dme.RNKey(afRN)
				if err != nil {
					continue
				}
				want[afKey] = true
				if ent.child(afKey) == nil {
					n := newNode(afClass, afRN, map[string]string{"type": typ})
					n.attrs["acceptedPaths"], n.attrs["pfxSent"] = "0", "0"
					ent.add(afKey, n)
				}
			}
			for _, k := range append([]string(nil), ent.order...) {
				if !want[k] {
					ent.remove(k)
				}
			}
		}
	}
}

// sessionSig is what of a neighbor's settings and its template's a session depends on: a change
// of it resets the session on NX-OS.
func sessionSig(peer, tmpl *node) string {
	var b strings.Builder
	b.WriteString(peer.attrs["peerImp"])
	for _, n := range []*node{peer, tmpl} {
		if n == nil {
			continue
		}
		for _, a := range []string{"asn", "srcIf", "password"} {
			b.WriteString("|" + n.attrs[a])
		}
		for _, c := range n.children() {
			if c.class.Name == "bgpLocalAsn" {
				b.WriteString("|local-as " + c.attrs["localAsn"])
			}
		}
	}
	return b.String()
}
