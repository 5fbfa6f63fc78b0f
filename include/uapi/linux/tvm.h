/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tvm: per-VM virtual PCR banks for KVM guests.
 *
 * This is the one user-space ABI of tvm.  Everything a program needs to
 * talk to the tvm modules, over generic netlink or through securityfs, is
 * defined here and nowhere else.
 *
 * ABI versioning
 * --------------
 * %TVM_ABI_VERSION is an integer that grows by one each time the interface
 * gains something a program may want to probe for (a command, an attribute,
 * a securityfs file).  Existing meanings never change.  The running module
 * reports its version in securityfs as ``tvm/version``: a decimal integer
 * followed by a newline.  Documentation/abi.rst lists what each version
 * added and when.
 */
#ifndef _UAPI_LINUX_TVM_H
#define _UAPI_LINUX_TVM_H

#include <linux/types.h>

/**
 * TVM_ABI_VERSION - version of the interface described by this header
 *
 * 1: securityfs ``tvm/version`` (2026-11).
 * 2: generic netlink family "tvm": VM create/delete/get/dump, PCR
 *    read/extend/reset, log dump; securityfs ``tvm/stats`` and
 *    ``tvm/vms/<id>/`` (2026-11).
 */
#define TVM_ABI_VERSION 2

/**
 * TVM_SECURITYFS_DIR - name of tvm's directory under securityfs
 *
 * securityfs is usually mounted at /sys/kernel/security, so the ABI version
 * is read from /sys/kernel/security/tvm/version.
 */
#define TVM_SECURITYFS_DIR "tvm"


/*
 * Generic netlink family "tvm"
 * ============================
 *
 * Each tvm instance ("VM") has a numeric id, a name and a UUID.  Commands
 * that act on one VM select it with exactly one of %TVM_A_VM_ID,
 * %TVM_A_VM_NAME or %TVM_A_VM_UUID.  Commands marked [admin] need
 * CAP_SYS_ADMIN (EPERM otherwise); reads need no privilege.  Every
 * rejection carries an extended-ack message naming the attribute.
 *
 * TVM_CMD_VM_CREATE [admin]
 *	request: NAME (required), UUID, BANKS, LOG_MAX
 *	reply:   a VM (as TVM_CMD_VM_GET)
 * TVM_CMD_VM_DELETE [admin]
 *	request: selector
 * TVM_CMD_VM_GET
 *	request: selector (doit), nothing (dump: every VM, by id)
 *	reply:   ID, NAME, UUID, BANKS, STATE, LOG_MAX, LOG_COUNT, LOG_BYTES,
 *	         LOG_REFUSED
 * TVM_CMD_PCR_READ
 *	request: selector, PCR_BANK (default: every bank of the VM),
 *	         PCR_MASK (default: all 24)
 *	reply:   ID, LOG_COUNT (the log prefix these values are the replay
 *	         of), PCR_VALUES { PCRV { PCRV_BANK, PCRV_INDEX, PCRV_DIGEST } ...}
 * TVM_CMD_PCR_EXTEND [admin]
 *	request: selector, PCR_INDEX, EVENT_TYPE (default TVM_EV_EXTEND),
 *	         EVENT_DATA, EVENT_DIGESTS { DIGEST { DIGEST_BANK,
 *	         DIGEST_VALUE } ... }
 *	         Without EVENT_DIGESTS each bank extends H_bank(EVENT_DATA);
 *	         with it, a digest for every bank of the VM is required.
 *	reply:   ID, EVENT_SEQ (the sequence number the event got)
 * TVM_CMD_PCR_RESET [admin]
 *	request: selector, PCR_INDEX (16 or 23)
 *	reply:   ID, EVENT_SEQ (the logged reset marker)
 * TVM_CMD_LOG_DUMP (dump only)
 *	request: selector, LOG_FROM (first sequence number, default 0)
 *	reply:   one message per event: ID, EVENT_SEQ, PCR_INDEX, EVENT_TYPE,
 *	         EVENT_DIGESTS, EVENT_DATA
 *
 * Errors, besides the netlink core's (ERANGE or EINVAL for an attribute
 * that breaks its policy, EPERM without CAP_SYS_ADMIN):
 *	ENOENT   no such VM (or it was deleted meanwhile)
 *	EEXIST   the name or UUID is taken
 *	EINVAL   a missing or contradictory attribute, a bank the VM does not
 *	         have, a digest of the wrong size, a malformed name
 *	EPERM    reset of a PCR other than 16 and 23
 *	ENOSPC   the VM's event log is full (state TVM_VM_LOG_FULL; nothing
 *	         was extended), or the host holds max_vms VMs already
 *	E2BIG    LOG_MAX above the module's log_max parameter
 */

