package calicotest

import (
	"io"
	"log/slog"
	"sync"

	"k8s.io/klog/v2"
)

// silenceKlog routes klog, which the API server logs through, to a logger
// that discards everything. klog is process-global, so this affects every
// user of klog in the process; it runs once, on the first Start.
var silenceKlog = sync.OnceFunc(func() {
	klog.LogToStderr(false)
	klog.SetOutput(io.Discard)
	klog.SetSlogLogger(slog.New(slog.DiscardHandler))
})
