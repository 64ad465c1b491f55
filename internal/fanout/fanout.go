package fanout

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Each calls fn(ctx, i) for every i in [0, n), at most limit at a time (limit <= 0 means no
// bound), in index order of starting, and returns the error of each call by index (nil where it
// succeeded). One call's failure does not stop the others. Once ctx is done no further call
// starts: those not started report context.Cause(ctx). Each returns when every started call has
// returned.
func Each(ctx context.Context, n, limit int, fn func(ctx context.Context, i int) error) []error {
	errs := make([]error, n)
	var g errgroup.Group
	if limit > 0 {
		g.SetLimit(limit)
	}
	for i := range n {
		if ctx.Err() != nil {
			errs[i] = context.Cause(ctx)
			continue
		}
		// Go blocks while limit calls run; a call that starts after ctx ended does not run fn.
		g.Go(func() error {
			if ctx.Err() != nil {
				errs[i] = context.Cause(ctx)
				return nil
			}
			errs[i] = fn(ctx, i)
			return nil
		})
	}
	_ = g.Wait() // every goroutine returns nil: the errors are per index
	return errs
}
