package calicotest

import (
	"io"
	"log/slog"
	"sync"
	_ "unsafe" // for go:linkname

	"go.uber.org/zap"
	_ "k8s.io/apiserver/pkg/storage/storagebackend/factory" // defines the logger replaced below
	"k8s.io/klog/v2"
)

// etcdClientLogger is the API server's logger for its etcd client. The apiserver package builds
// it at init time from the ETCD_CLIENT_DEBUG variable, writing to standard error, and offers no
// way to replace it; its warnings (a request cancelled while the server shuts down) would reach
// the program's standard error.
//
//go:linkname etcdClientLogger k8s.io/apiserver/pkg/storage/storagebackend/factory.etcd3ClientLogger
var etcdClientLogger *zap.Logger

// silenceKlog routes klog, which the API server logs through, to a logger
// that discards everything, and silences the API server's etcd client. Both
// are process-global, so this affects every user of them in the process; it
// runs once, on the first Start.
var silenceKlog = sync.OnceFunc(func() {
	klog.LogToStderr(false)
	klog.SetOutput(io.Discard)
	klog.SetSlogLogger(slog.New(slog.DiscardHandler))
	etcdClientLogger = zap.NewNop()
})