#define TVM_GENL_NAME		"tvm"
#define TVM_GENL_VERSION	1

/** TVM_NUM_PCRS - PCRs in every bank */
#define TVM_NUM_PCRS		24
/** TVM_PCR_MASK_ALL - all PCRs, for %TVM_A_PCR_MASK */
#define TVM_PCR_MASK_ALL	((1U << TVM_NUM_PCRS) - 1)
/** TVM_NAME_MAX - longest VM name, in bytes, without the NUL */
#define TVM_NAME_MAX		63
/** TVM_UUID_SIZE - bytes of a VM UUID (RFC 4122, binary) */
#define TVM_UUID_SIZE		16
/** TVM_EVENT_DATA_MAX - largest event data an extend may carry */
#define TVM_EVENT_DATA_MAX	4096
/** TVM_DIGEST_MAX - largest digest of any bank (SHA-384) */
#define TVM_DIGEST_MAX		48

/**
 * enum tvm_bank - PCR banks, each a hash algorithm
 * @TVM_BANK_SHA1: SHA-1, 20 bytes (TPM_ALG_SHA1); off unless asked for
 * @TVM_BANK_SHA256: SHA-256, 32 bytes (TPM_ALG_SHA256); always on
 * @TVM_BANK_SHA384: SHA-384, 48 bytes (TPM_ALG_SHA384)
 * @TVM_BANK_SM3_256: SM3, 32 bytes (TPM_ALG_SM3_256), GB/T 32905
 *
 * %TVM_A_VM_BANKS is a mask of (1 << bank); the other attributes name a
 * bank by its number.
 */
enum tvm_bank {
	TVM_BANK_SHA1,
	TVM_BANK_SHA256,
	TVM_BANK_SHA384,
	TVM_BANK_SM3_256,
	__TVM_BANK_MAX
};
#define TVM_BANK_MAX		(__TVM_BANK_MAX - 1)
#define TVM_BANKS_ALL		((1U << __TVM_BANK_MAX) - 1)
/** TVM_BANKS_DEFAULT - the banks of a VM created without %TVM_A_VM_BANKS */
#define TVM_BANKS_DEFAULT	((1U << TVM_BANK_SHA256) | \
				 (1U << TVM_BANK_SHA384) | \
				 (1U << TVM_BANK_SM3_256))

/**
 * enum tvm_vm_state - state of a VM's measurement record
 * @TVM_VM_ACTIVE: extends are accepted
 * @TVM_VM_LOG_FULL: the event log reached its bound; further extends are
 *	refused with ENOSPC and counted, so nothing is ever left out of the
 *	log that the PCRs reflect
 */
enum tvm_vm_state {
	TVM_VM_UNSPEC,
	TVM_VM_ACTIVE,
	TVM_VM_LOG_FULL,
	__TVM_VM_STATE_MAX
};

/*
 * Event types.  Events use the TCG PC Client event types where one fits
 * (the caller chooses), and these for what tvm itself records.  Values in
 * 0x544d0000-0x544dffff ("TM") are tvm's; tpm2_eventlog shows them as
 * unknown types with their data in hex, and replays them.
 */
