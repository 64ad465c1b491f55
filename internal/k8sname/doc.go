// Package k8sname checks the names Kubernetes gives its rules to: DNS-1123 subdomains (most
// object names), DNS-1123 labels (namespaces), label values and qualified names (label and
// annotation keys). Each check returns "" for a valid value, or why it is invalid, naming the
// offending character and its byte offset ("has '_' at offset 4 (…)"), so a caller can say
// "<field> <value> <reason>".
//
// The checks agree with k8s.io/apimachinery/pkg/util/validation on which values are valid (a
// fuzz test holds them to it) but use no regular expression: they are a single pass over the
// bytes and do not allocate for a valid value, which matters when every node of a large cluster
// is checked on every pass.
package k8sname
