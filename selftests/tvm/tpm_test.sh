#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The host TPM answers: tpm2-tools reads PCRs through the resource manager,
# the values agree with the kernel's own view in sysfs, and an extend of the
# resettable PCR 16 gives the value TPM 2.0 defines, computed here
# independently with sha256sum.  tvm's virtual PCRs are checked against this
# TPM later, so it must be right.

. "$(dirname "$0")/ktap.sh"

ktap_plan 3
if [ ! -c /dev/tpmrm0 ]; then
	for t in tpm_pcrread_answers tpm_pcr0_matches_sysfs tpm_extend_matches_spec; do
		ktap_skip $t "no /dev/tpmrm0"
	done
	ktap_finish
fi
export TPM2TOOLS_TCTI=${TPM2TOOLS_TCTI:-device:/dev/tpmrm0}

# pcr_value BANK:N -> upper-case hex, as tpm2_pcrread prints it
pcr_value() {
	tpm2_pcrread "$1" | sed -n 's/^ *[0-9]* *: *0x\([0-9A-F]*\)$/\1/p'
}

v0=$(pcr_value sha256:0)
if [ ${#v0} -eq 64 ]; then
	ktap_pass tpm_pcrread_answers
else
	ktap_fail tpm_pcrread_answers "tpm2_pcrread sha256:0 gave '$v0'"
fi

sys=/sys/class/tpm/tpm0/pcr-sha256/0
if [ -r $sys ]; then
	k0=$(tr a-f A-F < $sys)
	if [ "$k0" = "$v0" ] && [ -n "$v0" ]; then
		ktap_pass tpm_pcr0_matches_sysfs
	else
		ktap_fail tpm_pcr0_matches_sysfs "tpm2_pcrread '$v0', sysfs '$k0'"
	fi
else
	ktap_skip tpm_pcr0_matches_sysfs "no $sys"
fi

# PCR 16 after reset is all zeros; extend with D gives SHA-256(0^32 || D).
digest=$(printf 'tvm selftest' | sha256sum | cut -d' ' -f1)
want=$( (printf '%064d' 0; echo "$digest") | xxd -r -p | sha256sum | cut -d' ' -f1 |
	tr a-f A-F)
if tpm2_pcrreset 16 && tpm2_pcrextend "16:sha256=$digest"; then
	got=$(pcr_value sha256:16)
	if [ "$got" = "$want" ]; then
		ktap_pass tpm_extend_matches_spec
	else
		ktap_fail tpm_extend_matches_spec "PCR 16 is '$got', want '$want'"
	fi
else
	ktap_fail tpm_extend_matches_spec "tpm2_pcrreset/tpm2_pcrextend failed"
fi
tpm2_pcrreset 16

ktap_finish
