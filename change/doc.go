// Package change is the plan/apply vocabulary nxcalico's nxos and calico packages share: the
// Action a planned change makes to one object (Create, Update, Delete), its name and the symbol
// plan texts show, and how a plan counts its changes. Both nxos.Change.Action and
// calico.Change.Action are a change.Action, and both nxos.Plan and calico.Plan report
// Counts() (create, update, del int) computed by Count.
//
// The package has no dependencies beyond the standard library.
package change
