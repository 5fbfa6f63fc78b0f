#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install everything tvm needs to build, test and demo on Debian 12, as root.
# Idempotent: when every package is present it prints nothing and takes well
# under a second.  `make check` and `make demo` run it first.
set -eu

# Build: modules against Debian's 6.1 headers, tvmctl, selftests, unit tests.
# Test host: the matching Debian kernel under QEMU with swtpm, an initramfs
# made from busybox-static, kmod and tpm2-tools.  linux-source-6.1 provides
# the kselftest harness header the selftests are written against, and
# checkpatch.pl (run by perl).  util-linux gives the emulated host setpriv;
# libxml2-utils its xmllint, which the libvirt hook reads domain XML with.
# spin checks the migration model (tests/model/); linux-perf is what
# bench/profile.sh samples the emulated host with.
PKGS="
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	gcc make libc6-dev pkg-config sparse xz-utils
	clang libclang-rt-14-dev
	libnl-genl-3-dev libkeyutils-dev libjson-c-dev libssl-dev libcmocka-dev
	qemu-system-x86 swtpm swtpm-tools tpm2-tools
	busybox-static cpio kmod keyutils openssl procps util-linux perl
	libxml2-utils mmdebstrap e2fsprogs
	spin linux-perf
"

missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing="$missing $p"
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing packages:$missing" >&2
		echo "deps: run as root (or: apt-get install$missing)" >&2
		exit 1
	fi
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The headers metapackage and the image metapackage come from one source
# package, but check: the test kernel must be the one the modules build for.
kver=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
kver=${kver#/usr/src/linux-headers-}
if [ -n "$kver" ] && [ ! -e "/boot/vmlinuz-$kver" ]; then
	echo "deps: installing linux-image-$kver to match the headers"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "linux-image-$kver" >/dev/null
fi
