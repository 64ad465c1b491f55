package nxostest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// session is a logged-in client of one simulated switch.
type session struct {
	t testing.TB
	s *Server
	c *http.Client
}

func start(t *testing.T, opts ...Option) (*Server, *session) {
	t.Helper()
	s := NewServer(opts...)
	t.Cleanup(s.Close)
	return s, login(t, s)
}

func login(t testing.TB, s *Server) *session {
	t.Helper()
	c := s.Client()
	st, body, err := DoJSON(context.Background(), c, http.MethodPost, s.URL()+"/api/aaaLogin.json", []byte(`{"aaaUser":{"attributes":{"name":"admin","pwd":"admin"}}}`))
	if err != nil || st != http.StatusOK {
		t.Fatalf("login: %d %s %v", st, body, err)
	}
	return &session{t: t, s: s, c: c}
}

func (se *session) do(method, path, body string) (int, []byte) {
	se.t.Helper()
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	st, out, err := DoJSON(context.Background(), se.c, method, se.s.URL()+path, b)
	if err != nil {
		se.t.Fatalf("%s %s: %v", method, path, err)
	}
	return st, out
}

// post posts body to /api/mo/<dn>.json and fails the test unless it is accepted.
func (se *session) post(dn, body string) {
	se.t.Helper()
	if st, out := se.do(http.MethodPost, "/api/mo/"+dn+".json", body); st != http.StatusOK {
		se.t.Fatalf("POST %s: %d %s", dn, st, out)
	}
}

// get runs a GET and parses the answer.
func (se *session) get(path string) []*dme.Object {
	se.t.Helper()
	st, out := se.do(http.MethodGet, path, "")
	objs, err := dme.Parse(out)
	if st != http.StatusOK || err != nil {
		se.t.Fatalf("GET %s: %d %s %v", path, st, out, err)
	}
	var total struct {
		TotalCount string `json:"totalCount"`
	}
	_ = json.Unmarshal(out, &total)
	if total.TotalCount == "" || total.TotalCount != itoa(len(objs)) {
		se.t.Fatalf("GET %s: totalCount %q for %d objects", path, total.TotalCount, len(objs))
	}
	return objs
}

// fail runs a request that must fail and returns its status and NX-OS error.
func (se *session) fail(method, path, body string) (int, *dme.Error) {
	se.t.Helper()
	st, out := se.do(method, path, body)
	_, err := dme.Parse(out)
	var e *dme.Error
	if !errors.As(err, &e) {
		se.t.Fatalf("%s %s: %d %s: no NX-OS error body", method, path, st, out)
	}
	return st, e
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func dns(objs []*dme.Object) string {
	var s []string
	for _, o := range objs {
		s = append(s, o.Class+":"+o.Get("dn"))
	}
	return strings.Join(s, " ")
}

// leafBody is the case study's Leaf2101 configuration (abridged) as posted to sys.
const featuresBody = `{"topSystem":{"children":[{"fmEntity":{"children":[
  {"fmBgp":{"attributes":{"adminSt":"enabled"}}},{"fmInterfaceVlan":{"attributes":{"adminSt":"enabled"}}},
  {"fmNvo":{"attributes":{"adminSt":"enabled"}}},{"fmEvpn":{"attributes":{"adminSt":"enabled"}}},{"fmHmm":{"attributes":{"adminSt":"enabled"}}}]}}]}}`

const leafBody = `{"topSystem":{"children":[
 {"l3Inst":{"attributes":{"name":"vrf-001"},"children":[{"rtctrlDom":{"attributes":{"name":"vrf-001"},"children":[
   {"rtctrlDomAf":{"attributes":{"type":"ipv4-ucast"},"children":[{"rtctrlAfCtrl":{"attributes":{"type":"l2vpn-evpn"},"children":[
     {"rtctrlRttP":{"attributes":{"type":"import"},"children":[{"rtctrlRttEntry":{"attributes":{"rtt":"route-target:as2-nn2:2101:2102"}}}]}}]}}]}}]}}]}},
 {"rpmEntity":{"children":[{"rtmapRule":{"attributes":{"name":"loopback"},"children":[{"rtmapEntry":{"attributes":{"order":"10","action":"permit"},"children":[
   {"rtmapMatchRtDst":{"children":[{"rtmapRsRtDstAtt":{"attributes":{"tDn":"sys/rpm/pfxlistv4-[dup_ip_avoidance]"}}}]}}]}}]}}]}},
 {"interfaceEntity":{"children":[{"l3LbRtdIf":{"attributes":{"id":"lo1002","adminSt":"up"},"children":[{"nwRtVrfMbr":{"attributes":{"tDn":"sys/inst-vrf-001"}}}]}}]}},
 {"bgpEntity":{"children":[{"bgpInst":{"attributes":{"asn":"65102","adminSt":"enabled"},"children":[
   {"bgpDom":{"attributes":{"name":"default","rtrId":"10.2.1.1"},"children":[
     {"bgpPeerCont":{"attributes":{"name":"CALICO","asn":"65531","srcIf":"lo1002","ttl":"10"},"children":[{"bgpPeerAf":{"attributes":{"type":"ipv4-ucast","asOverride":"enabled"}}}]}},
     {"bgpPeer":{"attributes":{"addr":"10.2.1.5","asn":"65102","srcIf":"lo0","passwdType":"3","password":"8fefa6b7668dc51d3ddc35f4e99cc574"},"children":[
       {"bgpPeerAf":{"attributes":{"type":"l2vpn-evpn","sendComStd":"enabled","sendComExt":"enabled"}}}]}}]}},
   {"bgpDom":{"attributes":{"name":"vrf-001"},"children":[
     {"bgpDomAf":{"attributes":{"type":"ipv4-ucast","maxEcmp":"64"},"children":[{"bgpAdvPrefix":{"attributes":{"addr":"0.0.0.0/0"}}}]}},
     {"bgpPeer":{"attributes":{"addr":"192.168.1.10","peerImp":"CALICO"},"children":[
       {"bgpPeerAf":{"attributes":{"type":"ipv4-ucast","asOverride":"enabled","ctrl":"nh-self,dis-peer-as-check"}}}]}},
     {"bgpPeer":{"attributes":{"addr":"2001:192:168:1::10","peerImp":"K8-v6"}}}]}}]}}]}}]}}`
