package nxcalico_test

import (
	"fmt"
	"log"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
)

// Render every file of the reference design: what `go run ./examples/render -out DIR` writes.
func ExampleArtifacts() {
	in, err := design.Derive(design.CaseStudy())
	if err != nil {
		log.Fatal(err)
	}
	arts, err := nxcalico.Artifacts(in, nxos.RenderOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range arts {
		fmt.Println(a.Path)
	}
	// Output:
	// nxos/Leaf2101.features.json
	// nxos/Leaf2101.json
	// nxos/Leaf2101.cli
	// nxos/Leaf2102.features.json
	// nxos/Leaf2102.json
	// nxos/Leaf2102.cli
	// calico/calico.yaml
	// nodes/master.sh
	// nodes/node01.sh
	// nodes/node02.sh
	// topology.mmd
}
