package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"k8s.io/client-go/tools/cache"
)

// health is what /healthz and /readyz report. Its methods are safe for concurrent use.
type health struct {
	mu        sync.Mutex
	configErr error                     // the configuration could not be loaded; nil when it was
	running   bool                      // the reconciler is campaigning or leading
	leading   bool                      // this replica holds the Lease
	informer  cache.SharedIndexInformer // the leader's Node informer; nil when not leading
}

func (h *health) setConfigErr(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.configErr = err
}

func (h *health) setRunning(v bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.running = v
}

func (h *health) setLeading(v bool, informer cache.SharedIndexInformer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.leading, h.informer = v, informer
}

// live is /healthz: the process serves, and a leader's Node informer has not stopped. A standby
// replica, or one waiting for a valid configuration, is alive.
func (h *health) live() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.leading && h.informer != nil && h.informer.IsStopped() {
		return errors.New("leading, but the Node informer has stopped")
	}
	return nil
}

// ready is /readyz: the configuration is loaded and the reconciler runs; a leader also has its
// Node cache synced. Leader and standby are both ready: a standby takes over without a restart.
// Passes that fail (a switch down, a Secret missing, a request denied) do not make the process
// unready: it keeps retrying, and reports them through metrics, Events and logs.
func (h *health) ready() (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.configErr != nil:
		return "", fmt.Errorf("configuration: %w", h.configErr)
	case !h.running:
		return "", errors.New("starting")
	case h.leading && (h.informer == nil || !h.informer.HasSynced()):
		return "", errors.New("leading, Node cache not synced yet")
	case h.leading:
		return "leader", nil
	}
	return "standby", nil
}

// serveHTTP listens on addr and serves /metrics, /healthz and /readyz until ctx ends. It returns
// the address it listens on (useful with port 0) once listening.
func serveHTTP(ctx context.Context, addr string, h *health, m *metrics, log *slog.Logger) (net.Addr, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if err := h.live(); err != nil {
			http.Error(w, "not healthy: "+err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		state, err := h.ready()
		if err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok:", state)
	})
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("nodewatch: HTTP server stopped", "err", err)
		}
	}()
	context.AfterFunc(ctx, func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	})
	return ln.Addr(), nil
}
