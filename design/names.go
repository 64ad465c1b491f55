package design

import (
	"strconv"

	"github.com/nxcalico/nxcalico/internal/k8sname"
)

// Length limits of the names a design gives to NX-OS objects and to Linux interfaces.
const (
	maxVRFNameLen        = 32 // vrf context <name>
	maxNXOSNameLen       = 63 // template peer, route-map, ip prefix-list
	maxLeafNameLen       = 63 // a switch host name
	maxInterfaceNameLen  = 15 // Linux IFNAMSIZ less the terminating NUL
	nxosNameCharsMessage = "letters, digits and - _ . : only"
)

// The checks below return "" for a valid name, or why it is invalid, quoting the offending
// character.

// checkNXOSName checks a name NX-OS stores in a DN (VRF, template, route-map, prefix-list): 1 to
// max characters of letters, digits and - _ . : (no space, slash or bracket, which would break the
// DN or the CLI).
func checkNXOSName(s string, maxLen int) string {
	if r := k8sname.Length(s, maxLen); r != "" {
		return r
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '-' && c != '_' && c != '.' && c != ':' {
			return k8sname.BadChar(s, i) + " (" + nxosNameCharsMessage + ")"
		}
	}
	return ""
}

// checkLeafName checks a switch name: 1–63 characters of letters, digits, '.', '_' and '-'.
func checkLeafName(s string) string {
	if r := k8sname.Length(s, maxLeafNameLen); r != "" {
		return r
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return k8sname.BadChar(s, i) + " (letters, digits and - _ . only)"
		}
	}
	return ""
}

// checkDNSLabel checks an RFC 1123 label as Kubernetes wants it for label values and object names:
// 1–63 lower-case letters, digits and '-', starting and ending with a letter or digit.
func checkDNSLabel(s string) string { return k8sname.Label(s) }

// checkDNSSubdomain checks an RFC 1123 subdomain as Kubernetes wants it for most object names:
// at most 253 characters, dot-separated labels of lower-case letters, digits and '-'.
func checkDNSSubdomain(s string) string { return k8sname.Subdomain(s) }

func checkSecretKey(s string) string { return k8sname.SecretKey(s) }

// checkInterfaceName checks a Linux interface name: 1–15 bytes, not "." or "..", no '/', ':',
// white space or control character.
func checkInterfaceName(s string) string {
	if r := k8sname.Length(s, maxInterfaceNameLen); r != "" {
		return r
	}
	if s == "." || s == ".." {
		return "is " + strconv.Quote(s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == '/' || c == ':' || c >= 0x7f {
			return k8sname.BadChar(s, i) + " (no '/', ':', space or control character)"
		}
	}
	return ""
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
