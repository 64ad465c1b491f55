package main

import (
	"context"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	listersv1 "k8s.io/client-go/listers/core/v1"
)

// cachedNodes is a kubernetes.Interface whose Nodes().List is answered from the leader's Node
// informer instead of the API server; every other request goes to the API server. The Syncer
// lists the Nodes on every pass to find those whose labels or annotations differ from the
// design's; with 20,000 Nodes a list from the API server costs more than the rest of the pass.
// The cache holds only the labelled Nodes, which are all the Nodes the design names, with the
// labels and the nxcalico and Calico annotations (slimNode). A cache a moment behind a patch the
// pass made only makes the next pass send the same patch again.
type cachedNodes struct {
	kubernetes.Interface
	lister listersv1.NodeLister
}

func (c cachedNodes) CoreV1() typedcorev1.CoreV1Interface {
	return cachedCoreV1{c.Interface.CoreV1(), c.lister}
}

type cachedCoreV1 struct {
	typedcorev1.CoreV1Interface
	lister listersv1.NodeLister
}

func (c cachedCoreV1) Nodes() typedcorev1.NodeInterface {
	return cachedNodeClient{c.CoreV1Interface.Nodes(), c.lister}
}

type cachedNodeClient struct {
	typedcorev1.NodeInterface
	lister listersv1.NodeLister
}

// List answers from the cache. Only an empty list option is served so; a label or field
// selector, or a resource version, goes to the API server.
func (c cachedNodeClient) List(ctx context.Context, opts metav1.ListOptions) (*corev1.NodeList, error) {
	if opts.LabelSelector != "" || opts.FieldSelector != "" || opts.ResourceVersion != "" || opts.Limit != 0 {
		return c.NodeInterface.List(ctx, opts)
	}
	nodes, err := c.lister.List(labels.Everything())
	if err != nil {
		return nil, err
	}
	out := &corev1.NodeList{Items: make([]corev1.Node, len(nodes))}
	for i, n := range nodes {
		out.Items[i] = *n // shallow: the Syncer only reads the maps
	}
	return out, nil
}

// keptAnnotation reports whether slimNode keeps an annotation: those nxcalico writes and
// compares (projectcalico.org/… and nxcalico.io/…).
func keptAnnotation(key string) bool {
	return strings.HasPrefix(key, "projectcalico.org/") || strings.HasPrefix(key, "nxcalico.io/")
}
