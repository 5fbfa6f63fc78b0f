#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The worked examples of Documentation/ are real output: scripts/doc-examples
# plays their scenario again (it reloads tvm), and each example it writes
# must equal Documentation/examples/NAME.txt; the documents' example blocks
# must equal those files (scripts/doc-sync --check).  A difference fails
# with its diff; `make doc-examples` makes them agree again
# (Documentation/testing.rst, "Worked examples").

. "$(dirname "$0")/ktap.sh"

# From build/selftests, the tvm tree is two levels up.
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
examples=$top/Documentation/examples

if [ ! -x "$top/scripts/doc-examples" ] || [ ! -d "$examples" ]; then
	ktap_plan 1
	ktap_skip doc_examples "not run from a tvm tree's build/selftests"
	ktap_finish
fi

n=0
for f in "$examples"/*.txt; do n=$((n + 1)); done
ktap_plan $((n + 2))

if [ ! -d /sys/kernel/security/tvm ] || [ "$(id -u)" != 0 ]; then
	for f in "$examples"/*.txt; do
		ktap_skip "doc_example_$(basename "$f" .txt)" "needs root and tvm.ko"
	done
	ktap_skip doc_examples_all_committed "needs root and tvm.ko"
	ktap_skip doc_examples_in_documents "needs root and tvm.ko"
	ktap_finish
fi

if ! "$top/scripts/doc-examples" "$tmp/ex" > "$tmp/log" 2>&1; then
	sed 's/^/# /' "$tmp/log"
	for f in "$examples"/*.txt; do
		ktap_fail "doc_example_$(basename "$f" .txt)" "scripts/doc-examples failed"
	done
	ktap_fail doc_examples_all_committed "scripts/doc-examples failed"
	ktap_fail doc_examples_in_documents "scripts/doc-examples failed"
	ktap_finish
fi

# Each committed example, as tvm and tvmctl print it now.
for f in "$examples"/*.txt; do
	name=$(basename "$f" .txt)
	if [ ! -f "$tmp/ex/$name.txt" ]; then
		ktap_fail "doc_example_$name" "scripts/doc-examples no longer makes it"
	elif diff -u "$f" "$tmp/ex/$name.txt" > "$tmp/diff"; then
		ktap_pass "doc_example_$name"
	else
		sed 's/^/# /' "$tmp/diff"
		ktap_fail "doc_example_$name" "differs from real output (make doc-examples)"
	fi
done

# Every example the scenario makes is committed.
missing=
for f in "$tmp"/ex/*.txt; do
	[ -f "$examples/$(basename "$f")" ] || missing="$missing $(basename "$f")"
done
if [ -z "$missing" ]; then
	ktap_pass doc_examples_all_committed
else
	ktap_fail doc_examples_all_committed "not in Documentation/examples:$missing"
fi

# The documents show the committed examples.
if "$top/scripts/doc-sync" --check "$examples" > "$tmp/diff" 2>&1; then
	ktap_pass doc_examples_in_documents
else
	sed 's/^/# /' "$tmp/diff"
	ktap_fail doc_examples_in_documents "documents differ (make doc-examples)"
fi

ktap_finish
