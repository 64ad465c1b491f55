package nxcalico

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/nxcalico/nxcalico/calico"
	"github.com/nxcalico/nxcalico/change"
	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/node"
	"github.com/nxcalico/nxcalico/nxos"
)

// Syncer brings a fleet of leaves and a Calico cluster to one design, in an order that never
// leaves a node peering with a leaf that does not expect it: on additions the leaf neighbors come
// before the Calico peers, on removals the Calico side goes first. Configure its fields, then call
// Plan, Apply and Verify; a Syncer does no I/O until then and is safe for one run at a time.
type Syncer struct {
	// Switches reach the leaves, by leaf name. Every leaf of the design needs one.
	Switches map[string]*nxos.Client
	// Retired reaches leaves that have left the design, by leaf name: Apply removes what the
	// design owned there for the node sessions (see nxos.RetireConfig), after Calico stopped
	// peering with them. Leave it empty when no leaf left.
	Retired map[string]*nxos.Client
	// Calico reaches the cluster's Calico API.
	Calico *calico.Client
	// CalicoInStep says the cluster's Calico objects already are those the intent renders: Plan
	// and Apply leave them out (Calico is still used for calico-node's status), which saves a
	// list of every object nxcalico owns and their diff. It is for a caller that knows it, such
	// as nodewatch between full passes while the objects the intent renders are those it last
	// applied; drift in Calico's objects is then left for a run without it.
	CalicoInStep bool
	// Nodes, when set, plans and applies the Node labels and annotations that per-pair BGPPeers
	// select on and that Calico's Kubernetes datastore reads (projectcalico.org/IPv4Address, …;
	// see node.Patches). Leave it nil when something else manages Nodes.
	Nodes *node.Client
	// NodePairs, when not nil, limits the Nodes Plan reads and Apply labels to those of the
	// design's nodes attached to these leaf pairs; the others are taken to be in step. It is for a
	// caller that knows only these pairs' nodes changed, such as nodewatch between full passes.
	NodePairs []string
	// Password is the BGP password when the design names a password secret (see ReadPassword).
	// It reaches the leaves only inside the POST body and Calico only as a secretKeyRef.
	Password design.Secret
	// Concurrency bounds the switches planned or applied at once; 0 means nxos.DefaultConcurrency.
	Concurrency int
	// AllOrNothing restores the switches already changed when another switch fails, within one
	// step of Apply (the additions of a wave, or the removals); switches a step before changed
	// stay changed, and the error says so.
	AllOrNothing bool
	// Handover, when positive, makes Apply wait up to this long, after everything the design adds
	// is applied and before anything it drops is removed, until every session of the design is
	// Established on both ends (see Apply); and when the plan resets sessions (Plan.Resets), it
	// makes Apply change the leaves in waves, one position of every pair at a time, waiting
	// between them, so every node keeps a session through the other leaf of its pair. A new
	// value in the Secret every peer reads is the exception: calico-node takes it for every peer
	// the moment the Secret changes, so name a new Secret instead. Zero applies in one wave and
	// removes at once after adding.
	Handover time.Duration
	// RotatePassword sends Password to the leaves' existing peer templates too. Leave it off in
	// normal runs: the switches never read the password back, so without it a plan sends the
	// password only with a template it creates and a plan after an apply is empty; with it every
	// plan updates the templates. Turn it on once after changing the password.
	RotatePassword bool
	// AllowOutage lets Apply carry out a plan that leaves a node without any session while it is
	// applied (a node moving to another pair, both leaves of a pair replaced at once); without
	// it Plan refuses such a change, naming the nodes (see Plan.Outages).
	AllowOutage bool
	// Progress, when set, is called for every step of a run, from one goroutine at a time.
	Progress func(Step)
	// Logger receives debug records of each step; nil discards.
	Logger *slog.Logger
}

// Step is one piece of progress of a Syncer run.
type Step struct {
	// Side is "leaf", "nodes" or "calico".
	Side string
	// Name is the switch name for a leaf step, else empty.
	Name string
	// What happened: "planned", "applied", "failed", "restored", "deleted", "labelled", ….
	What string
	// Detail is a short human-readable summary (counts), never a secret.
	Detail string
	Err    error
}

