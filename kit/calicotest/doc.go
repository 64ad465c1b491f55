// Package calicotest runs a real Kubernetes API server in-process, with
// Calico's real CustomResourceDefinitions installed, for tests and demos.
//
// Start brings up an embedded etcd and the Kubernetes apiextensions-apiserver
// on loopback ports and installs Calico v3.32.1's CRDs for the projectcalico.org/v3
// group (GroupV3), the crd.projectcalico.org/v1 group (GroupV1), or both. The
// server validates objects exactly as a cluster would: OpenAPI schemas, enums,
// CEL rules (an IPPool with ipipMode and vxlanMode both Always is rejected
// with 422) and, with FieldValidation "Strict", unknown fields (400). It
// supports create, get, list, watch, update, delete and server-side apply, so
// the generated projectcalico clientset, client-go's dynamic client and
// informers all work against Server.Config.
//
// It is not a full cluster: only apiextensions.k8s.io and the Calico groups
// are served (no Nodes, Namespaces or other core resources), every request
// is authorized and no admission webhook runs.
//
// A server takes one to two seconds to start and about 150 MB of memory, so
// tests usually share one per test binary and call Reset between tests;
// package harness does that from TestMain. Package calicotest itself does
// not import package testing, so programs may use it at run time.
//
// The API server logs through klog, which is global to the process: the
// first Start routes klog to a discarding logger and leaves it so. etcd and
// the server otherwise write nothing to standard output or standard error.
// Binaries using this package can be built with -trimpath.
//
// The CRD manifests are embedded unchanged; testdata/crds/SOURCE.md records
// where they come from (Apache License 2.0).
package calicotest
