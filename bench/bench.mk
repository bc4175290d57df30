# bench/bench.mk — the peer benchmarks of issue 9 (included by the main
# Makefile; also usable alone: make -f bench/bench.mk bench-peers).
# Builds nlsh, the raw floor, the vishvananda/netlink driver and the harness,
# then runs every workload inside throwaway network namespaces and writes
# BENCHMARKS.md. Needs root. Sizes and rounds: BENCH_FLAGS, e.g.
#   make bench-peers BENCH_FLAGS='-rounds 3 -only W1,W4'
# (bench/bin/harness -h lists the flags).

GO          ?= go
BENCH_DIR   := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
BENCH_ROOT  := $(abspath $(BENCH_DIR)/..)
BENCH_BIN   := $(abspath $(BENCH_DIR)/bin)
BENCH_FLAGS ?=
BENCH_OUT   ?= BENCHMARKS.md

.PHONY: bench-peers bench-peers-build

bench-peers: bench-peers-build
	$(BENCH_BIN)/harness -repo $(BENCH_ROOT) -bin $(BENCH_BIN) -out $(BENCH_OUT) \
		-command 'make -f bench/bench.mk bench-peers$(if $(BENCH_FLAGS), BENCH_FLAGS="$(BENCH_FLAGS)")' $(BENCH_FLAGS)

# nlsh failing to build (others mid-change) must not stop the peers: its rows
# then read n/a.
bench-peers-build:
	@mkdir -p $(BENCH_BIN)
	@rm -f $(BENCH_BIN)/nlsh
	cd $(BENCH_ROOT) && CGO_ENABLED=0 $(GO) build -o $(BENCH_BIN)/nlsh ./cmd/nlsh || echo "bench: nlsh did not build; its rows will read n/a" >&2
	cd $(BENCH_DIR) && $(GO) build -o $(BENCH_BIN)/floor ./floor
	cd $(BENCH_DIR) && $(GO) build -o $(BENCH_BIN)/vish ./vish
	cd $(BENCH_DIR) && $(GO) build -o $(BENCH_BIN)/luabound ./luabound
	cd $(BENCH_DIR) && $(GO) build -o $(BENCH_BIN)/harness ./harness
