# bench.mk: `make bench` generates 1,000,000 seeded incidents over Syria and
# Iraq and measures mapd as a user meets it: `mapd import` of an NDJSON file
# into an empty database and of 100,000 records with place names only,
# `mapd export` in each format, the same records loaded with ogr2ogr as a
# reference (when gdal-bin is installed), and the real server on loopback
# with 16 concurrent clients and with one. It prints one markdown table
# (also written to bench/results.md) in under 10 minutes on 2 cores.
# `make bench-quick` is a 50,000-incident smoke run. Extra flags:
# make bench BENCH_FLAGS="-seed 2 -keep".
# Included from the top-level Makefile.

BENCH_FLAGS ?=

.PHONY: bench bench-quick

bench:
	$(GO) run ./bench $(BENCH_FLAGS)

bench-quick:
	$(GO) run ./bench -quick -o '' $(BENCH_FLAGS)

# `make bench-pg` measures mapd against pg_featureserv on PostGIS for the
# same bbox pages (issue 6's reference) and writes bench/pg_results.md; see
# bench/README.md for what it needs. It is part of neither `make test` nor
# `make bench`. Extra flags: make bench-pg PGREF_FLAGS="-n 100000".
PGREF_FLAGS ?=

.PHONY: bench-pg

bench-pg:
	$(GO) run ./bench/pgref $(PGREF_FLAGS)
