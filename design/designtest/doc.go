// Package designtest holds valid designs of several shapes for tests, benchmarks and demos: the
// reference case study lives in package design (design.CaseStudy); here are the shapes around it —
// every pair reusing one set of colored loopbacks, every leaf with its own, two racks, and generated
// fabrics of any size. Each call returns a fresh design the caller may change.
package designtest
