package integration_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/kit/lab"
	"github.com/nxcalico/nxcalico/nxos"
	"github.com/nxcalico/nxcalico/nxos/dme"
	"github.com/nxcalico/nxcalico/nxos/nxostest"
)

// The BGP passwords of these tests: distinctive strings that cannot appear by chance.
const (
	clearPassword   = "Zq7-clear-BGP-pw"
	rotatedPassword = "Zq7-rotated-BGP-pw"
)

var passwordRef = design.SecretRef{Namespace: "calico-system", Name: "bgp-password", Key: "password"}

// passwordDesign is the case study with a BGP password secret.
func passwordDesign() *design.Design {
	d := design.CaseStudy()
	ref := passwordRef
	d.Peering.PasswordSecret = &ref
	return d
}

// decodeType7 reverses Cisco's type-7 encoding (two decimal digits of salt, then hex bytes XORed
// with a fixed key), independently of package nxos, to check what the switch stores.
func decodeType7(s string) (string, error) {
	const key = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"
	if len(s) < 4 {
		return "", fmt.Errorf("type-7 %q too short", s)
	}
	salt, err := strconv.Atoi(s[:2])
	if err != nil {
		return "", err
	}
	b, err := hex.DecodeString(s[2:])
	if err != nil {
		return "", err
	}
	for i := range b {
		b[i] ^= key[(salt+i)%len(key)]
	}
	return string(b), nil
}

// templates returns the peer templates (bgpPeerCont) stored on a simulator.
func templates(sim *nxostest.Server) []*dme.Object {
	var out []*dme.Object
	var walk func(o *dme.Object)
	walk = func(o *dme.Object) {
		if o.Class == "bgpPeerCont" {
			out = append(out, o)
		}
		for _, c := range o.Children {
			walk(c)
		}
	}
	walk(sim.Dump())
	return out
}

// leakCheck collects every text a run shows, for assertNone to check that none holds a secret.
type leakCheck struct {
	texts map[string]string
}

func newLeakCheck() *leakCheck { return &leakCheck{texts: map[string]string{}} }

func (l *leakCheck) add(what, text string) { l.texts[what] += text + "\n" }

// assertNone fails t when a collected text holds one of secrets.
func (l *leakCheck) assertNone(t *testing.T, secrets ...string) {
	t.Helper()
	for what, text := range l.texts {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s contains the password %q", what, s)
			}
		}
	}
}

// loggingSyncer returns a Syncer on env whose switch and Calico clients and the Syncer itself log
// every debug record into logs.
func loggingSyncer(t *testing.T, env *lab.Lab, logs *bytes.Buffer) *nxcalico.Syncer {
	t.Helper()
	lg := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := env.Syncer()
	s.Logger = lg
	s.Switches = map[string]*nxos.Client{}
	for name, sim := range env.Sims {
		c, err := nxos.NewClient(nxos.Options{URL: sim.URL(), RootCAs: sim.CertPool(), Timeout: 10 * time.Second, Logger: lg,
			Credentials: nxos.Credentials{Username: lab.User, Password: design.NewSecret(lab.Password)}})
		if err != nil {
			t.Fatal(err)
		}
		s.Switches[name] = c
	}
	cc, err := calico.NewClient(env.API.Config(), calico.Options{Logger: lg})
	if err != nil {
		t.Fatal(err)
	}
	s.Calico = cc
	return s
}

func secretGets(core *fake.Clientset) int {
	n := 0
	for _, a := range core.Actions() {
		if a.GetVerb() == "get" && a.GetResource().Resource == "secrets" {
			n++
		}
	}
	return n
}

// createPasswordSecret stores value as the password Secret passwordRef names.
func createPasswordSecret(t *testing.T, ctx context.Context, env *lab.Lab, value string) {
	t.Helper()
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: passwordRef.Namespace, Name: passwordRef.Name},
		Data: map[string][]byte{passwordRef.Key: []byte(value)}}
	if _, err := env.Core.CoreV1().Secrets(passwordRef.Namespace).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// assertTemplatePasswords checks that every leaf of in holds its two peer templates, each with the
// type-7 form (passwdType 7) of want, and returns the encoded forms the switches store.
func assertTemplatePasswords(t *testing.T, env *lab.Lab, in *design.Intent, want string) map[string]bool {
	t.Helper()
	stored := map[string]bool{}
	for _, l := range in.Leaves {
		tmpls := templates(env.Sims[l.Name])
		if len(tmpls) != 2 {
			t.Fatalf("leaf %s holds %d peer templates, want 2", l.Name, len(tmpls))
		}
		for _, tp := range tmpls {
			if tp.Get("passwdType") != "7" {
				t.Errorf("leaf %s template %s: passwdType %q, want 7", l.Name, tp.Get("name"), tp.Get("passwdType"))
			}
			got, err := decodeType7(tp.Get("password"))
			if err != nil || got != want {
				t.Errorf("leaf %s template %s: stored password does not decode to the secret's value (%v)", l.Name, tp.Get("name"), err)
			}
			stored[tp.Get("password")] = true
		}
	}
	return stored
}