// Plan is what Apply would change, on every switch and in the cluster. Its String is the report a
// person reviews before applying; it never contains a password. A Plan is read-only: each leaf's
// configuration is kept with its switch plan, and the plan records the Syncer's choices it was made
// with (switches, retired leaves, the Nodes client, the password), so Apply refuses a plan made
// for other choices instead of applying half of it.
type Plan struct {
	intent *design.Intent
	leaves []leafPlan // ordered by switch name
	calico *calico.Plan
	nodes  *node.Plan // nil without a Nodes client
	made   choices
	// leafOpts are the options the leaf plans were made with: sending the password to existing
	// templates (RotatePassword, or the Calico peers change password reference), or clearing it
	// (the Calico peers lose their password reference).
	leafOpts []nxos.PlanOption
}

// leafPlan is one switch's rendered configuration and its plan, kept together.
type leafPlan struct {
	config *nxos.LeafConfig
	plan   *nxos.Plan
}

// choices are what of a Syncer a plan depends on.
type choices struct {
	switches, retired []string // sorted leaf names
	calico            *calico.Client
	nodes             *node.Client
	password          design.Secret
	rotate, outage    bool
	calicoInStep      bool
	nodePairs         []string // sorted; nil = every pair
}

// choicesOf records the Syncer's choices.
func (s *Syncer) choicesOf() choices {
	c := choices{calico: s.Calico, nodes: s.Nodes, password: s.Password, rotate: s.RotatePassword, outage: s.AllowOutage, calicoInStep: s.CalicoInStep}
	for name := range s.Switches {
		c.switches = append(c.switches, name)
	}
	for name := range s.Retired {
		c.retired = append(c.retired, name)
	}
	if s.NodePairs != nil {
		c.nodePairs = slices.Sorted(slices.Values(s.NodePairs))
	}
	slices.Sort(c.switches)
	slices.Sort(c.retired)
	return c
}

// differences lists, in words, where c differs from the choices a plan was made with.
func (c choices) differences(made choices) []string {
	var out []string
	if !slices.Equal(c.switches, made.switches) {
		out = append(out, fmt.Sprintf("switches %v, the plan was made for %v", c.switches, made.switches))
	}
	if !slices.Equal(c.retired, made.retired) {
		out = append(out, fmt.Sprintf("retired leaves %v, the plan was made for %v", c.retired, made.retired))
	}
	if c.calico != made.calico {
		out = append(out, "another Calico client")
	}
	if c.nodes != made.nodes {
		out = append(out, "another Nodes client")
	}
	if c.password != made.password {
		out = append(out, "another BGP password")
	}
	if c.outage != made.outage {
		out = append(out, fmt.Sprintf("AllowOutage %t, the plan was made with %t", c.outage, made.outage))
	}
	if !slices.Equal(c.nodePairs, made.nodePairs) || (c.nodePairs == nil) != (made.nodePairs == nil) {
		out = append(out, fmt.Sprintf("NodePairs %v, the plan was made with %v", c.nodePairs, made.nodePairs))
	}
	if c.calicoInStep != made.calicoInStep {
		out = append(out, fmt.Sprintf("CalicoInStep %t, the plan was made with %t", c.calicoInStep, made.calicoInStep))
	}
	if c.rotate != made.rotate {
		out = append(out, fmt.Sprintf("RotatePassword %t, the plan was made with %t", c.rotate, made.rotate))
	}
	return out
}

// Intent is the design the plan brings the devices to.
func (p *Plan) Intent() *design.Intent { return p.intent }

// Leaves returns the switch plans, ordered by switch name (leaves of the design and retired
// leaves). The slice is the caller's; the plans are shared and must not be changed.
func (p *Plan) Leaves() []*nxos.Plan {
	out := make([]*nxos.Plan, len(p.leaves))
	for i, l := range p.leaves {
		out[i] = l.plan
	}
	return out
}

// Leaf returns the plan of the named switch, or nil.
func (p *Plan) Leaf(name string) *nxos.Plan {
	for _, l := range p.leaves {
		if l.config.Leaf == name {
			return l.plan
		}
	}
	return nil
}

