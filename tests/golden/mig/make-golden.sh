#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Make the golden migration blobs of one blob version
# (Documentation/migration.rst, "Versions and golden blobs"):
#
#   scripts/vm-run --strict -- tests/golden/mig/make-golden.sh DIR
#
# by hand, in the emulated host (tvm.ko loaded), never by make check.
# DIR is new: this script does not overwrite golden blobs; the committed
# ones of a version are never made again (README).
#
# The host's attestation key is the fixed test key TEST-ONLY-ak.pk8 of this
# directory, and its public key is the host's own peer in .tvm_migration:
# one host migrating to itself.  A small VM (SHA-256 bank only, a fixed
# UUID, a few events) migrates over the loopback: PREPARE, EXPORT, IMPORT,
# COMMIT on both ends.  A second id is prepared, never used, and aborted.
# DIR gets:
#
#   prepare.bin   the PREPARE blob of the first id
#   export.bin    the EXPORT blob answering it
#   commit.bin    the destination's COMMIT receipt of the first id
#   abort.bin     the destination's ABORT receipt of the second id
#   SHA256SUMS    their digests (tests/unit/mig_golden_test.c checks them)

set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
tvmctl=${TVMCTL:-$top/build/tvmctl}
key=$here/TEST-ONLY-ak.pk8
vm=golden-vm
uuid=74766d67-6f6c-6465-6e2d-766d00000001

[ $# = 1 ] || { echo "usage: $0 DIR (a new directory)" >&2; exit 2; }
out=$1
if [ -e "$out" ]; then
	echo "$0: $out exists; golden blobs are never made again (README)" >&2
	exit 1
fi
[ -d /sys/kernel/security/tvm ] || { echo "$0: tvm.ko is not loaded" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The test key as this host's AK, and as its own peer.
keyctl padd asymmetric tvm-golden:ak @u < "$key" > /dev/null
"$tvmctl" ak set tvm-golden:ak > /dev/null
openssl pkey -inform DER -in "$key" -pubout -out "$tmp/pub.pem"
"$tvmctl" migrate peer add "$tmp/pub.pem" > /dev/null
hostid=$(openssl rsa -pubin -in "$tmp/pub.pem" -RSAPublicKey_out -outform DER \
	2> /dev/null | sha256sum | cut -c1-64)

# The VM, with a policy that lets it migrate to this host, and a few events.
printf '{"version": 1, "selector": {"name": "%s"}, "mode": "audit", "migration": {"peers": ["%s"]}}\n' \
	$vm "$hostid" > "$tmp/pol.json"
"$tvmctl" policy load "$tmp/pol.json" > /dev/null
"$tvmctl" vm create $vm --uuid "$uuid" --banks sha256 > /dev/null
"$tvmctl" pcr extend $vm 9 --data "golden kernel" > /dev/null
"$tvmctl" pcr extend $vm 10 --data "golden initrd" > /dev/null
"$tvmctl" pcr extend $vm 23 --data "golden app" > /dev/null

mkdir -p "$tmp/out"
"$tvmctl" -j migrate prepare -o "$tmp/out/prepare.bin" > "$tmp/prep.json"
id=$(sed -n 's/.*"id": *"\([0-9a-f]*\)".*/\1/p' "$tmp/prep.json")
"$tvmctl" migrate export $vm -i "$tmp/out/prepare.bin" \
	-o "$tmp/out/export.bin" > /dev/null
"$tvmctl" migrate import -i "$tmp/out/export.bin" > /dev/null
"$tvmctl" migrate commit "$id" -o "$tmp/out/commit.bin" > /dev/null
# The source takes the receipt: the loopback migration ends as any does.
"$tvmctl" migrate commit -i "$tmp/out/commit.bin" > /dev/null

"$tvmctl" -j migrate prepare -o "$tmp/prepare2.bin" > "$tmp/prep2.json"
id2=$(sed -n 's/.*"id": *"\([0-9a-f]*\)".*/\1/p' "$tmp/prep2.json")
"$tvmctl" migrate abort "$id2" -o "$tmp/out/abort.bin" > /dev/null

(cd "$tmp/out" && sha256sum prepare.bin export.bin commit.bin abort.bin \
	> SHA256SUMS)
mkdir -p "$(dirname "$out")"
cp -r "$tmp/out" "$out"

"$tvmctl" vm delete $vm > /dev/null 2>&1 || true
"$tvmctl" policy delete name=$vm > /dev/null 2>&1 || true
echo "host $hostid"
echo "id $id (migrated, committed), id $id2 (aborted, never imported)"
echo "vm $vm uuid $uuid"
cat "$out/SHA256SUMS"
