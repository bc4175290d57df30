#!/usr/bin/env bash
# Runs every Go fuzz target in the module for the given time each, one at
# a time (fuzzing uses every core). Usage: scripts/fuzz-all.sh 30s
#
# Targets are found by their signature (func FuzzX(f *testing.F)) in every
# _test.go file of every package, whatever its build constraints (a file
# with a //go:build line is fuzzed with the tags it names); a target the
# build still leaves out fails the run instead of passing silently. On a failure the go test output (panic
# and stack) is printed, followed by the crasher file go test wrote under
# testdata/fuzz/FuzzX/, which stays as a regression seed once committed.
#
# FUZZMINIMIZE (default 5000x) bounds the minimization go test runs on every
# input that widens coverage (and on a crasher). Its default, 60 s, spends
# whole runs in the minimizer's quadratic pass over kilobyte-sized seeds
# (kernel dumps): FuzzMonitorEvent made 80 calls in 45 s, with the bound
# 383,000 in 20 s.
#
# Go 1.26's fuzz coordinator can fail a target with a bare "context
# deadline exceeded" when a duration -fuzztime expires while a worker is
# mid-call (golang/go#75804, fixed in Go 1.27): no input is written, nothing
# reproduces. Such a run, and only such a run, is tried once more; a run
# that writes a failing input or prints anything else fails at once.
# Count budgets (e.g. 20000x, as make fuzz-short uses) have no deadline to
# race.
#
# A long pass can be split across runners: FUZZSHARD=k/n runs the targets
# whose position in the list is k modulo n (FUZZSHARD=0/2 and 1/2 side by
# side, each with GOFLAGS=-parallel=1, use two cores for half the wall
# time); FUZZSKIP="FuzzA FuzzB" leaves targets out (a pass resumed).
set -euo pipefail
time=${1:-30s}
minimize=${FUZZMINIMIZE:-5000x}
cd "$(dirname "$0")/.."
log=$(mktemp "${TMPDIR:-/tmp}/nlsh-fuzz.XXXXXX")
trap 'rm -f "$log"' EXIT
# Build constraint words that are not tags: every OS and arch, and the
# toolchain's own.
platform=$( (go tool dist list | tr / '\n'; echo unix cgo gc gccgo | tr ' ' '\n') | sort -u | paste -sd'|')
status=0
failed=()
shard=${FUZZSHARD:-0/1}
shard_k=${shard%/*} shard_n=${shard#*/}
index=-1
while read -r pkg dir; do
	targets=$(grep -hoE '^func Fuzz[A-Za-z0-9_]*\([A-Za-z_][A-Za-z0-9_]* \*testing\.F\)' "$dir"/*_test.go 2>/dev/null |
		sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' | sort -u || true)
	for f in $targets; do
		index=$((index + 1))
		if [ $((index % shard_n)) != "$shard_k" ] || [[ " ${FUZZSKIP:-} " == *" $f "* ]]; then
			continue
		fi
		# A target in a file with a //go:build line is built with the tags
		# that line names (not negated, not an OS, arch or Go version).
		file=$(grep -lE "^func $f\(" "$dir"/*_test.go | head -1)
		tags=$(sed -n 's|^//go:build ||p' "$file" | grep -oE '!?[A-Za-z_][A-Za-z0-9_.]*' |
			grep -vE "^!|^($platform|go1\..*)\$" | sort -u | paste -sd, || true)
		echo "fuzz $pkg $f ($time${tags:+, -tags $tags})"
		# Success is a zero exit after fuzzing: a target its build leaves
		# out passes with "no fuzz tests to fuzz" or "[no test files]".
		ok=0
		for try in 1 2; do
			if go test ${tags:+-tags "$tags"} -run '^$' -fuzz "^$f\$" -fuzztime "$time" -fuzzminimizetime "$minimize" "$pkg" >"$log" 2>&1 &&
				grep -q '^fuzz: elapsed:' "$log"; then
				ok=1
				break
			fi
			# Retry only the coordinator's deadline race (see above).
			if [ "$try" = 1 ] && grep -q '^    context deadline exceeded$' "$log" &&
				! grep -qE 'Failing input written|panic:|_test\.go:[0-9]+:' "$log"; then
				echo "  (go fuzz coordinator deadline race, golang/go#75804: no input written; trying once more)"
				continue
			fi
			break
		done
		if [ "$ok" = 1 ]; then
			# The last progress line: time, execs and their rate, coverage.
			grep '^fuzz: elapsed:' "$log" | tail -1 | sed 's/^/  /'
			continue
		fi
		cat "$log"
		if ! grep -q '^fuzz: elapsed:' "$log"; then
			echo "$pkg $f: not built here (build constraint in $file?); nothing was fuzzed"
		fi
		# The crasher: "Failing input written to testdata/fuzz/FuzzX/HASH".
		crasher=$(sed -n 's/.*Failing input written to \(testdata\/fuzz\/[^ ]*\).*/\1/p' "$log" | tail -1)
		if [ -n "$crasher" ] && [ -f "$dir/$crasher" ]; then
			echo "--- crasher $dir/$crasher (keep it as a regression seed):"
			cat "$dir/$crasher"
			echo "--- re-run: go test -run '^$f/$(basename "$crasher")\$' $pkg"
		fi
		failed+=("$pkg $f")
		status=1
	done
done < <(go list -f '{{.ImportPath}} {{.Dir}}' ./...)
if [ $status -ne 0 ]; then
	echo "fuzz: ${#failed[@]} target(s) failed:"
	printf '  %s\n' "${failed[@]}"
fi
exit $status
