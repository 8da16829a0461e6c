#!/usr/bin/env bash
# Prepare a fresh Debian 12 machine (as root): install every package mtdscope's
# build, tests and benchmarks use, fetch the mipsel kernel and busybox packages
# the bundled sample is made from, build, and scan the sample.
# Idempotent: run it again at any time.  Apt's chatter goes to build-logs/setup.log.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
log=$root/build-logs/setup.log
say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s (details in %s)\n' "$*" "$log" >&2; exit 1; }

if ! grep -qs '^VERSION_ID="12"' /etc/os-release; then
	say "warning: made for Debian 12 (bookworm); trying anyway"
fi
export DEBIAN_FRONTEND=noninteractive

# Build: compiler, meson, the libraries of the field.
pkgs_build="meson ninja-build pkg-config gcc clang libclang-rt-14-dev clang-format binutils
	libsquashfs-dev liblzma-dev libzstd-dev liblz4-dev liblzo2-dev libdeflate-dev zlib1g-dev
	libfdt-dev libssl-dev libext2fs-dev libbz2-dev libarchive-dev libsqlite3-dev"
# scan --db postgresql://...: the batch results database in PostgreSQL (libpq)
pkgs_build="$pkgs_build
	libpq-dev"
# Tests and fixtures: the real tools of the field and the reference readers.
pkgs_tools="u-boot-tools squashfs-tools squashfs-tools-ng mtd-utils device-tree-compiler xz-utils lzma zstd lz4 lzop
	gzip cpio tar u-boot-qemu qemu-system-mips qemu-user binwalk libubootenv-tool tftp-hpa atftp
	curl busybox-static flashrom tftpd-hpa e2fsprogs gdisk fdisk jq iproute2
	python3 python3-jsonschema perl time gcc-mipsel-linux-gnu libc6-dev-mipsel-cross usb.ids pci.ids lzma-alone
	man-db zsh seabios ipxe-qemu kmod arm-trusted-firmware-tools bzip2 zip unzip p7zip-full genromfs sqlite3 unyaffs"
# Packaging (tests/package: dpkg-buildpackage of debian/, lintian on the result).
pkgs_tools="$pkgs_tools dpkg-dev debhelper lintian build-essential"
# scan --db postgresql://... tests: a throwaway server (initdb, pg_ctl) and psql; GNU parallel's recipe.
pkgs_tools="$pkgs_tools
	postgresql-15 postgresql-client-15
	parallel"
# the Slurm recipe's test: a single-node cluster (slurmctld, slurmd, sbatch) and munge, started by the test
pkgs_tools="$pkgs_tools
	slurm-wlm munge"
# netboot --via serial tests (tests/serial): lrzsz's rb and C-Kermit as receivers on a pty, and
# U-Boot's qemu_arm64 build (u-boot-qemu) in qemu-system-aarch64 receiving over loady and loadb
pkgs_tools="$pkgs_tools
	lrzsz ckermit qemu-system-arm"
# --html reports (tests/html): rendered by headless chromium, screenshots read with PIL
pkgs_tools="$pkgs_tools
	chromium python3-pil"
# tests/scan/heldout-round2/recreate-binwalk.sh: the held-out scan images out of a binwalk clone (git show).
pkgs_tools="$pkgs_tools
	git"
# collect's tests (tests/collect): socat as the TCP listener a bundle is streamed to;
# bench/bench-serial.sh: socat joins lrzsz's and C-Kermit's own sender and receiver over a pty pair;
# musl-tools: bench/bench-collect.sh builds collect static against musl for this machine (its RSS)
pkgs_tools="$pkgs_tools
	socat musl-tools"
# collect for ARM routers (cross/armhf-, armel-, arm64-linux-musl.ini): Debian's cross gcc and
# binutils per ABI, run by qemu-user's qemu-arm and qemu-aarch64 in tests/collect
pkgs_tools="$pkgs_tools
	gcc-arm-linux-gnueabihf binutils-arm-linux-gnueabihf gcc-arm-linux-gnueabi binutils-arm-linux-gnueabi
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu"
# scripts/cross-kmod.sh: make builds mtdram.ko against the arm64 kernel's headers; its end-to-end
# test runs in qemu-system-aarch64 (qemu-system-arm)
pkgs_tools="$pkgs_tools
	make"
# (gcc-mipsel-linux-gnu, libc6-dev-mipsel-cross, qemu-user: the mipsel cross build and its run
# under qemu-mipsel; usb.ids, pci.ids: read by mtdscope report/modem at run time;
# seabios and ipxe-qemu: the option ROMs qemu-system-mipsel loads for the malta board's
# cirrus VGA and pcnet NIC; qemu-system-mips only recommends them.)
# scripts/check-setup-deps.sh checks that these lists cover every tool the tests need.
if [ "${1:-}" = --list-packages ]; then
	printf '%s\n' $pkgs_build $pkgs_tools
	exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "setup: run as root (it installs Debian packages)" >&2; exit 1; }
mkdir -p "$root/build-logs"
: >"$log"
# tftpd-hpa and atftpd would start system daemons on port 69; tests run their own
# servers in network namespaces, so keep the system ones from starting.
missing=()
for p in $pkgs_build $pkgs_tools; do
	[[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == *'install ok installed'* ]] || missing+=("$p")
done

need_update=
# the architectures collect cross-builds for (musl-dev:ARCH, linux-libc-dev:ARCH by cross-musl.sh);
# mipsel also for the sample's packages and the cross sysroot
cross_arches="mipsel armhf armel arm64"
for a in $cross_arches; do
	# (the list read whole: grep -q exiting early would SIGPIPE dpkg under pipefail)
	if ! grep -qx "$a" <<<"$(dpkg --print-foreign-architectures)"; then
		say "adding the $a architecture"
		dpkg --add-architecture "$a"
		need_update=1
	fi
