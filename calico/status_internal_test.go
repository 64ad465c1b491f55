package calico

import (
	"strings"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
)

func TestNodeStatusOfRejectsBadPeerIP(t *testing.T) {
	st := nodeStatusObject("prod", "n1")
	st.Status.BGP.PeersV4 = []v3.CalicoNodePeer{{PeerIP: "not-an-ip", State: "Idle"}}
	_, err := nodeStatusOf("n1", st)
	if err == nil || !strings.Contains(err.Error(), `status.bgp.peersV4[0].peerIP "not-an-ip"`) {
		t.Errorf("error = %v", err)
	}
}
