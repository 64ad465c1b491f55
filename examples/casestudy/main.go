// Command casestudy runs nxcalico's main job on the reference design of Cisco's "NX-OS and Calico
// Network Design" white paper: validate the design and show what it means for every leaf and node.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/nxcalico/nxcalico/design"
)

func main() {
	os.Exit(run(os.Stdout, os.Stderr))
}

func run(stdout, stderr io.Writer) int {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		fmt.Fprintf(stderr, "casestudy: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "design: valid")
	for _, l := range in.Leaves {
		fmt.Fprintf(stdout, "leaf %-10s pair %-6s router-id %-10s loopback%d %s %s, %d neighbors\n",
			l.Name, l.Pair, l.RouterID, l.Loopback.ID, l.Loopback.IPv4, l.Loopback.IPv6, len(l.Neighbors))
	}
	for _, n := range in.Nodes {
		fmt.Fprintf(stdout, "node %-8s pair %-6s %d peers, %d routes\n", n.Name, n.Pair, len(n.Peers), len(n.Routes))
	}
	return 0
}
