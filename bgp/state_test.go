package bgp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestIsEstablished(t *testing.T) {
	for state, want := range map[string]bool{
		"established":  true, // NX-OS
		"Established":  true, // Calico
		"ESTABLISHED":  true,
		"":             false,
		"idle":         false,
		"Active":       false,
		"openconfirm":  false,
		"established ": false,
	} {
		if got := IsEstablished(state); got != want {
			t.Errorf("IsEstablished(%q) = %v, want %v", state, got, want)
		}
	}
}

func TestPollInterval(t *testing.T) {
	if d, err := PollInterval(0); err != nil || d != DefaultPoll {
		t.Errorf("PollInterval(0) = %v, %v; want DefaultPoll", d, err)
	}
	if d, err := PollInterval(5 * time.Millisecond); err != nil || d != 5*time.Millisecond {
		t.Errorf("PollInterval(5ms) = %v, %v", d, err)
	}
	if _, err := PollInterval(-time.Second); err == nil || !strings.Contains(err.Error(), "-1s") {
		t.Errorf("PollInterval(-1s): %v, want an error naming -1s", err)
	}
}

func TestCutShort(t *testing.T) {
	alive := context.Background()
	withDeadline, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	ended, cancelEnded := context.WithCancel(context.Background())
	cancelEnded()
	limiter := errors.New("client rate limiter Wait returned an error: rate: Wait(n=1) would exceed context deadline")
	for _, tt := range []struct {
		name string
		ctx  context.Context
		err  error
		want bool
	}{
		{"no error", alive, nil, false},
		{"a read that failed on its own", withDeadline, errors.New("leaf Leaf2102: 400 Bad Request"), false},
		{"context ended", ended, errors.New("connection reset"), true},
		{"wraps the deadline", alive, fmt.Errorf("get: %w", context.DeadlineExceeded), true},
		{"rate limiter predicting the deadline", withDeadline, limiter, true},
		{"the same words without a deadline", alive, limiter, false},
	} {
		if got := CutShort(tt.ctx, tt.err); got != tt.want {
			t.Errorf("%s: CutShort = %v, want %v", tt.name, got, tt.want)
		}
	}
}
