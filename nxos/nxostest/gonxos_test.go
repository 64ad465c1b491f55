package nxostest_test

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net/http"
	"testing"

	"github.com/netascode/go-nxos"

	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// TestGoNXOSClient drives the simulator with the go-nxos client the SDK builds
// on: cookie-jar sessions, POST without Content-Type, GET by DN and class,
// filters, DELETE, and its error handling.
func TestGoNXOSClient(t *testing.T) {
	w := log.Writer()
	log.SetOutput(io.Discard) // go-nxos logs every request through the global logger
	defer log.SetOutput(w)

	sw := nxostest.NewTLSServer(nxostest.WithCredentials("ops", "pw"))
	defer sw.Close()
	c, err := nxos.NewClient(sw.URL(), "ops", "pw", false, nxos.MaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	c.HttpClient.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: sw.CertPool(), MinVersion: tls.VersionTLS12}
	if err := c.Login(); err != nil {
		t.Fatal(err)
	}
	body := nxos.Body{}.
		Set("bgpEntity.children.0.bgpInst.attributes.asn", "65102").
		Set("bgpEntity.children.0.bgpInst.children.0.bgpDom.attributes.name", "default").
		Set("bgpEntity.children.0.bgpInst.children.0.bgpDom.children.0.bgpPeer.attributes.addr", "10.2.1.5").
		Set("bgpEntity.children.0.bgpInst.children.0.bgpDom.children.0.bgpPeer.attributes.asn", "65102").Str
	if _, err := c.Post("sys/bgp", body); err != nil {
		t.Fatalf("Post: %v", err)
	}
	res, err := c.GetDn("sys/bgp/inst/dom-default/peer-[10.2.1.5]")
	if err != nil || res.Get("bgpPeer.attributes.asn").Str != "65102" || res.Get("bgpPeer.attributes.password").Str != "" {
		t.Fatalf("GetDn: %v %s", err, res.Raw)
	}
	res, err = c.GetClass("bgpPeerEntry", nxos.Query("query-target-filter", `ne(bgpPeerEntry.operSt,"established")`))
	if err != nil || res.Get("0.bgpPeerEntry.attributes.operSt").Str != "idle" {
		t.Fatalf("GetClass: %v %s", err, res.Raw)
	}
	if _, err := c.Post("sys/bgp/inst/dom-default/peer-[10.2.1.5]", `{"bgpPeer":{"attributes":{"ttl":"256"}}}`); err == nil {
		t.Error("invalid POST accepted")
	}
	if _, err := c.DeleteDn("sys/bgp/inst/dom-default"); err != nil {
		t.Fatalf("DeleteDn: %v", err)
	}
	if res, _ := c.GetDn("sys/bgp/inst/dom-default"); res.Exists() {
		t.Errorf("deleted DN still answers: %s", res.Raw)
	}
	bad, _ := nxos.NewClient(sw.URL(), "ops", "wrong", false, nxos.MaxRetries(0))
	bad.HttpClient.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: sw.CertPool(), MinVersion: tls.VersionTLS12}
	var ae *nxos.AuthenticationError
	if err := bad.Login(); !errors.As(err, &ae) || ae.StatusCode != 401 {
		t.Errorf("wrong password: %v", err)
	}
}
