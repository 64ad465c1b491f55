package calico

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/nxcalico/nxcalico/design"
)

// Render turns the cluster side of a derived Intent into Calico objects: the BGPConfiguration
// "default", one IPPool per design pool, the BGPFilter that mirrors the leaves' route filters
// (when the design filters routes) and the BGPPeers to the leaf loopbacks, every one labelled
// nxcalico.io/managed-by=<cluster name>. It is pure: the same Intent always gives the same objects
// in the same order, and nothing is read or written.
//
// The BGPPeers take one of two shapes. With shared loopbacks (every pair colored and using the same
// loopback addresses) there is one global peer per loopback address, so the object count does not
// grow with racks or nodes. Otherwise there is one peer per pair, leaf and family, selecting the
// pair's nodes with `nxcalico.io/leaf-pair == '<pair>'` (see node.LeafPairLabel and node.Patches) and
// itself labelled with the pair.
//
// When the design names a BGP password Secret, the peers reference it with secretKeyRef (name and
// key; the value never appears). Calico reads BGP passwords only from Secrets in the namespace
// calico-node runs in (calico-system with the Tigera operator, kube-system with manifest installs),
// and calico-node needs a Role granting get, list and watch on that Secret: the Secret named in the
// design must live there.
//
// Render fails, naming the field and quoting the value, when the Intent holds something Calico
// cannot express (an unknown encapsulation, a cluster name that is no label value, …); an Intent
// from design.Derive never does.
func Render(in *design.Intent) (*Objects, error) {
	if in == nil {
		return nil, errors.New("calico: render: nil intent")
	}
	c := &in.Cluster
	var errs []error
	if err := checkLabelValue("Cluster.Name", c.Name); err != nil {
		errs = append(errs, err)
	}
	o := &Objects{BGPConfiguration: renderBGPConfiguration(c)}
	var err error
	o.IPPools, err = renderIPPools(c)
	errs = append(errs, err)
	filter, err := renderBGPFilter(c)
	errs = append(errs, err)
	if filter != nil {
		o.BGPFilters = []*v3.BGPFilter{filter}
	}
	o.BGPPeers, err = renderBGPPeers(c, in.Fabric.Gateway, filter != nil)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(o.IPPools, func(a, b *v3.IPPool) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(o.BGPPeers, func(a, b *v3.BGPPeer) int { return strings.Compare(a.Name, b.Name) })
	if err := checkNames(o); err != nil {
		return nil, err
	}
	return o, nil
}

// objectMeta is the metadata of a rendered object: its name and nxcalico's labels.
func objectMeta(name, cluster string, extra ...string) metav1.ObjectMeta {
	labels := make(map[string]string, 1+len(extra)/2)
	labels[ManagedByLabel] = cluster
	for i := 0; i+1 < len(extra); i += 2 {
		labels[extra[i]] = extra[i+1]
	}
	return metav1.ObjectMeta{Name: name, Labels: labels}
}

// checkLabelValue reports a value that cannot be a Kubernetes label value, or is empty.
func checkLabelValue(field, v string) error {
	if isLabelValue(v) {
		return nil
	}
	msgs := validation.IsValidLabelValue(v)
	if v == "" {
		msgs = append(msgs, "must not be empty")
	}
	return fmt.Errorf("calico: %s %q: not a valid label value: %s", field, v, strings.Join(msgs, "; "))
}

// checkNames reports object names that are no DNS-1123 subdomain or that two objects of one kind
// share. Render's naming makes both impossible; the check keeps it that way.
func checkNames(o *Objects) error {
	var errs []error
	seen := make(map[string]bool, o.Len())
	for _, obj := range o.All() {
		kind := obj.GetObjectKind().GroupVersionKind().Kind
		key := kind + "/" + obj.GetName()
		if seen[key] {
			errs = append(errs, fmt.Errorf("calico: two %s objects named %q", kind, obj.GetName()))
		}
		seen[key] = true
		if !isDNS1123Subdomain(obj.GetName()) {
			msgs := validation.IsDNS1123Subdomain(obj.GetName())
			errs = append(errs, fmt.Errorf("calico: %s name %q: %s", kind, obj.GetName(), strings.Join(msgs, "; ")))
		}
	}
	return errors.Join(errs...)
}
