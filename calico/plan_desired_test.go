package calico

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"k8s.io/apimachinery/pkg/types"

	"github.com/nxcalico/nxcalico/change"
)

// existingPeer is a BGPPeer as the server holds it: server-set metadata and, when cluster is not
// empty, ManagedByLabel=cluster.
func existingPeer(name, ip, cluster string) *v3.BGPPeer {
	p := testPeer(name, ip)
	p.ResourceVersion, p.UID = "7", types.UID("uid-"+name)
	if cluster != "" {
		p.Labels = map[string]string{ManagedByLabel: cluster}
	}
	return p
}

// diffOf validates desired for cluster "prod" and diffs it against the existing BGPPeers.
func diffOf(t *testing.T, desired []Object, existing ...Object) ([]Change, []ObjectRef, error) {
	t.Helper()
	want, err := validateDesired("prod", desired)
	if err != nil {
		t.Fatal(err)
	}
	return diffDesired("prod", want, map[*kind][]Object{kindBGPPeer: existing}, GroupV3)
}

// summary is "action name" per change, in order.
func summary(changes []Change) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i] = c.Action.String() + " " + c.Object.Name
	}
	return out
}

func TestDiffDesiredOwnership(t *testing.T) {
	// The server's answer to an in-sync object: nxcalico's field manager owns the designed fields.
	ours := `{"f:metadata":{"f:labels":{"f:nxcalico.io/managed-by":{}}},"f:spec":{"f:asNumber":{},"f:peerIP":{}}}`
	same := existingPeer("same", "192.0.2.5", "prod")
	same.ManagedFields = managed(FieldManager, ours)

	changes, unchanged, err := diffOf(t,
		[]Object{
			testPeer("new", "192.0.2.1"),      // not on the server
			testPeer("ours", "192.0.2.2"),     // ours, another address
			testPeer("adopted", "192.0.2.3"),  // exists without the label
			testPeer("same", "192.0.2.5"),     // ours, as designed
			testPeer("labelled", "192.0.2.6"), // ours, same values, applied by someone else
		},
		existingPeer("ours", "192.0.2.99", "prod"),
		existingPeer("adopted", "192.0.2.3", ""),
		same,
		existingPeer("labelled", "192.0.2.6", "prod"),
		existingPeer("gone", "192.0.2.7", "prod"),          // ours, no longer designed
		existingPeer("foreign", "192.0.2.8", ""),           // never ours
		existingPeer("neighbours", "192.0.2.9", "staging"), // another cluster's
	)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"create new", "update ours", "update adopted", "update labelled", "delete gone"}
	if got := summary(changes); !slices.Equal(got, want) {
		t.Errorf("changes %q, want %q", got, want)
	}
	if want := []ObjectRef{{Kind: "BGPPeer", Name: "same"}}; !slices.Equal(unchanged, want) {
		t.Errorf("unchanged %v, want %v", unchanged, want)
	}
	for _, c := range changes {
		switch c.Action {
		case change.Create, change.Update:
			// Every apply carries the label, so an adopted object becomes ours.
			var body struct {
				Metadata struct{ Labels map[string]string }
				Spec     struct{ PeerIP string }
			}
			if err := json.Unmarshal(c.body, &body); err != nil {
				t.Fatalf("%s: body: %v", c.Object, err)
			}
			if body.Metadata.Labels[ManagedByLabel] != "prod" || body.Spec.PeerIP != c.Desired.(*v3.BGPPeer).Spec.PeerIP {
				t.Errorf("%s: body %s", c.Object, c.body)
			}
			if (c.Action == change.Create) != (c.Current == nil) {
				t.Errorf("%s %s: current %v", c.Action, c.Object, c.Current)
			}
		case change.Delete:
			if c.Current == nil || c.Current.GetUID() != "uid-gone" || c.body != nil {
				t.Errorf("delete %s: current %v, body %s", c.Object, c.Current, c.body)
			}
		}
	}
}

func TestDiffDesiredRefusesAnotherClustersObject(t *testing.T) {
	changes, unchanged, err := diffOf(t,
		[]Object{testPeer("shared", "192.0.2.1"), testPeer("fine", "192.0.2.2"), testPeer("also-shared", "192.0.2.3")},
		existingPeer("shared", "192.0.2.1", "staging"),
		existingPeer("also-shared", "192.0.2.3", "dev"),
	)
	if err == nil {
		t.Fatalf("no error; changes %q, unchanged %v", summary(changes), unchanged)
	}
	if changes != nil || unchanged != nil {
		t.Errorf("changes %q and unchanged %v returned with the error", summary(changes), unchanged)
	}
	for _, w := range []string{
		`BGPPeer "shared" exists labelled nxcalico.io/managed-by="staging"; refusing to take over another cluster's object for cluster "prod"`,
		`BGPPeer "also-shared" exists labelled nxcalico.io/managed-by="dev"`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not say %q:\n%v", w, err)
		}
	}
}

func TestDiffDesiredDeletesOnlyThisClustersObjects(t *testing.T) {
	// Nothing desired: only the objects labelled for this cluster go, in name order.
	changes, _, err := diffOf(t, nil,
		existingPeer("b-ours", "192.0.2.2", "prod"),
		existingPeer("unlabelled", "192.0.2.3", ""),
		existingPeer("a-ours", "192.0.2.1", "prod"),
		existingPeer("theirs", "192.0.2.4", "staging"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summary(changes), []string{"delete a-ours", "delete b-ours"}; !slices.Equal(got, want) {
		t.Errorf("changes %q, want %q", got, want)
	}
}

func TestSortPlanOrdersByKindThenName(t *testing.T) {
	p := &Plan{
		Changes: []Change{
			{Action: change.Delete, Object: ObjectRef{Kind: "BGPPeer", Name: "a"}},
			{Action: change.Create, Object: ObjectRef{Kind: "IPPool", Name: "z"}},
			{Action: change.Update, Object: ObjectRef{Kind: "BGPConfiguration", Name: "default"}},
			{Action: change.Create, Object: ObjectRef{Kind: "IPPool", Name: "b"}},
		},
		Unchanged: []ObjectRef{{Kind: "BGPFilter", Name: "f"}, {Kind: "IPPool", Name: "p"}},
	}
	sortPlan(p)
	var got []string
	for _, c := range p.Changes {
		got = append(got, c.Object.String())
	}
	want := []string{"BGPConfiguration/default", "IPPool/b", "IPPool/z", "BGPPeer/a"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	if p.Unchanged[0].Kind != "IPPool" {
		t.Errorf("unchanged order %v", p.Unchanged)
	}
}
