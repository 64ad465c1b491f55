package main

import (
	"context"
	"fmt"
	"os"
)

// The switch credentials come only from the environment; without them the command stops before
// contacting anything, with exit status 2.
func Example_missingCredentials() {
	env := map[string]string{"NXOS_USERNAME": "admin"}
	code := run(context.Background(), []string{"-design", "testdata/casestudy.yaml"},
		func(k string) string { return env[k] }, os.Stdout, os.Stdout)
	fmt.Println("exit", code)
	// Output:
	// apply: set NXOS_PASSWORD: the switch credentials come only from the environment variables NXOS_USERNAME and NXOS_PASSWORD
	// exit 2
}

// A leaf whose design has no management URL needs -switch NAME=URL; -switch also overrides the
// design's URL, here to reach Leaf2102 through a port forward.
func Example_switchURLs() {
	env := map[string]string{"NXOS_USERNAME": "admin", "NXOS_PASSWORD": "secret"}
	code := run(context.Background(), []string{"-design", "testdata/casestudy.yaml",
		"-switch", "Leaf2102=https://127.0.0.1:8443", "-switch", "Leaf2103=https://10.0.0.23"},
		func(k string) string { return env[k] }, os.Stdout, os.Stdout)
	fmt.Println("exit", code)
	// Output:
	// apply: -switch Leaf2103: "Leaf2103" is not a leaf of the design (leaves: Leaf2101, Leaf2102)
	// exit 2
}

// -h prints the usage.
func Example_help() {
	code := run(context.Background(), []string{"-h"}, func(string) string { return "" }, os.Stdout, os.Stdout)
	fmt.Println("exit", code)
	// Output:
	// usage: NXOS_USERNAME=… NXOS_PASSWORD=… apply -design FILE [flags]
	//
	// Brings the design's NX-OS leaves and the Kubernetes cluster's Calico to the design, making
	// before breaking: everything the design adds (leaves before Calico peers) before anything it
	// drops (Calico before leaves), the leaves of a pair one at a time when the change resets
	// sessions, then waits until every eBGP session is established on both ends.
	//
	// Switch credentials come only from NXOS_USERNAME and NXOS_PASSWORD. The kubeconfig is found
	// by client-go's rules (-kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster).
	//
	// Flags:
	//   -all-or-nothing
	//     	restore the switches already changed when another switch fails
	//   -allow-outage
	//     	apply a change that leaves nodes without a session while it runs (a node moving to another pair, both leaves of a pair replaced at once)
	//   -ca FILE
	//     	also trust the CA certificates in this PEM FILE for the switches
	//   -concurrency int
	//     	switches planned or applied at once (default 16)
	//   -context NAME
	//     	kubeconfig context NAME (default: the current context)
	//   -design FILE
	//     	the design FILE (YAML); required
	//   -handover duration
	//     	make before break: wait up to this long for the design's sessions before removing what it drops, and change the leaves of a pair one at a time when the plan resets sessions; 0 removes at once (default 1m0s)
	//   -insecure
	//     	do not verify the switches' TLS certificates (unsafe)
	//   -kubeconfig FILE
	//     	kubeconfig FILE (default: KUBECONFIG, else ~/.kube/config, else in-cluster)
	//   -label-nodes
	//     	label and annotate the design's Nodes; false when something else manages Nodes (default true)
	//   -plan
	//     	print the plan and stop; exit 3 when it changes something
	//   -rotate-password
	//     	send the BGP password to the switches even where they have one (after the Secret changed)
	//   -switch NAME=URL
	//     	leaf NAME's NX-API URL as NAME=URL (repeatable); overrides the design's management field; required for each retired leaf
	//   -timeout duration
	//     	give up planning and applying after this long (default 5m0s)
	//   -v	print every object of the plan
	//   -wait duration
	//     	how long to wait for every session to be established; 0 skips verification (default 2m0s)
	//
	// Exit status: 0 success (or -plan found nothing to change), 1 failure (what was changed is
	// printed), 2 usage or configuration error (nothing was contacted), 3 -plan found changes pending.
	// exit 0
}
