#!/bin/bash
# vm/build.sh - builds the VM lane's initramfs: Go test binaries, busybox,
# kernel modules, ip/nft/ethtool(/wg) with their libraries, and vm/init.
# Called by vm/vm.mk, which sets the VM_* variables (see there).
set -euo pipefail

die() { echo "vm/build.sh: $*" >&2; exit 1; }
need() { [ -n "${!1:-}" ] || die "$1 is not set (run through make -f vm/vm.mk)"; }
for v in VM_ROOT VM_BUILD; do need "$v"; done
[ -n "${VM_KERNEL_VERSION:-}" ] || die "no guest kernel in /boot (apt-get install linux-image-amd64, or set VM_KERNEL_VERSION)"
[ -n "${VM_PKGS:-}" ] || die "no test packages (VM_PKGS is empty)"
GO=${GO:-go}
kver=$VM_KERNEL_VERSION
moddir=/lib/modules/$kver
start=$SECONDS

[ -d "$moddir" ] || die "no modules for kernel $kver in $moddir (apt-get install linux-image-amd64)"
# busybox-static installs /bin/busybox; it must be static (no libraries).
busybox=/bin/busybox
[ -x "$busybox" ] || busybox=$(command -v busybox) || die "no busybox (apt-get install busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then die "$busybox is not static (apt-get install busybox-static)"; fi
command -v modprobe >/dev/null || die "no modprobe (apt-get install kmod)"
command -v cpio >/dev/null || die "no cpio (apt-get install cpio)"

stage=$VM_BUILD/root
rm -rf "$stage"
mkdir -p "$stage"/{bin,bb,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,var,root,etc/nlsh-vm,nlsh/bin,nlsh/src}
ln -s ../run "$stage/var/run"
cfg=$stage/etc/nlsh-vm

# --- busybox and init
cp "$busybox" "$stage/bin/busybox"
cp "$VM_ROOT/vm/init" "$stage/init"
chmod 755 "$stage/init"

# --- Go test binaries, with each package's testdata
# Built VM_BUILD_JOBS at a time (linking is single-threaded); the list
# keeps VM_PKGS's order.
cd "$VM_ROOT"
echo "vm: building test binaries for kernel $kver"
: >"$cfg/tests"
# shellcheck disable=SC2086 # VM_PKGS is a word list
"$GO" list -f '{{.ImportPath}} {{.Dir}}' $VM_PKGS >"$VM_BUILD/pkgs"
logs=$VM_BUILD/build-logs
rm -rf "$logs"
mkdir -p "$logs"
build_one() { # n pkg name
	if CGO_ENABLED=0 "$GO" test -c -ldflags="-s -w" -o "$stage/nlsh/bin/$3" "$2" >"$logs/$1.log" 2>&1; then
		echo 0 >"$logs/$1.rc"
	else
		echo 1 >"$logs/$1.rc"
	fi
}
n=0
while read -r pkg dir; do
	n=$((n + 1))
	while (($(jobs -rp | wc -l) >= ${VM_BUILD_JOBS:-2})); do wait -n || true; done
	rel=${dir#"$VM_ROOT"/}
	build_one "$n" "$pkg" "$(printf '%s' "$rel" | tr '/' '_').test" &
done <"$VM_BUILD/pkgs"
wait
# lane_skip DIR: the -test.skip pattern vm/lane-skip gives the package in
# DIR ("" for none): its patterns for DIR joined with |.
lane_skip() {
	[ -r "${VM_SKIP_FILE:-}" ] || return 0
	awk -v dir="$1" '
		{ sub(/#.*/, "") }
		$1 == dir && NF >= 2 { p = p (p == "" ? "" : "|") $2 }
		END { print p }' "$VM_SKIP_FILE"
}
n=0
bad=0
while read -r pkg dir; do
	n=$((n + 1))
	rel=${dir#"$VM_ROOT"/}
	name=$(printf '%s' "$rel" | tr '/' '_').test
	echo "  $pkg"
	cat "$logs/$n.log"
	if [ "$(cat "$logs/$n.rc")" != 0 ]; then
		bad=$((bad + 1))
		continue
	fi
	if [ ! -f "$stage/nlsh/bin/$name" ]; then
		echo "  ($pkg has no tests; skipped)"
		continue
	fi
	mkdir -p "$stage/nlsh/src/$rel"
	skip=$(lane_skip "$rel")
	[ -z "$skip" ] || echo "    lane skips: $skip"
	echo "$name $rel $skip" >>"$cfg/tests"
done <"$VM_BUILD/pkgs"
[ "$bad" = 0 ] || die "$bad test package(s) did not build"
[ -s "$cfg/tests" ] || die "no test binaries (VM_PKGS='$VM_PKGS')"
# Every testdata directory of the module, where it sits in the tree: tests
# run from their package's directory and may also read ../testdata.
find . \( -path './.*' -o -path '*/.*' -o -name vendor \) -prune -o -type d -name testdata -print -prune |
	while read -r td; do
		mkdir -p "$stage/nlsh/src/$(dirname "$td")"
		cp -a "$td" "$stage/nlsh/src/$(dirname "$td")/"
	done

# --- modules and their dependencies, in load order
echo "vm: modules: $VM_MODULES"
: >"$cfg/modules"
declare -A seen=()
for m in $VM_MODULES; do
	deps=$(modprobe -S "$kver" --show-depends "$m") || die "module $m not found for $kver"
	while read -r verb path _; do
		[ "$verb" = insmod ] || continue # "builtin NAME"
		[ -z "${seen[$path]:-}" ] || continue
		seen[$path]=1
		dest=${path%.xz}; dest=${dest%.zst}; dest=${dest%.gz}
		mkdir -p "$stage$(dirname "$dest")"
		case $path in
		*.xz) xz -dc "$path" >"$stage$dest" ;;
		*.zst) zstd -qdc "$path" >"$stage$dest" ;;
		*.gz) gzip -dc "$path" >"$stage$dest" ;;
		*) cp "$path" "$stage$dest" ;;
		esac
		echo "$dest" >>"$cfg/modules"
	done <<<"$deps"
