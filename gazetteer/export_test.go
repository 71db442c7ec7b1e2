package gazetteer

// SharedDefault gives the package's external tests (package
// gazetteer_test) the default gazetteer that its own tests share, loaded
// once per test binary: a load takes about a second, and some twenty times
// that under the race detector.
var SharedDefault = testGazetteer