// Calico is the plan of the cluster's Calico objects, nil when the Syncer had CalicoInStep.
func (p *Plan) Calico() *calico.Plan { return p.calico }

// Nodes returns the plan of the Node labels and annotations (the patches that change something),
// nil when the Syncer has no Nodes client. The plan is the caller's copy.
func (p *Plan) Nodes() *node.Plan {
	if p.nodes == nil {
		return nil
	}
	c := *p.nodes
	c.Changes = slices.Clone(c.Changes)
	return &c
}

// Empty reports whether the plan changes nothing anywhere.
func (p *Plan) Empty() bool {
	for _, l := range p.leaves {
		if !l.plan.Empty() {
			return false
		}
	}
	return p.calico.Empty() && p.nodes.Empty()
}

// Counts returns how many objects the plan creates, updates and deletes across all switches and
// the cluster (node patches count as updates).
func (p *Plan) Counts() (create, update, del int) {
	for _, l := range p.leaves {
		c, u, d := l.plan.Counts()
		create, update, del = create+c, update+u, del+d
	}
	c, u, d := p.calico.Counts()
	create, update, del = create+c, update+u, del+d
	c, u, d = p.nodes.Counts()
	return create + c, update + u, del + d
}

func (s *Syncer) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func (s *Syncer) emit(st Step) {
	s.logger().Debug("nxcalico: step", "side", st.Side, "name", st.Name, "what", st.What, "detail", st.Detail, "err", st.Err)
	if s.Progress != nil {
		s.Progress(st)
	}
}

