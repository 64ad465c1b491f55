// Command nodewatch keeps NX-OS leaves and Calico in step with the Kubernetes Nodes of a cluster:
// when a Node labelled with its rack joins, leaves or changes address, it recomputes the design's
// node list and plans and applies only the leaf pair(s) concerned, and the Calico objects and
// Node annotations if they change.
//
//	NXOS_USERNAME=admin NXOS_PASSWORD=… nodewatch [-design FILE] [-switch NAME=URL]… [-ca FILE]
//	    [-insecure] [-kubeconfig FILE] [-lease-namespace NS] [-lease-name NAME] [-id ID]
//	    [-resync 10m] [-debounce 1s] [-http-addr :8080] [-config-retry 30s] [-verify=true]
//	    [-calico-group GROUP] [-lease-duration 15s] [-lease-renew-deadline 10s]
//	    [-lease-retry-period 2s] [-v]
//
// # The design
//
// -design names the base design (default: the case study, design.CaseStudy): fabric, cluster
// settings, pools and peering. Its cluster.nodes list is ignored and replaced by the Kubernetes
// Nodes that carry the label nxcalico.io/leaf-pair=<pair> (node.LeafPairLabel):
//
//   - a labelled Node becomes a design node of the pair its label names; Nodes without the label
//     are ignored;
//   - its address of each family is the first InternalIP in status.addresses that lies inside
//     the anycast gateway's subnet of that family (fabric.anycastGateway.ipv4/ipv6, e.g.
//     192.168.1.0/24 and 2001:192:168:1::/64). ExternalIPs, host names and InternalIPs outside
//     the subnets are not addresses a leaf reaches over the gateway SVI and are ignored;
//   - a labelled Node with no such InternalIP yet is skipped (problem code no-address);
//   - a labelled Node the design's validation rejects (a label naming an unknown pair, an address
//     on the gateway or already another node's, …) is skipped with the validation's problem code;
//     of two Nodes with one address, the one later by name is skipped.
//
// A skipped Node is reported once per problem (a Warning Event NodeSkipped on the Node, a log
// record, nodewatch_nodes_skipped{code}); every other Node and pair is still reconciled, and the
// Node is taken back (Event NodeAccepted) in the first pass after it is fixed. Only a problem no
// Node is to blame for makes the design unusable: then no pass applies anything until it is fixed
// (Event DesignUnusable on the Lease, nodewatch_design_unusable).
//
// # Reconciliation
//
// The leader runs a client-go shared informer on Nodes filtered by the label's existence. Every
// event that changes a Node's pair or addresses (not heartbeats, and not the annotations
// nodewatch writes itself) adds the one work item to a rate-limited workqueue after -debounce,
// so a burst of events coalesces into one pass. A pass derives the design from the informer's
// cache and compares, pair by pair, the pair's node list (names and addresses) with the list of
// the last pass that succeeded. The affected pairs are those whose list differs — a node joined,
// left, moved to another pair or changed an address (a move affects both pairs; the node was
// recabled before its label changed, so the Syncer is allowed the outage it would refuse a
// planned change, nxcalico.Syncer.AllowOutage). Only their
// leaves are planned and applied: the Syncer is given an intent scoped to those leaves and only
// their clients, so the other leaves receive no request at all. Only their Nodes' labels and
// annotations are planned, from the informer's cache (nxcalico.Syncer.NodePairs). The Calico
// objects do not depend on which nodes a pair has: they are planned (a list per kind) only when
// the objects the design renders differ from those the last pass that planned them left
// (otherwise nxcalico.Syncer.CalicoInStep). A pass for one changed node of a 500-pair,
// 20,000-node cluster takes about 190 ms of CPU (BenchmarkPassOneNodeChanged). A failed pass is
// retried with the queue's exponential backoff (5 ms doubling to 1000
// s, overall 10 per second); what it had not brought in step is planned again.
//
// The first pass after becoming leader plans every pair, every Node and the Calico objects (a
// new leader knows nothing of what the last one did), and so does every -resync period, which
// corrects drift on the switches, in Calico's objects and on the Nodes. These
// passes also clean the leaves the design lists in fabric.retiredLeaves (see below).
//
// A Node that leaves the design — it loses the rack label, or its label or addresses are now
// rejected — stops peering: its pair's leaves drop its neighbors, nxcalico never labels it again,
// so no per-pair BGPPeer selects it, and after the pass has applied, the Calico address
// annotations nxcalico set on it (projectcalico.org/IPv4Address and IPv6Address) are removed,
// each only while it still holds the value nxcalico set (Event NodeCleared). The rack label is
// nodewatch's input and is never removed by it. A Node that leaves while no leader runs keeps its
// annotations.
//
// # Replicas and shutdown
//
// Replicas campaign for the coordination.k8s.io Lease -lease-namespace/-lease-name (default
// namespace: the kubeconfig context's, or the pod's in a cluster) under -id (default: the host
// name); only the leader watches and reconciles. On SIGTERM or SIGINT the leader stops taking
// work, lets a running pass end (its requests see the cancelled context), shuts the queue and
// the informer down, and only then releases the Lease, so another replica takes over at once.
//
// # Switches and credentials
//
// Every leaf needs an NX-API URL: the design's leaf management field, or -switch NAME=URL. A
// leaf that has left the design is listed in the design's fabric.retiredLeaves and needs
// -switch NAME=URL too; a -switch naming neither a leaf nor a retired leaf is refused. The
// credentials come from NXOS_USERNAME and NXOS_PASSWORD, never from flags. TLS is verified with
// the system pool or -ca; -insecure turns verification off explicitly. Kubernetes is reached by
// client-go's standard loading rules (-kubeconfig, $KUBECONFIG, ~/.kube/config, in-cluster).
// When the design names a BGP password secret it is read from that Secret once.
//
// Logs are structured (log/slog text) on stderr and never show a password.
//
// # Metrics, health and Events
//
// With -http-addr, nodewatch serves Prometheus metrics on /metrics (passes by result, pass
// duration, switches planned/applied/failed, objects changed per side, sessions per pair from
// the verification after each applying pass, skipped Nodes by problem code, leader status, Node
// lists/watches/expired watches, client-go's workqueue metrics), /healthz (fails only when the
// leader's Node informer has stopped) and /readyz (the configuration is loaded and, on the
// leader, the Node cache synced; a standby is ready). Every applied change is an Event: on the
// Nodes whose change caused it, or on the Lease for rack-wide passes; configuration errors are
// Events on the Pod named by POD_NAME and POD_NAMESPACE. No metric or Event holds a secret.
//
// With -http-addr a configuration that cannot be loaded (a design file that does not parse or is
// missing, missing credentials, …) does not end the process: it logs the error, sets
// nodewatch_config_error{reason}, reports /readyz not ready with the reason and tries again every
// -config-retry. Failing passes (a switch refusing the credentials, a missing BGP password
// Secret, a request the API server denies) are logged, counted in nodewatch_pass_errors_total
// by kind, reported on the Lease and retried with backoff; the process stays ready.
//
// # Exit status
//
//	0  stopped by SIGTERM or SIGINT after a clean shutdown (or -h)
//	1  failed while running: the Lease was lost, or the Node informer did not start
//	2  wrong usage, or (without -http-addr) a configuration that cannot be loaded (design,
//	   credentials, URLs, CA file, kubeconfig); nothing was started
package main
