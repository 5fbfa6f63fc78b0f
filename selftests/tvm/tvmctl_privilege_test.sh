#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tvmctl as a real unprivileged user ("nobody", uid 65534, no groups, run
# with setpriv): it can run at all (the emulated host's root and the tree
# are open to it), `tvmctl version` works as tvmctl.8 says, and everything
# that reads or changes tvm state is refused with a message naming
# CAP_SYS_ADMIN and exit status 1, `monitor` included (ABI 7).  A host
# where nobody cannot run tvmctl fails the first test, not skips it.

. "$(dirname "$0")/ktap.sh"

tvmctl=${TVMCTL:-$(dirname "$0")/../tvmctl}
[ -x "$tvmctl" ] || tvmctl=$(command -v tvmctl)
tvmctl=$(readlink -f "$tvmctl")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -n "$made" ] && "$tvmctl" vm delete priv-sh > /dev/null 2>&1' EXIT
made=

names="nobody_runs_tvmctl
version_as_nobody
vm_list_as_nobody_refused
vm_show_as_nobody_refused
pcr_read_as_nobody_refused
log_as_nobody_refused
policy_show_as_nobody_refused
monitor_as_nobody_refused
vm_create_as_nobody_refused"

ktap_plan 9
[ -d /sys/kernel/security/tvm ] || ktap_skip_all "tvm.ko is not loaded"

nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

# The user is who it says, and can execute the tree's tvmctl.
if [ "$(nobody id -u 2>&1)" = 65534 ] &&
   expect_status 0 nobody "$tvmctl" --help; then
	ktap_pass nobody_runs_tvmctl
else
	ktap_fail nobody_runs_tvmctl \
		"uid $(nobody id -u 2>&1); tvmctl: $(head -c 300 "$tmp/err")"
fi

abi=$(cat /sys/kernel/security/tvm/version)
if expect_status 0 nobody "$tvmctl" -j version &&
   grep -q "\"kernel_abi\": *$abi" "$tmp/out"; then
	ktap_pass version_as_nobody
else
	ktap_fail version_as_nobody "$(cat "$tmp/out")"
fi

"$tvmctl" vm create priv-sh > /dev/null && made=1

# refused NAME ARGS...: tvmctl ARGS (or a CMD with a path) as nobody
# exits 1 naming CAP_SYS_ADMIN, and prints nothing else (no table header
# before the error).
refused() {
	n=$1
	shift
	case $1 in
	*/*|timeout) ;;
	*) set -- "$tvmctl" "$@" ;;
	esac
	if expect_status 1 nobody "$@" &&
	   grep -q "needs CAP_SYS_ADMIN" "$tmp/err" && [ ! -s "$tmp/out" ]; then
		ktap_pass "$n"
	else
		ktap_fail "$n" "stderr: $(head -c 300 "$tmp/err"); stdout: $(head -c 300 "$tmp/out")"
	fi
}

refused vm_list_as_nobody_refused vm list
refused vm_show_as_nobody_refused vm show priv-sh
refused pcr_read_as_nobody_refused pcr read priv-sh
refused log_as_nobody_refused log priv-sh
refused policy_show_as_nobody_refused policy show
# monitor would wait for events: it must fail at once instead (a monitor
# that joined the group runs until timeout kills it, and fails the test).
refused monitor_as_nobody_refused timeout 20 "$tvmctl" monitor
refused vm_create_as_nobody_refused vm create priv-sh-2
ktap_finish
