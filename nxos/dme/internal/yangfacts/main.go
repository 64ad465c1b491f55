// Command yangfacts reads Cisco's native NX-OS device YANG model
// (Cisco-NX-OS-device.yang, plain or gzip-compressed), which is the DME
// written as YANG, and writes the facts it states about every class of the
// dme schema table — properties with kinds, enumerations, integer ranges,
// defaults and read-only flags, and the classes that may contain each class —
// as the Go table dme.ModelLookup serves.
//
//	go run ./internal/yangfacts -yang Cisco-NX-OS-device.yang -o model_gen.go
//
// The model is published in the YangModels/yang repository under
// vendor/cisco/nx/<release>/. How the YANG maps onto the DME: class
// <pkg><Class> is the grouping <pkg>_<Class>-group (topSystem is
// System-group) and its properties are that grouping's leaves; a class's
// children are the groupings used under its <rn-prefix>-items containers
// (through a <Class>-list, whose key names the naming properties, when there
// can be several); relation classes are <pkg>_<Class>_source-group and
// _target-group, a target named by the source's package.
//
// It prints the schema classes the model does not hold to standard error.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

func main() {
	yangPath := flag.String("yang", "", "path of Cisco-NX-OS-device.yang (or .yang.gz)")
	out := flag.String("o", "model_gen.go", "Go file to write")
	release := flag.String("release", "9.3(2)", "NX-OS release of the model, for the header")
	flag.Parse()
	if err := run(*yangPath, *out, *release, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "yangfacts:", err)
		os.Exit(1)
	}
}

func run(yangPath, out, release string, warn io.Writer) error {
	if yangPath == "" {
		return fmt.Errorf("-yang is required (the NX-OS device YANG model file)")
	}
	src, err := readModelFile(yangPath)
	if err != nil {
		return err
	}
	top, err := parseYANG(src)
	if err != nil {
		return fmt.Errorf("%s: %w", yangPath, err)
	}
	m, err := readModel(top)
	if err != nil {
		return fmt.Errorf("%s: %w", yangPath, err)
	}
	var names []string
	for _, c := range dme.Classes() {
		names = append(names, c.Name)
	}
	facts, missing, err := m.facts(names)
	if err != nil {
		return err
	}
	for _, n := range missing {
		fmt.Fprintf(warn, "yangfacts: class %s is not in the model\n", n)
	}
	code, err := emit(m, release, facts)
	if err != nil {
		return err
	}
	return os.WriteFile(out, code, 0o644)
}

// readModelFile reads a YANG file, uncompressing it when it is gzip data.
func readModelFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
	}
	if !strings.Contains(string(b[:min(len(b), 4096)]), "module") {
		return "", fmt.Errorf("%s: not a YANG module", path)
	}
	return string(b), nil
}
