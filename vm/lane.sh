#!/bin/bash
# vm/lane.sh build|run|all - runs vm/build.sh and/or vm/run.sh while holding
# a lock on $VM_BUILD, so that two lanes sharing a work directory (two
# people in one tree) take turns instead of booting each other's images.
set -uo pipefail
: "${VM_BUILD:?run through make -f vm/vm.mk}"
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$VM_BUILD" || exit 1
exec 9>"$VM_BUILD/.lock"
if ! flock -n 9; then
	echo "vm: waiting for another lane using $VM_BUILD (set VM_BUILD to run beside it)"
	flock 9 || exit 1
fi
case ${1:-all} in
build) "$here/build.sh" 9>&- ;;
run) "$here/run.sh" 9>&- ;;
all) "$here/build.sh" 9>&- && "$here/run.sh" 9>&- ;;
*) echo "usage: $0 build|run|all" >&2; exit 2 ;;
esac
