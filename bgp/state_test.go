package bgp

import (
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
