#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Where the time of a batched extend and of a quote goes, on the emulated
# CPU the ratios of Documentation/performance.md are measured on: perf
# samples the whole emulated host (cpu-clock, call graphs) while
# extend_bench, quote_bench and migrate_bench run, and this prints each
# part's share of the benchmark's samples and, for the extend, its
# microseconds per event.
#
#   bench/profile.sh            on the build machine: boots the emulated
#                               host and runs the part below in it
#   bench/profile.sh --guest    in the emulated host
#
# swtpm is not broken down: its samples in a quote_bench run include its
# keys' creation (an RSA-2048 key generation), and libtpms is stripped.
#
# perf is not in the emulated host's initramfs (its libraries are 24 MB,
# which every test boot would unpack): this carries the build machine's
# perf and the libraries it links into build/perf, which the emulated
# host sees through the tree's 9p mount, and runs it with their loader.
# Nothing here asserts a time.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bundle=$top/build/perf

if [ "${1:-}" != --guest ]; then
	command -v perf > /dev/null || {
		echo "profile: no perf (scripts/deps.sh installs linux-perf)" >&2
		exit 1
	}
	rm -rf "$bundle"
	mkdir -p "$bundle/lib"
	cp "$(command -v perf)" "$bundle/perf"
	ldd "$bundle/perf" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
				  $1 ~ /^\/.*ld-linux/ { print $1 }' |
	while read -r lib; do
		cp -L "$lib" "$bundle/lib/"
	done
	cd "$top"
	exec scripts/vm-run --smp 1 --timeout 1500 -- bench/profile.sh --guest
fi

loader=$(ls "$bundle"/lib/ld-linux-*.so.* | head -n 1)
perf() {
	"$loader" --library-path "$bundle/lib" "$bundle/perf" "$@"
}
# The samples and the shares are kept in build/perf/out for a closer look
# (perf report -i ... with the bundle's perf, in the emulated host).
work=$bundle/out
rm -rf "$work"
mkdir -p "$work"
echo 0 > /proc/sys/kernel/kptr_restrict
echo -1 > /proc/sys/kernel/perf_event_paranoid

# Each symbol's share of @comm's samples, counting a sample for every
# symbol on its call chain once (self and callees): "percent symbol"
# lines, a compiler's ".constprop.0" and such suffixes cut, and
# "percent [user]" for the samples taken in user mode; with @3 "count",
# numbers of samples instead of percents, and "[all]" for them all.
shares() {
	perf script -i "$1" -F comm,ip,sym 2> /dev/null |
	awk -v c="$2" -v count="${3:-}" '
	function flush(s) {
		if (in_c) {
			total++
			user += leaf_user
			for (s in seen)
				n[s]++
		}
		delete seen
		in_c = 0
	}
	/^$/ { flush(); next }
	/^[^ \t]/ { flush(); in_c = ($1 == c); first = 1; next }
	in_c {
		sym = $2
		sub(/\+0x.*/, "", sym)
		sub(/\..*/, "", sym)
		if (first)
			leaf_user = ($1 !~ /^ffff/)
		first = 0
		seen[sym] = 1
	}
	END {
		flush()
		if (!total)
			exit
		k = count ? 1 : 100 / total
		printf "%.1f [all]\n", k * total
		printf "%.1f [user]\n", k * user
		for (s in n)
			printf "%.1f %s\n", k * n[s], s
	}'
}

# The share of symbol @2 in shares file @1, 0 if it has none.
get() {
	awk -v s="$2" '$2 == s { print $1; found = 1; exit }
		       END { if (!found) print 0 }' "$1"
}

bench=$top/build/bench
n=10000
per=256

# --- batched extend ------------------------------------------------------

echo "== batched extend: $n events, $per a request, sha256, one VM"
# Unsampled first: its rate gives the time per event the shares divide.
"$bench/extend_bench" --batch $n $per | tee "$work/extend.rate"
perf record -q -a -g -c 250000 -e cpu-clock -o "$work/extend.data" -- \
	sh -c "for i in 1 2 3; do '$bench/extend_bench' --batch $n $per; done" \
	> "$work/extend.rates"
cat "$work/extend.rates"
shares "$work/extend.data" extend_bench count > "$work/extend.counts"
wall=$(awk '{ printf "%.2f", 1e6 / $(NF - 3) }' "$work/extend.rate")

