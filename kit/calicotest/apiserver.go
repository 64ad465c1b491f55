package calicotest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"k8s.io/apiextensions-apiserver/pkg/apiserver"
	"k8s.io/apiextensions-apiserver/pkg/cmd/server/options"
	generatedopenapi "k8s.io/apiextensions-apiserver/pkg/generated/openapi"
	openapinamer "k8s.io/apiserver/pkg/endpoints/openapi"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/apiserver/pkg/util/compatibility"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/apiserver/pkg/util/openapi"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	basecompatibility "k8s.io/component-base/compatibility"
)

// apiServer is a running apiextensions-apiserver.
type apiServer struct {
	config *rest.Config // loopback client config (token auth, system:masters)
	cancel func()       // stops the server
	done   <-chan error // closed once the server has stopped
}

// stop cancels the server and waits until it has shut down. A server stopped
// while its post-start hooks still run would end the whole process (the API
// server reports a failed hook with klog.Fatalf), so stop first lets the
// server become healthy — every hook done — or fail, for at most a minute.
func (a *apiServer) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	_ = waitHealthy(ctx, a)
	cancel()
	a.cancel()
	return <-a.done
}

// startAPIServer starts the Kubernetes apiextensions-apiserver on a loopback
// port with its storage in the etcd at etcdURL, keeping certificates and its
// core-API kubeconfig in dir. Authentication accepts only the returned
// loopback config's token, authorization allows everything, and no admission
// plugin runs: a server for tests, not for production.
//
// It mirrors k8s.io/apiextensions-apiserver/pkg/cmd/server/testing.StartTestServer
// without that function's dependence on its own source directory (which fails
// in binaries built with -trimpath), its RSA certificate fixtures and its
// test logger.
func startAPIServer(ctx context.Context, dir, etcdURL string) (*apiServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("calicotest: listen on a loopback port: %w", err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	closeListener := true
	defer func() {
		if closeListener {
			ln.Close()
		}
	}()

	certFile, keyFile, err := writeServingCert(dir)
	if err != nil {
		return nil, err
	}
	kubeconfig := filepath.Join(dir, "core-kubeconfig")
	if err := writeCoreKubeconfig(kubeconfig, "https://"+addr.String()); err != nil {
		return nil, err
	}

	o := options.NewCustomResourceDefinitionsServerOptions(io.Discard, io.Discard)

	// A private feature gate and component registry, as StartTestServer does,
	// so that several servers in one process do not contend.
	featureGate := utilfeature.DefaultMutableFeatureGate.DeepCopy()
	effectiveVersion := compatibility.DefaultKubeEffectiveVersionForTest()
	effectiveVersion.SetEmulationVersion(featureGate.EmulationVersion())
	registry := basecompatibility.NewComponentGlobalsRegistry()
	if err := registry.Register(basecompatibility.DefaultKubeComponent, effectiveVersion, featureGate); err != nil {
		return nil, fmt.Errorf("calicotest: register API server version: %w", err)
	}
	o.ServerRunOptions.ComponentGlobalsRegistry = registry

	ro := o.RecommendedOptions
	ro.SecureServing.Listener = ln
	ro.SecureServing.BindPort = addr.Port
	ro.SecureServing.BindAddress = addr.IP
	ro.SecureServing.ExternalAddress = addr.IP
	ro.SecureServing.ServerCert.CertKey.CertFile = certFile
	ro.SecureServing.ServerCert.CertKey.KeyFile = keyFile
	ro.SecureServing.ServerCert.CertDirectory = dir
	ro.Etcd.StorageConfig.Transport.ServerList = []string{etcdURL}
	ro.Authentication = nil
	ro.Authorization = nil
	ro.Admission = nil
	ro.Features.EnablePriorityAndFairness = false
	ro.CoreAPI.CoreAPIKubeconfigPath = kubeconfig
	if err := o.APIEnablement.RuntimeConfig.Set("api/all=true"); err != nil {
		return nil, fmt.Errorf("calicotest: API server runtime config: %w", err)
	}
	if err := registry.Set(); err != nil {
		return nil, fmt.Errorf("calicotest: API server versions: %w", err)
	}
	if err := o.Complete(); err != nil {
		return nil, fmt.Errorf("calicotest: complete API server options: %w", err)
	}
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("calicotest: validate API server options: %w", err)
	}
	config, err := o.Config()
	if err != nil {
		return nil, fmt.Errorf("calicotest: API server config: %w", err)
	}
	// The options built a core-API informer factory whose Services informer
	// can never sync against this server (which has no core API), keeping
	// /readyz failing. Replace it with an empty factory: nothing here needs
	// Services, since Calico's CRDs use no conversion webhooks.
	coreClient, err := kubernetes.NewForConfig(config.GenericConfig.ClientConfig)
	if err != nil {
		return nil, fmt.Errorf("calicotest: core API client: %w", err)
	}
	config.GenericConfig.SharedInformerFactory = informers.NewSharedInformerFactory(coreClient, 0)
	namer := openapinamer.NewDefinitionNamer(apiserver.Scheme)
	config.GenericConfig.OpenAPIConfig = genericapiserver.DefaultOpenAPIConfig(
		openapi.GetOpenAPIDefinitionsWithoutDisabledFeatures(generatedopenapi.GetOpenAPIDefinitions), namer)
	server, err := config.Complete().New(genericapiserver.NewEmptyDelegate())
	if err != nil {
		return nil, fmt.Errorf("calicotest: create API server: %w", err)
	}

	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	closeListener = false // owned by the server from here on
	go func() {
		defer close(done)
		if err := server.GenericAPIServer.PrepareRun().RunWithContext(runCtx); err != nil {
			done <- err
		}
	}()
	a := &apiServer{config: server.GenericAPIServer.LoopbackClientConfig, cancel: cancel, done: done}
	if err := waitHealthy(ctx, a); err != nil {
		return nil, errors.Join(err, a.stop())
	}
	return a, nil
}

