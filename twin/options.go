package twin

import (
	"fmt"
	"log/slog"
	"net/netip"
	"regexp"
	"time"

	"github.com/projectcalico/api/pkg/client/clientset_generated/clientset"
	"k8s.io/client-go/kubernetes"
)

// Defaults of Options.
const (
	// DefaultMaxNamespaces is the most network namespaces a lab creates when
	// Options.MaxNamespaces is zero.
	DefaultMaxNamespaces = 256
	// DefaultWatchInterval is how often the node watcher reads the cluster when
	// Options.WatchInterval is zero.
	DefaultWatchInterval = 500 * time.Millisecond
)

// Options configures Start. The zero value builds and runs a full lab except that nodes need
// Calico and Kube to be configured (see Calico).
type Options struct {
	// Prefix starts the name of every network namespace the lab creates; empty picks a random
	// one ("nxt" and six hex digits). At most 12 characters of a-z, 0-9 and "-".
	Prefix string
	// MaxNamespaces refuses a design that needs more namespaces (one per leaf, one per node,
	// one for the fabric); 0 means DefaultMaxNamespaces.
	MaxNamespaces int
	// Dir is where the lab's private temporary directory (daemon configurations, sockets, pid
	// files; mode 0711 holding one 0700 directory per daemon, removed by Close) is created; empty
	// means os.TempDir(). Every directory above it must be searchable by user frr.
	Dir string
	// FabricIPv4 and FabricIPv6 are the ranges the fabric between the leaves takes its
	// addresses from; zero picks the first of a few private ranges that collides with no address
	// of the design. A given range that collides is refused.
	FabricIPv4, FabricIPv6 netip.Prefix
	// TopologyOnly builds the namespaces, links, addresses and routes and starts no daemon and
	// no NX-API front.
	TopologyOnly bool
	// Calico is the cluster's projectcalico.org/v3 API: the node watcher reads BGPConfiguration,
	// BGPPeers, BGPFilters and IPPools from it and writes CalicoNodeStatus. Required unless
	// TopologyOnly.
	Calico clientset.Interface
	// Kube is the cluster's core API: Nodes (labels and Calico's address annotations) and the
	// Secret holding the BGP password. Required unless TopologyOnly.
	Kube kubernetes.Interface
	// WatchInterval is how often the node watcher reads the cluster; 0 means
	// DefaultWatchInterval.
	WatchInterval time.Duration
	// Logger receives the lab's progress at debug level and daemon failures at warn level; nil
	// discards. Secrets are never logged.
	Logger *slog.Logger
}

var prefixRE = regexp.MustCompile(`^[a-z0-9-]{1,12}$`)

// validate checks the options without I/O.
func (o *Options) validate() error {
	if o.Prefix != "" && !prefixRE.MatchString(o.Prefix) {
		return fmt.Errorf("twin: Options.Prefix %q: want 1 to 12 characters of a-z, 0-9 and -", o.Prefix)
	}
	if o.MaxNamespaces < 0 {
		return fmt.Errorf("twin: Options.MaxNamespaces %d: must not be negative", o.MaxNamespaces)
	}
	if o.WatchInterval < 0 {
		return fmt.Errorf("twin: Options.WatchInterval %s: must not be negative", o.WatchInterval)
	}
	if o.FabricIPv4.IsValid() && (!o.FabricIPv4.Addr().Is4() || o.FabricIPv4.Bits() > 29) {
		return fmt.Errorf("twin: Options.FabricIPv4 %s: want an IPv4 range of /29 or wider", o.FabricIPv4)
	}
	if o.FabricIPv6.IsValid() && (o.FabricIPv6.Addr().Is4() || o.FabricIPv6.Bits() > 120) {
		return fmt.Errorf("twin: Options.FabricIPv6 %s: want an IPv6 range of /120 or wider", o.FabricIPv6)
	}
	if !o.TopologyOnly {
		if o.Calico == nil {
			return fmt.Errorf("twin: Options.Calico is nil: the nodes need the cluster's Calico API (or set TopologyOnly)")
		}
		if o.Kube == nil {
			return fmt.Errorf("twin: Options.Kube is nil: the nodes need the cluster's Nodes and Secrets (or set TopologyOnly)")
		}
	}
	return nil
}
