package frr

import (
	"net/netip"
	"slices"
	"strings"
)

// Config is the FRR configuration of one leaf, as Translate built it from the leaf's DME tree.
type Config struct {
	text      string
	secrets   []string // clear passwords in text, for Redacted
	unmapped  []string
	loopbacks []netip.Prefix
	asn       uint32
	vrf       string
	hostname  string
}

// String returns the frr.conf text (integrated configuration for zebra and bgpd).
//
// It holds BGP passwords in clear text when the tree has any (FRR has no obfuscated form): write
// it only to a file of mode 0600 in a directory of mode 0700 that is removed after the run, and
// never log it; use Redacted for messages.
func (c *Config) String() string { return c.text }

// Redacted returns the frr.conf text with every password replaced by "<redacted>", for logs,
// golden files and error messages.
func (c *Config) Redacted() string { return redact(c.text, c.secrets) }

// HasSecrets reports whether String holds a password.
func (c *Config) HasSecrets() bool { return len(c.secrets) > 0 }

// Unmapped returns one plain sentence per item of the DME tree that has no FRR equivalent in the
// twin (the SVI, VXLAN, EVPN, ICMP redirects, route tags, …), sorted.
func (c *Config) Unmapped() []string { return slices.Clone(c.unmapped) }

// Loopbacks returns the addresses of the tenant VRF's loopback interfaces in the tree (the
// peering loopbacks), sorted. FRR does not configure them: the lab puts them on "lo" of the
// leaf's namespace; the configuration originates them through the tree's network statements.
func (c *Config) Loopbacks() []netip.Prefix { return slices.Clone(c.loopbacks) }

// ASN returns the leaf's BGP AS (router bgp <ASN>), 0 when the tree has no BGP instance.
func (c *Config) ASN() uint32 { return c.asn }

// VRF returns the name of the NX-OS tenant VRF the configuration models as the namespace's main
// table, "" when the tree has none.
func (c *Config) VRF() string { return c.vrf }

// Hostname returns the configured hostname.
func (c *Config) Hostname() string { return c.hostname }

// redactedMark replaces a secret in Redacted and in error messages.
const redactedMark = "<redacted>"

// redact replaces every secret in s.
func redact(s string, secrets []string) string {
	for _, p := range secrets {
		if p != "" {
			s = strings.ReplaceAll(s, p, redactedMark)
		}
	}
	return s
}