func TestOnePasswordForBothEnds(t *testing.T) {
	ctx := testCtx(t)
	in := derive(t, passwordDesign())
	env := startLab(t, in)
	createPasswordSecret(t, ctx, env, clearPassword)
	leaks := newLeakCheck()
	var logs bytes.Buffer
	s := loggingSyncer(t, env, &logs)
	s.Progress = func(st nxcalico.Step) { leaks.add("progress", fmt.Sprintf("%+v %v", st, st.Err)) }

	var pw design.Secret
	phase(t, "ReadPassword returns the Secret's value", func(t *testing.T) {
		var err error
		pw, err = nxcalico.ReadPassword(ctx, env.Core, in.Cluster.PasswordSecret)
		if err != nil {
			t.Fatalf("ReadPassword: %v", err)
		}
		if pw.Reveal() != clearPassword {
			t.Fatal("ReadPassword returned another value than the Secret holds")
		}
		leaks.add("password printed with %v, %+v, %#v and %s", fmt.Sprintf("%v %+v %#v %s", pw, pw, pw, pw))
		s.Password = pw
	})

	phase(t, "the design plans and applies with the password", func(t *testing.T) {
		plan, err := s.Plan(ctx, in)
		if err != nil {
			t.Fatalf("Plan: %v", err)
		}
		leaks.add("plan report", plan.String())
		rep, err := s.Apply(ctx, plan)
		if err != nil {
			t.Fatalf("Apply: %v", err)
		}
		leaks.add("apply report", rep.String())
	})

	// stored are the type-7 forms of the password on the switches.
	var stored map[string]bool
	phase(t, "every leaf template stores the type-7 form of the password", func(t *testing.T) {
		stored = assertTemplatePasswords(t, env, in, clearPassword)
	})

	t.Run("the password reaches each switch only in the body of its one configuration POST", func(t *testing.T) {
		for _, l := range in.Leaves {
			inBody := 0
			for _, r := range env.Sims[l.Name].Requests() {
				req := fmt.Sprintf("%s %s %v %s", r.Method, r.Path, r.Query, r.Body)
				leaks.add("request to "+l.Name, req)
				for enc := range stored {
					if strings.Contains(r.Path, enc) || strings.Contains(r.Query.Encode(), enc) {
						t.Errorf("leaf %s: password in the URL of %s %s", l.Name, r.Method, r.Path)
					}
					if strings.Contains(r.Body, enc) {
						inBody++
						if r.Method != http.MethodPost {
							t.Errorf("leaf %s: password in the body of %s %s", l.Name, r.Method, r.Path)
						}
					}
				}
			}
			if inBody != 1 {
				t.Errorf("leaf %s: %d request bodies carry the password, want the one configuration POST", l.Name, inBody)
			}
		}
	})

	t.Run("Calico's BGPPeers only reference the Secret", func(t *testing.T) {
		peers, err := env.Clientset.ProjectcalicoV3().BGPPeers().List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(peers.Items) == 0 {
			t.Fatal("no BGPPeers")
		}
		for _, p := range peers.Items {
			ref := p.Spec.Password
			if ref == nil || ref.SecretKeyRef == nil || ref.SecretKeyRef.Name != passwordRef.Name || ref.SecretKeyRef.Key != passwordRef.Key {
				t.Errorf("BGPPeer %s password: %+v, want secretKeyRef %s/%s", p.Name, ref, passwordRef.Name, passwordRef.Key)
			}
		}
		all, err := json.Marshal(peers)
		if err != nil {
			t.Fatal(err)
		}
		leaks.add("BGPPeers on the API server", string(all))
		for enc := range stored {
			if strings.Contains(string(all), enc) {
				t.Error("a BGPPeer carries the type-7 password")
			}
		}
	})

	phase(t, "planning again finds nothing to do", func(t *testing.T) {
		again, err := s.Plan(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Empty() {
			t.Errorf("plan after applying with a password is not empty:\n%s", again)
		}
		leaks.add("second plan report", again.String())
	})

	t.Run("the artifacts carry the type-7 password the switches need", func(t *testing.T) {
		arts, err := nxcalico.Artifacts(in, nxos.RenderOptions{Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		type7InArtifacts := false
		for _, a := range arts {
			leaks.add("artifact "+a.Path, string(a.Data))
			for enc := range stored {
				type7InArtifacts = type7InArtifacts || strings.Contains(string(a.Data), enc)
			}
		}
		if !type7InArtifacts {
			t.Error("no artifact carries the type-7 password the switches need")
		}
	})

	var rotate *nxcalico.Plan
	phase(t, "the rotation plan updates the 4 templates and shows the password redacted", func(t *testing.T) {
		s.RotatePassword = true
		s.Password = design.NewSecret(rotatedPassword)
		var err error
		rotate, err = s.Plan(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		leaks.add("rotation plan report", rotate.String())
		if _, u, _ := rotate.Counts(); u != 4 {
			t.Errorf("rotation plan updates %d objects, want the 4 templates:\n%s", u, rotate)
		}
		if !strings.Contains(rotate.String(), design.Redacted) {
			t.Errorf("rotation plan does not show the password as %s:\n%s", design.Redacted, rotate)
		}
	})

	// The leak check at the end shows that the error of a refused rotation does not hold it either.
	phase(t, "a rotation the switches refuse fails", func(t *testing.T) {
		for _, sim := range env.Sims {
			rejectConfig(sim, http.StatusBadRequest, 1)
		}
		if _, err := s.Apply(ctx, rotate); err == nil {
			t.Error("Apply succeeded with both switches refusing the rotation")
		} else {
			leaks.add("apply error", err.Error())
		}
	})

	phase(t, "applying the rotation again sets the new password on every template", func(t *testing.T) {
		if _, err := s.Apply(ctx, rotate); err != nil {
			t.Fatalf("rotating the password: %v", err)
		}
		assertTemplatePasswords(t, env, in, rotatedPassword)
	})

	t.Run("without RotatePassword a plan after the rotation finds nothing to do", func(t *testing.T) {
		s.RotatePassword = false
		if after, err := s.Plan(ctx, in); err != nil || !after.Empty() {
			t.Errorf("plan after the rotation: %v\n%v", err, after)
		}
	})

	t.Run("the Secret is read once and no report, request, object, artifact, error or log shows a password", func(t *testing.T) {
		if n := secretGets(env.Core); n != 1 {
			t.Errorf("the Secret was read %d times, want once (by ReadPassword)", n)
		}
		leaks.add("debug log", logs.String())
		if !strings.Contains(logs.String(), "level=DEBUG") {
			t.Error("the debug logger received nothing: the log check proves nothing")
		}
		leaks.assertNone(t, clearPassword, rotatedPassword)
	})
}

func TestReadPassword(t *testing.T) {
	ctx := context.Background()
	const other = "Zq7-other-key-value"
	tests := []struct {
		name    string
		data    map[string][]byte // nil: no Secret
		wantErr []string
	}{
		{name: "no such secret", wantErr: []string{"calico-system/bgp-password#password", "not found"}},
		{name: "no such key", data: map[string][]byte{"other": []byte(other)}, wantErr: []string{"calico-system/bgp-password#password", `no key "password"`}},
		{name: "empty value", data: map[string][]byte{"password": {}, "other": []byte(other)}, wantErr: []string{"calico-system/bgp-password#password", `key "password" is empty`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			core := fake.NewClientset()
			if tc.data != nil {
				s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: passwordRef.Namespace, Name: passwordRef.Name}, Data: tc.data}
				if _, err := core.CoreV1().Secrets(s.Namespace).Create(ctx, s, metav1.CreateOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			ref := passwordRef
			pw, err := nxcalico.ReadPassword(ctx, core, &ref)
			if err == nil {
				t.Fatal("no error")
			}
			if !pw.IsZero() {
				t.Error("a password came back with the error")
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), other) {
				t.Errorf("error %q shows a value of the Secret", err)
			}
		})
	}
	t.Run("no secret named", func(t *testing.T) {
		core := fake.NewClientset()
		pw, err := nxcalico.ReadPassword(ctx, core, nil)
		if err != nil || !pw.IsZero() || len(core.Actions()) != 0 {
			t.Errorf("ReadPassword(nil): %v, zero %v, %d requests", err, pw.IsZero(), len(core.Actions()))
		}
	})
}

// TestAddingAPasswordReachesTheSwitches gives a running design a password secret: Calico's
// peers change their password reference, so the leaves must receive the password in the same run
// although they never read theirs back.
func TestAddingAPasswordReachesTheSwitches(t *testing.T) {
	ctx := testCtx(t)
	_, env, _ := applied(t)
	in := derive(t, passwordDesign())
	s := env.Syncer()
	s.Password = design.NewSecret(clearPassword)
	plan, err := s.Plan(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range plan.Leaves() {
		if c, u, d := l.Counts(); c != 0 || u != 2 || d != 0 {
			t.Errorf("leaf %s: plan %d/%d/%d, want the 2 templates updated:\n%s", l.Leaf, c, u, d, l)
		}
	}
	if _, u, _ := plan.Calico().Counts(); u != 4 {
		t.Errorf("Calico plan updates %d objects, want the 4 BGPPeers:\n%s", u, plan.Calico())
	}
	if strings.Contains(plan.String(), clearPassword) {
		t.Error("plan shows the password")
	}
	if _, err := s.Apply(ctx, plan); err != nil {
		t.Fatal(err)
	}
	for _, l := range in.Leaves {
		for _, tp := range templates(env.Sims[l.Name]) {
			if got, err := decodeType7(tp.Get("password")); err != nil || got != clearPassword {
				t.Errorf("leaf %s template %s: password not set (%v)", l.Name, tp.Get("name"), err)
			}
		}
	}
	again, err := s.Plan(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Empty() {
		t.Errorf("plan after adding the password is not empty:\n%s", again)
	}
}
