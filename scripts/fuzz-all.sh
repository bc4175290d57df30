#!/usr/bin/env bash
# Runs every Go fuzz target in the module for the given time each, one at
# a time (fuzzing uses every core). Usage: scripts/fuzz-all.sh 30s
set -euo pipefail
time=${1:-30s}
cd "$(dirname "$0")/.."
status=0
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u || true)
	for f in $targets; do
		echo "fuzz $pkg $f ($time)"
		if ! go test -run '^$' -fuzz "^$f\$" -fuzztime "$time" "$pkg" >/tmp/nlsh-fuzz.log 2>&1; then
			cat /tmp/nlsh-fuzz.log
			status=1
		fi
	done
done
exit $status
