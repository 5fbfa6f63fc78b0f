#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The shell recipe of Documentation/kvm.rst ("PCR 9, the launch"), taken
# from the document itself, recomputes a real launch (ABI 13): minivmm
# runs hello.bin in a slot of four chunks (6 MiB + 12 KiB: chunk 0 the
# guest, chunk 1 zeros written with a random page at its end, chunk 2
# zeros written, the short chunk 3 a random page then a page never
# touched) under tvmctl launch; the recipe's pages and digest must be
# those `tvmctl log` shows for the SLOT event, and its event digest and
# data those of `tvmctl log --raw`.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$dir/../.." && pwd)
tvmctl=${TVMCTL:-$dir/../tvmctl}
[ -x "$tvmctl" ] || tvmctl=tvmctl
minivmm=$dir/minivmm
doc=$top/Documentation/kvm.rst
tmp=$(mktemp -d)
bg=

cleanup() {
	[ -n "$bg" ] && kill -KILL $bg 2>/dev/null && wait $bg 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

name1=slot_recipe_recomputes_the_launch_digest
name2=slot_recipe_recomputes_the_event
names="$name1 $name2"
ktap_plan 2
[ -d /sys/kernel/security/tvm ] || ktap_skip_all "tvm.ko is not loaded"
[ -d /sys/module/tvm_kvm ] || ktap_skip_all "tvm_kvm is not loaded"
[ -c /dev/kvm ] || ktap_skip_all "no /dev/kvm"
if [ "$(cat /sys/kernel/security/tvm/version)" -lt 13 ]; then
	ktap_skip_all "tvm.ko is older than ABI 13"
fi
if [ ! -x "$minivmm" ] || [ ! -r "$dir/guest/hello.bin" ]; then
	ktap_skip_all "minivmm or its guests not built (make selftests)"
fi
[ -r "$doc" ] || ktap_skip_all "not run from a tvm tree's build/selftests"

# The recipe, as the document has it: its two functions, unindented.
sed -n '/^        # le N BYTES/,/^        }$/p
	/^        # slot_event SLOT/,/^        }$/p' "$doc" |
	sed 's/^        //' > "$tmp/recipe.sh"
if ! grep -q '^slot_event() {$' "$tmp/recipe.sh"; then
	ktap_fail_all "no slot_event() in $doc"
fi

# The image: loaded at 0x1000, it ends at 0x602000 of the 0x603000 slot.
img=$tmp/img
cp "$dir/guest/hello.bin" "$img"
truncate -s $((0x3fe000)) "$img"
head -c 4096 /dev/urandom >> "$img"
truncate -s $((0x600000)) "$img"
head -c 4096 /dev/urandom >> "$img"
size=$((0x603000))

"$tvmctl" launch --name sr-kvm -- \
	"$minivmm" --mem $((size / 1024)) --hold 30 "$img" > "$tmp/vmm" 2>&1 &
bg=$!
line=
for _ in $(seq 100); do
	line=$("$tvmctl" log sr-kvm 2>/dev/null | grep ' 9 SLOT ') && break
	sleep 0.3
done
raw=$("$tvmctl" log sr-kvm --raw 2>/dev/null | awk '$2 == 9 && $3 == "0x544d0008"')

got=$(cd "$tmp" && . ./recipe.sh && slot_event 0 0 0 $size "$img" 4096)
echo "# recipe: $got"
echo "# log:    $line"
pages=$(echo "$got" | awk '{ print $2 }')
digest=$(echo "$got" | awk '{ print $4 }')
event=$(echo "$got" | awk '{ print $6 }')
want_data=hex:$(xxd -p "$tmp/slot.ev" | tr -d '\n')

if [ -n "$line" ] && [ "$pages" = 3 ] &&
   echo "$line" | grep -q " size $size flags 0x0 pages $pages sha256 $digest\$"; then
	ktap_pass $name1
else
	ktap_fail $name1 "log: '$line', recipe: '$got' $(cat "$tmp/vmm")"
fi

if [ -n "$raw" ] && echo "$raw" | grep -q " sha256:$event " &&
   [ "$(echo "$raw" | awk '{ print $NF }')" = "$want_data" ]; then
	ktap_pass $name2
else
	ktap_fail $name2 "raw: '$raw', want sha256:$event $want_data"
fi

kill -TERM $bg 2>/dev/null
wait $bg 2>/dev/null
bg=
ktap_finish
