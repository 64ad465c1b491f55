// Package fanout runs a bounded number of calls at once and keeps the error of each call: the
// one bounded fan-out of nxcalico, used by the switch fleet, the Calico client and the Syncer's
// Verify. It is built on golang.org/x/sync/errgroup with SetLimit.
package fanout
