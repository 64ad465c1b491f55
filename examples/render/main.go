// Command render turns a design into the files engineers review and tools post:
//
//	go run ./examples/render -design FILE -out DIR
//
// writes, per leaf, DIR/nxos/<leaf>.features.json (POST /api/mo/sys.json first),
// DIR/nxos/<leaf>.json (POST /api/mo/sys.json: the leaf's whole configuration) and
// DIR/nxos/<leaf>.cli (the same as NX-OS running-config text); DIR/calico/calico.yaml (the
// Calico resources, for kubectl apply -f); DIR/nodes/<node>.sh (each node's routes to its leaf
// loopbacks); and DIR/topology.mmd (a Mermaid picture of the design). Without -design it renders
// the reference design (design.CaseStudy). An invalid design prints its problems, one
// "path: code: message" per line, on stderr, exits 1 and writes nothing.
//
// The BGP password is never an input of this command: a design that names a password secret is
// rendered without the password line (the switch keeps the password it has).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command with its arguments and output streams; it returns the exit code: 0 done,
// 1 the design is invalid or a file could not be read or written, 2 wrong usage.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	designPath := fs.String("design", "", "design file (YAML); default: the reference design of the white paper")
	outDir := fs.String("out", "", "folder to write the artifacts to (required)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: render [-design FILE] -out DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *outDir == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}

	d := design.CaseStudy()
	if *designPath != "" {
		var err error
		if d, err = design.LoadFile(*designPath); err != nil {
			return fail(stderr, err)
		}
	}
	in, err := design.Derive(d)
	if err != nil {
		return fail(stderr, err)
	}
	files, err := nxcalico.Artifacts(in, nxos.RenderOptions{})
	if err != nil {
		return fail(stderr, err)
	}
	if err := nxcalico.WriteArtifacts(*outDir, files); err != nil {
		return fail(stderr, err)
	}
	if in.Cluster.PasswordSecret != nil {
		fmt.Fprintf(stderr, "render: note: the design names the BGP password secret %s; the files carry no password\n", in.Cluster.PasswordSecret)
	}
	for _, f := range files {
		fmt.Fprintln(stdout, filepath.Join(*outDir, f.Path))
	}
	return 0
}

// fail prints err on stderr — design problems one "path: code: message" per line — and returns 1.
func fail(stderr io.Writer, err error) int {
	if ps, ok := design.AsProblems(err); ok {
		for _, p := range ps {
			fmt.Fprintln(stderr, p.Error())
		}
		return 1
	}
	fmt.Fprintf(stderr, "render: %v\n", err)
	return 1
}
