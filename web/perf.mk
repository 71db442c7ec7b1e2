# Map performance in headless Chromium (needs chromium; see web/browser_perf_test.go).
# bench-map: first draw with 10,000 in view, panning and playback with 100,000;
# bench-map-1m adds the first complete view and playback with 1,000,000.
.PHONY: bench-map bench-map-1m
bench-map:
	MAPD_BROWSER_PERF=1 go test ./web -run TestMapPerformance -count=1 -v -timeout 30m
bench-map-1m:
	MAPD_BROWSER_PERF=1 MAPD_BROWSER_PERF_1M=1 go test ./web -run TestMapPerformance -count=1 -v -timeout 60m
