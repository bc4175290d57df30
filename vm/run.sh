#!/bin/bash
# vm/run.sh - boots the image vm/build.sh made under qemu, shows the
# serial console, enforces the deadline and turns the markers init prints
# into an exit status. Called by vm/vm.mk, which sets the VM_* variables.
set -uo pipefail

die() { echo "vm/run.sh: $*" >&2; exit 1; }
: "${VM_BUILD:?run through make -f vm/vm.mk}" "${VM_KERNEL:?}"
deadline=${VM_DEADLINE:-240}
mem=${VM_MEM:-1536}
cpus=${VM_CPUS:-2}
accel=${VM_ACCEL:-auto}
qemu=${QEMU:-qemu-system-x86_64}
initrd=$VM_BUILD/initramfs.cpio
log=$VM_BUILD/console.log

command -v "$qemu" >/dev/null || die "no $qemu (apt-get install qemu-system-x86)"
[ -r "$VM_KERNEL" ] || die "cannot read kernel $VM_KERNEL (apt-get install linux-image-amd64; needs root)"
[ -r "$initrd" ] || die "no $initrd (make vm-image)"
nonce=$(cat "$VM_BUILD/nonce")
guest_kver=$(cat "$VM_BUILD/kernel-version")

# KVM needs /dev/kvm and a CPU with virtualisation extensions: nested
# setups can offer /dev/kvm on which guests never run.
kvm_works() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	grep -qwE 'vmx|svm' /proc/cpuinfo || return 1
	echo quit | timeout 20 "$qemu" -accel kvm -machine none -display none -monitor stdio >/dev/null 2>&1
}
if [ "$accel" = auto ]; then
	if kvm_works; then accel=kvm; else accel=tcg; fi
	auto=1
else
	auto=0
fi

# boot ACCEL: runs qemu until it exits or the deadline; sets qrc, timed_out,
# stalled (KVM guest silent for kvm_grace seconds: retried under TCG).
kvm_grace=${VM_KVM_GRACE:-30}
start=$SECONDS
boot() {
	local cpu=max
	[ "$1" = kvm ] && cpu=host
	echo "vm: booting $VM_KERNEL (qemu, $1, ${mem} MiB, $cpus CPUs, deadline ${deadline}s)"
	: >"$log" # before tail opens it: qemu's own redirection happens later
	"$qemu" -accel "$1" -cpu "$cpu" -m "$mem" -smp "$cpus" \
		-nographic -no-reboot -nic none \
		-kernel "$VM_KERNEL" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 loglevel=3 quiet" \
		</dev/null >"$log" 2>&1 &
	qpid=$!
	tail -n +1 -f --pid="$qpid" "$log" &
	tpid=$!
	local bstart=$SECONDS
	timed_out=0 stalled=0
	while kill -0 "$qpid" 2>/dev/null; do
		if ((SECONDS - start >= deadline)); then
			timed_out=1
			echo
			echo "vm: deadline of ${deadline}s reached; stopping qemu (pid $qpid)"
		elif [ "$1" = kvm ] && ((auto && SECONDS - bstart >= kvm_grace)) &&
			! grep -q "@@NLSH-VM-BEGIN-$nonce" "$log"; then
			stalled=1
			echo
			echo "vm: no sign of the guest's init after ${kvm_grace}s under KVM; stopping qemu (pid $qpid), retrying with TCG"
		fi
		if ((timed_out || stalled)); then
			kill "$qpid" 2>/dev/null
			for _ in 1 2 3 4 5; do
				kill -0 "$qpid" 2>/dev/null || break
				sleep 1
			done
			kill -9 "$qpid" 2>/dev/null
			break
		fi
		sleep 1
	done
	wait "$qpid"
	qrc=$?
	wait "$tpid" 2>/dev/null
}
boot "$accel"
if ((stalled)); then
	accel=tcg
	boot tcg
fi
elapsed=$((SECONDS - start))

# --- verdict from the markers (anywhere in a line: output may lack a newline)
out=$(tr -d '\r\0' <"$log")
marker() { grep -o "@@NLSH-VM-$1-$nonce [^@]*@@" <<<"$out" | sed "s/^@@NLSH-VM-$1-$nonce //; s/@@\$//"; }
kernel=$(marker KERNEL | head -n 1 | cut -d' ' -f1)
ended=$(marker END | head -n 1)
declare -A rc=()
while read -r name r _; do
	[ -n "$name" ] && rc[$name]=${r#rc=}
done < <(marker RESULT)

echo
echo "=== VM lane summary (host kernel $(uname -r), guest kernel ${kernel:-unknown}; qemu $accel, ${elapsed}s) ==="
fail=0
if ((timed_out)); then
	echo "FAIL: the VM did not finish within ${deadline}s; qemu was killed"
	fail=1
fi
if [ -z "$kernel" ]; then
	echo "FAIL: no kernel marker: the guest did not start its init (qemu exit status $qrc)"
	fail=1
elif [ "$kernel" != "$guest_kver" ]; then
	echo "note: guest ran $kernel, image was built for $guest_kver"
fi
check() { # name
	local r=${rc[$1]:-}
	if [ -z "$r" ]; then
		echo "FAIL  $1 (no result)"
		fail=1
	elif [ "$r" != 0 ]; then
		echo "FAIL  $1 (exit status $r)"
		fail=1
	else
		echo "ok    $1"
	fi
}
check modules
while read -r name _; do check "$name"; done <"$VM_BUILD/tests"
if [ -z "$ended" ] && ((!timed_out)); then
	echo "FAIL: no end marker (qemu exit status $qrc)"
	fail=1
fi
echo "console log: $log"
if ((fail)); then
	echo "VM lane FAILED on kernel ${kernel:-$guest_kver}"
	exit 1
fi
echo "VM lane passed on kernel $kernel"
