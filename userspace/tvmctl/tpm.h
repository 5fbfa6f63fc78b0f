/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's hardware TPM, through tpm2-tools: the deep quotes of `tvmctl
 * quote --deep` and `tvmctl migrate prepare --deep`, and the id of the
 * key that signs them (`tvmctl migrate tpm-key`).
 *
 * The key is a restricted RSA-2048 signing primary of the endorsement
 * hierarchy made from a fixed template (TPM_DEEP_TEMPLATE): the TPM
 * derives the same key every time, so a verifier, or a VM's policy, can
 * pin it.  Being restricted, it signs only what the TPM itself made
 * (TPM_GENERATED_VALUE): a quote it signs is the TPM's.
 */
#ifndef _TVMCTL_TPM_H
#define _TVMCTL_TPM_H

#include <stdint.h>

#include "tvmctl.h"

/**
 * tpm_deep_quote - have the host TPM make its key and quote
 * @ctl: for messages
 * @pcr_list: the PCRs, in tpm2-tools' form ("sha256:0,1,...")
 * @qual: the qualifying data (32 bytes)
 * @pem: where the key's public part goes (PEM)
 * @msg: where the TPMS_ATTEST goes
 * @sig: where the TPMT_SIGNATURE goes
 * @pcrs: where the quoted PCR values go (tpm2-tools' form), or NULL
 *
 * With @msg NULL, only the key is made and written to @pem.
 *
 * Return: 0, or TVMCTL_ERR with a message naming the step that failed.
 */
int tpm_deep_quote(const struct tvmctl *ctl, const char *pcr_list,
		   const uint8_t qual[32], const char *pem, const char *msg,
		   const char *sig, const char *pcrs);

#endif /* _TVMCTL_TPM_H */
