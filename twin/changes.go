package twin

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nxcalico/nxcalico"
	"github.com/nxcalico/nxcalico/addressing"
	"github.com/nxcalico/nxcalico/change"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos"
	"github.com/nxcalico/nxcalico/twin/frr"
)

// Change is one change of the lab's design, carried out the way an operator carries it out:
// cabling first (Grow), then the design applied through an nxcalico.Syncer (leaves retired when
// they leave it), then uncabling (Shrink).
type Change struct {
	// Name says what changes, e.g. "a node joins rack 2101".
	Name string
	// To is the design after the change.
	To *design.Intent
	// Password is the BGP password after the change; zero when To names no password secret.
	// When To names one, the Secret is written with it before the change is applied.
	Password design.Secret
	// RotatePassword sends Password to the leaves' existing templates (a new value in the same
	// Secret; see nxcalico.Syncer.RotatePassword).
	RotatePassword bool
	// AllowOutage lets the change leave a node without a session while it is applied (a node
	// moving to another rack: see nxcalico.Syncer.AllowOutage).
	AllowOutage bool
}

// ChangeOptions configure Lab.Change.
type ChangeOptions struct {
	// Syncer applies the changes: its Calico and Nodes clients and options are used as they are;
	// Switches, Retired, Password and RotatePassword are set for each change. Nodes must be the
	// lab's Kube client (the change creates the Nodes of joining nodes and deletes those of
	// departed ones there).
	Syncer nxcalico.Syncer
	// Settle bounds how long a change may take to converge (every session of the new design up
	// on both ends); 0 means 60 s.
	Settle time.Duration
	// After, when set, are the checks run once the change converged (CheckOptions.Only names
	// them); nil runs sessions, routes, packets and pod routes.
	After *CheckOptions
}

// ChangeResult is what one change cost, measured on the daemons while it ran.
type ChangeResult struct {
	Name string
	// Began is when the change began (its first cable).
	Began time.Time
	// Took is the time from the first cable to every session of the new design Established on
	// both ends.
	Took time.Duration
	// Planned is the plan's summary line; PlanResets the sessions the plan said it resets.
	Planned    string
	PlanResets []string
	// Flows are the continuous pod-to-pod pings that ran during the change (between every rack
	// pair, per family, among the nodes the change does not touch) with their losses; Sent and
	// Lost count their packets.
	Flows      []string
	Sent, Lost int
	// LostRoutes are routes that were in a routing table before and after the change but had no
	// route at some moment during it ("namespace: prefix (gone 1.2s into the change)").
	LostRoutes []string
	// Resets are sessions both designs have that went down during the change ("leaf neighbor
	// (FRR's reason)"); Unannounced those of them the plan did not list in PlanResets.
	Resets, Unannounced []string
	// Excused names what the change removes or replaces by definition (a departing node's
	// routes, a moving node's sessions), which is not counted.
	Excused []string
	// Report is the checks run after the change converged.
	Report *Report
	// Err is why the change failed (applying it, or converging within Settle).
	Err error
}

// Clean reports whether the change lost no route and no packet, reset no session the plan did not
// announce, converged and passed its checks.
func (r *ChangeResult) Clean() bool {
	return r.Err == nil && r.Lost == 0 && len(r.LostRoutes) == 0 && len(r.Unannounced) == 0 &&
		(r.Report == nil || r.Report.Passed())
}

// ChangeTable is the table of a change suite: per change, lost routes, lost packets, sessions
// reset (announced by the plan) and time.
func ChangeTable(results []*ChangeResult) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "change\tlost routes\tlost packets\tsessions reset (not announced)\ttook\tresult")
	for _, r := range results {
		res := "clean"
		switch {
		case r.Err != nil:
			res = "FAILED: " + r.Err.Error()
		case !r.Clean():
			res = "LOSS"
			if r.Report != nil && !r.Report.Passed() {
				res = "CHECKS FAILED"
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d/%d\t%d (%d)\t%s\t%s\n", r.Name, len(r.LostRoutes), r.Lost, r.Sent, len(r.Resets), len(r.Unannounced),
			r.Took.Round(100*time.Millisecond), res)
	}
	_ = tw.Flush()
	return b.String()
}

