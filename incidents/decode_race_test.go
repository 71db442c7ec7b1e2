//go:build race

package incidents

// raceEnabled is true when the tests run under the race detector, which
// slows decoding several times; heavy tests then use less data.
const raceEnabled = true
