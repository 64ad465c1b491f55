// Package e2e proves nodewatch's deploy manifests on a real kube-apiserver.
//
// It is a Go module of its own (github.com/nxcalico/nxcalico/e2e) so that the library's go.mod
// does not grow by k8s.io/kubernetes and its staging modules; the repository's root module does
// not include it in go test ./.... Its tests start an embedded etcd and an in-process
// kube-apiserver (k8s.io/kubernetes/cmd/kube-apiserver/app/testing) with RBAC enforced and
// Calico's CRDs of both API groups installed, apply the manifests in
// examples/nodewatch/deploy in the order of their kustomization, build the nodewatch binary and
// run it as a subprocess with the ServiceAccount's own token (never admin credentials) against
// simulated NX-OS leaves. They show that:
//
//   - nodewatch reconciles with exactly the manifests' permissions;
//   - removing any single rule from its roles makes a named operation fail (the roles are
//     minimal);
//   - leader election on a real Lease hands over when the leader stops;
//   - the Node watch survives an expired watch (410 Gone after an etcd compaction) and a restart
//     of the API server.
//
// Run them from this directory, outside any go.work:
//
//	cd e2e && GOWORK=off go test ./...
//
// The first build compiles the Kubernetes API server and takes minutes.
package e2e
