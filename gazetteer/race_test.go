//go:build race

package gazetteer

// Under the race detector, which makes the gazetteer's loops some ten to
// twenty times slower, the heaviest randomized and size tests run fewer
// cases of the same kinds; a plain run (norace_test.go) runs them all.
const (
	// bruteForcePoints is the number of random points at which
	// TestReverseMatchesBruteForce compares the grid with a scan.
	bruteForcePoints = 100
	// largeDocumentNames is the number of names of TestResolveDocumentLarge's
	// large document (its small one has a tenth).
	largeDocumentNames = 10_000
)
