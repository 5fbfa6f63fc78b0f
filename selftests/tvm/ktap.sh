# SPDX-License-Identifier: GPL-2.0
#
# KTAP output for shell selftests; source it, then:
#   ktap_plan N
#   ktap_pass NAME | ktap_fail NAME [WHY] | ktap_skip NAME WHY
#   ktap_finish          (exits 1 if any failed, 4 if all skipped, else 0)
#   ktap_skip_all WHY | ktap_fail_all WHY [NAME...]
#                        skip or fail every test of $names (or each NAME),
#                        then ktap_finish: for a test that cannot go on
#   expect_status STATUS CMD...   (below)
#   wait_for FILE TEXT            (below)
# POSIX sh: it runs under dash and busybox.

ktap_n=0
ktap_failed=0
ktap_skipped=0

ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

ktap_pass() {
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n $1"
}

ktap_fail() {
	ktap_n=$((ktap_n + 1))
	ktap_failed=$((ktap_failed + 1))
	[ -n "${2:-}" ] && echo "# $1: $2"
	echo "not ok $ktap_n $1"
}

ktap_skip() {
	ktap_n=$((ktap_n + 1))
	ktap_skipped=$((ktap_skipped + 1))
	echo "ok $ktap_n $1 # SKIP $2"
}

# ktap_check NAME CMD...: pass if CMD succeeds.
ktap_check() {
	name=$1
	shift
	if "$@"; then ktap_pass "$name"; else ktap_fail "$name" "failed: $*"; fi
}

# expect_status STATUS CMD...: CMD exits with STATUS; its output in
# $tmp/out, its errors in $tmp/err ($tmp: the test's own directory).
# Else it says what CMD exited with, and the start of its errors.
expect_status() {
	_want=$1
	shift
	"$@" > "$tmp/out" 2> "$tmp/err"
	_got=$?
	[ "$_got" = "$_want" ] && return 0
	echo "# '$*' exited $_got, expected $_want: $(head -c 600 "$tmp/err")"
	return 1
}

# wait_for FILE TEXT: up to 10 s for TEXT to show in FILE; 1 if it does
# not.  FILE need not exist yet.
wait_for() {
	_i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 100 ] && return 1
		sleep 0.1
	done
}

ktap_skip_all() {
	for _n in $names; do ktap_skip "$_n" "$1"; done
	ktap_finish
}

ktap_fail_all() {
	_why=$1
	shift
	# shellcheck disable=SC2086 # one word a name
	[ $# -gt 0 ] || set -- $names
	for _n in "$@"; do ktap_fail "$_n" "$_why"; done
	ktap_finish
}

ktap_finish() {
	echo "# $((ktap_n - ktap_failed - ktap_skipped)) passed, $ktap_failed failed, $ktap_skipped skipped"
	[ "$ktap_failed" -eq 0 ] || exit 1
	[ "$ktap_n" -gt 0 ] && [ "$ktap_skipped" -eq "$ktap_n" ] && exit 4
	exit 0
}
