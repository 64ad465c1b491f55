// Command apply brings real NX-OS leaves and a real Kubernetes cluster running Calico to one
// nxcalico design, in a safe order, and proves that the eBGP sessions come up on both ends:
//
//	NXOS_USERNAME=admin NXOS_PASSWORD=… go run ./examples/apply -design FILE [flags]
//
// It loads and validates the design, connects to every leaf (NX-API REST) and to the cluster,
// prints the joint plan, applies it — Calico removals first, then the leaves, then the Node labels,
// then the Calico additions, so no node ever peers with a leaf that does not expect it — and waits
// until every session the design expects is established on the leaf and in Calico's
// CalicoNodeStatus, then prints one table of them. With -plan it stops after printing the plan.
//
// testdata/casestudy.yaml is a design file for it: the reference design with each leaf's
// management URL and a password Secret.
//
// Switches: each leaf's NX-API URL comes from its management field in the design; -switch
// NAME=URL (repeatable) adds or overrides one. Every leaf must end up with a URL. A leaf that has
// left the design is listed in the design's fabric.retiredLeaves and given with -switch too:
// apply removes what the design configured there for the node sessions (its neighbors, templates,
// route filters and coloring) after Calico stopped peering with it, and -plan shows that leaf's
// plan with the others. A -switch naming neither a leaf nor a retired leaf is refused. The switch
// credentials come only from the environment variables NXOS_USERNAME and NXOS_PASSWORD (there
// are no flags for them, so they never appear in a process listing), and are never printed. TLS
// certificates are verified against the system roots; -ca FILE adds a PEM bundle for switches
// with certificates of a private CA, and -insecure turns verification off (with a warning).
//
// Cluster: the kubeconfig is found by client-go's standard loading rules — -kubeconfig FILE, else
// the KUBECONFIG variable, else ~/.kube/config — and in a pod with none of these, the in-cluster
// service account is used; -context picks a kubeconfig context. When the design names
// peering.passwordSecret, the BGP password is read once from that Secret and reaches the leaves
// only inside their configuration and Calico only through the BGPPeers' secretKeyRef; it is never
// printed. The Nodes of the design receive the labels and annotations the per-pair BGPPeers select
// on; -label-nodes=false leaves Nodes alone for clusters where something else manages them.
// Verification creates Calico's CalicoNodeStatus objects for the design's nodes if they are
// missing.
//
// Exit status:
//
//	0  success: applied and verified, or -plan found nothing to change
//	1  failure: a switch or the cluster refused or could not be reached, or sessions did not come
//	   up within -wait; what had been changed is printed
//	2  usage or configuration error: bad flags, missing credentials, a leaf or retired leaf without URL, an
//	   unreadable CA file or kubeconfig, or an invalid design (its problems are printed on standard
//	   error, one "path: code: message" per line); nothing was contacted
//	3  -plan found changes pending
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitPending = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is the command: args are the flags, getenv reads the environment (credentials and
// KUBECONFIG). It returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c := &command{getenv: getenv, stdout: stdout, stderr: stderr, coreClient: newCoreClient}
	return c.run(ctx, args)
}

// newCoreClient returns the Kubernetes core client for Nodes and Secrets.
func newCoreClient(cfg *rest.Config) (kubernetes.Interface, error) {
	return kubernetes.NewForConfig(cfg)
}

// command is one run of the command and what it talks to.
type command struct {
	getenv         func(string) string
	stdout, stderr io.Writer
	// coreClient builds the client of Nodes and Secrets from the cluster's configuration.
	coreClient func(*rest.Config) (kubernetes.Interface, error)
}
