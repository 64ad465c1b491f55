package calico

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// managed returns a managedFields list with one Apply entry for manager.
func managed(manager, fieldsV1 string) []metav1.ManagedFieldsEntry {
	return []metav1.ManagedFieldsEntry{{
		Manager: manager, Operation: metav1.ManagedFieldsOperationApply, APIVersion: "projectcalico.org/v3",
		FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(fieldsV1),
	}}
}

func TestOwnedLeaves(t *testing.T) {
	tests := []struct {
		name   string
		fields string
		want   []string
	}{
		{"scalars and labels", `{"f:metadata":{"f:labels":{"f:nxcalico.io/managed-by":{}}},"f:spec":{"f:asNumber":{},"f:peerIP":{}}}`,
			[]string{"metadata/labels/nxcalico.io/managed-by", "spec/asNumber", "spec/peerIP"}},
		{"list of maps is one leaf", `{"f:spec":{"f:serviceClusterIPs":{"k:{\"cidr\":\"10.96.0.0/12\"}":{".":{},"f:cidr":{}}}}}`,
			[]string{"spec/serviceClusterIPs"}},
		{"set is one leaf", `{"f:spec":{"f:allowedUses":{"v:\"Workload\"":{}},"f:cidr":{}}}`,
			[]string{"spec/allowedUses", "spec/cidr"}},
		{"nested struct", `{"f:spec":{"f:password":{"f:secretKeyRef":{"f:key":{},"f:name":{}}}}}`,
			[]string{"spec/password/secretKeyRef/key", "spec/password/secretKeyRef/name"}},
		{"empty map", `{"f:spec":{}}`, []string{"spec"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ownedLeaves(managed(FieldManager, tt.fields), FieldManager)
			if !ok {
				t.Fatal("no entry found")
			}
			var paths []string
			for p := range got {
				paths = append(paths, strings.ReplaceAll(p, pathSep, "/"))
			}
			slices.Sort(paths)
			if !slices.Equal(paths, tt.want) {
				t.Errorf("got %v, want %v", paths, tt.want)
			}
		})
	}
	if _, ok := ownedLeaves(managed("kubectl", `{"f:spec":{}}`), FieldManager); ok {
		t.Error("found an entry of another manager")
	}
	if _, ok := ownedLeaves(managed(FieldManager, `not json`), FieldManager); ok {
		t.Error("read an unreadable entry")
	}
}