// waitHealthy polls /healthz until it answers 200, the server fails, or ctx
// ends.
func waitHealthy(ctx context.Context, a *apiServer) error {
	client, err := rest.HTTPClientFor(a.config)
	if err != nil {
		return fmt.Errorf("calicotest: API server client: %w", err)
	}
	url := a.config.Host + "/healthz"
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return fmt.Errorf("calicotest: health request %q: %w", url, err)
		}
		if resp, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err, ok := <-a.done:
			if !ok {
				err = errors.New("stopped")
			}
			return fmt.Errorf("calicotest: API server failed while starting: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("calicotest: waiting for API server %s: %w", url, context.Cause(ctx))
		case <-tick.C:
		}
	}
}

// writeServingCert writes a self-signed ECDSA certificate for 127.0.0.1 and
// localhost, and its key, into dir. ECDSA keeps start-up fast: generating
// the RSA keys the API server would otherwise create takes far longer.
func writeServingCert(dir string) (certFile, keyFile string, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", fmt.Errorf("calicotest: serving key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "calicotest"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", "", fmt.Errorf("calicotest: serving certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", "", fmt.Errorf("calicotest: serving key: %w", err)
	}
	certFile = filepath.Join(dir, "serving.crt")
	keyFile = filepath.Join(dir, "serving.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return "", "", fmt.Errorf("calicotest: %w", err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return "", "", fmt.Errorf("calicotest: %w", err)
	}
	return certFile, keyFile, nil
}

// writeCoreKubeconfig writes the kubeconfig the API server options require
// for core-API informers. It points at the server itself; startAPIServer
// starts no core-API informer, so nothing uses it.
func writeCoreKubeconfig(path, server string) error {
	const tmpl = `apiVersion: v1
kind: Config
clusters:
- name: self
  cluster:
    server: %s
    insecure-skip-tls-verify: true
contexts:
- name: self
  context:
    cluster: self
    user: none
users:
- name: none
  user: {}
current-context: self
`
	if err := os.WriteFile(path, fmt.Appendf(nil, tmpl, server), 0o600); err != nil {
		return fmt.Errorf("calicotest: %w", err)
	}
	return nil
}
