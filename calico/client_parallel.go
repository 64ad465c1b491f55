package calico

import (
	"context"
	"sync"
)

// each calls fn(ctx, i) for every i in [0, n), at most c.parallelism at a time, and returns the
// error of each call by index (nil where it succeeded). Once ctx is done no further call starts;
// those not started report the context's cause.
func (c *Client) each(ctx context.Context, n int, fn func(ctx context.Context, i int) error) []error {
	errs := make([]error, n)
	sem := make(chan struct{}, c.parallelism)
	var wg sync.WaitGroup
	for i := range n {
		if ctx.Err() != nil {
			errs[i] = context.Cause(ctx)
			continue
		}
		select {
		case <-ctx.Done():
			errs[i] = context.Cause(ctx)
			continue
		case sem <- struct{}{}:
		}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = fn(ctx, i)
		})
	}
	wg.Wait()
	return errs
}
