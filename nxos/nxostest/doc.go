// Package nxostest is an in-process NX-API REST simulator of an NX-OS switch,
// for testing code that configures switches without one, the way
// net/http/httptest serves HTTP code. It has no dependency on package testing,
// so tools and demos can run it too.
//
// One Server is one switch holding one DME tree. It implements the parts of
// NX-API REST that nxcalico relies on:
//
//   - sessions: POST /api/aaaLogin.json (also /api/mo/aaaLogin.json) returns a
//     token and the APIC-cookie session cookie; GET /api/aaaRefresh.json renews
//     it; POST /api/aaaLogout.json ends it. Every other request needs a valid,
//     unexpired cookie (403 with an NX-OS error body otherwise).
//   - POST /api/mo/<dn>.json merges the body into the tree: objects are created
//     if absent, only the properties sent change, unmentioned children stay;
//     status "deleted" and "replaced" are honoured; defaults are filled from
//     the dme schema; write-only properties (password) read back as "". The
//     empty password is "no password", as on NX-OS: the stored password goes
//     and passwdType returns to its default. The
//     whole body is checked with dme.Check first and applied all-or-nothing:
//     what Cisco's NX-OS device model (dme.DeviceModel) does not have is
//     refused with one error, as a switch answers — an unknown class with
//     code 17 "Unknown class <class>"; an unknown or read-only property, a
//     value outside the enumeration, a non-number, an integer out of range or
//     a child under the wrong parent with code 400 and the offending DN (see
//     dme.SchemaError.DeviceError for the texts). A missing parent of the URL
//     DN answers code 102.
//   - DELETE /api/mo/<dn>.json removes a subtree.
//   - GET /api/mo/<dn>.json and GET /api/class/<class>.json with query-target,
//     target-subtree-class, rsp-subtree, rsp-subtree-class, rsp-prop-include and
//     query-target-filter (eq, ne, lt, gt, le, ge, bw, wcard, and, or, not);
//     an unknown class answers code 17.
//   - the /api/node/mo/… and /api/node/class/… spellings of the same URLs.
//
// Each configured bgpPeer gets an operational bgpPeerEntry (operSt "idle";
// passwdSet "enabled" when the neighbor or the template it inherits holds a
// password) whose state tests drive with SetPeerState and SetPeersAlive.
// Faults (latency, failing or reset requests, token expiry, slow bodies, a hook
// before each request) are injected at run time; Requests records what the server saw, and
// Get, Load and Dump read and preload state directly.
//
// A freshly started Server holds topSystem with the containers a booted switch
// has: sys/fm, sys/intf, sys/rpm, sys/inst-default, sys/inst-management,
// sys/ipv4/inst/dom-default, sys/ipv6/inst/dom-default, sys/icmpv4/inst and
// sys/icmpv6/inst. Not simulated: feature gating (refusing BGP objects while
// fmBgp is disabled), rsp-subtree-include, PUT (answered 400) and NX-API CLI
// (/ins). Answers spell RNs in the provider's rn formats
// (e.g. "af-[ipv4-ucast]"); clients must compare DNs with dme.DN.Equal.
package nxostest
