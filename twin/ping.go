package twin

import (
	"context"
	"fmt"
	"time"
)

// pingTimeout is how long one probe waits for its answer.
const pingTimeout = time.Second

// ping sends one ICMP echo from inside netns to dst, from address src and out of device dev when
// they are set, and reports whether it was answered.
func ping(ctx context.Context, netns, src, dev, dst string) error {
	args := []string{"-n", "-q", "-c", "1", "-W", fmt.Sprint(int(pingTimeout / time.Second))}
	switch {
	case src != "":
		args = append(args, "-I", src)
	case dev != "":
		args = append(args, "-I", dev)
	}
	args = append(args, dst)
	if _, err := inNetns(ctx, netns, "ping", args...); err != nil {
		return fmt.Errorf("no answer from %s: %w", dst, err)
	}
	return nil
}
