package calico

import (
	"context"
	"errors"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico/change"
	"github.com/nxcalico/nxcalico/internal/fanout"
)

// prune runs the plan's deletes, one kind after the other in reverse apply order (BGPPeers
// first, so nothing names a filter that is gone), each with preconditions on the uid and
// resourceVersion Plan saw. An object already gone counts as deleted. It stops after the first
// kind with a failure.
func (c *Client) prune(ctx context.Context, a *api, p *Plan, res *Result) error {
	for _, k := range slices.Backward(managedKinds) {
		var batch []Change
		for _, ch := range p.Changes {
			if ch.kind == k && ch.Action == change.Delete {
				batch = append(batch, ch)
			}
		}
		done := make([]bool, len(batch))
		errs := fanout.Each(ctx, len(batch), c.concurrency, func(ctx context.Context, i int) error {
			ch := batch[i]
			uid, rv := ch.Current.GetUID(), ch.Current.GetResourceVersion()
			err := a.resources[k].delete(ctx, ch.Object.Name, metav1.DeleteOptions{
				Preconditions: &metav1.Preconditions{UID: &uid, ResourceVersion: &rv},
			})
			if err != nil && !apierrors.IsNotFound(err) {
				return objectError("delete", ch.Object, err)
			}
			done[i] = true
			c.log.DebugContext(ctx, "calico: deleted", "object", ch.Object)
			return nil
		})
		for i, ch := range batch {
			if done[i] {
				res.Deleted = append(res.Deleted, ch.Object)
			}
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	return nil
}