/** EV_NO_ACTION (TCG): logged, never extended; refused in an extend */
#define TVM_EV_NO_ACTION	0x00000003
/** tvm's own event types */
#define TVM_EV_BASE		0x544d0000
/** PCR 0-7 at creation: data is struct tvm_ev_host_pcr */
#define TVM_EV_HOST_PCR		(TVM_EV_BASE + 1)
/** PCR 8 at creation: data is the text "tvm <version> abi <N>" */
#define TVM_EV_TVM_VERSION	(TVM_EV_BASE + 2)
/** an administrator's extend without an explicit type */
#define TVM_EV_EXTEND		(TVM_EV_BASE + 3)

/**
 * struct tvm_ev_host_pcr - event data of %TVM_EV_HOST_PCR
 * @magic: "TVMH"
 * @pcr: host PCR index (0-7), equal to the event's PCR
 * @has_tpm: 1 when @value was read from the host TPM, 0 when the host has
 *	none (then @value is zero)
 * @reserved: zero
 * @value: the host's SHA-256 PCR value
 *
 * The SHA-256 bank extends @value itself, so a VM's PCR i (i < 8) is
 * SHA-256(0^32 || host PCR i); the other banks extend H_bank(@value).
 */
struct tvm_ev_host_pcr {
	__u8 magic[4];
	__u8 pcr;
	__u8 has_tpm;
	__u8 reserved[2];
	__u8 value[32];
};

/**
 * Resets of PCR 16 and 23 are logged as %TVM_EV_NO_ACTION events whose
 * data is struct tvm_ev_reset and whose digests are all zero: readers
 * that replay the log (tvmctl) zero the PCR there.  TCG tools know no
 * resets (tpm2_eventlog up to 5.5 even extends the zero digests), so
 * their replay of a PCR after its reset differs from tvm's; every other
 * PCR matches.
 * @magic: "TVMR"
 * @pcr: the PCR that was reset
 * @reserved: zero
 */
struct tvm_ev_reset {
	__u8 magic[4];
	__u8 pcr;
	__u8 reserved[3];
};

/**
 * enum tvm_cmd - commands of the "tvm" family (see the top of this file)
 */
enum tvm_cmd {
	TVM_CMD_UNSPEC,
	TVM_CMD_VM_CREATE,
	TVM_CMD_VM_DELETE,
	TVM_CMD_VM_GET,
	TVM_CMD_PCR_READ,
	TVM_CMD_PCR_EXTEND,
	TVM_CMD_PCR_RESET,
	TVM_CMD_LOG_DUMP,
	__TVM_CMD_MAX
};
#define TVM_CMD_MAX		(__TVM_CMD_MAX - 1)

/**
 * enum tvm_attr - top-level attributes
 * @TVM_A_VM_ID: u32, VM id, from 1
 * @TVM_A_VM_NAME: string, 1-%TVM_NAME_MAX bytes of [A-Za-z0-9._-], not
 *	all digits
 * @TVM_A_VM_UUID: binary, %TVM_UUID_SIZE bytes; random when not given
 * @TVM_A_VM_BANKS: u32, mask of (1 << enum tvm_bank); SHA-256 is added
 *	if missing; default %TVM_BANKS_DEFAULT
 * @TVM_A_VM_STATE: u32, enum tvm_vm_state
 * @TVM_A_VM_LOG_MAX: u32, most events the VM's log holds (default and
 *	upper bound: the module parameter log_max)
 * @TVM_A_VM_LOG_COUNT: u64, events in the log; also the next sequence
 *	number
 * @TVM_A_VM_LOG_BYTES: u64, memory the log uses
 * @TVM_A_VM_LOG_REFUSED: u64, extends refused because the log was full
 * @TVM_A_PCR_INDEX: u32, 0-23
 * @TVM_A_PCR_BANK: u32, enum tvm_bank
 * @TVM_A_PCR_MASK: u32, PCRs to read, bit i for PCR i
 * @TVM_A_PCR_VALUES: nested, %TVM_A_PCRV entries
 * @TVM_A_EVENT_SEQ: u64, an event's sequence number, from 0
 * @TVM_A_EVENT_TYPE: u32, TCG event type or TVM_EV_*
 * @TVM_A_EVENT_DATA: binary, at most %TVM_EVENT_DATA_MAX bytes
 * @TVM_A_EVENT_DIGESTS: nested, %TVM_A_DIGEST entries
 * @TVM_A_LOG_FROM: u64, first sequence number a log dump returns
 * @TVM_A_PAD: padding for 64-bit attributes
 */