f=$work/extend.counts
# The batches' loop: user mode (building requests, reading replies; the
# process's start too, which is little) and the two system calls.
loop=$(awk -v a="$(get "$f" "[user]")" -v b="$(get "$f" __sys_sendto)" \
	   -v c="$(get "$f" __sys_recvfrom)" 'BEGIN { print a + b + c }')
row() {	# label symbol-or-count
	c=$(case $2 in [0-9]*) echo "$2" ;; *) get "$f" "$2" ;; esac)
	awk -v l="$1" -v c="$c" -v t="$loop" -v w="$wall" \
		'BEGIN { printf "%-52s %5.1f%% %6.2f us\n", l, 100 * c / t,
			 w * c / t }'
}
minus() { awk -v a="$(get "$f" "$1")" -v b="$2" 'BEGIN { print a - b }'; }
plus() { awk -v a="$(get "$f" "$1")" -v b="$(get "$f" "$2")" 'BEGIN { print a + b }'; }

echo "per event: $wall us unsampled (the first run); its parts, by their"
echo "share of the sampled runs' loop ($loop samples of 250 us of CPU time):"
row "the loop: user space and the two system calls" "$loop"
row "user space (building requests, reading replies)" "[user]"
row "sendto(): the request" __sys_sendto
row "  genetlink: copy in, validate, dispatch" \
	"$(minus __sys_sendto "$(get "$f" pcr_extend_batch_doit)")"
row "    of which the validation of the whole request" \
	genl_family_rcv_msg_attrs_parse
row "  tvm's doit (pcr_extend_batch_doit)" pcr_extend_batch_doit
row "    an event (batch_event)" batch_event
row "      its event made (extend_event)" extend_event
row "        of which the allocation (tvm_event_alloc)" tvm_event_alloc
row "      logged and extended (extend_locked)" extend_locked
row "        of which the extend's hash (tvm_bank_extend)" tvm_bank_extend
row "        of which the log append (log_append)" log_append
row "      the rest: parse, checks, lookup" \
	"$(minus batch_event "$(plus extend_event extend_locked)")"
row "    the reply, the doit's own" \
	"$(minus pcr_extend_batch_doit "$(get "$f" batch_event)")"
row "recvfrom(): the reply" __sys_recvfrom

# --- quotes --------------------------------------------------------------

# Run @2... under perf, its output shown, and leave the shares of bench
# @1's samples in $work/@1.shares.
sample() {
	b=$1
	shift
	perf record -q -a -g -c 250000 -e cpu-clock -o "$work/$b.data" -- "$@"
	shares "$work/$b.data" "$b" > "$work/$b.shares"
}

echo
echo "== quotes: tvm and swtpm on the same CPU"
sample quote_bench "$bench/quote_bench" 100 30
f=$work/quote_bench.shares
quote=$(get "$f" quote_doit)
echo "tvm (quote_bench's samples; RSA and ECDSA quotes, 100 each):"
printf "  %-46s %6.1f%%\n" "quote_doit" "$quote"
printf "  %-46s %6.1f%%\n" "  the kernel's RSA exponentiation (mpi_powm)" \
	"$(get "$f" mpi_powm)"
printf "  %-46s %6.1f%%\n" "  tvm's P-256 signature (tvm_p256_sign)" \
	"$(get "$f" tvm_p256_sign)"

# --- migration -----------------------------------------------------------

echo
echo "== migration: a VM with 1 event (its log all but empty), 3 rounds"
sample migrate_bench "$bench/migrate_bench" 1 3
f=$work/migrate_bench.shares
echo "tvm (migrate_bench's samples, its swtpm rounds' client side included):"
for s in mig_prepare_doit mig_export_doit mig_import_doit mig_commit_doit \
	 tvm_mig_sign tvm_mig_verify mpi_powm; do
	printf "  %-46s %6.1f%%\n" "$s" "$(get "$f" $s)"
done

echo
echo "== OpenSSL's own signatures on this CPU, for scale"
openssl speed -seconds 3 rsa2048 ecdsap256 2> /dev/null |
	awk '/^rsa 2048|^ *256 bits ecdsa|sign\/s/'
