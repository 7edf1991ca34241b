//go:build race

package watch

// raceEnabled is set when the race detector, which slows the watcher down several times, is on.
const raceEnabled = true
