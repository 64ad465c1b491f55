package nxos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// RenderOptions holds what rendering needs besides the intent.
type RenderOptions struct {
	// Password is the BGP password of the node sessions (design.Peering.PasswordSecret); zero =
	// none. It is rendered on the peer templates in Cisco type-7 form only ("password 7 …",
	// passwdType 7), never in clear text. Setting it for a design without a password secret is an
	// error; leaving it zero for a design with one renders no password, so the switch keeps the
	// one it has.
	Password design.Secret
}

// LeafConfig is the rendered configuration of one leaf: two DME trees rooted at topSystem, to be
// posted in order to /api/mo/sys.json.
type LeafConfig struct {
	Leaf     string
	Features *dme.Object // topSystem tree enabling features; POST /api/mo/sys.json before Config
	Config   *dme.Object // topSystem tree of the leaf's whole design; one POST /api/mo/sys.json
	// Names are the template, route-map and prefix-list names the design owns on the leaf,
	// rendered or not: planning prunes objects so named that Config no longer has (the IPv6
	// template after IPv6 left the design, say). Zero means only what Config names is owned.
	Names design.OwnedNames
	// NoPassword is true when the design names no BGP password (no peering.passwordSecret): its
	// templates carry none, and a plan made with ClearSecrets removes the one a switch may still
	// hold from an earlier design.
	NoPassword bool

	retire *retirement // set by RetireConfig
}

// Render renders every leaf of the intent, sorted by name. It is pure and deterministic: the same
// intent and options always give the same trees.
//
// The intent is checked first (design.Intent.Validate), and the options with it: an intent that
// cannot be rendered, or options that do not fit it, give design.Problems (design.AsProblems),
// every one at once, with paths in the intent's terms ("leaves[Leaf2101].routerID") or naming the
// option ("RenderOptions.Password").
func Render(in *design.Intent, opts RenderOptions) ([]*LeafConfig, error) {
	if in == nil {
		return nil, errors.New("nxos: Render: nil intent")
	}
	pw, err := check(in, opts)
	if err != nil {
		return nil, err
	}
	out := make([]*LeafConfig, len(in.Leaves))
	for i := range in.Leaves {
		out[i] = renderLeaf(&in.Fabric, &in.Leaves[i], pw)
	}
	slices.SortFunc(out, func(a, b *LeafConfig) int { return strings.Compare(a.Leaf, b.Leaf) })
	return out, nil
}

// RenderLeaf renders the leaf of the intent named leaf. The whole intent is checked, as by Render.
func RenderLeaf(in *design.Intent, leaf string, opts RenderOptions) (*LeafConfig, error) {
	if in == nil {
		return nil, errors.New("nxos: RenderLeaf: nil intent")
	}
	l := in.Leaf(leaf)
	if l == nil {
		return nil, fmt.Errorf("nxos: RenderLeaf: the intent has no leaf %q", leaf)
	}
	pw, err := check(in, opts)
	if err != nil {
		return nil, err
	}
	return renderLeaf(&in.Fabric, l, pw), nil
}

// passwordPath is the path of the password option in the problems Render reports.
const passwordPath = "RenderOptions.Password"

// check validates the intent and the options, and returns the type-7 password ("" for none) or
// the problems.
func check(in *design.Intent, opts RenderOptions) (string, error) {
	ps := in.Validate()
	var pw string
	if !opts.Password.IsZero() {
		switch why := passwordProblem(opts.Password.Reveal()); {
		case in.Cluster.PasswordSecret == nil:
			ps = append(ps, design.Problem{Path: passwordPath, Code: design.CodeInvalidValue,
				Message: "a password is set, but the design names no password secret (peering.passwordSecret)"})
		case why != "":
			// why names the bad character's position, never the password.
			ps = append(ps, design.Problem{Path: passwordPath, Code: design.CodeInvalidValue, Message: "the password " + why})
		default:
			var err error
			if pw, err = type7(opts.Password); err != nil {
				return "", err
			}
		}
	}
	return pw, ps.Err()
}

// JSON returns the indented POST body of Config.
func (c *LeafConfig) JSON() ([]byte, error) { return indentJSON(c.Config) }

// FeaturesJSON returns the indented POST body of Features.
func (c *LeafConfig) FeaturesJSON() ([]byte, error) { return indentJSON(c.Features) }

func indentJSON(o *dme.Object) ([]byte, error) {
	if o == nil {
		return nil, errors.New("nxos: no tree to marshal")
	}
	raw, err := o.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(raw) * 2)
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// renderLeaf builds both trees of one leaf of fabric f; pw is the type-7 password or "". The
// intent is valid (design.Intent.Validate).
func renderLeaf(f *design.FabricIntent, l *design.LeafIntent, pw string) *LeafConfig {
	r := leafRenderer{f: f, l: l, pw: pw, vrfDN: "sys/inst-" + f.VRF}
	sys := dme.New("topSystem")
	sys.Add(
		r.vrf(),
		r.policies(),
		r.interfaces(),
		r.ipv4(),
		r.ipv6(),
		r.icmpv4(),
		r.icmpv6(),
		r.anycastGateway(),
		r.nve(),
		r.bgp(),
	)
	noPassword := true
	for _, t := range l.Templates {
		noPassword = noPassword && !t.Password
	}
	return &LeafConfig{Leaf: l.Name, Features: features(), Config: sys, Names: f.Names.Clone(), NoPassword: noPassword}
}

// leafRenderer holds what every part of one leaf's tree needs.
type leafRenderer struct {
	f     *design.FabricIntent
	l     *design.LeafIntent
	pw    string // type-7 password, "" for none
	vrfDN string // sys/inst-<vrf>
}

func (r *leafRenderer) loopbackID() string { return "lo" + strconv.Itoa(r.l.Loopback.ID) }
func (r *leafRenderer) sviID() string      { return r.f.Gateway.VLAN.Interface() }

// afType is the DME address-family name of a family ("ipv4-ucast", "ipv6-ucast").
func afType(f addressing.Family) string {
	if f == addressing.IPv6 {
		return "ipv6-ucast"
	}
	return "ipv4-ucast"
}

// features is the tree that enables what the configuration needs: feature bgp, interface-vlan,
// nv overlay, nv overlay evpn and fabric forwarding.
func features() *dme.Object {
	on := func(class string) *dme.Object { return dme.New(class, "adminSt", "enabled") }
	return dme.New("topSystem").Add(
		dme.New("fmEntity").Add(
			on("fmBgp"),
			on("fmInterfaceVlan"),
			on("fmNvo"),
			on("fmEvpn"),
			on("fmHmm"),
		),
	)
}
