package bgp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// StateEstablished is the state of a BGP session that is up, as NX-OS spells it (the operSt of
// a bgpPeerEntry). Calico spells it "Established".
const StateEstablished = "established"

// IsEstablished reports whether state is the state of a session that is up: StateEstablished,
// in any case. Every other state (idle, connect, active, opensent, openconfirm, and "" for a
// session that is not reported at all) is down.
func IsEstablished(state string) bool { return strings.EqualFold(state, StateEstablished) }

// DefaultPoll is the interval at which WaitEstablished (nxos.Client's and nxcalico.Syncer's)
// reads the sessions when it is given a zero interval.
const DefaultPoll = time.Second

// PollInterval returns the interval a WaitEstablished given poll reads at: poll itself, or
// DefaultPoll when poll is zero. A negative poll is an error naming it.
func PollInterval(poll time.Duration) (time.Duration, error) {
	switch {
	case poll < 0:
		return 0, fmt.Errorf("poll interval %v is negative", poll)
	case poll == 0:
		return DefaultPoll, nil
	}
	return poll, nil
}

// CutShort reports whether a failed read of session state was cut short by the end of ctx rather
// than failing on its own: ctx has ended, the error wraps the context's, or a client refused to
// send the request because it would miss ctx's deadline (client-go's rate limiter says so with an
// error that does not wrap the context's). WaitEstablished reports only reads that failed on
// their own.
func CutShort(ctx context.Context, err error) bool {
	if err == nil {
		return false
	}
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	_, hasDeadline := ctx.Deadline()
	return hasDeadline && strings.Contains(err.Error(), "would exceed context deadline")
}
