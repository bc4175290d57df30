# nlsh — build, test, benchmark, fuzz, lint.
# Kernel-facing tests need root (they make throwaway network namespaces);
# without root they skip and say why.

GO       ?= go
PKGS     ?= ./...
FUZZTIME ?= 30s
BENCHTIME ?= 1s

.PHONY: all build test lint fuzz fuzz-short race bench bench-go clean

all: build

# CGO_ENABLED=0: a static binary. With cgo (the default when a C compiler
# is present) the net package links the C resolver, and every start pays
# the dynamic loader and libc: ~0.8 ms of a ~3 ms start here.
build:
	CGO_ENABLED=0 $(GO) build -o bin/nlsh ./cmd/nlsh

# The whole suite: lint, then every package's tests, then a short fuzz pass.
test: lint
	$(GO) test -count=1 $(PKGS)
	$(MAKE) fuzz-short
	$(MAKE) race

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) vet -tags nlshprof ./cmd/nlsh

# Every fuzz target of every package, FUZZTIME each (30s by default).
fuzz:
	@scripts/fuzz-all.sh $(FUZZTIME)

# A count budget per target: no wall-clock deadline for Go 1.26's fuzz
# coordinator to race (see scripts/fuzz-all.sh), a few seconds each.
fuzz-short:
	@scripts/fuzz-all.sh 20000x

# The race detector over the packages with goroutines (short mode keeps
# it lean for CI).
RACE_PKGS ?= ./core/... ./families/... ./bindings/... ./runtime/...
race:
	$(GO) test -race -short -count=1 $(RACE_PKGS)

# Go benchmarks of the hot paths, then nlsh side by side with ip, pyroute2,
# vishvananda/netlink, the CNI bridge plugin and a raw floor (needs root);
# the second part rewrites BENCHMARKS.md.
bench: bench-go bench-peers

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

clean:
	rm -rf bin build

-include vm/vm.mk
-include bench/bench.mk
