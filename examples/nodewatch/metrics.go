package main

import (
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"k8s.io/client-go/util/workqueue"
)

// Pass results, the values of the result label of nodewatch_passes_total.
const (
	resultInStep        = "in-step"        // nothing to do: every pair was in step
	resultApplied       = "applied"        // pairs planned; a change was applied (or none was needed)
	resultFailed        = "failed"         // the pass failed and is retried with backoff
	resultDesignInvalid = "design-invalid" // the design is unusable; nothing was planned
)

// metrics are the reconciler's Prometheus metrics, on a registry of their own (so that tests and
// several reconcilers in one process do not collide). The process-wide metrics (Go runtime,
// process, client-go workqueues) live in processRegistry; handler serves both.
type metrics struct {
	reg *prometheus.Registry

	passes       *prometheus.CounterVec // result
	passDuration prometheus.Histogram
	switches     *prometheus.CounterVec // leaf, result: planned, applied, failed
	objects      *prometheus.CounterVec // side: switch, calico, node; op: create, update, delete
	passErrors   *prometheus.CounterVec // kind: see errorKind

	sessionsExpected    *prometheus.GaugeVec // pair
	sessionsEstablished *prometheus.GaugeVec // pair
	nodesSkipped        *prometheus.GaugeVec // code
	designUnusable      prometheus.Gauge
	leader              prometheus.Gauge
	configError         *prometheus.GaugeVec // reason

	nodeLists   prometheus.Counter
	nodeWatches prometheus.Counter
	nodeExpired prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	f := func(c prometheus.Collector) { m.reg.MustRegister(c) }
	m.passes = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nodewatch_passes_total",
		Help: "Reconciliation passes by result: in-step, applied, failed, design-invalid."}, []string{"result"})
	m.passDuration = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "nodewatch_pass_duration_seconds",
		Help:    "Duration of the passes that planned at least one leaf pair.",
		Buckets: prometheus.ExponentialBuckets(0.01, 2, 14)})
	m.switches = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nodewatch_switches_total",
		Help: "Switch plans by leaf and result: planned, applied (a non-empty plan sent), failed."}, []string{"leaf", "result"})
	m.objects = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nodewatch_objects_total",
		Help: "Objects changed by side (switch, calico, node) and operation (create, update, delete)."}, []string{"side", "op"})
	m.passErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nodewatch_pass_errors_total",
		Help: "Failed passes by kind: forbidden, unauthorized, not-found, switch, verify, other."}, []string{"kind"})
	m.sessionsExpected = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "nodewatch_sessions_expected",
		Help: "BGP sessions the design expects per leaf pair, from the last verification of the pair."}, []string{"pair"})
	m.sessionsEstablished = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "nodewatch_sessions_established",
		Help: "BGP sessions up on both ends per leaf pair, from the last verification of the pair."}, []string{"pair"})
	m.nodesSkipped = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "nodewatch_nodes_skipped",
		Help: "Labelled Nodes left out of the design in the last pass, by problem code."}, []string{"code"})
	m.designUnusable = prometheus.NewGauge(prometheus.GaugeOpts{Name: "nodewatch_design_unusable",
		Help: "1 while the design has a problem no single Node is to blame for; no pass applies anything."})
	m.leader = prometheus.NewGauge(prometheus.GaugeOpts{Name: "nodewatch_leader",
		Help: "1 while this replica holds the leader Lease."})
	m.configError = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "nodewatch_config_error",
		Help: "1 while the configuration cannot be loaded, by reason: flags, kubeconfig, design, credentials, switches, ca."}, []string{"reason"})
	m.nodeLists = prometheus.NewCounter(prometheus.CounterOpts{Name: "nodewatch_node_lists_total",
		Help: "Full reads of the labelled Nodes, by a list or a streaming list (the first one, and one after every watch that could not resume)."})
	m.nodeWatches = prometheus.NewCounter(prometheus.CounterOpts{Name: "nodewatch_node_watches_total",
		Help: "Node watches opened."})
	m.nodeExpired = prometheus.NewCounter(prometheus.CounterOpts{Name: "nodewatch_node_watch_expired_total",
		Help: "Node watches the API server ended with 410 Gone (resourceVersion too old)."})
	for _, c := range []prometheus.Collector{m.passes, m.passDuration, m.switches, m.objects, m.passErrors,
		m.sessionsExpected, m.sessionsEstablished, m.nodesSkipped, m.designUnusable, m.leader, m.configError,
		m.nodeLists, m.nodeWatches, m.nodeExpired} {
		f(c)
	}
	for _, r := range []string{resultInStep, resultApplied, resultFailed, resultDesignInvalid} {
		m.passes.WithLabelValues(r) // present at 0 from the start, so rate() sees the first pass
	}
	return m
}