// check validates the Syncer against the intent before any request.
func (s *Syncer) check(in *design.Intent) error {
	var errs []error
	if in == nil {
		return errors.New("nxcalico: nil intent")
	}
	for _, l := range in.Leaves {
		if s.Switches[l.Name] == nil {
			errs = append(errs, fmt.Errorf("nxcalico: no switch client for leaf %q", l.Name))
		}
	}
	for name := range s.Switches {
		if in.Leaf(name) == nil {
			errs = append(errs, fmt.Errorf("nxcalico: switch client %q is not a leaf of the design (a leaf that left it belongs in Retired)", name))
		}
	}
	for name, c := range s.Retired {
		switch {
		case c == nil:
			errs = append(errs, fmt.Errorf("nxcalico: retired leaf %q has no client", name))
		case in.Leaf(name) != nil:
			errs = append(errs, fmt.Errorf("nxcalico: retired leaf %q is a leaf of the design", name))
		}
	}
	if s.Calico == nil {
		errs = append(errs, errors.New("nxcalico: no Calico client"))
	}
	if in.Cluster.PasswordSecret != nil && s.Password.IsZero() {
		errs = append(errs, fmt.Errorf("nxcalico: the design names password secret %s but no password was given (see ReadPassword)", in.Cluster.PasswordSecret))
	}
	if in.Cluster.PasswordSecret == nil && !s.Password.IsZero() {
		errs = append(errs, errors.New("nxcalico: a password was given but the design names no password secret"))
	}
	if s.RotatePassword && s.Password.IsZero() {
		errs = append(errs, errors.New("nxcalico: RotatePassword is set but no password was given"))
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// fleet returns a fleet that reports its progress as Steps; when applying, the plans are given,
// so their "planned" stage is not reported again. Its plans are made with planOpts.
func (s *Syncer) fleet(applying bool, planOpts ...nxos.PlanOption) (*nxos.Fleet, error) {
	opts := nxos.FleetOptions{
		Concurrency:  s.Concurrency,
		AllOrNothing: s.AllOrNothing,
		Logger:       s.Logger,
		Progress: func(p nxos.Progress) {
			if applying && p.Stage == nxos.Planned {
				return
			}
			st := Step{Side: "leaf", Name: p.Switch, What: p.Stage.String(), Err: p.Err}
			if p.Plan != nil {
				st.Detail = change.Summary(p.Plan.Counts())
			}
			s.emit(st)
		},
	}
	opts.PlanOptions = append(opts.PlanOptions, planOpts...)
	return nxos.NewFleet(opts)
}

// Plan renders the intent for every leaf and the cluster, reads what is there (one GET per switch,
// one list per Calico kind unless CalicoInStep, the Nodes — of NodePairs only, when set) and
// returns what Apply would change. It changes
// nothing. Every leaf's body is checked against the DME schema and every Calico object by a
// server-side dry run, so a plan that comes back can be applied.
//
// The leaves never read their BGP password back, so a leaf plan sends the password only with a
// template it creates, when RotatePassword is set, or when the Calico plan gives existing
// BGPPeers a password reference they did not have (the design gained or renamed its password
// secret): then both ends change password in one run. A new value in the same Secret needs
// RotatePassword.
func (s *Syncer) Plan(ctx context.Context, in *design.Intent) (*Plan, error) {
	if err := s.check(in); err != nil {
		return nil, err
	}
	configs, err := nxos.Render(in, nxos.RenderOptions{Password: s.Password})
	if err != nil {
		return nil, err
	}
	for name := range s.Retired {
		cfg, err := nxos.RetireConfig(name, in.Fabric)
		if err != nil {
			return nil, err
		}
		configs = append(configs, cfg)
	}
	slices.SortFunc(configs, func(a, b *nxos.LeafConfig) int { return strings.Compare(a.Leaf, b.Leaf) })
	p := &Plan{intent: in, made: s.choicesOf()}
	if !s.CalicoInStep {
		objects, err := calico.Render(in)
		if err != nil {
			return nil, err
		}
		p.calico, err = s.Calico.Plan(ctx, in.Cluster.Name, objects.All())
		if err != nil {
			return nil, fmt.Errorf("nxcalico: planning Calico: %w", err)
		}
		s.emit(Step{Side: "calico", What: "planned", Detail: change.Summary(p.calico.Counts())})
	}
	// The switches never read a password back, so a plan cannot see that theirs differs; when
	// Calico's peers are about to use another password Secret, the leaves must get the password.
	switch {
	case s.RotatePassword || (!s.Password.IsZero() && passwordRefChanges(p.calico)):
		p.leafOpts = append(p.leafOpts, nxos.RotateSecrets())
	case s.Password.IsZero() && passwordRefRemoved(p.calico):
		// The design dropped its password: the leaves' templates drop theirs in the same run.
		p.leafOpts = append(p.leafOpts, nxos.ClearSecrets())
	}
	fleet, err := s.fleet(false, p.leafOpts...)
	if err != nil {
		return nil, err
	}
	leaves := make([]leafPlan, len(configs))
	for i, c := range configs {
		leaves[i].config = c
	}
	results, err := fleet.Plan(ctx, s.targets(leaves))
	if err != nil {
		return nil, fmt.Errorf("nxcalico: planning the leaves: %w", err)
	}
	byName := make(map[string]*nxos.Plan, len(results))
	for _, r := range results {
		byName[r.Switch] = r.Plan
	}
	for i := range leaves {
		if leaves[i].plan = byName[leaves[i].config.Leaf]; leaves[i].plan == nil {
			return nil, fmt.Errorf("nxcalico: planning the leaves: no plan for %s", leaves[i].config.Leaf)
		}
	}
	p.leaves = leaves
	if out := p.Outages(); len(out) > 0 && !s.AllowOutage {
		return nil, fmt.Errorf("nxcalico: the change leaves nodes without a session while it is applied (%s); change one leaf of a pair at a time, or allow the outage (Syncer.AllowOutage)",
			strings.Join(out, "; "))
	}
	if s.Nodes != nil {
		p.nodes, err = s.Nodes.Plan(ctx, nodesOfPairs(in, s.NodePairs))
		if err != nil {
			return nil, fmt.Errorf("nxcalico: planning node labels: %w", err)
		}
		s.emit(Step{Side: "nodes", What: "planned", Detail: fmt.Sprintf("%d to label", len(p.nodes.Changes))})
	}
	return p, nil
}

// nodesOfPairs is in with only the nodes attached to pairs; in itself when pairs is nil.
func nodesOfPairs(in *design.Intent, pairs []string) *design.Intent {
	if pairs == nil {
		return in
	}
	out := *in
	out.Nodes = nil
	for i := range in.Nodes {
		if slices.Contains(pairs, in.Nodes[i].Pair) {
			out.Nodes = append(out.Nodes, in.Nodes[i])
		}
	}
	return &out
}

// peerPasswordUpdate is a BGPPeer a Calico plan updates with another password reference.
type peerPasswordUpdate struct{ cur, after *v3.BGPPeer }

// passwordUpdates lists the BGPPeers p updates with another password reference (none before or
// after included).
func passwordUpdates(p *calico.Plan) []peerPasswordUpdate {
	if p == nil {
		return nil
	}
	var out []peerPasswordUpdate
	for _, ch := range p.Changes {
		cur, ok := ch.Current.(*v3.BGPPeer)
		after, ok2 := ch.After.(*v3.BGPPeer)
		if ch.Action == change.Update && ok && ok2 && !reflect.DeepEqual(cur.Spec.Password, after.Spec.Password) {
			out = append(out, peerPasswordUpdate{cur, after})
		}
	}
	return out
}

// passwordRefChanges reports whether the plan gives a BGPPeer that exists a password reference
// other than the one it has.
func passwordRefChanges(p *calico.Plan) bool {
	return slices.ContainsFunc(passwordUpdates(p), func(u peerPasswordUpdate) bool { return u.after.Spec.Password != nil })
}

// passwordRefRemoved reports whether the plan takes its password reference from a BGPPeer that
// has one.
func passwordRefRemoved(p *calico.Plan) bool {
	return slices.ContainsFunc(passwordUpdates(p), func(u peerPasswordUpdate) bool { return u.after.Spec.Password == nil })
}

// targets are the fleet's targets for the leaves, with their plans when they have one.
func (s *Syncer) targets(leaves []leafPlan) []nxos.Target {
	ts := make([]nxos.Target, len(leaves))
	for i, l := range leaves {
		client := s.Switches[l.config.Leaf]
		if client == nil {
			client = s.Retired[l.config.Leaf]
		}
		ts[i] = nxos.Target{Name: l.config.Leaf, Client: client, Config: l.config, Plan: l.plan}
	}
	return ts
}

// Report is what Apply did.
type Report struct {
	// Leaves are the per-switch results of the additions and updates, ordered by switch name;
	// LeavesRemoved those of the removals, which come last (see Apply).
	Leaves, LeavesRemoved []nxos.Result
	// CalicoRemoved and CalicoApplied are what the two Calico phases did (deletes first, then
	// creates and updates); nil when the phase did not run.
	CalicoRemoved, CalicoApplied *calico.Result
	// Nodes are the nodes labelled and annotated.
	Nodes []string
	// StatusPruned are the CalicoNodeStatus objects Verify had made for nodes that have left the
	// design, deleted by Apply.
	StatusPruned []string
}

// String summarises the report, one line per side.
func (r *Report) String() string {
	var b strings.Builder
	for i, l := range slices.Concat(r.Leaves, r.LeavesRemoved) {
		name := l.Switch
		if i >= len(r.Leaves) {
			name += " (removals)"
		}
		state := "unchanged"
		switch {
		case l.Err != nil:
			state = "failed: " + l.Err.Error()
		case l.Restored:
			state = "restored"
		case l.Applied && l.Plan != nil && !l.Plan.Empty():
			c, u, d := l.Counts()
			state = fmt.Sprintf("applied: %d created, %d updated, %d deleted", c, u, d)
		}
		fmt.Fprintf(&b, "leaf %s: %s\n", name, state)
	}
	if r.CalicoRemoved != nil || r.CalicoApplied != nil {
		_, _, deleted := r.CalicoRemoved.Counts()
		created, updated, _ := r.CalicoApplied.Counts()
		fmt.Fprintf(&b, "calico: %d created, %d updated, %d deleted\n", created, updated, deleted)
	}
	if len(r.Nodes) > 0 {
		fmt.Fprintf(&b, "nodes: %d labelled (%s)\n", len(r.Nodes), strings.Join(r.Nodes, ", "))
	}
	return b.String()
}

// Apply carries out a plan made by Plan, making before it breaks: everything the design adds is
// in place, on the leaves and in the cluster, before anything it drops is removed, so a change
// that replaces one peering with another (a template, a shape, a leaf of a pair) keeps the old
// one until the new one stands. The order:
//
//  1. every switch's additions and updates, one POST each (bounded concurrency; with
//     AllOrNothing the switches already changed are restored when one fails);
//  2. Node labels and annotations (per-pair BGPPeers select on them);
//  3. Calico creates and updates, so new peers appear only once the leaves expect them;
//  4. with Handover set, when the plan removes anything: waiting until every session of the
//     design is Established on both ends and has settled (see Syncer.Handover), so nothing is
//     removed while its replacement is still coming up;
//  5. Calico deletes (BGPPeers and other objects the design no longer has), so no node keeps a
//     session to a neighbor the leaves are about to remove;
//  6. every switch's removals, one POST each;
//  7. the CalicoNodeStatus objects Verify made for nodes that have left the design are deleted.
//
// A switch whose plan both adds and removes is read again before each of its two POSTs, and the
// POST is sent only when what it would change is exactly what the plan showed (else the run stops:
// the switch changed since the plan). A failure stops the run before the next phase, and the
// error says what was changed before it and what to do next; the Report holds the same. Nothing
// is half-applied silently.
func (s *Syncer) Apply(ctx context.Context, p *Plan) (*Report, error) {
	if p == nil || p.intent == nil {
		return nil, errors.New("nxcalico: Apply: plan not made by Syncer.Plan")
	}
	if err := s.check(p.intent); err != nil {
		return nil, err
	}
	if diff := s.choicesOf().differences(p.made); len(diff) > 0 {
		return nil, fmt.Errorf("nxcalico: Apply: the Syncer changed since the plan was made (%s): plan again", strings.Join(diff, "; "))
	}
	rep := &Report{}
	removals, additions := splitCalico(p.calico)
	makes, breaks := splitLeaves(p.leaves)
	then := "plan and apply again to complete the change"
	waves := s.waves(p)
	resets := p.resetsOf()
	for w := range waves.count {
		var before map[string]time.Time
		if s.Handover > 0 {
			var err error
			if before, err = s.flaps(ctx, p.intent); err != nil {
				return rep, fmt.Errorf("nxcalico: reading the sessions before wave %d of %d (%s): %w", w+1, waves.count, changedSoFar(rep), err)
			}
		}
		leaves, err := s.applyLeaves(ctx, waves.leaves(makes, w), p.leafOpts, false)
		rep.Leaves = append(rep.Leaves, leaves...)
		if err != nil {
			return rep, fmt.Errorf("nxcalico: applying the leaves' additions stopped the run (%s; %s): %w", changedSoFar(rep), then, err)
		}

		if w == 0 && !p.nodes.Empty() {
			res, err := s.Nodes.Apply(ctx, p.nodes)
			rep.Nodes = append(rep.Nodes, res.Updated...)
			if err != nil {
				s.emit(Step{Side: "nodes", What: "failed", Err: err})
				return rep, fmt.Errorf("nxcalico: labelling nodes stopped the run (%s; %s): %w", changedSoFar(rep), then, err)
			}
			s.emit(Step{Side: "nodes", What: "labelled", Detail: fmt.Sprintf("%d nodes", len(res.Updated))})
		}

		if part := waves.calico(additions, w); part != nil {
			res, err := s.Calico.Apply(ctx, part)
			rep.CalicoApplied = mergeResults(rep.CalicoApplied, res)
			if err != nil {
				s.emit(Step{Side: "calico", What: "failed", Err: err})
				return rep, fmt.Errorf("nxcalico: applying Calico objects stopped the run (%s; %s): %w", changedSoFar(rep), then, err)
			}
			s.emit(Step{Side: "calico", What: "applied", Detail: fmt.Sprintf("%d created, %d updated", len(res.Created), len(res.Updated))})
		}

		last := w == waves.count-1
		if s.Handover > 0 && (!last || removals != nil || len(breaks) > 0) {
			if err := s.handover(ctx, p.intent, waves.upTo(w), waves.only(w), resets, before); err != nil {
				s.emit(Step{Side: "calico", What: "failed", Err: err})
				return rep, fmt.Errorf("nxcalico: wave %d of %d is applied (%s) but its sessions are not all Established after the handover of %s, so nothing more was changed; once they are up, plan and apply again to finish (or apply the previous design to roll back): %w",
					w+1, waves.count, changedSoFar(rep), s.Handover, err)
			}
			s.emit(Step{Side: "calico", What: "established", Detail: fmt.Sprintf("wave %d of %d: every session it brings is up", w+1, waves.count)})
		}
	}

	if removals != nil {
		res, err := s.Calico.Apply(ctx, removals)
		rep.CalicoRemoved = res
		if err != nil {
			s.emit(Step{Side: "calico", What: "failed", Err: err})
			return rep, fmt.Errorf("nxcalico: removing Calico objects stopped the run (%s; %s): %w", changedSoFar(rep), then, err)
		}
		s.emit(Step{Side: "calico", What: "deleted", Detail: fmt.Sprintf("%d deleted", len(res.Deleted))})
	}

	var err error
	// The removals carry no password: the additions sent it (a plan with RotateSecrets or
	// ClearSecrets would send it again and never be only the planned removals).
	rep.LeavesRemoved, err = s.applyLeaves(ctx, breaks, nil, true)
	if err != nil {
		return rep, fmt.Errorf("nxcalico: removing from the leaves stopped the run (%s; %s): %w", changedSoFar(rep), then, err)
	}

	keep := make([]string, len(p.intent.Nodes))
	for i := range p.intent.Nodes {
		keep[i] = p.intent.Nodes[i].Name
	}
	pruned, err := s.Calico.PruneStatus(ctx, p.intent.Cluster.Name, keep)
	if err != nil {
		return rep, fmt.Errorf("nxcalico: pruning the status objects of departed nodes (%s): %w", changedSoFar(rep), err)
	}
	rep.StatusPruned = pruned
	return rep, nil
}

// leafStep is one switch's part of an Apply phase: the plan to carry out as it is, or (split)
// the plan whose additions (or removals) the phase reads the switch again for.
type leafStep struct {
	leaf  leafPlan
	split bool
}

// splitLeaves sorts the switch plans into Apply's two phases: additions and updates first,
// removals last. A plan holding both is in both phases, split — unless it replaces an interface
// address, which it does whole in the first.
func splitLeaves(leaves []leafPlan) (makes, breaks []leafStep) {
	for _, l := range leaves {
		c, u, d := l.plan.Counts()
		switch {
		case c+u+d == 0:
		case d == 0, c+u > 0 && swapsAddress(l.plan):
			makes = append(makes, leafStep{leaf: l})
		case c+u == 0:
			breaks = append(breaks, leafStep{leaf: l})
		default:
			makes = append(makes, leafStep{leaf: l, split: true})
			breaks = append(breaks, leafStep{leaf: l, split: true})
		}
	}
	return makes, breaks
}

// swapsAddress reports whether the plan replaces an interface address: an interface holds one
// primary address, so the new one and the removal of the old one go in the same POST.
func swapsAddress(p *nxos.Plan) bool {
	for _, c := range p.Changes {
		if c.Action == change.Delete && (c.Class == "ipv4Addr" || c.Class == "ipv6Addr") {
			return true
		}
	}
	return false
}

// applyLeaves applies one phase on the switches. A split step is planned again from the switch
// (without deletions in the first phase, whole in the second) and applied only when the new plan
// is exactly the planned additions (or removals).
func (s *Syncer) applyLeaves(ctx context.Context, steps []leafStep, planOpts []nxos.PlanOption, removing bool) ([]nxos.Result, error) {
	if len(steps) == 0 {
		return nil, nil
	}
	leaves := make([]leafPlan, len(steps))
	var again []leafPlan
	for i, st := range steps {
		leaves[i] = st.leaf
		if st.split {
			again = append(again, leafPlan{config: st.leaf.config})
		}
	}
	if len(again) > 0 {
		opts := slices.Clone(planOpts)
		if !removing {
			opts = append(opts, nxos.WithoutPrune())
		}
		fleet, err := s.fleet(true, opts...)
		if err != nil {
			return nil, err
		}
		res, err := fleet.Plan(ctx, s.targets(again))
		if err != nil {
			return res, fmt.Errorf("reading the switches again: %w", err)
		}
		fresh := map[string]*nxos.Plan{}
		for _, r := range res {
			fresh[r.Switch] = r.Plan
		}
		for i, st := range steps {
			if !st.split {
				continue
			}
			now := fresh[st.leaf.config.Leaf]
			if !samePart(now, st.leaf.plan, removing) {
				return nil, fmt.Errorf("switch %s changed since the plan was made: plan again", st.leaf.config.Leaf)
			}
			leaves[i].plan = now
		}
	}
	fleet, err := s.fleet(true, planOpts...)
	if err != nil {
		return nil, err
	}
	return fleet.Apply(ctx, s.targets(leaves))
}

// samePart reports whether now changes exactly the removals (or the additions and updates) of
// planned.
func samePart(now, planned *nxos.Plan, removals bool) bool {
	key := func(c nxos.Change) string {
		keys := slices.Sorted(maps.Keys(c.Attrs))
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s", c.Action, c.DN)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%s", k, c.Attrs[k])
		}
		return b.String()
	}
	var want, got []string
	for _, c := range planned.Changes {
		if (c.Action == change.Delete) == removals {
			want = append(want, key(c))
		}
	}
	for _, c := range now.Changes {
		got = append(got, key(c))
	}
	slices.Sort(want)
	slices.Sort(got)
	return slices.Equal(want, got)
}

