package nxos

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"github.com/nxcalico/nxcalico/internal/fanout"
)

// DefaultConcurrency is how many switches a Fleet works on at once when
// FleetOptions.Concurrency is zero.
const DefaultConcurrency = 16

// Target is one switch of a fleet: its name (results are ordered by it), the
// client that talks to it and its desired configuration.
type Target struct {
	Name   string
	Client *Client
	Config *LeafConfig
	// Plan, when set, is a plan already made for this switch (by Client.Plan or
	// Fleet.Plan): Apply carries it out as it is instead of reading the switch
	// and planning again. Leave it nil to plan at apply time.
	Plan *Plan
}

// Stage is a step of a switch's way through a fleet run, reported to the
// progress callback.
type Stage uint8

const (
	// Planned: the switch's plan is computed.
	Planned Stage = iota + 1
	// Applied: the switch's plan is applied (or was empty).
	Applied
	// Failed: planning, applying or restoring the switch failed, or it was not
	// started because the run was cancelled or aborted.
	Failed
	// Restored: an all-or-nothing run undid the switch's applied changes
	// because another switch failed.
	Restored
)

// String returns "planned", "applied", "failed" or "restored".
func (s Stage) String() string {
	switch s {
	case Planned:
		return "planned"
	case Applied:
		return "applied"
	case Failed:
		return "failed"
	case Restored:
		return "restored"
	}
	return fmt.Sprintf("Stage(%d)", uint8(s))
}

// Progress is one event of a fleet run.
type Progress struct {
	Switch string
	Stage  Stage
	Plan   *Plan // set from Planned on
	Err    error // set for Failed
}

// FleetOptions configure a Fleet; they are validated by NewFleet.
type FleetOptions struct {
	// Concurrency bounds how many switches are worked on at once; 0 means
	// DefaultConcurrency.
	Concurrency int
	// AllOrNothing makes Apply plan every switch first and apply none if any
	// plan fails; when an apply fails, pending switches are not started and
	// switches already changed are restored from the state recorded by their
	// plan (Plan.Reverse). Restoring runs even when ctx is cancelled, bounded
	// by the clients' timeouts.
	AllOrNothing bool
	// Progress, when set, is called for every event, one call at a time.
	Progress func(Progress)
	// PlanOptions apply to every switch's plan.
	PlanOptions []PlanOption
	// Logger receives one debug record per event; nil discards.
	Logger *slog.Logger
}

// Fleet plans and applies the configuration of many switches concurrently.
type Fleet struct {
	opts FleetOptions
	log  *slog.Logger
	mu   sync.Mutex // serialises Progress calls
}

// NewFleet validates opts and returns a Fleet.
func NewFleet(opts FleetOptions) (*Fleet, error) {
	if opts.Concurrency < 0 {
		return nil, fmt.Errorf("nxos: FleetOptions.Concurrency %d is negative", opts.Concurrency)
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = DefaultConcurrency
	}
	lg := opts.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Fleet{opts: opts, log: lg}, nil
}

// Result is the outcome for one switch.
type Result struct {
	Switch string
	// Plan is the switch's plan, nil when planning failed or never started.
	Plan *Plan
	// Applied is true when the plan is in effect on the switch (an empty plan
	// counts as applied); false after a restore.
	Applied bool
	// Restored is true when an all-or-nothing run undid the switch's changes.
	Restored bool
	// Err says why the switch failed or was not changed; nil on success.
	Err error
}

// Counts returns how many objects the run created, updated and deleted on the switch: its plan's
// counts when the plan is in effect (Applied), zeros otherwise (not applied, failed, restored).
// A switch applies its plan in one transaction, so there is no partial count.
func (r Result) Counts() (created, updated, deleted int) {
	if !r.Applied {
		return 0, 0, 0
	}
	return r.Plan.Counts()
}

// errSkipped marks switches a run did not start because its context ended.
var errSkipped = errors.New("nxos: not started")

// ErrNotStarted is the cause recorded for switches an all-or-nothing run did
// not change because another switch failed.
var ErrNotStarted = errors.New("nxos: not applied: another switch failed")

// Plan computes every target's plan, concurrently, without changing anything.
// Results are ordered by switch name; the error joins every failure, each
// prefixed with its switch's name.
func (f *Fleet) Plan(ctx context.Context, targets []Target) ([]Result, error) {
	res, err := f.prepare(targets)
	if err != nil {
		return nil, err
	}
	f.each(ctx, targets, res, func(ctx context.Context, t Target, r *Result) { f.plan(ctx, t, r) })
	return res, joinResults(res)
}

