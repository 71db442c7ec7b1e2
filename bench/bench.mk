# bench.mk: `make bench` generates 1,000,000 seeded incidents over Syria and
# Iraq, imports them, runs the real server on loopback under 16 concurrent
# clients and prints one markdown table (also written to bench/results.md).
# It takes a few minutes on 2 cores. `make bench-quick` is a 50,000-incident
# smoke run. Extra flags: make bench BENCH_FLAGS="-seed 2 -keep".
# Included from the top-level Makefile.

BENCH_FLAGS ?=

.PHONY: bench bench-quick

bench:
	$(GO) run ./bench $(BENCH_FLAGS)

bench-quick:
	$(GO) run ./bench -quick -o '' $(BENCH_FLAGS)
