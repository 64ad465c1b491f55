package design

import (
	"fmt"
	"strings"
)

// Encapsulation is how pod traffic between nodes is encapsulated (Calico IPPool ipipMode/vxlanMode).
type Encapsulation string

// Encapsulation values.
const (
	EncapNone  Encapsulation = "None"
	EncapIPIP  Encapsulation = "IPIP"
	EncapVXLAN Encapsulation = "VXLAN"
)

// EncapsulationMode is when encapsulation applies: always, or only across subnets.
type EncapsulationMode string

// EncapsulationMode values.
const (
	ModeAlways      EncapsulationMode = "Always"
	ModeCrossSubnet EncapsulationMode = "CrossSubnet"
)

// Reachability is how nodes reach the leaf peering loopbacks.
type Reachability string

// Reachability values.
const (
	// StaticRoutes: every node has routes to the leaf loopbacks via the anycast gateway.
	StaticRoutes Reachability = "StaticRoutes"
	// ReachableBy: Calico's BGPPeer reachableBy names the anycast gateway (Calico ≥ 3.27).
	ReachableBy Reachability = "ReachableBy"
)

func parseEnum[T ~string](what, s string, values ...T) (T, error) {
	for _, v := range values {
		if strings.EqualFold(s, string(v)) {
			return v, nil
		}
	}
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return "", fmt.Errorf("invalid %s %q: want one of %s", what, s, strings.Join(names, ", "))
}

// UnmarshalText accepts IPIP, VXLAN or None (any case).
func (e *Encapsulation) UnmarshalText(b []byte) error {
	v, err := parseEnum("encapsulation", string(b), EncapNone, EncapIPIP, EncapVXLAN)
	*e = v
	return err
}

// UnmarshalText accepts Always or CrossSubnet (any case).
func (m *EncapsulationMode) UnmarshalText(b []byte) error {
	v, err := parseEnum("encapsulation mode", string(b), ModeAlways, ModeCrossSubnet)
	*m = v
	return err
}

// UnmarshalText accepts StaticRoutes or ReachableBy (any case).
func (r *Reachability) UnmarshalText(b []byte) error {
	v, err := parseEnum("node reachability", string(b), StaticRoutes, ReachableBy)
	*r = v
	return err
}
