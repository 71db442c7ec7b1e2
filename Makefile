# mapd: `make run` starts the server with demo data, `make test` runs every
# check CI runs. Both need only Go and make on a fresh clone.

GO      ?= go
BIN     := bin/mapd
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: all build run test vet fmt-check fuzz bench clean crash load

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/mapd

# MAPD_ADDR and MAPD_DB, when set, are honoured: every flag has a MAPD_* twin.
run: build
	./$(BIN) serve --demo

# The module's packages, without the Go files some npm packages ship under
# node_modules (flatted does), which `npm ci` puts in the tree.
PKGS = $(shell $(GO) list ./... | grep -v /node_modules/)

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# The fuzz targets run briefly here (their seed corpora always run as tests);
# `make fuzz` runs them longer.
FUZZTIME ?= 2s
# The race detector checks mapd's code and the Go libraries it calls, but
# not SQLite itself: modernc.org/sqlite/lib and modernc.org/libc are SQLite's
# C translated to Go, which the detector made 5-17x slower (go test -race
# ./incidents/sqlite/ -run TestIndexAgreesWithSQL: 486 s, 28 s without them,
# at load 9) and in which it could only find races we cannot fix here. The
# driver (modernc.org/sqlite) and database/sql stay checked.
RACE := -race -gcflags=modernc.org/sqlite/lib=-race=false -gcflags=modernc.org/libc=-race=false

test: vet fmt-check
	$(GO) test $(RACE) -timeout 20m $(PKGS)
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME)

FUZZ_TARGETS := ./geo:FuzzParseBBox ./geo:FuzzParseInterval ./geo:FuzzTilePath \
	./incidents:FuzzParseFilter ./incidents:FuzzDecode ./incidents:FuzzParseJSONFast ./gazetteer:FuzzNormalize ./gazetteer:FuzzLoad \
	./cql2:FuzzParseText ./cql2:FuzzParseJSON
fuzz:
	@set -e; log=$$(mktemp); trap 'rm -f "$$log"' EXIT; \
	for t in $(FUZZ_TARGETS) $(EXTRA_FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		$(GO) test -list "^$$name$$" $$pkg 2>/dev/null | grep -qx "$$name" || continue; \
		echo "fuzz $$pkg $$name for $(FUZZTIME)"; \
		for try in 1 2 3; do \
			if $(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg >"$$log" 2>&1; then break; fi; \
			if grep -q 'Failing input written to' "$$log" || [ $$try = 3 ]; then \
				echo "fuzz $$name failed:"; tail -n 40 "$$log"; exit 1; \
			fi; \
			echo "fuzz $$name: the fuzzing engine failed without a failing input (it does under load); retrying:"; tail -n 5 "$$log"; \
		done; \
	done

# The long variants of the reliability tests: kill -9 during a 200,000-record
# import, five times; 32 clients for 30 seconds (MAPD_LOAD_MIX=reads for
# reads only; MAPD_LOAD_PROFILE=DIR writes a runtime trace and mutex and
# block profiles there; the log splits the time into run-queue waits, GC
# pauses and mutex waits).
crash:
	MAPD_CRASH_N=200000 MAPD_CRASH_RUNS=5 $(GO) test -run '^TestImportSurvivesKill$$' -v -timeout 30m ./cmd/mapd
load:
	MAPD_LOAD_SECONDS=30 MAPD_LOAD_CLIENTS=32 $(GO) test -run '^TestLoad$$' -v -timeout 10m ./cmd/mapd

clean:
	rm -rf bin

-include gazetteer/gazetteer.mk
-include extract/extract.mk
-include web/web.mk
-include web/perf.mk
-include bench/bench.mk
