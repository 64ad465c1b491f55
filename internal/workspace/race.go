//go:build race

package workspace

// raceEnabled is true when the tests were built with -race; the modules' tests then are too.
const raceEnabled = true
