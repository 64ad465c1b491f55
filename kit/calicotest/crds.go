package calicotest

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// crdFiles holds Calico's CustomResourceDefinition manifests, copied unchanged
// from Calico v3.32.1 (see testdata/crds/SOURCE.md).
//
//go:embed testdata/crds/v1/*.yaml testdata/crds/v3/*.yaml
var crdFiles embed.FS

// Group is a Kubernetes API group whose Calico CRDs a Server can install.
type Group string

const (
	// GroupV3 is projectcalico.org, served at version v3: the native Calico
	// v3 CRDs that Calico 3.32 installs (what calicoctl and the projectcalico
	// clientset talk to).
	GroupV3 Group = "projectcalico.org"
	// GroupV1 is crd.projectcalico.org, served at version v1: the classic
	// Kubernetes-datastore CRDs behind the Calico API server.
	GroupV1 Group = "crd.projectcalico.org"
)

// allGroups lists every Group this package knows, in the order Start installs them.
var allGroups = []Group{GroupV3, GroupV1}

// dir is the embedded folder that holds the group's manifests.
func (g Group) dir() (string, error) {
	switch g {
	case GroupV3:
		return "testdata/crds/v3", nil
	case GroupV1:
		return "testdata/crds/v1", nil
	}
	return "", fmt.Errorf("calicotest: unknown group %q (want %q or %q)", string(g), GroupV3, GroupV1)
}

// Version is the API version the group's CRDs serve (v3 or v1).
func (g Group) Version() string {
	switch g {
	case GroupV3:
		return "v3"
	case GroupV1:
		return "v1"
	}
	return ""
}

// normalizeGroups returns groups without duplicates in a fixed order, both
// groups when groups is empty, or an error naming an unknown group.
func normalizeGroups(groups []Group) ([]Group, error) {
	if len(groups) == 0 {
		return slices.Clone(allGroups), nil
	}
	var out []Group
	for _, g := range allGroups {
		if slices.Contains(groups, g) {
			out = append(out, g)
		}
	}
	for _, g := range groups {
		if _, err := g.dir(); err != nil {
			return nil, fmt.Errorf("calicotest: Options.Groups: unknown group %q (want %q or %q)", string(g), GroupV3, GroupV1)
		}
	}
	return out, nil
}

// CRDs decodes the embedded Calico CustomResourceDefinitions of the given
// groups (both groups when none is given): GroupV3 first, then GroupV1, each
// sorted by name (the manifests are named <group>_<plural>.yaml). Each
// call returns fresh objects that the caller may modify, for example to
// install them on another API server. Decoding is strict: an unknown field
// in a manifest is an error.
func CRDs(groups ...Group) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	gs, err := normalizeGroups(groups)
	if err != nil {
		return nil, err
	}
	var out []*apiextensionsv1.CustomResourceDefinition
	for _, g := range gs {
		dir, _ := g.dir()
		names, err := fs.Glob(crdFiles, path.Join(dir, "*.yaml"))
		if err != nil {
			return nil, fmt.Errorf("calicotest: list %s: %w", dir, err)
		}
		for _, name := range names {
			data, err := crdFiles.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("calicotest: read %s: %w", name, err)
			}
			crd := new(apiextensionsv1.CustomResourceDefinition)
			if err := yaml.UnmarshalStrict(data, crd); err != nil {
				return nil, fmt.Errorf("calicotest: decode %s: %w", name, err)
			}
			if crd.Spec.Group != string(g) {
				return nil, fmt.Errorf("calicotest: %s: spec.group is %q, want %q", name, crd.Spec.Group, g)
			}
			out = append(out, crd)
		}
	}
	return out, nil
}
