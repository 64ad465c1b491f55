// Package addressing holds the IP plan primitives of nxcalico: address
// families, dual-stack pairs, strict parsers, deterministic address pools,
// overlap detection, coverage sets and route summarisation.
//
// Everything is built on [net/netip] values and [go4.org/netipx]; the
// package knows nothing about BGP, NX-OS or Calico. As in net/netip, the
// zero value of every type means "unset" or "invalid", values are
// comparable and immutable where they can be, parse errors quote their
// input, and each ParseX has a MustParseX for tests and literals.
//
// # Parsing
//
// [ParsePrefix] accepts only network prefixes (no host bits, no zones, no
// IPv4-mapped IPv6 forms), so "10.0.0.1/8" is an error that names the prefix
// the writer probably meant. [ParseInterfacePrefix] is for the places where
// the host bits are the point: an SVI address such as 192.168.1.1/24 or a
// loopback such as 192.168.100.1/32. [ParseAddr] accepts a plain address.
//
// # Dual stack
//
// [AddrPair] and [PrefixPair] carry an IPv4 and an IPv6 member, either of
// which may be unset; [Families] lists the families in their canonical
// order.
//
// # Pools, overlaps, coverage, summaries
//
// A [Pool] hands out the lowest free host address or aligned subnet of a
// prefix, so a plan allocated from the same inputs is always the same plan.
// [FindOverlaps] reports every pair of overlapping named prefixes in
// O(n log n + k). A [RouteSet] answers "is this address routed?", and
// [Summarize] turns a list of prefixes into the shortest list that covers
// exactly the same addresses.
package addressing