// splitCalico splits a Calico plan into its deletes and its creates and updates; either is nil
// when empty.
func splitCalico(p *calico.Plan) (removals, additions *calico.Plan) {
	if p == nil {
		return nil, nil
	}
	for _, ch := range p.Changes {
		part := &additions
		if ch.Action == change.Delete {
			part = &removals
		}
		if *part == nil {
			*part = &calico.Plan{Cluster: p.Cluster, Group: p.Group}
		}
		(*part).Changes = append((*part).Changes, ch)
	}
	return removals, additions
}

// changedSoFar says in a few words what a failed run had changed.
func changedSoFar(r *Report) string {
	var parts []string
	if r.CalicoRemoved != nil && len(r.CalicoRemoved.Deleted) > 0 {
		parts = append(parts, fmt.Sprintf("%d Calico objects deleted", len(r.CalicoRemoved.Deleted)))
	}
	var applied, restored []string
	for _, l := range slices.Concat(r.Leaves, r.LeavesRemoved) {
		switch {
		case l.Restored:
			restored = append(restored, l.Switch)
		case l.Applied && l.Plan != nil && !l.Plan.Empty():
			applied = append(applied, l.Switch)
		}
	}
	if len(applied) > 0 {
		slices.Sort(applied)
		applied = slices.Compact(applied)
		parts = append(parts, "changed leaves "+strings.Join(applied, ", "))
	}
	if len(restored) > 0 {
		parts = append(parts, "restored leaves "+strings.Join(restored, ", "))
	}
	if len(r.Nodes) > 0 {
		parts = append(parts, fmt.Sprintf("%d nodes labelled", len(r.Nodes)))
	}
	if a := r.CalicoApplied; a != nil && len(a.Created)+len(a.Updated) > 0 {
		parts = append(parts, fmt.Sprintf("Calico objects %d created, %d updated", len(a.Created), len(a.Updated)))
	}
	if len(parts) == 0 {
		return "nothing was changed"
	}
	return "so far: " + strings.Join(parts, "; ")
}

// Resets lists the BGP sessions applying the plan resets, with the reason, as "leaf: vrf V
// address (reason)": on the leaves, what nxos.Plan.Resets names (a template's password, a
// neighbor's template, remote AS or update source changes); in the cluster, every session of
// a BGPPeer whose password reference changes (calico-node restarts the BIRD protocol). A session
// the plan removes or creates is not reset.
func (p *Plan) Resets() []string {
	var out []string
	for _, l := range p.leaves {
		for _, r := range l.plan.Resets() {
			out = append(out, l.config.Leaf+": "+r.String())
		}
	}
	for _, u := range passwordUpdates(p.calico) {
		out = append(out, fmt.Sprintf("calico: BGPPeer %s (%s): its password changes", u.after.Name, u.after.Spec.PeerIP))
	}
	return out
}
