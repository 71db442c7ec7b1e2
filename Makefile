# mapd: `make run` starts the server with demo data, `make test` runs every
# check CI runs. Both need only Go and make on a fresh clone.

GO      ?= go
BIN     := bin/mapd
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: all build run test vet fmt-check fuzz bench clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/mapd

# MAPD_ADDR and MAPD_DB, when set, are honoured: every flag has a MAPD_* twin.
run: build
	./$(BIN) serve --demo

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# The fuzz targets run briefly here (their seed corpora always run as tests);
# `make fuzz` runs them longer.
FUZZTIME ?= 3s
test: vet fmt-check
	$(GO) test -race -timeout 15m ./...
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME)

FUZZ_TARGETS := ./geo:FuzzParseBBox ./geo:FuzzParseInterval
fuzz:
	@set -e; for t in $(FUZZ_TARGETS) $(EXTRA_FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		if $(GO) test -list "^$$name$$" $$pkg 2>/dev/null | grep -qx "$$name"; then \
			echo "fuzz $$pkg $$name for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg >/dev/null || \
				{ echo "fuzz $$name found a failure"; $(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime 1x $$pkg; exit 1; }; \
		fi; \
	done

clean:
	rm -rf bin

-include gazetteer/gazetteer.mk
-include web/web.mk
-include bench/bench.mk
