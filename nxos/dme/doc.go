// Package dme models the NX-OS Data Management Engine as seen through NX-API
// REST: managed objects (Object) and their JSON form, GET answers and error
// bodies (Parse, Error), distinguished names that are compared by value, never
// as strings (DN), and a schema of the classes nxcalico configures or reads
// (Class, Lookup, Check).
//
// The schema is encoded from the Cisco Terraform NX-OS provider definitions
// (attributes, enums, ranges, rn formats, parents; defaults from the older
// per-class files) plus the operational classes bgpPeerEntry/bgpPeerAfEntry and
// the route-map extended-community classes, which carry Confidence Unverified.
// Check validates a tree before it is posted, returning every violation, so a
// client or the simulator in package nxostest can refuse a request as a whole.
//
// The package is pure: no I/O, no clocks, standard library only.
package dme
