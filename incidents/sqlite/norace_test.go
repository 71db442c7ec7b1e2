//go:build !race

package sqlite

// RaceEnabled is false when the tests run without the race detector.
const RaceEnabled = false
