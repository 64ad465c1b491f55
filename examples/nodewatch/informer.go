package main

import (
	"context"
	"strings"

	"github.com/nxcalico/nxcalico/node"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// nodeInformer returns an informer on the Nodes that carry node.LeafPairLabel. It counts its
// lists, watches and the watches the API server ends with 410 Gone (resourceVersion too old; the
// reflector then lists again) in m, and keeps in its cache only what nodewatch reads of a Node
// (see slimNode), so that a cache of 20,000 Nodes stays small.
func nodeInformer(core kubernetes.Interface, m *metrics) cache.SharedIndexInformer {
	withLabel := func(o *metav1.ListOptions) { o.LabelSelector = node.LeafPairLabel }
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			withLabel(&o)
			m.nodeLists.Inc()
			l, err := core.CoreV1().Nodes().List(ctx, o)
			if isExpired(err) {
				m.nodeExpired.Inc()
			}
			return l, err
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			withLabel(&o)
			m.nodeWatches.Inc()
			if o.SendInitialEvents != nil && *o.SendInitialEvents {
				m.nodeLists.Inc() // client-go's streaming list: a watch that starts with every Node
			}
			w, err := core.CoreV1().Nodes().Watch(ctx, o)
			if err != nil {
				if isExpired(err) {
					m.nodeExpired.Inc()
				}
				return nil, err
			}
			return watch.Filter(w, func(e watch.Event) (watch.Event, bool) {
				if e.Type == watch.Error && isExpired(apierrors.FromObject(e.Object)) {
					m.nodeExpired.Inc()
				}
				return e, true
			}), nil
		},
	}
	inf := cache.NewSharedIndexInformer(cache.ToListWatcherWithWatchListSemantics(lw, core), &corev1.Node{}, 0, cache.Indexers{})
	_ = inf.SetTransform(slimNode) // fails only once the informer runs
	return inf
}

func isExpired(err error) bool {
	return err != nil && (apierrors.IsResourceExpired(err) || apierrors.IsGone(err))
}

// slimNode keeps of a Node what nodewatch reads — name, UID, resource version, labels, the
// annotations nxcalico writes and status.addresses — and drops the rest (managed fields, other
// annotations, images, conditions, …) before the informer caches it.
func slimNode(obj any) (any, error) {
	n, ok := obj.(*corev1.Node)
	if !ok {
		return obj, nil // a DeletedFinalStateUnknown tombstone
	}
	var ann map[string]string
	for k, v := range n.Annotations {
		if keptAnnotation(k) {
			if ann == nil {
				ann = map[string]string{}
			}
			ann[k] = v
		}
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: n.Name, UID: n.UID, ResourceVersion: n.ResourceVersion, Labels: n.Labels, Annotations: ann,
		},
		Status: corev1.NodeStatus{Addresses: n.Status.Addresses},
	}, nil
}

// keptAnnotation reports whether slimNode keeps an annotation: those nxcalico writes and
// compares (projectcalico.org/… and nxcalico.io/…).
func keptAnnotation(key string) bool {
	return strings.HasPrefix(key, "projectcalico.org/") || strings.HasPrefix(key, "nxcalico.io/")
}
