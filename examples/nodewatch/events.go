package main

import (
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/record"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/nxos"
)

// eventComponent is the source of nodewatch's Events.
const eventComponent = "nxcalico-nodewatch"

// Event reasons.
const (
	reasonNodeSkipped     = "NodeSkipped"     // Warning on a Node left out of the design
	reasonNodeAccepted    = "NodeAccepted"    // Normal on a Node taken back into the design
	reasonDesignUnusable  = "DesignUnusable"  // Warning on the Lease: no pass applies anything
	reasonDesignUsable    = "DesignUsable"    // Normal on the Lease: passes apply again
	reasonLeafApplied     = "LeafApplied"     // Normal: a leaf took its changes
	reasonLeafFailed      = "LeafFailed"      // Warning: a leaf's changes failed
	reasonCalicoApplied   = "CalicoApplied"   // Normal on the Lease: Calico objects changed
	reasonNodesLabelled   = "NodeLabelled"    // Normal on a Node whose labels/annotations changed
	reasonNodeCleared     = "NodeCleared"     // Normal on a Node that left the design: its address annotations removed
	reasonPassFailed      = "PassFailed"      // Warning on the Lease: a pass failed, retried
	reasonConfigInvalid   = "ConfigInvalid"   // Warning on the Pod: the configuration cannot be loaded
	reasonVerifyFailed    = "VerifyFailed"    // Warning on the Lease: the sessions could not be read
	reasonSessionsPartial = "SessionsPartial" // Normal on the Lease: a verified pair has sessions down
)

// newRecorder returns an event recorder that writes core/v1 Events through core, and the
// function that stops it. Events on cluster-scoped objects (Nodes) land in the default namespace,
// as Kubernetes puts them; Events on the Lease in the Lease's namespace.
func newRecorder(core kubernetes.Interface) (record.EventRecorder, func()) {
	b := record.NewBroadcaster()
	b.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: core.CoreV1().Events("")})
	return b.NewRecorder(scheme.Scheme, corev1.EventSource{Component: eventComponent}), b.Shutdown
}

// nodeRef is the object reference of a Node for Events.
func nodeRef(n *corev1.Node) *corev1.ObjectReference {
	return &corev1.ObjectReference{Kind: "Node", APIVersion: "v1", Name: n.Name, UID: n.UID}
}

// leaseRef is the object reference of the leader Lease, where rack-wide Events go.
func leaseRef(lc leaseConfig) *corev1.ObjectReference {
	return &corev1.ObjectReference{Kind: "Lease", APIVersion: "coordination.k8s.io/v1", Namespace: lc.Namespace, Name: lc.Name}
}

// errorKind classifies a pass's error for nodewatch_pass_errors_total: forbidden and unauthorized
// (the API server denied a request: RBAC or its token), not-found (a Secret or Node the design
// names is missing), switch-auth (a switch refused the NX-API credentials), switch (a switch
// refused or failed a request), other.
func errorKind(err error) string {
	var authErr *nxos.AuthError
	var apiErr *nxos.APIError
	switch {
	case apierrors.IsForbidden(err):
		return "forbidden"
	case apierrors.IsUnauthorized(err):
		return "unauthorized"
	case apierrors.IsNotFound(err):
		return "not-found"
	case errors.As(err, &authErr):
		return "switch-auth"
	case errors.As(err, &apiErr):
		return "switch"
	}
	return "other"
}

// leafText summarises what Apply did to one leaf, for its Event: counts only, never a value.
// removals marks the result of the leaf's removals, which Apply makes last.
func leafText(l nxos.Result, pair string, removals bool) (eventType, reason, msg string) {
	where := fmt.Sprintf("leaf %s (pair %s)", l.Switch, pair)
	if pair == "" {
		where = fmt.Sprintf("retired leaf %s", l.Switch)
	}
	if removals {
		where += ", removals"
	}
	switch {
	case l.Err != nil:
		return corev1.EventTypeWarning, reasonLeafFailed, fmt.Sprintf("%s: failed: %v", where, l.Err)
	case l.Restored:
		return corev1.EventTypeWarning, reasonLeafFailed, where + ": restored to its previous configuration after another leaf failed"
	}
	c, u, d := l.Plan.Counts()
	return corev1.EventTypeNormal, reasonLeafApplied, fmt.Sprintf("%s: applied: %d created, %d updated, %d deleted", where, c, u, d)
}

// calicoCounts returns the Calico objects a report created, updated and deleted.
func calicoCounts(rep *nxcalico.Report) (created, updated, deleted int) {
	if rep.CalicoRemoved != nil {
		deleted = len(rep.CalicoRemoved.Deleted)
	}
	if rep.CalicoApplied != nil {
		created, updated = len(rep.CalicoApplied.Created), len(rep.CalicoApplied.Updated)
	}
	return created, updated, deleted
}
