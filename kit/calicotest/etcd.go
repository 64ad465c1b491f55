package calicotest

import (
	"context"
	"fmt"
	"net/url"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// startEtcd starts a single-member etcd in dir that listens on loopback
// ports chosen by the kernel, logs nothing and never calls fsync. It returns
// the running etcd and its client URL.
func startEtcd(ctx context.Context, dir string) (*embed.Etcd, string, error) {
	cfg := embed.NewConfig()
	cfg.Name = "calicotest"
	cfg.Dir = dir
	cfg.UnsafeNoFsync = true
	// A single member has no one to wait for: short ticks let it elect
	// itself in about a tenth of the default second.
	cfg.TickMs = 10
	cfg.ElectionMs = 100
	cfg.Logger = "zap"
	cfg.LogLevel = "error"
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	local := url.URL{Scheme: "http", Host: "127.0.0.1:0"}
	cfg.ListenClientUrls = []url.URL{local}
	cfg.AdvertiseClientUrls = []url.URL{local}
	cfg.ListenPeerUrls = []url.URL{local}
	cfg.AdvertisePeerUrls = []url.URL{local}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, "", fmt.Errorf("calicotest: start etcd in %s: %w", dir, err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		return nil, "", fmt.Errorf("calicotest: etcd failed while starting: %w", err)
	case <-ctx.Done():
		e.Close()
		return nil, "", fmt.Errorf("calicotest: waiting for etcd: %w", context.Cause(ctx))
	}
	return e, "http://" + e.Clients[0].Addr().String(), nil
}