// Apply plans and applies every target, concurrently within the bound. Without
// AllOrNothing each switch goes its own way: a failure is recorded in its
// Result and the others carry on. With AllOrNothing see FleetOptions. When ctx
// is cancelled, switches not yet started are not touched. Results are ordered
// by switch name; the error joins every failure.
func (f *Fleet) Apply(ctx context.Context, targets []Target) ([]Result, error) {
	res, err := f.prepare(targets)
	if err != nil {
		return nil, err
	}
	if !f.opts.AllOrNothing {
		f.each(ctx, targets, res, func(ctx context.Context, t Target, r *Result) {
			if f.plan(ctx, t, r) {
				f.apply(ctx, t, r)
			}
		})
		return res, joinResults(res)
	}

	undo := make([]*Plan, len(targets))
	f.each(ctx, targets, res, func(ctx context.Context, t Target, r *Result) {
		if !f.plan(ctx, t, r) {
			return
		}
		i := indexOf(res, r)
		rev, err := r.Plan.Reverse()
		if err != nil {
			f.fail(r, fmt.Errorf("nxos: cannot record how to restore %s: %w", t.Name, err))
			return
		}
		undo[i] = rev
	})
	if joinResults(res) != nil {
		for i := range res {
			if res[i].Err == nil {
				f.fail(&res[i], ErrNotStarted)
			}
		}
		return res, joinResults(res)
	}

	stop, abort := context.WithCancel(ctx)
	defer abort()
	f.each(stop, targets, res, func(_ context.Context, t Target, r *Result) {
		// An apply once started runs under ctx: a sibling's failure stops
		// only switches not yet started, never a POST in flight.
		if !f.apply(ctx, t, r) {
			abort()
		}
	})
	if joinResults(res) == nil {
		return res, nil
	}
	restoreCtx := context.WithoutCancel(ctx)
	for i := range res {
		r := &res[i]
		switch {
		case errors.Is(r.Err, errSkipped):
			if ctx.Err() == nil {
				r.Err = ErrNotStarted
			}
		case r.Err != nil, r.Plan.Empty():
			// failed itself (its POST was refused as a whole), or nothing to undo
		default:
			t := targets[i]
			if err := t.Client.Apply(restoreCtx, undo[i]); err != nil {
				f.fail(r, fmt.Errorf("nxos: restoring %s after another switch failed: %w", t.Name, err))
				continue
			}
			r.Applied, r.Restored = false, true
			f.emit(Progress{Switch: r.Switch, Stage: Restored, Plan: undo[i]})
		}
	}
	return res, joinResults(res)
}

// prepare checks the targets and returns their results, ordered by name
// (targets is sorted the same way in place).
func (f *Fleet) prepare(targets []Target) ([]Result, error) {
	var errs []error
	seen := map[string]bool{}
	for i, t := range targets {
		switch {
		case t.Name == "":
			errs = append(errs, fmt.Errorf("nxos: fleet target %d: empty Name", i))
		case seen[t.Name]:
			errs = append(errs, fmt.Errorf("nxos: fleet target %q: duplicate Name", t.Name))
		}
		seen[t.Name] = true
		if t.Client == nil {
			errs = append(errs, fmt.Errorf("nxos: fleet target %q: nil Client", t.Name))
		}
		if t.Config == nil {
			errs = append(errs, fmt.Errorf("nxos: fleet target %q: nil Config", t.Name))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.SliceStable(targets, func(i, j int) bool { return targets[i].Name < targets[j].Name })
	res := make([]Result, len(targets))
	for i, t := range targets {
		res[i].Switch = t.Name
	}
	return res, nil
}

// each runs fn for every target that has not failed yet, with at most
// Concurrency at once. Targets whose turn comes after ctx is done are marked
// failed (errSkipped and ctx's error).
func (f *Fleet) each(ctx context.Context, targets []Target, res []Result, fn func(context.Context, Target, *Result)) {
	failed := make([]bool, len(res))
	for i := range res {
		failed[i] = res[i].Err != nil
	}
	notStarted := fanout.Each(ctx, len(targets), f.opts.Concurrency, func(ctx context.Context, i int) error {
		if !failed[i] {
			fn(ctx, targets[i], &res[i])
		}
		return nil
	})
	for i, err := range notStarted {
		if err != nil && !failed[i] {
			f.fail(&res[i], fmt.Errorf("%w: %w", errSkipped, ctx.Err()))
		}
	}
}

func (f *Fleet) plan(ctx context.Context, t Target, r *Result) bool {
	if t.Plan != nil {
		if t.Plan.Leaf != t.Config.Leaf {
			f.fail(r, fmt.Errorf("nxos: fleet target %q: plan is for %q, config for %q", t.Name, t.Plan.Leaf, t.Config.Leaf))
			return false
		}
		r.Plan = t.Plan
		f.emit(Progress{Switch: t.Name, Stage: Planned, Plan: t.Plan})
		return true
	}
	p, err := t.Client.Plan(ctx, t.Config, f.opts.PlanOptions...)
	if err != nil {
		f.fail(r, err)
		return false
	}
	r.Plan = p
	f.emit(Progress{Switch: t.Name, Stage: Planned, Plan: p})
	return true
}

func (f *Fleet) apply(ctx context.Context, t Target, r *Result) bool {
	if err := t.Client.Apply(ctx, r.Plan); err != nil {
		f.fail(r, err)
		return false
	}
	r.Applied = true
	f.emit(Progress{Switch: t.Name, Stage: Applied, Plan: r.Plan})
	return true
}

func (f *Fleet) fail(r *Result, err error) {
	r.Err = err
	f.emit(Progress{Switch: r.Switch, Stage: Failed, Plan: r.Plan, Err: err})
}

func (f *Fleet) emit(p Progress) {
	f.mu.Lock()
	defer f.mu.Unlock()
	attrs := []slog.Attr{slog.String("switch", p.Switch), slog.String("stage", p.Stage.String())}
	if p.Err != nil {
		attrs = append(attrs, slog.String("error", p.Err.Error()))
	}
	f.log.LogAttrs(context.Background(), slog.LevelDebug, "nxos fleet", attrs...)
	if f.opts.Progress != nil {
		f.opts.Progress(p)
	}
}

func indexOf(res []Result, r *Result) int {
	for i := range res {
		if &res[i] == r {
			return i
		}
	}
	return -1
}

// joinResults joins the failures, each prefixed with its switch's name.
func joinResults(res []Result) error {
	var errs []error
	for _, r := range res {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.Switch, r.Err))
		}
	}
	return errors.Join(errs...)
}
