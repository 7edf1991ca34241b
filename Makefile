# procsnap. `make run` builds and photographs this host; `make test` runs every check and test.
# Tools the targets need are installed into ./bin/tools by the targets themselves.

GO          ?= go
BIN         := bin/procsnap
TOOLS       := $(CURDIR)/bin/tools
STATICCHECK := $(TOOLS)/staticcheck
STATICCHECK_VERSION := v0.8.2
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS     := -X github.com/procsnap/procsnap/cmd.version=$(VERSION)
FUZZTIME    ?= 10s

.PHONY: all build run test check fmt vet staticcheck tidy unit smoke fuzz bench clean

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) .

run: build
	./$(BIN) take

test: check unit smoke

check: fmt vet staticcheck tidy

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

$(STATICCHECK):
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...

tidy:
	@cp go.mod /tmp/procsnap.go.mod.$$$$ && cp go.sum /tmp/procsnap.go.sum.$$$$ && \
	$(GO) mod tidy && \
	if ! git diff --quiet -- go.mod go.sum; then echo "go.mod/go.sum not tidy:"; git diff -- go.mod go.sum; exit 1; fi

unit:
	$(GO) test -race -cover -count=1 ./...

smoke: build
	./scripts/smoke.sh $(BIN)

fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin

# Benchmark of procsnap watch (not part of `make test`): catch rate per process lifetime
# (0, 0.1, 1, 10, 100 ms after exec), CPU on this host and with POPULATION idle processes, and
# RSS over CHURN of spawns. Set PSPY=/path/to/pspy to measure pspy the same way in the run.
BENCH_WATCH_ARGS ?= -count 200 -runs 3 -window 20s -population 2000 -churn 5m
PSPY ?=

.PHONY: bench-watch
bench-watch: build
	$(GO) build -o bin/watchbench ./bench/watch
	$${CC:-cc} -O2 -Wall -o bin/watch-spawn bench/watch/spawner/spawn.c
	./bin/watchbench -procsnap $(BIN) -spawner bin/watch-spawn $(if $(PSPY),-pspy $(PSPY)) $(BENCH_WATCH_ARGS)
