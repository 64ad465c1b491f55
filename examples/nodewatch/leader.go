package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// leaseConfig names the coordination.k8s.io Lease the replicas campaign for and sets the
// leader-election timings; zero timings take client-go's customary 15 s, 10 s and 2 s.
type leaseConfig struct {
	Namespace string
	Name      string
	// ID is this replica's identity in the Lease (holderIdentity).
	ID            string
	Duration      time.Duration
	RenewDeadline time.Duration
	RetryPeriod   time.Duration
}

// errLostLease is returned when the Lease was lost while leading.
var errLostLease = errors.New("nodewatch: lost the leader lease")

// lead campaigns for the Lease until ctx ends and runs work while leading. On shutdown work is
// stopped first and the Lease released after it has returned, so the next leader never runs
// while this one is still applying. lead returns nil when ctx ended, errLostLease when the Lease
// was lost while ctx was still live, or work's error.
func lead(ctx context.Context, core kubernetes.Interface, lc leaseConfig, log *slog.Logger, work func(context.Context) error) error {
	if lc.Namespace == "" || lc.Name == "" || lc.ID == "" {
		return fmt.Errorf("nodewatch: lease namespace %q, name %q and identity %q must all be set", lc.Namespace, lc.Name, lc.ID)
	}
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Namespace: lc.Namespace, Name: lc.Name},
		Client:     core.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: lc.ID},
	}
	// The elector runs on its own context: cancelling it renews no more and releases the Lease,
	// which must wait until work has returned.
	elect, stopElecting := context.WithCancel(context.WithoutCancel(ctx))
	defer stopElecting()

	started := make(chan context.Context, 1)
	var leading atomic.Bool
	le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock:            lock,
		Name:            lc.Name,
		LeaseDuration:   orDefault(lc.Duration, 15*time.Second),
		RenewDeadline:   orDefault(lc.RenewDeadline, 10*time.Second),
		RetryPeriod:     orDefault(lc.RetryPeriod, 2*time.Second),
		ReleaseOnCancel: true,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(leaderCtx context.Context) { started <- leaderCtx },
			OnStoppedLeading: func() {
				if leading.Load() {
					log.Info("nodewatch: stopped leading", "lease", lc.Namespace+"/"+lc.Name, "id", lc.ID)
				}
			},
			OnNewLeader: func(id string) {
				if id != lc.ID {
					log.Info("nodewatch: another replica leads", "leader", id)
				}
			},
		},
	})
	if err != nil {
		return fmt.Errorf("nodewatch: leader election: %w", err)
	}
	log.Info("nodewatch: campaigning", "lease", lc.Namespace+"/"+lc.Name, "id", lc.ID)
	electing := make(chan struct{})
	go func() {
		defer close(electing)
		le.Run(elect)
	}()

	select {
	case leaderCtx := <-started:
		leading.Store(true)
		log.Info("nodewatch: leading", "lease", lc.Namespace+"/"+lc.Name, "id", lc.ID)
		wctx, cancel := context.WithCancel(leaderCtx)
		stop := context.AfterFunc(ctx, cancel)
		err := work(wctx)
		stop()
		cancel()
		stopElecting() // release the Lease only now that work has returned
		<-electing
		switch {
		case err != nil:
			return err
		case ctx.Err() != nil:
			return nil
		}
		return errLostLease
	case <-ctx.Done():
		// Shut down while campaigning. Should the Lease have been acquired at this very moment,
		// the elector releases it and work never starts.
		stopElecting()
		<-electing
		return nil
	case <-electing:
		return nil
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
