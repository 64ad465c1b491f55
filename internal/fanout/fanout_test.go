package fanout

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

func TestEachKeepsEveryErrorByIndex(t *testing.T) {
	errs := Each(context.Background(), 10, 3, func(_ context.Context, i int) error {
		if i%3 == 0 {
			return fmt.Errorf("item %d", i)
		}
		return nil
	})
	if len(errs) != 10 {
		t.Fatalf("%d errors, want 10", len(errs))
	}
	for i, err := range errs {
		want := ""
		if i%3 == 0 {
			want = fmt.Sprintf("item %d", i)
		}
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("errs[%d] = %q, want %q", i, got, want)
		}
	}
}

func TestEachBoundsConcurrency(t *testing.T) {
	for _, limit := range []int{1, 4} {
		var running, peak atomic.Int64
		Each(context.Background(), 40, limit, func(context.Context, int) error {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			running.Add(-1)
			return nil
		})
		if p := peak.Load(); p > int64(limit) || p < 1 {
			t.Errorf("limit %d: peak %d calls at once", limit, p)
		}
	}
}

func TestEachStartsNothingAfterCancel(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := errors.New("stopped")
	var calls atomic.Int64
	errs := Each(ctx, 20, 1, func(_ context.Context, i int) error {
		calls.Add(1)
		if i == 3 {
			cancel(stop)
		}
		return nil
	})
	if n := calls.Load(); n != 4 {
		t.Errorf("%d calls ran, want 4 (up to the one that cancelled)", n)
	}
	for i := range 20 {
		if i < 4 && errs[i] != nil || i >= 4 && !errors.Is(errs[i], stop) {
			t.Errorf("errs[%d] = %v", i, errs[i])
		}
	}
}

func TestEachOnADoneContextCallsNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	errs := Each(ctx, 3, 0, func(context.Context, int) error {
		t.Error("fn called on a done context")
		return nil
	})
	for i, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("errs[%d] = %v", i, err)
		}
	}
}
