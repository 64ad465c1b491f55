// Package dme models the NX-OS Data Management Engine as seen through NX-API
// REST: managed objects (Object) and their JSON form, GET answers and error
// bodies (Parse, Error), distinguished names that are compared by value, never
// as strings (DN), and a schema of the classes nxcalico configures or reads
// (Class, Lookup, Check).
//
// # Schema and device model
//
// The schema table (Classes) holds rn formats, naming properties, parents,
// properties with their kinds, enumerations, ranges and defaults. It was encoded
// from the Cisco Terraform NX-OS provider's class definitions and is kept in
// agreement with Cisco's native NX-OS device YANG model (DeviceModel), which is
// the DME written as YANG: the facts that model states about every class of the
// table — properties, their types, enumeration values, integer ranges, defaults,
// read-only flags, and the classes that may contain each class with their list
// keys — are generated into this package (ModelLookup) by the yangfacts tool in
// internal/yangfacts, and a test fails when the table and the model disagree.
//
// Verified against the device model: every class of the table, every property
// (configurable, or read-only for the operational classes bgpPeerEntry and
// bgpPeerAfEntry), every enumeration value, every integer range, every default
// the model states, every parent/child pair, the rn prefix of every class and
// the naming properties of every class kept in a list. Not in the model, so
// taken from the provider or not known: the rn formats beyond their prefix (e.g.
// "interleak-%s-interleak-%s"; rtextcomItem's "item-[%s]-[%s]" is a guess and
// the class stays Unverified), the values of flag lists such as bgpPeerAf.ctrl,
// which the model types as plain strings, and properties of releases after
// 9.3(2), which the table leaves out.
//
// Check validates a tree before it is posted, returning every violation as a
// *SchemaError; a property the table leaves out is judged by the device model.
// CheckModel validates against the device model alone. SchemaError.DeviceError
// words a violation as a switch answers it, so a client or the simulator in
// package nxostest can refuse a request as a whole.
//
// The package is pure: no I/O, no clocks, standard library only.
package dme
