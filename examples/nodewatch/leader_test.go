package main

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

func fastLease(id string) leaseConfig {
	return leaseConfig{Namespace: leaseNS, Name: "lead-test", ID: id, Duration: time.Second, RenewDeadline: 500 * time.Millisecond, RetryPeriod: 50 * time.Millisecond}
}

func leaseHolder(t *testing.T, core kubernetes.Interface) string {
	t.Helper()
	l, err := core.CoordinationV1().Leases(leaseNS).Get(context.Background(), "lead-test", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the Lease: %v", err)
	}
	if l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

func waitLead(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("lead did not return within 5 s")
		return nil
	}
}

// TestLeadReleasesAfterWork: on shutdown the Lease is still held while work winds down and
// released once it has returned, so no other replica runs beside a leader that is finishing.
func TestLeadReleasesAfterWork(t *testing.T) {
	core := fake.NewClientset()
	ctx, cancel := context.WithCancel(context.Background())
	working := make(chan struct{})
	var heldWhileStopping string
	done := make(chan error, 1)
	go func() {
		done <- lead(ctx, core, fastLease("me"), discard(), func(wctx context.Context) error {
			close(working)
			<-wctx.Done()
			heldWhileStopping = leaseHolder(t, core)
			return nil
		})
	}()
	select {
	case <-working:
	case <-time.After(5 * time.Second):
		t.Fatal("never led")
	}
	cancel()
	if err := waitLead(t, done); err != nil {
		t.Fatalf("lead = %v, want nil after shutdown", err)
	}
	if heldWhileStopping != "me" {
		t.Errorf("Lease holder while work was stopping = %q, want me", heldWhileStopping)
	}
	if got := leaseHolder(t, core); got != "" {
		t.Errorf("Lease holder after lead returned = %q, want released", got)
	}
}

// TestLeadLostLease: a leader that cannot renew its Lease within the renew deadline stops its work
// and reports errLostLease, which the command turns into exit status 1.
func TestLeadLostLease(t *testing.T) {
	core := fake.NewClientset()
	// Once refuse is set the API server stops accepting the leader's renewals (a partition, or
	// another holder: the fake tracker does not enforce resourceVersion, so a refused update
	// stands in for both). Reactors are installed before the clientset is shared.
	var refuse atomic.Bool
	core.PrependReactor("update", "leases", func(k8stesting.Action) (bool, runtime.Object, error) {
		if refuse.Load() {
			return true, nil, errors.New("connection refused")
		}
		return false, nil, nil
	})
	working := make(chan struct{})
	stopped := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- lead(context.Background(), core, fastLease("me"), discard(), func(wctx context.Context) error {
			close(working)
			<-wctx.Done()
			close(stopped)
			return nil
		})
	}()
	select {
	case <-working:
	case <-time.After(5 * time.Second):
		t.Fatal("never led")
	}
	refuse.Store(true)
	if err := waitLead(t, done); !errors.Is(err, errLostLease) {
		t.Fatalf("lead = %v, want errLostLease", err)
	}
	select {
	case <-stopped:
	default:
		t.Error("lead returned before work stopped")
	}
}

// TestLeadWorkError: work's failure is lead's result, and the Lease is released.
func TestLeadWorkError(t *testing.T) {
	core := fake.NewClientset()
	boom := errors.New("informer did not sync")
	done := make(chan error, 1)
	go func() {
		done <- lead(context.Background(), core, fastLease("me"), discard(), func(context.Context) error { return boom })
	}()
	if err := waitLead(t, done); !errors.Is(err, boom) {
		t.Fatalf("lead = %v, want %v", err, boom)
	}
	if got := leaseHolder(t, core); got != "" {
		t.Errorf("Lease holder = %q, want released", got)
	}
}

func TestLeadNeedsIdentity(t *testing.T) {
	err := lead(context.Background(), fake.NewClientset(), leaseConfig{Namespace: leaseNS, Name: "x"}, discard(), nil)
	if err == nil {
		t.Fatal("lead without an identity did not fail")
	}
}