// String is the change's result with its findings.
func (r *ChangeResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d routes lost, %d/%d packets lost, %d sessions reset (%d not announced by the plan), %s\n", r.Name, len(r.LostRoutes), r.Lost, r.Sent,
		len(r.Resets), len(r.Unannounced), r.Took.Round(time.Millisecond))
	if r.Planned != "" {
		fmt.Fprintf(&b, "  plan: %s (began %s)\n", r.Planned, r.Began.Format("15:04:05.000"))
	}
	for _, list := range []struct {
		head  string
		items []string
	}{{"announced reset", r.PlanResets}, {"lost route", r.LostRoutes}, {"unannounced reset", r.Unannounced}, {"excused", r.Excused}, {"flow", lossy(r.Flows)}} {
		for _, it := range list.items {
			fmt.Fprintf(&b, "  %s: %s\n", list.head, it)
		}
	}
	if r.Err != nil {
		fmt.Fprintf(&b, "  error: %v\n", r.Err)
	}
	if r.Report != nil && !r.Report.Passed() {
		for _, c := range r.Report.Failed() {
			fmt.Fprintf(&b, "  check %s failed: %s %s\n", c.Name, c.Summary, strings.Join(c.Details, "; "))
		}
	}
	return b.String()
}

// Change carries out one change while measuring it: with continuous pod-to-pod pings between
// every rack pair and a watch of every leaf's and every untouched node's routing table running, it
// grows the lab to c.To, writes the password Secret and the Nodes of joining nodes, plans and
// applies c.To with the Syncer (retiring the leaves c.To drops), shrinks the lab, deletes the Nodes
// of departed nodes and waits until every session of c.To is Established on both ends. The error
// is for a change that could not be measured (the lab or its probes failing); a change that fails
// is reported in the result's Err.
func (l *Lab) Change(ctx context.Context, c Change, o ChangeOptions) (*ChangeResult, error) {
	if c.To == nil {
		return nil, errors.New("twin: Change: nil To")
	}
	if o.Settle == 0 {
		o.Settle = 60 * time.Second
	}
	from := l.Intent()
	res := &ChangeResult{Name: c.Name}
	excusedNodes, excusedBlocks := l.excused(from, c.To, res)

	// Before: sessions and routing tables; then the probes.
	beforeSessions, err := l.leafSessions(ctx, c.To)
	if err != nil {
		return nil, err
	}
	watched := l.watchedNamespaces(from, c.To, excusedNodes)
	before := map[string]map[netip.Prefix]bool{}
	for _, ns := range watched {
		if before[ns], err = routeTable(ctx, ns); err != nil {
			return nil, err
		}
	}
	var began time.Time // when the change began; zero while the probes warm up
	pctx, stopProbes := context.WithCancel(context.WithoutCancel(ctx))
	defer stopProbes()
	var watches []*routeWatch
	var flows []*flow
	stopAll := func() {
		for _, f := range flows {
			s, lost, first, last := f.stop(ctx)
			res.Sent += s
			res.Lost += lost
			line := fmt.Sprintf("%s: %d/%d lost", f.what, lost, s)
			if lost > 0 && !began.IsZero() {
				line += fmt.Sprintf(" (from %s to %s into the change)", first.Sub(began).Round(10*time.Millisecond), last.Sub(began).Round(10*time.Millisecond))
			}
			res.Flows = append(res.Flows, line)
		}
		gone := map[string]map[netip.Prefix]time.Time{}
		for _, w := range watches {
			gone[w.netns] = w.stop()
		}
		watches, flows = nil, nil
		l.lostRoutes(ctx, res, before, gone, excusedBlocks, began)
	}
	for _, ns := range watched {
		w, err := startRouteWatch(pctx, ns)
		if err != nil {
			stopAll()
			return nil, err
		}
		watches = append(watches, w)
	}
	for _, p := range l.flowProbes(from, c.To, excusedNodes) {
		f, err := startFlow(pctx, p.what, p.netns, p.src, p.dst)
		if err != nil {
			stopAll()
			return nil, err
		}
		flows = append(flows, f)
	}
	// Let every flow see a few answers before the change starts.
	if err := sleepCtx(ctx, 4*probeInterval); err != nil {
		stopAll()
		return nil, err
	}

	begin := time.Now()
	began, res.Began = begin, begin
	res.Err = l.carryOut(ctx, c, o, res)
	if res.Err != nil {
		// What the daemons say of the new design's sessions, for the report.
		if _, down := l.sessionStatesOf(ctx, c.To); len(down) > 0 {
			res.Err = fmt.Errorf("%w; on the daemons: %s", res.Err, strings.Join(down, "; "))
		}
	}
	if res.Err == nil {
		res.Err = l.WaitSessions(ctx, o.Settle)
	}
	res.Took = time.Since(begin)
	// The probes run a little longer, so that a loss right at the end is seen.
	_ = sleepCtx(ctx, time.Second)
	stopAll()

	afterSessions, err := l.leafSessions(ctx, c.To)
	if err != nil {
		return nil, err
	}
	res.Resets = resets(beforeSessions, afterSessions)
	res.Unannounced = unannounced(res.Resets, res.PlanResets)
	if res.Err == nil {
		co := CheckOptions{Settle: o.Settle, Only: []string{CheckSessions, CheckRoutes, CheckPackets, CheckPodRoutes}}
		if o.After != nil {
			co = *o.After
		}
		res.Report, err = l.Check(ctx, co)
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// carryOut is the change itself: cabling, cluster objects, the Syncer's plan and apply, uncabling.
func (l *Lab) carryOut(ctx context.Context, c Change, o ChangeOptions, res *ChangeResult) error {
	from := l.Intent()
	if err := l.Grow(ctx, c.To); err != nil {
		return err
	}
	kube := l.opts.Kube.CoreV1()
	for _, n := range c.To.Nodes {
		if from.Node(n.Name) != nil {
			continue
		}
		_, err := kube.Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.Name}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("twin: creating Node %s: %w", n.Name, err)
		}
	}
	if ref := c.To.Cluster.PasswordSecret; ref != nil && !c.Password.IsZero() {
		if err := l.writeSecret(ctx, ref, c.Password); err != nil {
			return err
		}
	}
	switches, err := l.Switches()
	if err != nil {
		return err
	}
	s := o.Syncer
	s.Switches, s.Retired = map[string]*nxos.Client{}, map[string]*nxos.Client{}
	for name, cl := range switches {
		if c.To.Leaf(name) != nil {
			s.Switches[name] = cl
		} else {
			s.Retired[name] = cl
		}
	}
	s.Password, s.RotatePassword, s.AllowOutage = c.Password, c.RotatePassword, c.AllowOutage
	plan, err := s.Plan(ctx, c.To)
	if err != nil {
		return fmt.Errorf("planning: %w", err)
	}
	res.Planned = change.Summary(plan.Counts())
	res.PlanResets = plan.Resets()
	if _, err := s.Apply(ctx, plan); err != nil {
		return fmt.Errorf("applying: %w", err)
	}
	if err := l.Shrink(ctx); err != nil {
		return err
	}
	for _, n := range from.Nodes {
		if c.To.Node(n.Name) != nil {
			continue
		}
		if err := kube.Nodes().Delete(ctx, n.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("twin: deleting Node %s: %w", n.Name, err)
		}
	}
	return nil
}

