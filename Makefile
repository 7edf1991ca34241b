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
# make install PREFIX=/usr DESTDIR=/tmp/pkg: the binary, bash/zsh/fish completions and man pages.
PREFIX      ?= /usr/local
DESTDIR     ?=

.PHONY: all build run test check fmt vet staticcheck tidy fixtures unit smoke install install-check screens fuzz fuzz-short bench bench-quick bench-formats bench-watch clean

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) .

run: build
	./$(BIN) take

test: check fixtures unit smoke install-check fuzz-short

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
	$(GO) mod tidy -diff

# The hostile /proc trees are generated from their declarations (fixtures/hostile); regenerating
# must not change the committed trees.
fixtures:
	$(GO) run ./fixtures/hostile/gen
	@if [ -n "$$(git status --porcelain -- fixtures/hostile)" ]; then echo "fixtures/hostile differs from its declarations:"; git status --short -- fixtures/hostile; exit 1; fi

unit:
	$(GO) test -race -cover -count=1 -timeout 30m ./...

smoke: build
	./scripts/smoke.sh $(BIN)

# The man pages are generated from the commands' help (cobra/doc) by scripts/genman.
install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/procsnap
	./$(BIN) completion bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/procsnap
	./$(BIN) completion zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_procsnap
	./$(BIN) completion fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/procsnap.fish
	rm -rf bin/man && $(GO) run ./scripts/genman bin/man
	install -m 0644 bin/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/

# Installs into a temporary DESTDIR and checks what landed there.
install-check:
	./scripts/install_check.sh

# The first screens of diff, log, ps and tree at 80x24 and 200x50 in tmux (installs tmux), on a
# host of POPULATION (5000) idle processes with churn, daemons, reparented processes, zombies.
screens: build
	./scripts/screens.sh $(BIN)

# make fuzz FUZZTIME=10m runs every fuzz target for that long, one after the other.
fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

# A short run of every fuzz target, part of make test: an execution count, not a duration.
fuzz-short:
	./scripts/fuzz.sh 20000x

# Benchmark (not part of test): procsnap vs ps, lsof and a minimal C reader of the same /proc
# files, on 1,000 and 5,000 idle processes it starts and ends itself. Installs lsof if missing;
# needs cc. Prints a table of ratios and writes bench/out/latest.json. BASELINE=path/to/older/procsnap
# measures its take, diff and tree in the same rounds and prints its ratios beside.
BENCH_SIZES ?= 1000,5000
BENCH_RUNS  ?= 5

bench: build
	$(GO) run ./bench/driver -bin $(BIN) -sizes $(BENCH_SIZES) -runs $(BENCH_RUNS) $(if $(BASELINE),-baseline $(BASELINE))

bench-quick: build
	$(GO) run ./bench/driver -bin $(BIN) -sizes 1000 -runs 3

# JSON beside YAML (take, diff, tree --sessions, log: time, peak RSS, RSS per process) on 1,000,
# 5,000 and 20,000 processes. BASELINE=path/to/older/procsnap measures it in the same rounds.
BENCH_FORMAT_SIZES ?= 1000,5000,20000
BASELINE ?=

bench-formats: build
	$(GO) run ./bench/driver -bin $(BIN) -suite formats -sizes $(BENCH_FORMAT_SIZES) -runs $(BENCH_RUNS) $(if $(BASELINE),-baseline $(BASELINE))

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
	$${CC:-cc} -O2 -Wall -static -o bin/watch-spawn-static bench/watch/spawner/spawn.c
	./bin/watchbench -procsnap $(BIN) -spawner bin/watch-spawn -static bin/watch-spawn-static -loaded -daemons $(if $(PSPY),-pspy $(PSPY)) $(BENCH_WATCH_ARGS)
