# Map performance in headless Chromium (needs chromium; see web/browser_perf_test.go).
.PHONY: bench-map
bench-map:
	MAPD_BROWSER_PERF=1 go test ./web -run TestMapPerformance -count=1 -v -timeout 15m
