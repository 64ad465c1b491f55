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
func Render(in *design.Intent, opts RenderOptions) ([]*LeafConfig, error) {
	if in == nil {
		return nil, errors.New("nxos: Render: nil intent")
	}
	if !opts.Password.IsZero() && in.Cluster.PasswordSecret == nil {
		return nil, errors.New("nxos: Render: RenderOptions.Password is set but the design names no peering.passwordSecret")
	}
	pw, err := encodePassword(opts)
	if err != nil {
		return nil, err
	}
	if err := checkFabric(&in.Fabric); err != nil {
		return nil, err
	}
	out := make([]*LeafConfig, 0, len(in.Leaves))
	var errs []error
	for i := range in.Leaves {
		c, err := renderLeaf(&in.Fabric, &in.Leaves[i], pw, !opts.Password.IsZero())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, c)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(out, func(a, b *LeafConfig) int { return strings.Compare(a.Leaf, b.Leaf) })
	for i := 1; i < len(out); i++ {
		if out[i-1].Leaf == out[i].Leaf {
			return nil, fmt.Errorf("nxos: Render: two leaves named %q", out[i].Leaf)
		}
	}
	return out, nil
}

// RenderLeaf renders the leaf of the intent named leaf.
func RenderLeaf(in *design.Intent, leaf string, opts RenderOptions) (*LeafConfig, error) {
	if in == nil {
		return nil, errors.New("nxos: RenderLeaf: nil intent")
	}
	l := in.Leaf(leaf)
	if l == nil {
		return nil, fmt.Errorf("nxos: RenderLeaf: the intent has no leaf %q", leaf)
	}
	if !opts.Password.IsZero() && in.Cluster.PasswordSecret == nil {
		return nil, errors.New("nxos: RenderLeaf: RenderOptions.Password is set but the design names no peering.passwordSecret")
	}
	if err := checkFabric(&in.Fabric); err != nil {
		return nil, err
	}
	pw, err := encodePassword(opts)
	if err != nil {
		return nil, err
	}
	return renderLeaf(&in.Fabric, l, pw, !opts.Password.IsZero())
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

func encodePassword(opts RenderOptions) (string, error) {
	if opts.Password.IsZero() {
		return "", nil
	}
	return type7(opts.Password)
}

// renderLeaf builds both trees of one leaf of fabric f; pw is the type-7 password or "".
func renderLeaf(f *design.FabricIntent, l *design.LeafIntent, pw string, havePassword bool) (*LeafConfig, error) {
	if err := checkLeaf(l, havePassword); err != nil {
		return nil, err
	}
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
	return &LeafConfig{Leaf: l.Name, Features: features(), Config: sys, Names: f.Names.Clone(), NoPassword: noPassword}, nil
}

// checkLeaf rejects an intent that cannot be rendered, naming the leaf and the field.
func checkLeaf(l *design.LeafIntent, havePassword bool) error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("nxos: leaf %q: %s: %s", l.Name, field, fmt.Sprintf(format, args...)))
	}
	if l.Name == "" {
		bad("Name", "empty")
	}
	if !l.RouterID.Is4() {
		bad("RouterID", "%q is not an IPv4 address", l.RouterID)
	}
	if !l.Loopback.IPv4.IsValid() && !l.Loopback.IPv6.IsValid() {
		bad("Loopback", "loopback%d has no address", l.Loopback.ID)
	}
	if l.Loopback.ID < 0 || l.Loopback.ID > 1023 {
		bad("Loopback.ID", "%d is outside 0–1023", l.Loopback.ID)
	}
	for _, t := range l.Templates {
		// A template with a password but no RenderOptions.Password is rendered without one: the
		// switch keeps the password it has.
		if havePassword && !t.Password {
			bad("Templates", "RenderOptions.Password is set but template %q has no password (the design names no peering.passwordSecret)", t.Name)
		}
	}
	checkSafety(l, bad)
	for _, n := range l.Neighbors {
		if l.Template(n.Family) == nil {
			bad("Neighbors", "neighbor %s inherits %q, but the leaf has no %s template", n.Addr, n.Template, n.Family)
		}
	}
	return errors.Join(errs...)
}

// checkFabric rejects fabric facts that cannot be rendered, naming the field.
func checkFabric(f *design.FabricIntent) error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("nxos: fabric: %s: %s", field, fmt.Sprintf(format, args...)))
	}
	if f.VRF == "" {
		bad("VRF", "empty")
	}
	if !f.ASN.Valid() {
		bad("ASN", "invalid AS %s", f.ASN)
	}
	if !f.Gateway.VLAN.Valid() {
		bad("Gateway.VLAN", "invalid VLAN %s", f.Gateway.VLAN)
	}
	if gr := f.GracefulRestart; gr != nil {
		if gr.RestartTime < 0 || gr.RestartTime > 3600 {
			bad("GracefulRestart.RestartTime", "%d is outside 1–3600", gr.RestartTime)
		}
		if gr.StalePathTime < 0 || gr.StalePathTime > 3600 {
			bad("GracefulRestart.StalePathTime", "%d is outside 1–3600", gr.StalePathTime)
		}
	}
	return errors.Join(errs...)
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
