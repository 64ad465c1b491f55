// Package nxcalico connects Kubernetes clusters networked by Calico to Cisco NX-OS VXLAN EVPN
// fabrics over eBGP.
//
// The reference design it implements: every Calico node peers over eBGP with the vPC leaf pair it
// is attached to. The leaves peer from a loopback in the tenant VRF (update-source, ebgp-multihop),
// use one peer template per address family with as-override (all nodes share one AS), face the nodes
// with an anycast-gateway SVI, color their loopbacks with route targets when every pair reuses the
// same addresses, and advertise their physical IP into EVPN (advertise-pip). The nodes reach the
// leaf loopbacks through the anycast gateway, and Calico's BGPConfiguration, BGPPeers and IPPools
// announce the pod and service networks.
//
// The SDK is organised so that data flows one way:
//
//	design.Load / Go code ─► design.Design ─Validate─► design.Problems (all of them)
//	                               │ design.Derive (pure)
//	                               ▼
//	                         design.Intent ─► nxos.Render  ─► DME objects, NX-OS CLI ─► nxos.Client
//	                                       ├► calico.Render ─► projectcalico.org/v3 objects ─► calico.Client
//	                                       └► node.Patches, node.Script ─► Node labels, node routes ─► node.Client
//
// Package addressing holds the IP plan primitives, package design the typed model, its strict YAML
// form, cross-side validation and the derived intent; packages nxos, calico and node render and
// apply each side: the switches, Calico's objects, and the nodes themselves. Their test kits, nxos/nxostest (an NX-API REST simulator) and kit/calicotest (a real
// Kubernetes API server with Calico's CRDs, in-process), let programs that use the SDK be tested
// without a switch or a cluster.
package nxcalico
