package nxcalico

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/node"
	"github.com/nxcalico/nxcalico/nxos"
)

// Artifact is one rendered file, its path relative to an output folder.
type Artifact struct {
	Path string
	Data []byte
}

// Artifacts renders every file of a design that engineers review and tools apply:
//
//	nxos/<leaf>.features.json  POST /api/mo/sys.json first: the features the design needs
//	nxos/<leaf>.json           POST /api/mo/sys.json: the leaf's whole configuration
//	nxos/<leaf>.cli            the same as NX-OS running-config text
//	calico/calico.yaml         BGPConfiguration, IPPools, BGPFilters, BGPPeers (kubectl apply -f)
//	nodes/<node>.sh            the node's routes to its leaf loopbacks (idempotent ip route replace)
//	topology.mmd               a Mermaid picture of pairs, leaves, nodes and sessions
//
// It is pure: nothing is written. opts.Password, when set, appears only in its type-7 form.
func Artifacts(in *design.Intent, opts nxos.RenderOptions) ([]Artifact, error) {
	leaves, err := nxos.Render(in, opts)
	if err != nil {
		return nil, err
	}
	var out []Artifact
	for _, c := range leaves {
		if err := fileName("leaf", c.Leaf); err != nil {
			return nil, err
		}
		feat, err := c.FeaturesJSON()
		if err != nil {
			return nil, fmt.Errorf("leaf %s: %w", c.Leaf, err)
		}
		cfg, err := c.JSON()
		if err != nil {
			return nil, fmt.Errorf("leaf %s: %w", c.Leaf, err)
		}
		out = append(out,
			Artifact{filepath.Join("nxos", c.Leaf+".features.json"), feat},
			Artifact{filepath.Join("nxos", c.Leaf+".json"), cfg},
			Artifact{filepath.Join("nxos", c.Leaf+".cli"), []byte(c.CLI())},
		)
	}
	objs, err := calico.Render(in)
	if err != nil {
		return nil, err
	}
	y, err := objs.YAML()
	if err != nil {
		return nil, err
	}
	out = append(out, Artifact{filepath.Join("calico", "calico.yaml"), y})
	for i := range in.Nodes {
		n := &in.Nodes[i]
		if err := fileName("node", n.Name); err != nil {
			return nil, err
		}
		out = append(out, Artifact{filepath.Join("nodes", n.Name+".sh"), []byte(node.Script(n))})
	}
	out = append(out, Artifact{"topology.mmd", []byte(in.Mermaid())})
	return out, nil
}

func fileName(what, name string) error {
	if !filepath.IsLocal(name) || filepath.Base(name) != name {
		return fmt.Errorf("%s name %q cannot be a file name", what, name)
	}
	return nil
}

// WriteArtifacts writes the artifacts under dir, creating folders as needed, and replaces files
// already there. Node scripts (.sh) are made executable, also when an earlier file was not. An
// artifact whose path is not local to dir (absolute, or leaving it with "..") is refused before
// anything is written.
func WriteArtifacts(dir string, arts []Artifact) error {
	for _, a := range arts {
		if !filepath.IsLocal(a.Path) {
			return fmt.Errorf("nxcalico: artifact path %q is not inside the output folder", a.Path)
		}
	}
	var errs []error
	for _, a := range arts {
		p := filepath.Join(dir, a.Path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		mode := os.FileMode(0o644)
		if filepath.Ext(p) == ".sh" {
			mode = 0o755
		}
		if err := os.WriteFile(p, a.Data, mode); err != nil {
			errs = append(errs, err)
			continue
		}
		if mode&0o100 != 0 {
			if err := makeExecutable(p); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// makeExecutable adds execute permission wherever p is readable, for a file WriteFile found
// already there (WriteFile keeps an existing file's mode).
func makeExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	perm := fi.Mode().Perm()
	if perm&0o100 != 0 {
		return nil
	}
	return os.Chmod(p, perm|(perm&0o444)>>2)
}