// handler serves the reconciler's and the process's metrics in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(prometheus.Gatherers{processRegistry, m.reg}, promhttp.HandlerOpts{})
}

// processRegistry holds the metrics of the whole process: Go runtime, process, and client-go's
// workqueues (workqueue.SetProvider takes effect once per process, before any queue exists).
var processRegistry = prometheus.NewRegistry()

// queueMetricsActive is set by setupProcessMetrics when the workqueues report to
// processRegistry: a package that called workqueue.SetProvider before (the Kubernetes API server
// libraries do so when they are linked in, as in this package's tests) keeps them.
var queueMetricsActive bool

var setupProcessMetrics = sync.OnceFunc(func() {
	processRegistry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	q := newQueueMetrics()
	processRegistry.MustRegister(q.depth, q.adds, q.latency, q.workDuration, q.unfinished, q.longest, q.retries)
	workqueue.SetProvider(q)
	probe := workqueue.NewTypedWithConfig(workqueue.TypedQueueConfig[int]{Name: "nodewatch-probe"})
	probe.Add(1)
	probe.ShutDown()
	families, _ := processRegistry.Gather()
	for _, f := range families {
		for _, m := range f.GetMetric() {
			if f.GetName() == "workqueue_adds_total" && m.GetCounter().GetValue() == 1 {
				queueMetricsActive = true
			}
		}
	}
	for _, v := range []interface{ DeleteLabelValues(...string) bool }{q.depth, q.adds, q.latency, q.workDuration, q.unfinished, q.longest, q.retries} {
		v.DeleteLabelValues("nodewatch-probe")
	}
})

// queueMetrics is client-go's workqueue.MetricsProvider on Prometheus, with the metric names
// Kubernetes controllers use (workqueue_depth, workqueue_adds_total, …), labelled by queue name.
type queueMetrics struct {
	depth        *prometheus.GaugeVec
	adds         *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	workDuration *prometheus.HistogramVec
	unfinished   *prometheus.GaugeVec
	longest      *prometheus.GaugeVec
	retries      *prometheus.CounterVec
}

func newQueueMetrics() *queueMetrics {
	name := []string{"name"}
	buckets := prometheus.ExponentialBuckets(10e-9, 10, 12)
	return &queueMetrics{
		depth: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "workqueue_depth",
			Help: "Current depth of the workqueue."}, name),
		adds: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "workqueue_adds_total",
			Help: "Adds handled by the workqueue."}, name),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "workqueue_queue_duration_seconds",
			Help: "Seconds an item stays in the workqueue before it is requested.", Buckets: buckets}, name),
		workDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "workqueue_work_duration_seconds",
			Help: "Seconds processing an item from the workqueue takes.", Buckets: buckets}, name),
		unfinished: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "workqueue_unfinished_work_seconds",
			Help: "Seconds of work in progress not yet observed by work_duration."}, name),
		longest: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "workqueue_longest_running_processor_seconds",
			Help: "Seconds the longest running processor of the workqueue has been running."}, name),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "workqueue_retries_total",
			Help: "Retries handled by the workqueue."}, name),
	}
}

func (q *queueMetrics) NewDepthMetric(name string) workqueue.GaugeMetric {
	return q.depth.WithLabelValues(name)
}
func (q *queueMetrics) NewAddsMetric(name string) workqueue.CounterMetric {
	return q.adds.WithLabelValues(name)
}
func (q *queueMetrics) NewLatencyMetric(name string) workqueue.HistogramMetric {
	return q.latency.WithLabelValues(name)
}
func (q *queueMetrics) NewWorkDurationMetric(name string) workqueue.HistogramMetric {
	return q.workDuration.WithLabelValues(name)
}
func (q *queueMetrics) NewUnfinishedWorkSecondsMetric(name string) workqueue.SettableGaugeMetric {
	return q.unfinished.WithLabelValues(name)
}
func (q *queueMetrics) NewLongestRunningProcessorSecondsMetric(name string) workqueue.SettableGaugeMetric {
	return q.longest.WithLabelValues(name)
}
func (q *queueMetrics) NewRetriesMetric(name string) workqueue.CounterMetric {
	return q.retries.WithLabelValues(name)
}
