# Map performance in headless Chromium (needs chromium; see web/browser_perf_test.go).
# bench-map: first draw with 10,000 in view, panning and playback with 100,000;
# bench-map-1m adds the first complete view and playback with 1,000,000 spread
# incidents over Syria and Iraq, make bench's data (go run ./bench -gen): the
# database is built once into PERF_1M_DB (a few minutes) and reused by later
# runs; `make perf-1m-clean` removes it. The figures are medians, printed in
# the test log with the load average beside them.
PERF_1M_DB ?= $(or $(TMPDIR),/tmp)/mapd-perf-1m.db

.PHONY: bench-map bench-map-1m perf-1m-clean
bench-map:
	MAPD_BROWSER_PERF=1 $(GO) test ./web -run TestMapPerformance -count=1 -v -timeout 30m
bench-map-1m: $(PERF_1M_DB)
	MAPD_BROWSER_PERF=1 MAPD_BROWSER_PERF_1M_DB=$(PERF_1M_DB) $(GO) test ./web -run TestMapPerformance -count=1 -v -timeout 60m

$(PERF_1M_DB):
	$(GO) run ./bench -gen $@.ndjson -n 1000000 -seed 1
	rm -f $@.tmp $@.tmp-wal $@.tmp-shm
	$(GO) run ./cmd/mapd import --db $@.tmp $@.ndjson
	mv $@.tmp $@
	rm -f $@.ndjson $@.tmp-wal $@.tmp-shm

perf-1m-clean:
	rm -f $(PERF_1M_DB) $(PERF_1M_DB)-wal $(PERF_1M_DB)-shm $(PERF_1M_DB).ndjson