done

# --- tools with their shared libraries
copy_lib() { # path as the loader looks for it
	[ -e "$stage$1" ] && return
	mkdir -p "$stage$(dirname "$1")"
	cp -L "$1" "$stage$1"
}
pack_tool() {
	local p lib
	p=$(command -v "$1") || return 1
	mkdir -p "$stage$(dirname "$p")"
	cp -L "$p" "$stage$p"
	for lib in $(ldd "$p" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
		copy_lib "$lib"
	done
	echo "  $1 -> $p"
}
echo "vm: tools"
for t in $VM_TOOLS; do pack_tool "$t" || die "tool $t not found"; done
for t in $VM_TOOLS_OPTIONAL; do pack_tool "$t" || echo "  ($t not installed; not packed)"; done
for f in /etc/iproute2 /usr/share/iproute2 /usr/lib/iproute2 /etc/protocols /etc/services /etc/ethertypes; do
	if [ -e "$f" ]; then
		mkdir -p "$stage$(dirname "$f")"
		cp -aL "$f" "$stage$f"
	fi
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$stage/etc/passwd"
printf 'root:x:0:\n' >"$stage/etc/group"

# --- run configuration
nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
{
	printf 'NONCE=%s\n' "$nonce"
	printf 'TEST_FLAGS=%q\n' "${VM_TEST_FLAGS:-}"
	printf 'GUEST_ENV=%q\n' "${VM_GUEST_ENV:-}"
	printf 'JOBS=%d\n' "${VM_JOBS:-1}"
} >"$cfg/config"
echo "$nonce" >"$VM_BUILD/nonce"
cp "$cfg/tests" "$VM_BUILD/tests"
echo "$kver" >"$VM_BUILD/kernel-version"

# --- the archive
# Not compressed: qemu loads it into guest memory at host speed, whereas
# decompressing it in an emulated guest took several seconds of the boot.
rm -f "$VM_BUILD/initramfs.gz" # the old, compressed image
(cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) \
	>"$VM_BUILD/initramfs.cpio.tmp"
mv "$VM_BUILD/initramfs.cpio.tmp" "$VM_BUILD/initramfs.cpio"
echo "vm: initramfs $(du -h "$VM_BUILD/initramfs.cpio" | cut -f1) ($(wc -l <"$cfg/tests") test binaries, $(wc -l <"$cfg/modules") modules) in $((SECONDS - start))s"