done
[ "${#missing[@]}" -eq 0 ] || need_update=1
debs=$root/sample/debs
mkdir -p "$debs"
have_debs() {
	# (no pipe into grep -q: under pipefail its early exit can fail the pipeline)
	local k
	k=$(ls "$debs"/linux-image-*-4kc-malta_*_mipsel.deb 2>/dev/null) || return 1
	grep -qv 'linux-image-4kc-malta_' <<<"$k" &&
		ls "$debs"/busybox-static_*_mipsel.deb >/dev/null 2>&1
}
have_debs || need_update=1

if [ -n "$need_update" ]; then
	say "apt-get update"
	# a mirror in the middle of a sync answers with index files of the wrong
	# size ("Mirror sync in progress?"); that usually passes in a minute, so try
	# again.  The foreign architectures are only used through `apt-get download`
	# (cross sysroots, the sample's packages), so an index of one of them that
	# still fails after that is a warning (the other suites still give a version),
	# while a failure of the machine's own architecture stops setup.
	tries=0
	upd=$(mktemp)
	until apt-get update >"$upd" 2>&1; do
		cat "$upd" >>"$log"
		tries=$((tries + 1))
		if [ "$tries" -ge 4 ]; then
			bad=$(sed -n 's/^E: Failed to fetch \([^ ]*\).*/\1/p' "$upd")
			foreign=$(grep -cE "/binary-(${cross_arches// /|})/" <<<"$bad" || true)
			if [ -n "$bad" ] && [ "$foreign" -eq "$(wc -l <<<"$bad")" ] &&
				! grep -q '^E: ' < <(grep -v -e '^E: Failed to fetch' -e '^E: Some index files failed' "$upd"); then
				say "apt-get update: $(tr '\n' ' ' <<<"$bad")failed $tries times; going on with the other indexes (details in $log)"
				break
			fi
			rm -f "$upd"
			die "apt-get update failed $tries times"
		fi
		say "apt-get update failed; trying again in $((tries * 20)) s"
		sleep $((tries * 20))
	done
	cat "$upd" >>"$log"
	rm -f "$upd"
fi
if [ "${#missing[@]}" -gt 0 ]; then
	say "installing ${#missing[@]} packages: ${missing[*]}"
	# keep package scripts from starting daemons (tftpd-hpa) during the install
	policy=/usr/sbin/policy-rc.d
	made_policy=
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
	fi
	rc=0
	apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1 || rc=$?
	[ -z "$made_policy" ] || rm -f "$policy"
	[ "$rc" -eq 0 ] || die "apt-get install failed"
else
	say "all packages present"
fi

# The sample's real mipsel binaries (sample/debs is gitignored).
if ! have_debs; then
	say "downloading linux-image-4kc-malta:mipsel and busybox-static:mipsel into sample/debs"
	kpkg=$(apt-cache depends linux-image-4kc-malta:mipsel 2>>"$log" |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-4kc-malta\)\(:mipsel\)\{0,1\}$/\1/p' | head -1)
	[ -n "$kpkg" ] || die "cannot resolve linux-image-4kc-malta:mipsel"
	# apt-get download as root warns when _apt cannot write the directory: download in /tmp
	tmp=$(mktemp -d)
	chmod 755 "$tmp"
	chown _apt "$tmp" 2>/dev/null || true
	(cd "$tmp" && apt-get download "$kpkg:mipsel" busybox-static:mipsel) >>"$log" 2>&1 ||
		{ rm -rf "$tmp"; die "apt-get download failed"; }
	mv "$tmp"/*.deb "$debs"/
	rm -rf "$tmp"
	have_debs || die "the downloaded packages are not where the sample expects them"
fi

# The mipsel sysroot cross/mipsel-linux-gnu.ini builds against (Debian's mipsel -dev
# packages unpacked into cross/sysroot-mipsel, gitignored): tests/cross uses it.
say "preparing the mipsel cross sysroot (scripts/cross-sysroot.sh mipsel)"
bash scripts/cross-sysroot.sh mipsel >>"$log" 2>&1 || die "scripts/cross-sysroot.sh mipsel failed"
# Debian's musl-dev:ARCH and the kernel headers unpacked into cross/musl-ARCH (gitignored):
# collect's static build for the router (cross/mipsel-linux-musl.ini, tests/collect).
# The same for armhf, armel and arm64 (cross/musl-ARCH): cross/ARCH-linux-musl.ini.
for a in $cross_arches; do
	say "preparing the $a musl sysroot (scripts/cross-musl.sh $a)"
	bash scripts/cross-musl.sh "$a" >>"$log" 2>&1 || die "scripts/cross-musl.sh $a failed"
done

# collect's end-to-end test on arm64 (QEMU virt): Debian's linux-image-arm64 and busybox-static:arm64
# into sample/debs, mtdram.ko built for that kernel from its own source into cross/kmod-arm64
say "preparing the arm64 kernel and its mtdram module (scripts/cross-kmod.sh)"
bash scripts/cross-kmod.sh >>"$log" 2>&1 || die "scripts/cross-kmod.sh failed"

b=${MTDSCOPE_BUILD:-build} # the build directory (default build/)
say "building (meson setup $b && ninja -C $b)"
if [ ! -f "$b/build.ninja" ]; then
	meson setup "$b" >>"$log" 2>&1 || die "meson setup failed"
fi
ninja -C "$b" >>"$log" 2>&1 || { tail -20 "$log" >&2; die "build failed"; }

say "scanning the bundled sample: $b/src/cli/mtdscope scan $b/sample/sample.bin"
"$b/src/cli/mtdscope" scan "$b/sample/sample.bin"