func TestInSync(t *testing.T) {
	desired := testPeer("p", "192.0.2.1")
	desired.Labels = map[string]string{ManagedByLabel: "prod"}
	content, err := applyContent(kindBGPPeer, desired, GroupV3)
	if err != nil {
		t.Fatal(err)
	}
	ours := `{"f:metadata":{"f:labels":{"f:nxcalico.io/managed-by":{}}},"f:spec":{"f:asNumber":{},"f:peerIP":{}}}`
	current := func(modify func(p *v3.BGPPeer), fields string) Object {
		p := desired.DeepCopy()
		p.ResourceVersion, p.UID, p.Generation = "7", "uid-1", 3
		p.ManagedFields = managed(FieldManager, fields)
		if modify != nil {
			modify(p)
		}
		return p
	}
	tests := []struct {
		name    string
		current Object
		want    bool
	}{
		{"same values, same fields", current(nil, ours), true},
		{"another manager's label and a defaulted field", current(func(p *v3.BGPPeer) {
			p.Labels["team"] = "net"
			p.Spec.KeepOriginalNextHop = true
		}, ours), true},
		{"value differs", current(func(p *v3.BGPPeer) { p.Spec.PeerIP = "192.0.2.2" }, ours), false},
		{"nxcalico owns a field the design dropped", current(func(p *v3.BGPPeer) { p.Spec.Node = "n1" },
			`{"f:metadata":{"f:labels":{"f:nxcalico.io/managed-by":{}}},"f:spec":{"f:asNumber":{},"f:peerIP":{},"f:node":{}}}`), false},
		{"a designed field nxcalico does not own", current(nil, `{"f:metadata":{"f:labels":{"f:nxcalico.io/managed-by":{}}},"f:spec":{"f:peerIP":{}}}`), false},
		{"no managedFields", current(func(p *v3.BGPPeer) { p.ManagedFields = nil }, ours), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := inSync(content, tt.current); got != tt.want {
				t.Errorf("inSync = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestApplyContentCarriesOnlyWhatNxcalicoSets(t *testing.T) {
	p := testPeer("p", "192.0.2.1")
	p.Labels = map[string]string{ManagedByLabel: "prod"}
	p.ResourceVersion, p.UID, p.Generation = "7", "uid-1", 3
	p.ManagedFields = managed("kubectl", `{}`)
	p.CreationTimestamp = metav1.Now()
	for _, g := range groups {
		got, err := applyContent(kindBGPPeer, p, g)
		if err != nil {
			t.Fatal(err)
		}
		if got["apiVersion"] != string(g) || got["kind"] != "BGPPeer" {
			t.Errorf("%s: apiVersion %v kind %v", g, got["apiVersion"], got["kind"])
		}
		md := got["metadata"].(map[string]any)
		if keys := slices.Sorted(maps.Keys(md)); !slices.Equal(keys, []string{"labels", "name"}) {
			t.Errorf("%s: metadata keys %v, want labels and name only", g, keys)
		}
		spec := got["spec"].(map[string]any)
		if keys := slices.Sorted(maps.Keys(spec)); !slices.Equal(keys, []string{"asNumber", "peerIP"}) {
			t.Errorf("%s: spec keys %v, want asNumber and peerIP only", g, keys)
		}
		if _, ok := got["status"]; ok {
			t.Errorf("%s: status sent", g)
		}
	}
}

func TestObjectErrorFromConflict(t *testing.T) {
	server := apierrors.NewApplyConflict([]metav1.StatusCause{
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "kubectl-edit" using projectcalico.org/v3 at 2026-06-24T10:00:00Z`, Field: ".spec.natOutgoing"},
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "helm \"x\""`, Field: ".spec.cidr"},
	}, "Apply failed with 2 conflicts")
	err := objectError("apply", ObjectRef{Kind: "IPPool", Name: "pods"}, server)
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("%T, want *ConflictError", err)
	}
	want := []FieldConflict{{".spec.natOutgoing", "kubectl-edit"}, {".spec.cidr", `helm "x"`}}
	if !slices.Equal(ce.Conflicts, want) {
		t.Errorf("conflicts %v, want %v", ce.Conflicts, want)
	}
	if !errors.Is(err, server) {
		t.Error("the server's error is not wrapped")
	}
	wantMsg := `calico: apply IPPool "pods": conflict with another field manager: .spec.natOutgoing is owned by field manager "kubectl-edit"; .spec.cidr is owned by field manager "helm \"x\"" (Options.Force takes the fields over)`
	if err.Error() != wantMsg {
		t.Errorf("message\n%s\nwant\n%s", err, wantMsg)
	}

	invalid := apierrors.NewInvalid(schema.GroupKind{Group: "projectcalico.org", Kind: "IPPool"}, "pods", nil)
	invalid.ErrStatus.Details.Causes = []metav1.StatusCause{{Type: metav1.CauseTypeFieldValueNotSupported, Field: "spec.vxlanMode", Message: `Unsupported value: "Sometimes"`}}
	err = objectError("plan", ObjectRef{Kind: "IPPool", Name: "pods"}, invalid)
	var oe *ObjectError
	if !errors.As(err, &oe) || !slices.Equal(oe.Fields, []string{"spec.vxlanMode"}) {
		t.Fatalf("%v, want an ObjectError naming spec.vxlanMode", err)
	}
	if want := `calico: plan IPPool "pods": server rejected it (422 Invalid): spec.vxlanMode: Unsupported value: "Sometimes"`; err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
}

func TestDiffObjects(t *testing.T) {
	a := testPeer("p", "192.0.2.1")
	a.Labels = map[string]string{ManagedByLabel: "prod"}
	b := a.DeepCopy()
	b.Spec.PeerIP = "192.0.2.2"
	b.Labels["team"] = "net"
	b.Spec.Password = &v3.BGPPassword{SecretKeyRef: nil}
	b.ResourceVersion = "9" // server-set: never a difference
	got := diffObjects(a, b)
	want := []string{
		`Labels["team"]: (none) → "net"`,
		`Spec.PeerIP: "192.0.2.1" → "192.0.2.2"`,
		`Spec.Password: (none) → {}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := diffObjects(a, a.DeepCopy()); len(d) != 0 {
		t.Errorf("diff of equal objects: %v", d)
	}
}
