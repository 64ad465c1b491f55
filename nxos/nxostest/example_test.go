package nxostest_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"time"

	"github.com/nxcalico/nxcalico/nxos/dme"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// A plain net/http client logs in (the session cookie lands in its jar, as with
// go-nxos), posts a BGP neighbor and reads the neighbor back.
func Example() {
	sw := nxostest.NewServer(nxostest.WithHostname("leaf2101"))
	defer sw.Close()

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	send := func(method, path, body string) string {
		req, _ := http.NewRequest(method, sw.URL()+path, bytes.NewBufferString(body))
		resp, err := c.Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return fmt.Sprintf("%d %s", resp.StatusCode, b)
	}

	fmt.Println(send("GET", "/api/mo/sys/bgp.json", ""))
	send("POST", "/api/aaaLogin.json", `{"aaaUser":{"attributes":{"name":"admin","pwd":"admin"}}}`)
	fmt.Println(send("POST", "/api/mo/sys.json", `{"topSystem":{"children":[{"bgpEntity":{"children":[{"bgpInst":{"attributes":{"asn":"65102"},"children":[
		{"bgpDom":{"attributes":{"name":"default"},"children":[
			{"bgpPeer":{"attributes":{"addr":"10.2.1.5","asn":"65102","password":"secret","passwdType":"0"}}}]}}]}}]}}]}}`))
	fmt.Println(send("GET", "/api/mo/sys/bgp/inst/dom-default/peer-[10.2.1.5].json?rsp-prop-include=naming-only&rsp-subtree=children", ""))
	fmt.Println(send("GET", "/api/class/bgpPeer.json?query-target-filter=eq(bgpPeer.asn,%2265102%22)&rsp-prop-include=naming-only", ""))
	// Output:
	// 403 {"imdata":[{"error":{"attributes":{"code":"403","text":"Need a valid webtoken cookie (named APIC-Cookie) or a signed request with signature in the cookie."}}}]}
	// 200 {"totalCount":"0","imdata":[]}
	// 200 {"totalCount":"1","imdata":[{"bgpPeer":{"attributes":{"addr":"10.2.1.5","dn":"sys/bgp/inst/dom-default/peer-[10.2.1.5]"},"children":[{"bgpPeerEntry":{"attributes":{"addr":"10.2.1.5","rn":"ent-[10.2.1.5]"}}}]}}]}
	// 200 {"totalCount":"1","imdata":[{"bgpPeer":{"attributes":{"addr":"10.2.1.5","dn":"sys/bgp/inst/dom-default/peer-[10.2.1.5]"}}}]}
}

// Declaring the node peers alive brings every configured neighbor up, as the
// case-study demo needs; state is read back without HTTP.
func ExampleServer_SetPeersAlive() {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	sw := nxostest.NewServer(nxostest.WithClock(func() time.Time { return at }))
	defer sw.Close()

	peer := dme.New("bgpPeer", "dn", "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]", "addr", "192.168.1.10", "peerImp", "CALICO")
	if err := sw.Load(peer); err != nil {
		fmt.Println(err)
	}
	ent := "sys/bgp/inst/dom-vrf-001/peer-[192.168.1.10]/ent-[192.168.1.10]"
	fmt.Println(sw.Get(ent).Get("operSt"))
	sw.SetPeersAlive(true)
	e := sw.Get(ent)
	fmt.Println(e.Get("operSt"), e.Get("lastFlapTs"))
	sw.SetPeerState("vrf-001", "192.168.1.10", "active")
	fmt.Println(sw.Get(ent).Get("operSt"))
	// Output:
	// idle
	// established 2026-03-04T05:06:07.000+00:00
	// active
}

// Faults are injected at run time: here the next request fails with 503.
func ExampleServer_FailNext() {
	sw := nxostest.NewServer()
	defer sw.Close()
	sw.FailNext(1, http.StatusServiceUnavailable)
	resp, err := sw.Client().Post(sw.URL()+"/api/aaaLogin.json", "", bytes.NewBufferString(`{"aaaUser":{"attributes":{"name":"admin","pwd":"admin"}}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(b))
	fmt.Println(sw.Requests()[0].Status)
	// Output:
	// 503 {"imdata":[{"error":{"attributes":{"code":"503","text":"Service Unavailable"}}}]}
	// 503
}
