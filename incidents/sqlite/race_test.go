//go:build race

package sqlite

// RaceEnabled is true when the tests run under the race detector, which
// slows SQLite (C translated to Go) about twenty times; the heaviest
// randomized tests then run fewer cases of the same kinds.
const RaceEnabled = true
