//go:build !race

package incidents

// raceEnabled is true when the tests run under the race detector.
const raceEnabled = false