// writeSecret creates or updates the password Secret.
func (l *Lab) writeSecret(ctx context.Context, ref *design.SecretRef, password design.Secret) error {
	api := l.opts.Kube.CoreV1().Secrets(ref.Namespace)
	sec, err := api.Get(ctx, ref.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		sec = &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ref.Namespace, Name: ref.Name}, Data: map[string][]byte{ref.Key: []byte(password.Reveal())}}
		_, err = api.Create(ctx, sec, metav1.CreateOptions{})
	case err == nil:
		if sec.Data == nil {
			sec.Data = map[string][]byte{}
		}
		sec.Data[ref.Key] = []byte(password.Reveal())
		_, err = api.Update(ctx, sec, metav1.UpdateOptions{})
	}
	if err != nil {
		return fmt.Errorf("twin: writing the password Secret %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	return nil
}

// WaitSessions waits up to settle until every session of the lab's design is Established on
// both ends, and names those that are not when it gives up.
func (l *Lab) WaitSessions(ctx context.Context, settle time.Duration) error {
	ok, down := poll(ctx, settle, 100*time.Millisecond, func(ctx context.Context) (bool, []string) {
		_, down := l.sessionStates(ctx)
		return len(down) == 0, down
	})
	if !ok {
		return fmt.Errorf("twin: sessions not Established within %s: %s", settle, strings.Join(down, "; "))
	}
	return nil
}

// excused lists what the change removes or replaces by definition: nodes that leave, move to
// another rack or change address (their own sessions and pod routes), and leaves that leave.
// It returns those nodes and their blocks.
func (l *Lab) excused(from, to *design.Intent, res *ChangeResult) (map[string]bool, map[netip.Prefix]bool) {
	nodes, blocks := map[string]bool{}, map[netip.Prefix]bool{}
	for _, n := range from.Nodes {
		next := to.Node(n.Name)
		why := ""
		switch {
		case next == nil:
			why = "leaves the design: its sessions and pod routes go"
		case next.Pair != n.Pair:
			why = fmt.Sprintf("moves from rack %s to %s: it is recabled, its sessions and pod routes move", n.Pair, next.Pair)
		case next.Addr != n.Addr:
			why = fmt.Sprintf("changes address (%s to %s): its sessions are new sessions", n.Addr, next.Addr)
		}
		if why == "" {
			continue
		}
		nodes[n.Name] = true
		res.Excused = append(res.Excused, "node "+n.Name+" "+why)
		if nt := l.Topology.Node(n.Name); nt != nil {
			for _, b := range nt.Blocks {
				blocks[b.Masked()] = true
			}
		}
	}
	for _, lf := range from.Leaves {
		if to.Leaf(lf.Name) == nil {
			res.Excused = append(res.Excused, "leaf "+lf.Name+" leaves the design: its sessions and loopback routes go")
		}
	}
	return nodes, blocks
}

// watchedNamespaces are the routing tables a change is measured on: every leaf both designs
// have and every node the change does not touch.
func (l *Lab) watchedNamespaces(from, to *design.Intent, excused map[string]bool) []string {
	var out []string
	for _, lt := range l.Topology.Leaves {
		if to.Leaf(lt.Name) != nil {
			out = append(out, lt.Netns)
		}
	}
	for _, nt := range l.Topology.Nodes {
		if to.Node(nt.Name) != nil && !excused[nt.Name] {
			out = append(out, nt.Netns)
		}
	}
	return out
}

// flowProbes are the continuous pings of a change: per family and per rack pair (a rack with
// itself when it has two untouched nodes), from an untouched node's pod to another's.
func (l *Lab) flowProbes(from, to *design.Intent, excused map[string]bool) []probe {
	byRack := map[string][]*NodeNS{}
	var racks []string
	for i := range l.Topology.Nodes {
		nt := &l.Topology.Nodes[i]
		if to.Node(nt.Name) == nil || excused[nt.Name] {
			continue
		}
		if _, ok := byRack[nt.Pair]; !ok {
			racks = append(racks, nt.Pair)
		}
		byRack[nt.Pair] = append(byRack[nt.Pair], nt)
	}
	slices.Sort(racks)
	var out []probe
	for _, f := range addressing.Families {
		for i, a := range racks {
			for _, b := range racks[i:] {
				src, dst := byRack[a][0], byRack[b][0]
				if a == b {
					if len(byRack[a]) < 2 {
						continue
					}
					dst = byRack[a][1]
				}
				if s, d := src.Pod(f), dst.Pod(f); s.IsValid() && d.IsValid() {
					out = append(out, probe{fmt.Sprintf("%s %s (rack %s) to %s (rack %s)", f, src.Name, a, dst.Name, b), src.Netns, s, d})
				}
			}
		}
	}
	return out
}

// leafSessions reads the BGP sessions of every leaf both the lab and to have, from FRR, keyed
// "leaf neighbor".
func (l *Lab) leafSessions(ctx context.Context, to *design.Intent) (map[string]frr.Neighbor, error) {
	out := map[string]frr.Neighbor{}
	for _, lf := range l.leafList() {
		if to.Leaf(lf.Name) == nil {
			continue
		}
		d := lf.Daemons()
		if d == nil {
			continue
		}
		ns, err := d.Neighbors(ctx)
		if err != nil {
			return nil, fmt.Errorf("twin: reading the sessions of leaf %s: %w", lf.Name, err)
		}
		for _, n := range ns {
			out[lf.Name+" "+n.Addr.Unmap().String()] = n
		}
	}
	return out, nil
}

// resets lists the sessions established before and present after that went down in between
// (FRR counts every transition to Established). An excused node's sessions are to other
// addresses or leaves after the change, so they are not among them.
func resets(before, after map[string]frr.Neighbor) []string {
	var out []string
	for key, b := range before {
		a, ok := after[key]
		if !ok || !b.Established {
			continue
		}
		if a.Established && a.EstablishedCount == b.EstablishedCount {
			continue
		}
		why := a.LastReset
		if why == "" {
			why = "went down"
		}
		out = append(out, fmt.Sprintf("%s (%s)", key, why))
	}
	slices.Sort(out)
	return out
}

// lostRoutes fills res.LostRoutes: prefixes in a table before and after that were gone in
// between, except excused blocks.
func (l *Lab) lostRoutes(ctx context.Context, res *ChangeResult, before map[string]map[netip.Prefix]bool, gone map[string]map[netip.Prefix]time.Time, excused map[netip.Prefix]bool, began time.Time) {
	for ns, g := range gone {
		if len(g) == 0 {
			continue
		}
		after, err := routeTable(ctx, ns)
		if err != nil {
			continue
		}
		for p := range g {
			if before[ns][p] && after[p] && !excused[p] {
				at := ""
				if !began.IsZero() {
					at = fmt.Sprintf(" (gone %s into the change)", g[p].Sub(began).Round(time.Millisecond))
				}
				res.LostRoutes = append(res.LostRoutes, ns+": "+p.String()+at)
			}
		}
	}
	slices.Sort(res.LostRoutes)
}

// lossy keeps the flows that lost packets.
func lossy(flows []string) []string {
	var out []string
	for _, f := range flows {
		if !strings.HasSuffix(f, ": 0/0 lost") && !strings.Contains(f, ": 0/") {
			out = append(out, f)
		}
	}
	return out
}

// unannounced lists the observed resets ("leaf neighbor (why)") the plan did not announce (its
// leaf-side lines read "leaf: vrf V neighbor (why)").
func unannounced(observed, announced []string) []string {
	said := map[string]bool{}
	for _, a := range announced {
		leaf, rest, ok := strings.Cut(a, ": vrf ")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) >= 2 {
			said[leaf+" "+f[1]] = true
		}
	}
	var out []string
	for _, o := range observed {
		f := strings.Fields(o)
		if len(f) < 2 || !said[f[0]+" "+f[1]] {
			out = append(out, o)
		}
	}
	return out
}