enum tvm_attr {
	TVM_A_UNSPEC,
	TVM_A_VM_ID,
	TVM_A_VM_NAME,
	TVM_A_VM_UUID,
	TVM_A_VM_BANKS,
	TVM_A_VM_STATE,
	TVM_A_VM_LOG_MAX,
	TVM_A_VM_LOG_COUNT,
	TVM_A_VM_LOG_BYTES,
	TVM_A_VM_LOG_REFUSED,
	TVM_A_PCR_INDEX,
	TVM_A_PCR_BANK,
	TVM_A_PCR_MASK,
	TVM_A_PCR_VALUES,
	TVM_A_EVENT_SEQ,
	TVM_A_EVENT_TYPE,
	TVM_A_EVENT_DATA,
	TVM_A_EVENT_DIGESTS,
	TVM_A_LOG_FROM,
	TVM_A_PAD,
	__TVM_A_MAX
};
#define TVM_A_MAX		(__TVM_A_MAX - 1)

/**
 * enum tvm_pcrv_attr - one PCR value, inside %TVM_A_PCR_VALUES
 * @TVM_A_PCRV: nested, one entry (the list's element type)
 */
enum tvm_pcrv_attr {
	TVM_A_PCRV_UNSPEC,
	TVM_A_PCRV,
	__TVM_A_PCRV_LIST_MAX
};

/**
 * enum tvm_pcrv_entry_attr - fields of a %TVM_A_PCRV entry
 * @TVM_A_PCRV_BANK: u32, enum tvm_bank
 * @TVM_A_PCRV_INDEX: u32, 0-23
 * @TVM_A_PCRV_DIGEST: binary, the bank's digest size
 */
enum tvm_pcrv_entry_attr {
	TVM_A_PCRV_ENTRY_UNSPEC,
	TVM_A_PCRV_BANK,
	TVM_A_PCRV_INDEX,
	TVM_A_PCRV_DIGEST,
	__TVM_A_PCRV_ENTRY_MAX
};
#define TVM_A_PCRV_ENTRY_MAX	(__TVM_A_PCRV_ENTRY_MAX - 1)

/**
 * enum tvm_digest_attr - inside %TVM_A_EVENT_DIGESTS
 * @TVM_A_DIGEST: nested, one entry (the list's element type)
 */
enum tvm_digest_attr {
	TVM_A_DIGEST_UNSPEC,
	TVM_A_DIGEST,
	__TVM_A_DIGEST_LIST_MAX
};

/**
 * enum tvm_digest_entry_attr - fields of a %TVM_A_DIGEST entry
 * @TVM_A_DIGEST_BANK: u32, enum tvm_bank
 * @TVM_A_DIGEST_VALUE: binary, the bank's digest size
 */
enum tvm_digest_entry_attr {
	TVM_A_DIGEST_ENTRY_UNSPEC,
	TVM_A_DIGEST_BANK,
	TVM_A_DIGEST_VALUE,
	__TVM_A_DIGEST_ENTRY_MAX
};
#define TVM_A_DIGEST_ENTRY_MAX	(__TVM_A_DIGEST_ENTRY_MAX - 1)

#endif /* _UAPI_LINUX_TVM_H */
