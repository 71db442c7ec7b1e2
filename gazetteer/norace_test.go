//go:build !race

package gazetteer

// The sizes of the heaviest tests in a plain run; see race_test.go.
const (
	bruteForcePoints   = 300
	largeDocumentNames = 100_000
)
