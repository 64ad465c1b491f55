package design

import "slices"

// Defaults of the design file format, applied by Design.WithDefaults.
const (
	DefaultTemplateIPv4     = "CALICO"
	DefaultTemplateIPv6     = "K8-v6"
	DefaultEBGPMultihop     = 10
	DefaultNodeInterface    = "bond0"
	DefaultBlockSizeIPv4    = 26
	DefaultBlockSizeIPv6    = 122
	DefaultMaximumPaths     = 64
	DefaultMaximumPathsIBGP = 2
	DefaultColorRouteMap    = "loopback"
	DefaultColorPrefixList  = "dup_ip_avoidance"
	DefaultNodeSelector     = "all()"
	DefaultMaxPodsPerNode   = 110
	// DefaultMaximumPrefixHeadroom is added to the computed maximum-prefix for service host routes.
	DefaultMaximumPrefixHeadroom = 256
	DefaultMaximumPrefixWarning  = 75
	DefaultRestartTime           = 120
	DefaultStalePathTime         = 300
)

// WithDefaults returns a deep copy of the design with every unset field that has a default filled
// in. The receiver is not modified.
func (d *Design) WithDefaults() *Design {
	c := d.Clone()
	p := &c.Peering
	if p.Templates.IPv4 == "" {
		p.Templates.IPv4 = DefaultTemplateIPv4
	}
	if p.Templates.IPv6 == "" {
		p.Templates.IPv6 = DefaultTemplateIPv6
	}
	if p.EBGPMultihop == 0 {
		p.EBGPMultihop = DefaultEBGPMultihop
	}
	if p.ASOverride == nil {
		p.ASOverride = ptr(true)
	}
	if p.DisablePeerASCheck == nil {
		p.DisablePeerASCheck = ptr(true)
	}
	if p.AdvertiseDefaultRoute == nil {
		p.AdvertiseDefaultRoute = ptr(true)
	}
	if p.NodeReachability == "" {
		p.NodeReachability = StaticRoutes
	}
	if p.MaximumPaths == 0 {
		p.MaximumPaths = DefaultMaximumPaths
	}
	if p.MaximumPathsIBGP == 0 {
		p.MaximumPathsIBGP = DefaultMaximumPathsIBGP
	}
	if p.ColorRouteMap == "" {
		p.ColorRouteMap = DefaultColorRouteMap
	}
	if p.ColorPrefixList == "" {
		p.ColorPrefixList = DefaultColorPrefixList
	}
	if p.RouteFilters == nil {
		p.RouteFilters = ptr(true)
	}
	if p.AdvertisePodBlocks == nil {
		p.AdvertisePodBlocks = ptr(false)
	}
	if p.MaximumPrefixWarning == 0 {
		p.MaximumPrefixWarning = DefaultMaximumPrefixWarning
	}
	if p.GracefulRestart != nil {
		gr := *p.GracefulRestart
		if gr.RestartTime == 0 {
			gr.RestartTime = DefaultRestartTime
		}
		if gr.StalePathTime == 0 {
			gr.StalePathTime = DefaultStalePathTime
		}
		p.GracefulRestart = &gr
	}
	if c.Cluster.MaxPodsPerNode == 0 {
		c.Cluster.MaxPodsPerNode = DefaultMaxPodsPerNode
	}
	if c.Cluster.NodeInterface == "" {
		c.Cluster.NodeInterface = DefaultNodeInterface
	}
	for i := range c.Cluster.IPPools {
		pool := &c.Cluster.IPPools[i]
		if pool.BlockSize == 0 {
			if pool.CIDR.Addr().Is6() {
				pool.BlockSize = DefaultBlockSizeIPv6
			} else {
				pool.BlockSize = DefaultBlockSizeIPv4
			}
		}
		if pool.Encapsulation == "" {
			pool.Encapsulation = EncapNone
		}
		if pool.EncapsulationMode == "" && pool.Encapsulation != EncapNone {
			pool.EncapsulationMode = ModeAlways
		}
		if pool.NodeSelector == "" {
			pool.NodeSelector = DefaultNodeSelector
		}
	}
	return c
}

// Clone returns a deep copy of the design.
func (d *Design) Clone() *Design {
	c := *d
	c.Fabric.LeafPairs = slices.Clone(d.Fabric.LeafPairs)
	for i := range c.Fabric.LeafPairs {
		c.Fabric.LeafPairs[i].Leaves = slices.Clone(d.Fabric.LeafPairs[i].Leaves)
	}
	c.Fabric.RetiredLeaves = slices.Clone(d.Fabric.RetiredLeaves)
	c.Cluster.Nodes = slices.Clone(d.Cluster.Nodes)
	c.Cluster.IPPools = slices.Clone(d.Cluster.IPPools)
	c.Cluster.ServiceClusterIPs = slices.Clone(d.Cluster.ServiceClusterIPs)
	c.Cluster.ServiceExternalIPs = slices.Clone(d.Cluster.ServiceExternalIPs)
	c.Cluster.ServiceLoadBalancerIPs = slices.Clone(d.Cluster.ServiceLoadBalancerIPs)
	c.Peering.NodeRoutes = slices.Clone(d.Peering.NodeRoutes)
	c.Peering.AdvertiseToNodes = slices.Clone(d.Peering.AdvertiseToNodes)
	if d.Peering.RouteFilters != nil {
		c.Peering.RouteFilters = ptr(*d.Peering.RouteFilters)
	}
	if d.Peering.AdvertisePodBlocks != nil {
		c.Peering.AdvertisePodBlocks = ptr(*d.Peering.AdvertisePodBlocks)
	}
	if d.Peering.GracefulRestart != nil {
		c.Peering.GracefulRestart = ptr(*d.Peering.GracefulRestart)
	}
	if d.Peering.ASOverride != nil {
		c.Peering.ASOverride = ptr(*d.Peering.ASOverride)
	}
	if d.Peering.DisablePeerASCheck != nil {
		c.Peering.DisablePeerASCheck = ptr(*d.Peering.DisablePeerASCheck)
	}
	if d.Peering.AdvertiseDefaultRoute != nil {
		c.Peering.AdvertiseDefaultRoute = ptr(*d.Peering.AdvertiseDefaultRoute)
	}
	if d.Peering.PasswordSecret != nil {
		c.Peering.PasswordSecret = ptr(*d.Peering.PasswordSecret)
	}
	return &c
}

func ptr[T any](v T) *T { return &v }

// Bool returns a pointer to v, for the optional boolean fields of Peering.
func Bool(v bool) *bool { return &v }
