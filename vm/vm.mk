# vm/vm.mk - the VM lane: nlsh's kernel-facing tests on a second kernel.
#
# Included by the main Makefile (make test-vm), or used alone from the
# repository root: make -f vm/vm.mk test-vm. See vm/README.md.
# Every variable can be overridden on the command line, e.g.
#   make test-vm VM_PKGS=github.com/nlsh/nlsh/internal/kernel VM_DEADLINE=120

# Including this file must not change the including Makefile's default goal.
VM_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

VM_DIR  := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
VM_ROOT := $(abspath $(VM_DIR)/..)

GO ?= go

# Test packages built for the VM: every package under these trees that has
# test files. Deferred (=) so that plain `make` does not run go list.
VM_PKG_TREES ?= ./core/... ./families/... ./bindings/... ./internal/kernel/...
# Packages left to the host: their tests never touch the kernel (codecs,
# parsers, argument checks), or check nothing a kernel version changes and
# are far too heavy for emulation (bindings/battery: thousands of bad calls,
# each refused before it reaches the kernel, with ip/nft snapshots).
VM_PKGS_HOST_ONLY ?= ./families/nfnl/expr ./families/nfnl/ruletext ./bindings ./bindings/battery
VM_PKGS ?= $(filter-out $(shell cd $(VM_ROOT) && $(GO) list -e $(VM_PKGS_HOST_ONLY) 2>/dev/null),$(shell cd $(VM_ROOT) && $(GO) list -e -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' $(VM_PKG_TREES) 2>/dev/null))

# The guest kernel: the newest /boot/vmlinuz-* that is not the running one
# (or the running one when it is the only one).
VM_KERNEL_VERSION ?= $(shell cd /boot 2>/dev/null && ls vmlinuz-* 2>/dev/null | sed 's|^vmlinuz-||' | sort -V | \
	awk -v run="$$(uname -r)" '$$0 != run {v = $$0} {last = $$0} END {print (v != "" ? v : last)}')
VM_KERNEL ?= /boot/vmlinuz-$(VM_KERNEL_VERSION)

# Modules loaded in the guest, with their dependencies (modprobe --show-depends).
VM_MODULES ?= dummy 8021q ipvlan macvlan bonding vrf veth bridge vxlan \
	wireguard mac80211_hwsim tun ip_gre ipip ip6_gre ip6_tunnel sit \
	ifb geneve macsec nlmon macvtap ipvtap vcan \
	nf_tables nft_ct nft_nat nft_chain_nat nft_masq nft_redir nft_reject_inet \
	nft_fib_inet nft_fib_ipv4 nft_fib_ipv6 nft_limit nft_log nft_quota \
	nft_hash nft_numgen nft_objref nft_socket nft_tproxy nft_queue nft_compat \
	nft_connlimit nft_tunnel nf_log_syslog nf_conntrack_netlink nfnetlink_queue \
	nfnetlink_log nft_reject_ipv4 nft_reject_ipv6 nft_dup_ipv4 nft_dup_ipv6 \
	nft_dup_netdev nft_fwd_netdev nft_meta_bridge nft_reject_bridge nft_osf \
	nft_synproxy nf_conntrack_ftp

# Tools packed with their shared libraries; optional ones when installed.
# iproute2 (ip, genl, bridge, tc, ss), nftables, ethtool; util-linux's
# unshare and nsenter and coreutils' sleep shadow busybox's, so tests see the
# same tools as on the host.
VM_TOOLS ?= ip genl bridge tc ss nft ethtool unshare nsenter sleep
VM_TOOLS_OPTIONAL ?= wg conntrack

VM_DEADLINE ?= 420
VM_MEM ?= 1536
VM_CPUS ?= 2
# auto: kvm when /dev/kvm works, else tcg.
VM_ACCEL ?= auto
# -test.short: heavy tests trim their heavy parts (the host runs them in
# full); -test.timeout keeps one hanging package from eating the whole
# deadline.
VM_TEST_FLAGS ?= -test.v -test.short -test.timeout=120s
# Tests the lane skips (-test.skip per package): heavy under TCG, needing
# nothing the host lacks, run in full by make test. See vm/README.md.
VM_SKIP_FILE ?= $(VM_ROOT)/vm/lane-skip
# Test binaries run side by side in the guest (1: one after the other, with
# live output).
VM_JOBS ?= 2
# Extra KEY=VALUE words exported to the tests in the guest.
VM_GUEST_ENV ?=
VM_BUILD ?= $(VM_ROOT)/vm/.build
# go test -c jobs side by side while building the image.
VM_BUILD_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# What run.sh needs; build.sh also gets the package list (go list runs once).
VM_RUN_EXPORTS = VM_KERNEL='$(VM_KERNEL)' VM_DEADLINE='$(VM_DEADLINE)' \
	VM_MEM='$(VM_MEM)' VM_CPUS='$(VM_CPUS)' VM_ACCEL='$(VM_ACCEL)' \
	VM_BUILD='$(VM_BUILD)'
VM_BUILD_EXPORTS = GO='$(GO)' VM_ROOT='$(VM_ROOT)' VM_PKGS='$(VM_PKGS)' \
	VM_KERNEL_VERSION='$(VM_KERNEL_VERSION)' VM_MODULES='$(VM_MODULES)' \
	VM_TOOLS='$(VM_TOOLS)' VM_TOOLS_OPTIONAL='$(VM_TOOLS_OPTIONAL)' \
	VM_TEST_FLAGS='$(VM_TEST_FLAGS)' VM_GUEST_ENV='$(VM_GUEST_ENV)' \
	VM_JOBS='$(VM_JOBS)' VM_BUILD_JOBS='$(VM_BUILD_JOBS)' VM_SKIP_FILE='$(VM_SKIP_FILE)' \
	VM_BUILD='$(VM_BUILD)'

.PHONY: test-vm vm-image vm-run vm-clean vm-coverage

## test-vm: build the test binaries and the initramfs, boot the VM, run them.
test-vm:
	@$(VM_BUILD_EXPORTS) $(VM_RUN_EXPORTS) $(VM_DIR)/lane.sh all

## vm-image: only build the test binaries and the initramfs.
vm-image:
	@$(VM_BUILD_EXPORTS) $(VM_DIR)/lane.sh build

## vm-run: boot the last image again without rebuilding it.
vm-run:
	@$(VM_RUN_EXPORTS) $(VM_DIR)/lane.sh run

vm-clean:
	rm -rf '$(VM_BUILD)'

## vm-coverage: after test-vm, run the same packages on the host and check
## that every test the host skips for a missing kernel feature passed in
## the lane (vm/coverage.py).
vm-coverage:
	@cd '$(VM_ROOT)' && $(GO) test -count=1 -json $(VM_PKGS) >'$(VM_BUILD)/host.json' || true
	@python3 '$(VM_ROOT)/vm/coverage.py' '$(VM_BUILD)/host.json' '$(VM_BUILD)'

.DEFAULT_GOAL := $(VM_SAVED_DEFAULT_GOAL)
