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
 *
 * Generic netlink family "tvm"
 * ----------------------------
 * Each tvm instance ("VM") has a numeric id, a name and a UUID.  A command
 * that acts on one VM names it with exactly one of %TVM_A_VM_ID,
 * %TVM_A_VM_NAME or %TVM_A_VM_UUID, written "selector" below.  Every
 * command, reads and dumps included, needs CAP_SYS_ADMIN in the initial
 * user namespace, and so does joining the "events" group: what they give
 * is what the root-only securityfs files give.  Every operation has a
 * strict policy: an attribute it does not take is refused.  Every
 * rejection carries an extended-ack message naming the attribute.  The
 * family lives in the initial network namespace only.
 *
 * The trees below give each command's request and reply; the attributes'
 * types and ranges are in the enums further down.  A nest written
 * "{ X ... }" holds any number of X.
 *
 * VMs
 * ~~~
 * TVM_CMD_VM_CREATE: create a VM.  It starts with PCRs 0-7 from the host
 * TPM and PCR 8 for tvm (%TVM_EV_HOST_PCR, %TVM_EV_TVM_VERSION).
 *
 *    TVM_A_VM_NAME (required)
 *    TVM_A_VM_UUID (default: random)
 *    TVM_A_VM_BANKS (default: %TVM_BANKS_DEFAULT)
 *    TVM_A_VM_LOG_MAX (default: the module parameter log_max)
 *
 * replies with the VM, as TVM_CMD_VM_GET.
 *
 * TVM_CMD_VM_DELETE: delete a VM; a KVM VM is refused (EBUSY): it goes
 * when its VMM destroys it.
 *
 *    selector
 *
 * TVM_CMD_VM_GET: one VM by its selector, or with NLM_F_DUMP and no
 * attributes every VM, by id.  Each reply:
 *
 *    TVM_A_VM_ID
 *    TVM_A_VM_NAME
 *    TVM_A_VM_UUID
 *    TVM_A_VM_BANKS
 *    TVM_A_VM_STATE
 *    TVM_A_VM_LOG_MAX
 *    TVM_A_VM_LOG_COUNT
 *    TVM_A_VM_LOG_BYTES
 *    TVM_A_VM_LOG_REFUSED
 *    TVM_A_VM_TRUST
 *    TVM_A_VM_LEVEL
 *    TVM_A_VM_POLICY_GEN
 *    TVM_A_VM_REASONS { TVM_A_REASON ... }
 *    TVM_A_VM_PID
 *    TVM_A_VM_KVM (a KVM VM only)
 *    TVM_A_VM_CIDS { TVM_A_VM_CID ... }
 *    TVM_A_VM_MIGRATION (a VM in a migration only)
 *
 * TVM_CMD_VM_LAUNCH: evaluate the VM against its policy: PENDING becomes
 * TRUSTED, UNTRUSTED or UNKNOWN.  In enforce mode anything but TRUSTED
 * fails with EACCES (the state changes all the same).  EALREADY when the
 * VM was launched before; EBUSY for a KVM VM, which its first KVM_RUN
 * launches once its memory is measured.
 *
 *    selector
 *
 * replies with the VM, as TVM_CMD_VM_GET.
 *
 * With tvm_kvm.ko loaded, every KVM VM on the host has a tvm instance,
 * created with the VM (%TVM_A_VM_PID is its VMM's process id,
 * %TVM_A_VM_KVM is set) and deleted when the VM is destroyed.  With
 * tvm_vsock.ko loaded, %TVM_A_VM_CIDS lists the vhost-vsock guest CIDs
 * its VMM set (Documentation/vsock.rst says which VM a CID goes to).
 *
 * TVM_CMD_VM_BIND: name the next KVM VM a process creates (from any of its
 * threads), and so choose its policy.  A binding is used once, and
 * dropped when the process exits.  ESRCH no such process; EEXIST the
 * process is bound already, or a VM or another binding has that name or
 * UUID; ENOSPC %TVM_BINDINGS_MAX bindings wait.
 *
 *    TVM_A_VM_PID (required)
 *    TVM_A_VM_NAME (required), or TVM_A_MIG_ID: the VM the process
 *    creates takes the instance that migration imported (its name and
 *    UUID, its whole state); ENOENT no such imported migration, EBUSY a
 *    VMM has it already
 *    TVM_A_VM_UUID (default: random; not with TVM_A_MIG_ID)
 *    TVM_A_VM_BIND_CREATED (ABI 11; not with TVM_A_MIG_ID): a late bind.
 *    The KVM VM the process created already, its only one, takes the
 *    name and UUID, and the policy they select, as if bound at its
 *    creation; the reply is the VM, as TVM_CMD_VM_GET.  It must never
 *    have run: still PENDING (its first KVM_RUN, which launches it, has
 *    not happened), not adopted, not migrating.  ENOENT the process has
 *    no KVM VM; EBUSY it has several, or the VM ran; EALREADY a binding
 *    named the VM already; EEXIST a VM or a binding has the name or UUID.
 *    Recorded in IMA ("tvm-bind"); the VM's log is unchanged
 *    (Documentation/kvm.rst, "Late binding").
 *    TVM_A_VM_BIND_FILES { TVM_A_BFILE { TVM_A_BFILE_FD TVM_A_BFILE_NAME }
 *    ... } (ABI 12; only with TVM_A_VM_NAME, not with
 *    TVM_A_VM_BIND_CREATED or TVM_A_MIG_ID): at most
 *    %TVM_BIND_FILES_MAX files the VM runs from but that are not in its
 *    memory at its first KVM_RUN (a direct-boot kernel, initrd and
 *    command line, which QEMU hands over later through fw_cfg).  Each
 *    file, open in the caller, is hashed now, in every bank of
 *    %TVM_BANKS_DEFAULT, as TVM_CMD_MEASURE_FILE hashes it; when the
 *    process creates its KVM VM, each becomes a %TVM_EV_FILE event on
 *    PCR 9 of the new VM, in the order given, before anything else on
 *    PCR 9: judged by its policy at launch.  EBADF a bad descriptor;
 *    EINVAL not a regular file open for reading, an empty or repeated
 *    name, more than %TVM_BIND_FILES_MAX files.  Nothing is bound when
 *    a file is refused.
 *
 * TVM_CMD_VM_MEASURE: measure the VM's runtime ranges (its policy's
 * %TVM_A_POLICY_RUNTIME) now, as tvm_kvm's timer does.  EOPNOTSUPP when
 * the VM is not a KVM VM or tvm_kvm is not loaded.
 *
 *    selector
 *
 * replies with the VM, as TVM_CMD_VM_GET.
 *
 * PCRs and the event log
 * ~~~~~~~~~~~~~~~~~~~~~~
 * TVM_CMD_PCR_READ: read PCR values.
 *
 *    selector
 *    TVM_A_PCR_BANK (default: every bank of the VM)
 *    TVM_A_PCR_MASK (default: %TVM_PCR_MASK_ALL)
 *
 * replies
 *
 *    TVM_A_VM_ID
 *    TVM_A_VM_LOG_COUNT: the values are the replay of events 0 to this - 1
 *    TVM_A_PCR_VALUES {
 *        TVM_A_PCRV {
 *            TVM_A_PCRV_BANK
 *            TVM_A_PCRV_INDEX
 *            TVM_A_PCRV_DIGEST
 *        } ...
 *    }
 *
 * TVM_CMD_PCR_EXTEND: log an event and extend a PCR with it.  Without
 * %TVM_A_EVENT_DIGESTS each bank extends H_bank(%TVM_A_EVENT_DATA); with
 * it, one digest for every bank of the VM is required.  PCRs 0-8 and
 * tvm's reserved event types are the kernel's alone (EPERM): what they
 * hold was measured by tvm, never claimed by an administrator.  Of the
 * other types only %TVM_EV_ADMIN_TYPES are taken (EINVAL).
 *
 *    selector
 *    TVM_A_PCR_INDEX (required; %TVM_FIRST_ADMIN_PCR-23)
 *    TVM_A_EVENT_TYPE (default: %TVM_EV_EXTEND)
 *    TVM_A_EVENT_DATA
 *    TVM_A_EVENT_DIGESTS {
 *        TVM_A_DIGEST {
 *            TVM_A_DIGEST_BANK
 *            TVM_A_DIGEST_VALUE
 *        } ...
 *    }
 *
 * replies
 *
 *    TVM_A_VM_ID
 *    TVM_A_EVENT_SEQ: the sequence number the event got
 *
 * TVM_CMD_PCR_EXTEND_BATCH (ABI 13): many extends in one request, of one
 * VM or several.  Each %TVM_A_BATCH_EVENT holds what a TVM_CMD_PCR_EXTEND
 * request holds and is checked exactly as one is; at most
 * %TVM_BATCH_MAX of them (more: E2BIG, nothing done).  They are logged
 * and extended in order, and the first that fails stops the batch: the
 * events before it stay logged and extended, it and those after it are
 * not.  The error's extended ack then names the failing event twice:
 * NLMSGERR_ATTR_OFFS points into its %TVM_A_BATCH_EVENT (at the
 * attribute at fault where there is one), and NLMSGERR_ATTR_COOKIE is a
 * u32 in host byte order, the failing event's index from 0, which is
 * also how many events were done.  An error without a cookie refused the
 * whole request (a malformed nest, too many events): nothing was done.
 * Consecutive events of one VM take its lock once.
 *
 *    TVM_A_BATCH (required) {
 *        TVM_A_BATCH_EVENT {
 *            selector, TVM_A_PCR_INDEX, TVM_A_EVENT_TYPE,
 *            TVM_A_EVENT_DATA, TVM_A_EVENT_DIGESTS, as in PCR_EXTEND
 *        } ...
 *    }
 *
 * replies, once all were done
 *
 *    TVM_A_BATCH_DONE: how many events were logged (all of them)
 *    TVM_A_BATCH {
 *        TVM_A_BATCH_EVENT {
 *            TVM_A_VM_ID
 *            TVM_A_EVENT_SEQ: the sequence number the event got
 *        } ...
 *    }
 *
 * TVM_CMD_PCR_RESET: reset PCR 16 or 23 (others: EPERM), logged as a
 * %TVM_EV_NO_ACTION event (&struct tvm_ev_reset).
 *
 *    selector
 *    TVM_A_PCR_INDEX (required)
 *
 * replies
 *
 *    TVM_A_VM_ID
 *    TVM_A_EVENT_SEQ: the reset's event
 *
 * TVM_CMD_MEASURE_FILE: hash the regular file open as %TVM_A_FILE_FD in
 * the caller, in every bank of the VM (reusing IMA's SHA-256 where IMA
 * has one), and extend PCR 9 with a %TVM_EV_FILE event named
 * %TVM_A_FILE_NAME.  EBADF a bad descriptor; EINVAL not a regular file
 * opened for reading.
 *
 *    selector
 *    TVM_A_FILE_FD (required)
 *    TVM_A_FILE_NAME (required)
 *
 * replies
 *
 *    TVM_A_VM_ID
 *    TVM_A_EVENT_SEQ
 *
 * TVM_CMD_LOG_DUMP: the VM's event log; NLM_F_DUMP only.
 *
 *    selector
 *    TVM_A_LOG_FROM (default: 0)
 *
 * replies one message per event:
 *
 *    TVM_A_VM_ID
 *    TVM_A_EVENT_SEQ
 *    TVM_A_PCR_INDEX
 *    TVM_A_EVENT_TYPE
 *    TVM_A_EVENT_DIGESTS { TVM_A_DIGEST { ... } ... }, as in PCR_EXTEND
 *    TVM_A_EVENT_DATA
 *
 * Policies
 * ~~~~~~~~
 * A VM's policy is the one for its UUID, else for its name, else the
 * default policy.  Extends of PCRs 9-12 (levels 1-4) are checked against
 * the level's event allow-list as they happen, final PCR values at
 * launch.  Documentation/policy.rst has the rules, the owner pins and the
 * canonical encoding that is signed.
 *
 * TVM_CMD_POLICY_LOAD: load a policy; it replaces the one with the same
 * selector atomically, and gets a new generation.  Once a signed policy
 * was loaded for a selector, the selector is pinned to its key: only a
 * policy signed with that key and of a higher revision replaces it.
 *
 *    TVM_A_POLICY {
 *        TVM_A_POLICY_VERSION
 *        TVM_A_POLICY_UUID, TVM_A_POLICY_NAME or TVM_A_POLICY_DEFAULT
 *        TVM_A_POLICY_MODE
 *        TVM_A_POLICY_KEY_ID
 *        TVM_A_POLICY_REVISION
 *        TVM_A_POLICY_LEVEL {
 *            TVM_A_LEVEL_NUM
 *            TVM_A_LEVEL_EVENT {
 *                TVM_A_PEVENT_NAME
 *                TVM_A_PEVENT_DIGESTS { TVM_A_DIGEST { ... } ... }
 *            } ...
 *            TVM_A_LEVEL_PCR { TVM_A_DIGEST { ... } ... }
 *        } ...
 *        TVM_A_POLICY_RUNTIME {
 *            TVM_A_RANGE_GPA
 *            TVM_A_RANGE_LEN
 *            TVM_A_RANGE_SHA256
 *            TVM_A_RANGE_INTERVAL
 *        } ...
 *        TVM_A_POLICY_DATAFLOW {
 *            TVM_A_DF_DEFAULT
 *            TVM_A_DF_CHECKPOINT_BYTES
 *            TVM_A_DF_CHECKPOINT_MS
 *            TVM_A_DF_PER_MESSAGE
 *            TVM_A_DF_RULE {
 *                TVM_A_DFR_FROM_ANY, _FROM_HOST, _FROM_NAME or _FROM_UUID
 *                TVM_A_DFR_PORTS { TVM_A_DFP_FIRST, TVM_A_DFP_LAST } ...
 *                TVM_A_DFR_MIN_TRUST
 *                TVM_A_DFR_MIN_LEVEL
 *                TVM_A_DFR_ACTION
 *            } ...
 *        }
 *    }
 *    TVM_A_POLICY_SIGNATURE (required with TVM_A_POLICY_KEY_ID)
 *
 * replies
 *
 *    TVM_A_POLICY {
 *        TVM_A_POLICY_UUID, TVM_A_POLICY_NAME or TVM_A_POLICY_DEFAULT
 *        TVM_A_POLICY_GEN
 *    }
 *
 * TVM_CMD_POLICY_GET: one policy by its selector, whole, or with
 * NLM_F_DUMP and no attributes every policy's head (the whole of one
 * comes from a get: a policy can be larger than a dump message).
 *
 *    TVM_A_POLICY {
 *        TVM_A_POLICY_UUID, TVM_A_POLICY_NAME or TVM_A_POLICY_DEFAULT
 *    }
 *
 * replies
 *
 *    TVM_A_POLICY {
 *        everything loaded, as in POLICY_LOAD (a get)
 *        the selector, TVM_A_POLICY_KEY_ID (if signed) and
 *            TVM_A_POLICY_REVISION (a dump)
 *        TVM_A_POLICY_GEN
 *        TVM_A_POLICY_DIGEST
 *        TVM_A_POLICY_SIGNED
 *    }
 *
 * TVM_CMD_POLICY_DELETE: delete a policy; for a pinned selector only the
 * owner's signed delete (a tombstone) does.
 *
 *    TVM_A_POLICY {
 *        TVM_A_POLICY_UUID, TVM_A_POLICY_NAME or TVM_A_POLICY_DEFAULT
 *    }
 *
 * or, signed:
 *
 *    TVM_A_POLICY {
 *        TVM_A_POLICY_VERSION
 *        TVM_A_POLICY_UUID, TVM_A_POLICY_NAME or TVM_A_POLICY_DEFAULT
 *        TVM_A_POLICY_KEY_ID
 *        TVM_A_POLICY_REVISION
 *        TVM_A_POLICY_TOMBSTONE
 *    }
 *    TVM_A_POLICY_SIGNATURE
 *
 * Attestation
 * ~~~~~~~~~~~
 * TVM_CMD_AK_SET: set the attestation key.  tvm finds the key with
 * request_key() in the caller's keyrings and holds a reference to it from
 * then on (a later AK_SET replaces it).  With TVM_A_AK_ALG
 * %TVM_AK_ALG_RSASSA (the default) the key is an ``asymmetric`` RSA
 * private key; with %TVM_AK_ALG_ECDSA (ABI 13) a ``logon`` key whose
 * payload is a P-256 private scalar, %TVM_AK_EC_BYTES big-endian bytes
 * (6.1's PKCS#8 parser takes RSA keys only; userspace cannot read a logon
 * key back).  tvm copies the scalar at AK_SET: a later update of the
 * logon key's payload changes nothing until the next AK_SET, but a revoked
 * or expired key signs nothing more.
 *
 *    TVM_A_AK_DESC (required)
 *    TVM_A_AK_ALG
 *
 * replies
 *
 *    TVM_A_AK_DESC
 *    TVM_A_AK_ALG
 *    TVM_A_AK_BITS
 *    TVM_A_AK_MODULUS, TVM_A_AK_EXPONENT (RSA)
 *    TVM_A_AK_EC_X, TVM_A_AK_EC_Y (ECDSA)
 *
 * TVM_CMD_AK_GET: the attestation key; no attributes, replies as AK_SET.
 *
 * TVM_CMD_QUOTE: sign the VM's PCRs of one bank, and its log count.  The
 * PCR values and the log count are taken together under the VM's lock:
 * the quoted PCRs are the replay of events 0 to LOG_COUNT - 1.
 *
 *    selector
 *    TVM_A_QUOTE_NONCE (required)
 *    TVM_A_PCR_BANK (default: %TVM_BANK_SHA256)
 *    TVM_A_PCR_MASK (default: %TVM_PCR_MASK_ALL)
 *
 * replies
 *
 *    TVM_A_VM_ID
 *    TVM_A_VM_LOG_COUNT
 *    TVM_A_AK_ALG (ABI 13): the scheme of the signature
 *    TVM_A_QUOTE_ATTEST
 *    TVM_A_QUOTE_SIGNATURE
 *    TVM_A_PCR_VALUES { TVM_A_PCRV { ... } ... }, as in PCR_READ
 *
 * %TVM_A_QUOTE_ATTEST is a TPMS_ATTEST (TPM 2.0 Part 2, 10.12.12),
 * big-endian: magic TPM_GENERATED_VALUE (0xff544347), type
 * TPM_ST_ATTEST_QUOTE (0x8018), qualifiedSigner (TPM2B_NAME: 0x000b then
 * SHA-256 of the VM's UUID (16 bytes) then its name: tvm_quote_signer),
 * extraData (TPM2B_DATA: the nonce), clockInfo (clock: the VM's log
 * count, so the signature covers the log prefix; resetCount 0,
 * restartCount: the VM's id, safe 1), firmwareVersion (tvm's ABI version
 * in the low 32 bits, and the TVM_QUOTE_FW_* flags: how the VM was
 * measured), then TPMS_QUOTE_INFO: a TPML_PCR_SELECTION of one bank and a
 * 3-byte mask, and pcrDigest (TPM2B_DIGEST: SHA-256 of the selected PCR
 * values concatenated in index order).
 *
 * %TVM_A_QUOTE_SIGNATURE signs the SHA-256 of %TVM_A_QUOTE_ATTEST.  With
 * an RSA AK it is the bare RSASSA-PKCS1-v1_5 signature, which userspace
 * puts after sigAlg TPM_ALG_RSASSA, hash TPM_ALG_SHA256 and a u16 size to
 * make the TPMT_SIGNATURE; with an ECDSA AK it is the whole TPMT_SIGNATURE
 * as a TPM's TPM2_Quote returns it: sigAlg TPM_ALG_ECDSA (0x0018), hash
 * TPM_ALG_SHA256 (0x000b), then r and s, each a TPM2B_ECC_PARAMETER
 * (u16 size 32, then 32 big-endian bytes): 72 bytes.
 *
 * Flows
 * ~~~~~
 * TVM_CMD_FLOW_GET: the live vsock flows (tvm_vsock.ko,
 * Documentation/vsock.rst); NLM_F_DUMP only.  EOPNOTSUPP when tvm_vsock
 * is not loaded.
 *
 *    selector (optional: only the flows with that VM at either end)
 *
 * replies one message per flow, in the order they were opened:
 *
 *    TVM_A_FLOW {
 *        TVM_A_FLOW_ID
 *        TVM_A_FLOW_SRC_CID, TVM_A_FLOW_SRC_PORT
 *        TVM_A_FLOW_DST_CID, TVM_A_FLOW_DST_PORT
 *        TVM_A_FLOW_RX_VM (absent: the host receives)
 *        TVM_A_FLOW_TX_VM (absent: the host, or an unbound CID, sends)
 *        TVM_A_FLOW_TX_HOST (the host sends)
 *        TVM_A_FLOW_BYTES
 *        TVM_A_FLOW_EVENTS
 *        TVM_A_FLOW_ACTION
 *        TVM_A_FLOW_STATE
 *        TVM_A_FLOW_MEASURED (its receiver's PCR 14 gets its events)
 *    }
 *
 * Migration
 * ~~~~~~~~~
 * A VM's trust state moves from a source host to a destination host with
 * one live copy at any time.  Documentation/migration.rst has the protocol,
 * the blobs byte by byte and the transition table every command follows.
 * Userspace only carries the blobs; they are signed, and the EXPORT blob's
 * state is sealed to the destination's PREPARE key.  Small blobs travel in
 * %TVM_A_MIG_BLOB; the EXPORT blob, which holds the whole event log,
 * travels through a file the caller opens (%TVM_A_MIG_FD: a regular file
 * or memfd, read or written from offset 0).
 *
 * TVM_CMD_MIGRATE_PREPARE (destination): make a single-use migration id
 * and an ephemeral ECDH P-256 key, and sign them, with the host's platform
 * PCRs, with the attestation key.  ENOKEY no attestation key; ENOSPC
 * %TVM_MIG_MAX migrations are held already.
 *
 *    TVM_A_MIG_TTL (optional: seconds until an unused id expires)
 *
 * replies
 *
 *    TVM_A_MIG_ID
 *    TVM_A_MIG_BLOB: the PREPARE blob
 *
 * TVM_CMD_MIGRATE_EXPORT (source): check a PREPARE blob against the
 * %TVM_MIGRATION_KEYRING keyring, and its deep quote if one is given,
 * and the VM's policy (its migration section), freeze the VM (no extend,
 * no KVM_RUN), log the migration in its PCR 15 and write its sealed,
 * signed state.
 *
 *    selector
 *    TVM_A_MIG_BLOB: the PREPARE blob
 *    TVM_A_MIG_FD: where the EXPORT blob goes
 *    TVM_A_MIG_DEEP (optional; required by a policy that lists
 *    %TVM_A_MIGP_TPM_KEY): the destination TPM's quote of its platform
 *    PCRs for this PREPARE blob
 *
 * replies TVM_A_MIG_ID and TVM_A_MIG_SIZE (the EXPORT blob's bytes).
 *
 * TVM_CMD_MIGRATE_IMPORT (destination): verify and open an EXPORT blob made
 * for one of this host's prepared ids, consume the id, and restore the VM
 * as an incoming instance: it does not run until COMMIT.
 *
 *    TVM_A_MIG_FD: the EXPORT blob
 *
 * replies TVM_A_MIG_ID and the VM, as TVM_CMD_VM_GET.
 *
 * TVM_CMD_MIGRATE_COMMIT: on the destination, activate an imported VM and
 * sign a COMMIT receipt; on the source, check that receipt and wipe the
 * frozen VM for good.
 *
 *    TVM_A_MIG_ID (destination), or
 *    TVM_A_MIG_BLOB: a COMMIT receipt (source)
 *
 * replies TVM_A_MIG_ID, and on the destination TVM_A_MIG_BLOB: the
 * receipt.
 *
 * TVM_CMD_MIGRATE_ABORT: on the destination, discard what a migration id
 * prepared or imported and sign an ABORT receipt; on the source, check that
 * receipt and unfreeze the VM; or, on the source, an administrator's
 * override that unfreezes a frozen VM without a receipt (logged in the
 * VM's PCR 15 and in IMA).
 *
 *    TVM_A_MIG_ID (destination), or
 *    TVM_A_MIG_BLOB: an ABORT receipt (source), or
 *    selector and TVM_A_MIG_FORCE (source, override)
 *
 * replies TVM_A_MIG_ID, and on the destination TVM_A_MIG_BLOB: the
 * receipt.
 *
 * TVM_CMD_MIGRATE_GET: the migrations this host takes part in, oldest
 * first; NLM_F_DUMP only.  Each reply:
 *
 *    TVM_A_MIG_ID
 *    TVM_A_MIG_ROLE
 *    TVM_A_MIG_STATE
 *    TVM_A_MIG_PEER (absent: not known yet)
 *    TVM_A_VM_ID (absent: no instance)
 *    TVM_A_MIG_EXPIRES (a prepared id only)
 *
 * The "events" multicast group
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Its messages arrive in order for any one VM.
 *
 * TVM_CMD_EVENT_TRUST: a VM's trust state changed.
 *
 *    TVM_A_VM_ID
 *    TVM_A_VM_NAME
 *    TVM_A_VM_UUID
 *    TVM_A_TRUST_OLD
 *    TVM_A_VM_TRUST
 *    TVM_A_REASON
 *    TVM_A_VM_POLICY_GEN
 *
 * TVM_CMD_EVENT_POLICY: a policy was loaded or deleted.
 *
 *    TVM_A_POLICY { the head of a POLICY_GET dump }
 *    TVM_A_REASON: "load" or "delete"
 *
 * TVM_CMD_EVENT_FLOW: a receiver's dataflow policy blocked a packet (the
 * flow is reset) or tainted its receiver (once per flow).
 *
 *    TVM_A_FLOW { as in FLOW_GET; TVM_A_FLOW_ACTION is what was done }
 *    TVM_A_REASON: why, naming the sender
 *
 * Errors
 * ~~~~~~
 * Besides the netlink core's (EINVAL or ERANGE for an attribute that
 * breaks its policy):
 *
 *    EPERM    no CAP_SYS_ADMIN; reset of a PCR other than 16 and 23;
 *             extend of PCR 0-8 or of a type in
 *             %TVM_EV_RESERVED_FIRST-%TVM_EV_RESERVED_LAST; an unsigned
 *             load or delete of a pinned selector
 *    ENOENT   no such VM (or it was deleted meanwhile), no such policy
 *    EEXIST   the name or UUID is taken
 *    EINVAL   a missing or contradictory attribute, a bank the VM does
 *             not have, a digest of the wrong size, a malformed name, an
 *             extend of a type not in %TVM_EV_ADMIN_TYPES
 *    ENOSPC   the VM's event log is full (state %TVM_VM_LOG_FULL; nothing
 *             was extended), or the host holds max_vms VMs already
 *    EDQUOT   the caller, without CAP_SYS_ADMIN, holds max_vms_per_user
 *             VMs already (a VMM's KVM_CREATE_VM)
 *    E2BIG    LOG_MAX above the module's log_max parameter
 *    EKEYREJECTED  a signature that does not verify, or a key other than
 *             the one the selector is pinned to
 *    ENOKEY   the owner key is not in the %TVM_OWNER_KEYRING keyring; no
 *             attestation key set, or none with that description
 *    EBADMSG  a signature missing for a policy that names an owner key
 *    ESTALE   a REVISION not above the selector's highest
 *    EALREADY a second launch
 *    EACCES   launch in enforce mode of a VM that is not TRUSTED
 *    EOPNOTSUPP  the key is not an RSA private key of 2048 to 4096 bits
 *             that signs PKCS#1 SHA-256; a migration on a host whose AK
 *             is ECDSA (migration blobs are signed RSA)
 *    EINVAL   (AK_SET, ECDSA) a logon key whose payload is not a P-256
 *             private scalar: %TVM_AK_EC_BYTES bytes, 1 to n - 1
 *    EKEYREVOKED, EKEYEXPIRED  a quote with a key revoked or expired
 *             since AK_SET (it signs nothing more)
 *
 * Migration blobs are refused, changing nothing, with: EBADMSG malformed or
 * truncated; EPROTONOSUPPORT a blob version this module does not take;
 * EKEYREJECTED a signature that does not verify (tampered); ENOKEY a
 * signer not in %TVM_MIGRATION_KEYRING; EXDEV made for another host, VM or
 * migration, or a deep quote of another PREPARE blob or other platform
 * values; ENOENT no such migration here (out of order); ESTALE a
 * migration that ended or an id already used (replayed); EPERM a
 * destination the VM's policy does not allow, or a deep quote it requires
 * missing or signed by a TPM key it does not list.  The table in
 * Documentation/migration.rst gives the errno of each action in each state.
 *
 * and those given with each command above.  A policy that breaks a rule
 * of Documentation/policy.rst is refused with the errno its table "What
 * the kernel refuses" gives, and changes nothing.
 */
#ifndef _UAPI_LINUX_TVM_H
#define _UAPI_LINUX_TVM_H

#include <linux/types.h>

/**
 * TVM_ABI_VERSION - version of the interface described by this header
 *
 * Documentation/abi.rst lists what each version added.
 */
#define TVM_ABI_VERSION 13

/**
 * TVM_SECURITYFS_DIR - name of tvm's directory under securityfs
 *
 * securityfs is usually mounted at /sys/kernel/security, so the ABI version
 * is read from /sys/kernel/security/tvm/version.
 */
#define TVM_SECURITYFS_DIR "tvm"

/** TVM_GENL_NAME - the generic netlink family's name */
#define TVM_GENL_NAME		"tvm"
/** TVM_GENL_VERSION - the generic netlink family's version */
#define TVM_GENL_VERSION	1
/** TVM_MCGRP_EVENTS - the multicast group of trust and policy changes */
#define TVM_MCGRP_EVENTS	"events"

/** TVM_NUM_PCRS - PCRs in every bank */
#define TVM_NUM_PCRS		24
/** TVM_PCR_MASK_ALL - all PCRs, for %TVM_A_PCR_MASK */
#define TVM_PCR_MASK_ALL	((1U << TVM_NUM_PCRS) - 1)

/**
 * enum tvm_pcr - what each PCR of a VM holds
 * @TVM_PCR_HOST_FIRST: first of PCRs 0-7, the host's platform PCRs 0-7
 *	read from the hardware TPM when the VM is created (zeros where the
 *	host has none): the TCB the VM inherits (%TVM_EV_HOST_PCR)
 * @TVM_PCR_HOST_LAST: last of the host's PCRs
 * @TVM_PCR_VMM: the VMM and tvm itself: tvm's version, the VMM's
 *	executable, the policy in effect; policy level 0
 * @TVM_PCR_OS: level 1, the OS: the guest image (its memory at the first
 *	KVM_RUN, files measured through TVM_CMD_MEASURE_FILE); the lowest
 *	PCR an administrator may extend (%TVM_FIRST_ADMIN_PCR)
 * @TVM_PCR_DRIVERS: level 2, drivers
 * @TVM_PCR_SOFTWARE: level 3, software
 * @TVM_PCR_CONFIG: level 4, configuration: memory slots, vCPUs, CPUID
 * @TVM_PCR_RUNTIME: runtime re-measurement of guest memory ranges
 * @TVM_PCR_DATAFLOW: inter-VM dataflow received
 * @TVM_PCR_MIGRATION: migration history
 * @TVM_PCR_DEBUG: debug; resettable (TVM_CMD_PCR_RESET)
 * @TVM_PCR_APP: application; resettable (TVM_CMD_PCR_RESET)
 *
 * PCRs 0 to %TVM_PCR_VMM are the kernel's alone; an administrator extends
 * %TVM_FIRST_ADMIN_PCR to %TVM_NUM_PCRS - 1.  Policy level l (0 to
 * %TVM_POLICY_LEVELS) judges PCR %TVM_PCR_VMM + l.  PCRs 17-22 have no
 * assigned use.
 */
enum tvm_pcr {
	TVM_PCR_HOST_FIRST	= 0,
	TVM_PCR_HOST_LAST	= 7,
	TVM_PCR_VMM		= 8,
	TVM_PCR_OS		= 9,
	TVM_PCR_DRIVERS		= 10,
	TVM_PCR_SOFTWARE	= 11,
	TVM_PCR_CONFIG		= 12,
	TVM_PCR_RUNTIME		= 13,
	TVM_PCR_DATAFLOW	= 14,
	TVM_PCR_MIGRATION	= 15,
	TVM_PCR_DEBUG		= 16,
	TVM_PCR_APP		= 23,
};
/** TVM_NAME_MAX - longest VM name, in bytes, without the NUL */
#define TVM_NAME_MAX		63
/** TVM_UUID_SIZE - bytes of a VM UUID (RFC 4122, binary) */
#define TVM_UUID_SIZE		16
/** TVM_EVENT_DATA_MAX - largest event data an extend may carry */
#define TVM_EVENT_DATA_MAX	4096
/** TVM_DIGEST_MAX - largest digest of any bank (SHA-384) */
#define TVM_DIGEST_MAX		48
/**
 * TVM_BATCH_MAX - most events one TVM_CMD_PCR_EXTEND_BATCH carries (ABI
 *	13)
 */
#define TVM_BATCH_MAX		256

/**
 * enum tvm_bank - PCR banks, each a hash algorithm
 * @TVM_BANK_SHA1: SHA-1, 20 bytes (TPM_ALG_SHA1); off unless asked for
 * @TVM_BANK_SHA256: SHA-256, 32 bytes (TPM_ALG_SHA256); always on
 * @TVM_BANK_SHA384: SHA-384, 48 bytes (TPM_ALG_SHA384)
 * @TVM_BANK_SM3_256: SM3, 32 bytes (TPM_ALG_SM3_256), GB/T 32905
 * @__TVM_BANK_MAX: internal
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
 * @TVM_VM_UNSPEC: unused
 * @TVM_VM_ACTIVE: extends are accepted
 * @TVM_VM_LOG_FULL: the event log reached its bound; further extends are
 *	refused with ENOSPC and counted, so nothing is ever left out of the
 *	log that the PCRs reflect
 * @__TVM_VM_STATE_MAX: internal
 */
enum tvm_vm_state {
	TVM_VM_UNSPEC,
	TVM_VM_ACTIVE,
	TVM_VM_LOG_FULL,
	__TVM_VM_STATE_MAX
};

/*
 * Event types.  tvm records its own measurements with its own types;
 * values in 0x544d0000-0x544dffff ("TM") are tvm's, and tpm2_eventlog
 * shows them as unknown types with their data in hex, and replays them.
 * All of them but %TVM_EV_EXTEND are reserved to the kernel: an extend
 * (TVM_CMD_PCR_EXTEND) of one is refused with EPERM, so a log's event of
 * a reserved type was logged by tvm itself.  An administrator's extend
 * takes only the types of %TVM_EV_ADMIN_TYPES: those whose data no TCG
 * specification gives a structure, so that any data keeps the log one
 * that TCG tools (tpm2_eventlog) parse; others are refused with EINVAL.
 * PCRs 0-8 hold the kernel's events only (the host's PCRs, tvm, the
 * VMM): an extend of one is refused with EPERM.
 */
/**
 * TVM_EV_NO_ACTION - EV_NO_ACTION (TCG): logged, never extended; refused
 *	in an extend
 */
#define TVM_EV_NO_ACTION	0x00000003
/**
 * TVM_EV_COMPACT_HASH - EV_COMPACT_HASH (TCG): vendor-defined data; an
 *	administrator's type
 */
#define TVM_EV_COMPACT_HASH	0x0000000c
/**
 * TVM_EV_IPL - EV_IPL (TCG): the boot loader's measurements, opaque; an
 *	administrator's type
 */
#define TVM_EV_IPL		0x0000000d
/** TVM_EV_BASE - the first of tvm's own event types */
#define TVM_EV_BASE		0x544d0000
/**
 * TVM_EV_RESERVED_FIRST - first of tvm's types, the kernel's but
 *	%TVM_EV_EXTEND
 */
#define TVM_EV_RESERVED_FIRST	TVM_EV_BASE
/** TVM_EV_RESERVED_LAST - last of tvm's types */
#define TVM_EV_RESERVED_LAST	0x544dffff
/** TVM_FIRST_ADMIN_PCR - the lowest PCR an administrator may extend */
#define TVM_FIRST_ADMIN_PCR	TVM_PCR_OS
/** TVM_EV_HOST_PCR - PCR 0-7 at creation: data is struct tvm_ev_host_pcr */
#define TVM_EV_HOST_PCR		(TVM_EV_BASE + 1)
/**
 * TVM_EV_TVM_VERSION - PCR 8 at creation: data is the text "tvm <version>
 *	abi <N>"
 */
#define TVM_EV_TVM_VERSION	(TVM_EV_BASE + 2)
/** TVM_EV_EXTEND - an administrator's extend without an explicit type */
#define TVM_EV_EXTEND		(TVM_EV_BASE + 3)
/**
 * TVM_EV_ADMIN_TYPES - the event types TVM_CMD_PCR_EXTEND accepts, as an
 *	initialiser list: tvm's own %TVM_EV_EXTEND, EV_COMPACT_HASH and EV_IPL
 */
#define TVM_EV_ADMIN_TYPES	{ TVM_EV_EXTEND, TVM_EV_COMPACT_HASH, TVM_EV_IPL }
/**
 * TVM_EV_VMM_EXE - PCR 8, when a KVM VM is created: the VMM's executable
 *
 * Each bank's digest is the file's hash in that bank's algorithm (for
 * SHA-256, IMA's when IMA has measured the file); data is the
 * executable's path, not NUL-terminated.
 */
#define TVM_EV_VMM_EXE		(TVM_EV_BASE + 4)
/**
 * TVM_EV_MEMSLOT - PCR 12: a memory slot was set; data is struct
 *	tvm_ev_memslot
 */
#define TVM_EV_MEMSLOT		(TVM_EV_BASE + 5)
/** TVM_EV_VCPU - PCR 12: a vCPU was created; data is struct tvm_ev_vcpu */
#define TVM_EV_VCPU		(TVM_EV_BASE + 6)
/**
 * TVM_EV_CPUID - PCR 12: a vCPU's CPUID was set; data is struct
 *	tvm_ev_cpuid
 */
#define TVM_EV_CPUID		(TVM_EV_BASE + 7)
/**
 * TVM_EV_SLOT - PCR 9, at the first KVM_RUN: a memory slot's contents;
 *	struct tvm_ev_slot
 */
#define TVM_EV_SLOT		(TVM_EV_BASE + 8)
/**
 * TVM_EV_FILE - PCR 9: a file handed over by TVM_CMD_MEASURE_FILE, or
 *	by TVM_CMD_VM_BIND's %TVM_A_VM_BIND_FILES (ABI 12)
 *
 * Digests as %TVM_EV_VMM_EXE; data is the name given, not NUL-terminated.
 */
#define TVM_EV_FILE		(TVM_EV_BASE + 9)
/**
 * TVM_EV_RUNTIME - PCR 13: a runtime range was measured; data is struct
 *	tvm_ev_runtime
 */
#define TVM_EV_RUNTIME		(TVM_EV_BASE + 10)
/**
 * TVM_EV_POLICY - PCR 8: the policy a VM is judged by took effect
 *
 * Logged by tvm alone, at launch and when a load or delete changes the
 * policy of a launched VM; data is struct tvm_ev_policy.
 */
#define TVM_EV_POLICY		(TVM_EV_BASE + 11)
/**
 * TVM_EV_FLOW - PCR 14: data a VM received over vsock (tvm_vsock.ko):
 *	a checkpoint or the close of a flow, or one message; data is struct
 *	tvm_ev_flow
 */
#define TVM_EV_FLOW		(TVM_EV_BASE + 12)

/*
 * The events below hash their data: each bank's digest is H_bank(data).
 * All integers are little-endian.
 */

/**
 * struct tvm_ev_memslot - data of %TVM_EV_MEMSLOT: KVM_SET_USER_MEMORY_REGION
 *	as it succeeded (size 0 deletes the slot)
 * @slot: as the ioctl gave it: address space << 16 | slot id
 * @flags: KVM_MEM_* flags
 * @gpa: guest physical address
 * @size: bytes
 */
struct tvm_ev_memslot {
	__le32 slot;
	__le32 flags;
	__le64 gpa;
	__le64 size;
};

/**
 * struct tvm_ev_vcpu - data of %TVM_EV_VCPU
 * @vcpu_id: the id KVM_CREATE_VCPU was given
 */
struct tvm_ev_vcpu {
	__le32 vcpu_id;
};

/**
 * struct tvm_ev_cpuid - data of %TVM_EV_CPUID: KVM_SET_CPUID(2) as it
 *	succeeded
 * @vcpu_id: the vCPU
 * @nent: entries
 * @sha256: SHA-256 of the entries in the order set, each as seven
 *	__le32: function, index, flags, eax, ebx, ecx, edx (28 bytes)
 */
struct tvm_ev_cpuid {
	__le32 vcpu_id;
	__le32 nent;
	__u8 sha256[32];
};

/** TVM_PAGE_SIZE - the page size of %TVM_EV_SLOT's content digest */
#define TVM_PAGE_SIZE		4096

/**
 * TVM_EV_SLOT_DEVICE - in &struct tvm_ev_slot.slot: the slot maps device
 *	memory (VM_IO or VM_PFNMAP: MMIO, a PCI BAR, /dev/mem); its contents
 *	are never read (reads may have side effects), so @pages is 0 and
 *	@sha256 all zero, and the slot counts as configuration only
 */
#define TVM_EV_SLOT_DEVICE	(1U << 31)

/**
 * TVM_EV_SLOT_CHUNK - bytes per chunk of &struct tvm_ev_slot.sha256 (ABI
 *	13): 2 MiB
 */
#define TVM_EV_SLOT_CHUNK	(2U << 20)

/**
 * struct tvm_ev_slot - data of %TVM_EV_SLOT: one memory slot's contents
 *	at the first KVM_RUN, in slot order (address space, then id)
 * @slot: address space << 16 | slot id, with %TVM_EV_SLOT_DEVICE for a
 *	slot of device memory
 * @flags: KVM_MEM_* flags
 * @gpa: guest physical address
 * @size: bytes, a multiple of %TVM_PAGE_SIZE
 * @pages: how many of the slot's pages are not all zero
 * @sha256: (ABI 13) SHA-256 over the digests of the slot's chunks in
 *	order: the slot cut from its start into %TVM_EV_SLOT_CHUNK bytes
 *	each (the last may be shorter), each chunk's digest 32 zero bytes
 *	when all its bytes are zero, else SHA-256 of its bytes.  Pages never
 *	touched read as zero, so a verifier recomputes it from the image
 *	without knowing which pages the VMM touched (Documentation/kvm.rst
 *	has the recipe).  Before ABI 13: SHA-256 over each page that is not
 *	all zero, as its __le64 offset in the slot then its bytes.
 */
struct tvm_ev_slot {
	__le32 slot;
	__le32 flags;
	__le64 gpa;
	__le64 size;
	__le64 pages;
	__u8 sha256[32];
};

/**
 * struct tvm_ev_runtime - data of %TVM_EV_RUNTIME.  Logged when a range is
 *	first measured and whenever its digest changes, not on every
 *	measurement.
 * @gpa: guest physical address of the range
 * @len: bytes
 * @sha256: SHA-256 of the range's bytes
 */
struct tvm_ev_runtime {
	__le64 gpa;
	__le64 len;
	__u8 sha256[32];
};

/** TVM_KEY_ID_SIZE - bytes of an owner key id (SHA-256) */
#define TVM_KEY_ID_SIZE		32

/**
 * struct tvm_ev_policy - data of %TVM_EV_POLICY: the identity of the
 *	policy in force for the VM from this event on
 * @magic: "TVMP"
 * @revision: the policy's REVISION (0 when unsigned or none)
 * @digest: SHA-256 of the policy's canonical encoding (Documentation/
 *	policy.rst), what `tvmctl policy sign` prints; all zero: no policy
 *	selects the VM
 * @key_id: the owner key id it was verified with; all zero: unsigned
 */
struct tvm_ev_policy {
	__u8 magic[4];
	__le32 revision;
	__u8 digest[32];
	__u8 key_id[TVM_KEY_ID_SIZE];
};

/** TVM_EV_FLOW_CHECKPOINT - in &struct tvm_ev_flow.flags: a checkpoint */
#define TVM_EV_FLOW_CHECKPOINT	(1U << 0)
/** TVM_EV_FLOW_CLOSE - the flow closed: the whole stream */
#define TVM_EV_FLOW_CLOSE	(1U << 1)
/** TVM_EV_FLOW_MESSAGE - one message (per-message measurement) */
#define TVM_EV_FLOW_MESSAGE	(1U << 2)
/** TVM_EV_FLOW_HOST - the sender is the host */
#define TVM_EV_FLOW_HOST	(1U << 3)
/** TVM_EV_FLOW_RESET - with %TVM_EV_FLOW_CLOSE: closed by a reset */
#define TVM_EV_FLOW_RESET	(1U << 4)
/**
 * TVM_EV_FLOW_LATE - tvm saw the flow first mid-connection (it was loaded
 *	after the connection opened): the stream is what followed
 */
#define TVM_EV_FLOW_LATE	(1U << 5)

/**
 * struct tvm_ev_flow - data of %TVM_EV_FLOW: one direction of a vsock
 *	connection, as its receiver got it (Documentation/eventlog.rst)
 * @magic: "TVMF"
 * @flags: %TVM_EV_FLOW_CHECKPOINT, %TVM_EV_FLOW_CLOSE or
 *	%TVM_EV_FLOW_MESSAGE, and %TVM_EV_FLOW_HOST, %TVM_EV_FLOW_RESET,
 *	%TVM_EV_FLOW_LATE
 * @src_cid: the sender's CID (2: the host)
 * @dst_cid: the receiver's CID
 * @src_port: the sender's port
 * @dst_port: the receiver's port
 * @sender: the sending VM's UUID; all zero for the host, or a CID no VM
 *	holds
 * @action: enum tvm_df_action, the strongest taken on the flow so far
 * @reserved: zero
 * @offset: where in the stream the bytes measured start: 0, but for a
 *	message the bytes of the stream before it
 * @bytes: bytes measured: a checkpoint or close, the first @bytes of
 *	the stream; a message, its length
 * @sha256: SHA-256 of exactly those bytes: the stream's bytes @offset
 *	to @offset + @bytes - 1
 */
struct tvm_ev_flow {
	__u8 magic[4];
	__le32 flags;
	__le64 src_cid;
	__le64 dst_cid;
	__le32 src_port;
	__le32 dst_port;
	__u8 sender[TVM_UUID_SIZE];
	__le32 action;
	__le32 reserved;
	__le64 offset;
	__le64 bytes;
	__u8 sha256[32];
};

/**
 * TVM_EV_VSOCK_CID - PCR 14: a vhost-vsock guest CID was bound to the VM
 *	(tvm_vsock.ko): its flows are measured from this event on; data is
 *	struct tvm_ev_vsock_cid
 */
#define TVM_EV_VSOCK_CID	(TVM_EV_BASE + 13)
/**
 * TVM_EV_CID_ADOPTED - in &struct tvm_ev_vsock_cid.flags: the CID was set
 *	before tvm_vsock was loaded and bound at its guest's first packet
 *	since; what the VM received on it before this event was not measured
 */
#define TVM_EV_CID_ADOPTED	(1U << 0)

/**
 * struct tvm_ev_vsock_cid - data of %TVM_EV_VSOCK_CID
 * @magic: "TVMC"
 * @flags: %TVM_EV_CID_ADOPTED
 * @cid: the guest CID
 */
struct tvm_ev_vsock_cid {
	__u8 magic[4];
	__le32 flags;
	__le64 cid;
};

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
 * struct tvm_ev_reset - data of a reset of PCR 16 or 23
 * @magic: "TVMR"
 * @pcr: the PCR that was reset
 * @reserved: zero
 *
 * Resets are logged as %TVM_EV_NO_ACTION events whose data is this and
 * whose digests are all zero: readers that replay the log (tvmctl) zero
 * the PCR there.  TCG tools know no resets (tpm2_eventlog up to 5.5 even
 * extends the zero digests), so their replay of a PCR after its reset
 * differs from tvm's; every other PCR matches.
 */
struct tvm_ev_reset {
	__u8 magic[4];
	__u8 pcr;
	__u8 reserved[3];
};

/**
 * enum tvm_cmd - commands of the "tvm" family; the top of this file draws
 *	each one's attributes
 * @TVM_CMD_UNSPEC: unused
 * @TVM_CMD_VM_CREATE: create a VM
 * @TVM_CMD_VM_DELETE: delete a VM
 * @TVM_CMD_VM_GET: get one VM, or dump every VM
 * @TVM_CMD_PCR_READ: read a VM's PCRs
 * @TVM_CMD_PCR_EXTEND: log an event and extend a PCR with it
 * @TVM_CMD_PCR_RESET: reset PCR 16 or 23
 * @TVM_CMD_LOG_DUMP: dump a VM's event log
 * @TVM_CMD_POLICY_LOAD: load a policy
 * @TVM_CMD_POLICY_GET: get one policy, or dump every policy's head
 * @TVM_CMD_POLICY_DELETE: delete a policy
 * @TVM_CMD_VM_LAUNCH: evaluate a VM against its policy
 * @TVM_CMD_EVENT_TRUST: "events" group: a VM's trust state changed
 * @TVM_CMD_EVENT_POLICY: "events" group: a policy was loaded or deleted
 * @TVM_CMD_AK_SET: set the attestation key
 * @TVM_CMD_AK_GET: get the attestation key
 * @TVM_CMD_QUOTE: sign a VM's PCRs and log count with the attestation key
 * @TVM_CMD_VM_BIND: name the next KVM VM a process creates
 * @TVM_CMD_VM_MEASURE: measure a KVM VM's runtime ranges now
 * @TVM_CMD_MEASURE_FILE: measure a file into a VM's PCR 9
 * @TVM_CMD_FLOW_GET: dump the live vsock flows
 * @TVM_CMD_EVENT_FLOW: "events" group: a flow was blocked or tainted
 * @TVM_CMD_MIGRATE_PREPARE: destination: a migration id and its key
 * @TVM_CMD_MIGRATE_EXPORT: source: freeze a VM and seal its state
 * @TVM_CMD_MIGRATE_IMPORT: destination: restore a sealed state
 * @TVM_CMD_MIGRATE_COMMIT: activate (destination) or wipe (source)
 * @TVM_CMD_MIGRATE_ABORT: discard (destination) or unfreeze (source)
 * @TVM_CMD_MIGRATE_GET: dump the migrations this host takes part in
 * @TVM_CMD_PCR_EXTEND_BATCH: log and extend many events in order (ABI 13)
 * @__TVM_CMD_MAX: internal
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
	TVM_CMD_POLICY_LOAD,
	TVM_CMD_POLICY_GET,
	TVM_CMD_POLICY_DELETE,
	TVM_CMD_VM_LAUNCH,
	TVM_CMD_EVENT_TRUST,
	TVM_CMD_EVENT_POLICY,
	TVM_CMD_AK_SET,
	TVM_CMD_AK_GET,
	TVM_CMD_QUOTE,
	TVM_CMD_VM_BIND,
	TVM_CMD_VM_MEASURE,
	TVM_CMD_MEASURE_FILE,
	TVM_CMD_FLOW_GET,
	TVM_CMD_EVENT_FLOW,
	TVM_CMD_MIGRATE_PREPARE,
	TVM_CMD_MIGRATE_EXPORT,
	TVM_CMD_MIGRATE_IMPORT,
	TVM_CMD_MIGRATE_COMMIT,
	TVM_CMD_MIGRATE_ABORT,
	TVM_CMD_MIGRATE_GET,
	TVM_CMD_PCR_EXTEND_BATCH,
	__TVM_CMD_MAX
};
#define TVM_CMD_MAX		(__TVM_CMD_MAX - 1)

/**
 * enum tvm_attr - top-level attributes
 * @TVM_A_UNSPEC: unused
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
 * @TVM_A_VM_TRUST: u32, enum tvm_trust
 * @TVM_A_VM_REASONS: nested, %TVM_A_REASON strings, oldest first: why
 *	the trust state is what it is (at most %TVM_REASONS_MAX)
 * @TVM_A_VM_POLICY_GEN: u64, generation of the policy the VM was last
 *	evaluated against, 0 for none
 * @TVM_A_POLICY: nested, enum tvm_policy_attr; in POLICY_LOAD its payload
 *	bytes are what an owner signs
 * @TVM_A_POLICY_SIGNATURE: binary, at most %TVM_SIGNATURE_MAX bytes: the
 *	owner's RSASSA-PKCS1-v1_5 SHA-256 signature of %TVM_A_POLICY's payload
 * @TVM_A_TRUST_OLD: u32, enum tvm_trust before a change (events)
 * @TVM_A_REASON: string, one reason
 * @TVM_A_AK_DESC: string, at most %TVM_KEY_DESC_MAX bytes: description of
 *	the attestation key (an asymmetric RSA private key, e.g. loaded as
 *	PKCS#8 with ``keyctl padd asymmetric DESC @u``; or, with
 *	%TVM_A_AK_ALG %TVM_AK_ALG_ECDSA, a logon key ``PREFIX:NAME``)
 * @TVM_A_AK_BITS: u32, the attestation key's size in bits (256 for P-256)
 * @TVM_A_AK_MODULUS: binary, its RSA modulus, big-endian, no leading zero
 * @TVM_A_AK_EXPONENT: binary, its RSA public exponent, big-endian
 * @TVM_A_QUOTE_NONCE: binary, %TVM_NONCE_MIN to %TVM_NONCE_MAX bytes: the
 *	caller's nonce, the quote's extraData
 * @TVM_A_QUOTE_ATTEST: binary: the TPMS_ATTEST that was signed
 * @TVM_A_QUOTE_SIGNATURE: binary: its signature (RSA AK: the bare
 *	RSASSA-PKCS1-v1_5 SHA-256 signature; ECDSA AK: the TPMT_SIGNATURE,
 *	see "Attestation" above)
 * @TVM_A_VM_PID: u32, the VMM's process id (thread group id); 0 for a VM
 *	made with VM_CREATE
 * @TVM_A_VM_KVM: flag, the VM is a KVM VM tracked by tvm_kvm
 * @TVM_A_FILE_FD: u32, a file descriptor of the caller
 * @TVM_A_FILE_NAME: string, 1-%TVM_EVENT_NAME_MAX bytes
 * @TVM_A_VM_CIDS: nested, %TVM_A_VM_CID entries in the order they were
 *	bound (at most %TVM_VM_CIDS_MAX); replies only
 * @TVM_A_VM_CID: u32, a vhost-vsock guest CID of the VM (tvm_vsock)
 * @TVM_A_VM_LEVEL: u32, 0-%TVM_POLICY_LEVELS: the VM's integrity level,
 *	what a dataflow rule's %TVM_A_DFR_MIN_LEVEL asks of a sender: 0
 *	unless the VM is TRUSTED; else the number of consecutive policy
 *	levels from 1 (os) up that its policy had references for (events or
 *	PCR values) when it was launched (replies only;
 *	Documentation/policy.rst, "Dataflow")
 * @TVM_A_FLOW: nested, enum tvm_flow_attr: one vsock flow; replies and
 *	events only
 * @TVM_A_MIG_ID: binary, %TVM_MIG_ID_SIZE: a migration id
 * @TVM_A_MIG_BLOB: binary, at most %TVM_MIG_BLOB_MAX bytes: a PREPARE
 *	blob or a receipt (Documentation/migration.rst)
 * @TVM_A_MIG_FD: u32, a file descriptor of the caller: a regular file
 *	(or memfd) the EXPORT blob is written to or read from, at offset 0
 * @TVM_A_MIG_SIZE: u64, an EXPORT blob's size in bytes (replies)
 * @TVM_A_MIG_TTL: u32, %TVM_MIG_TTL_MIN-%TVM_MIG_TTL_MAX seconds: how
 *	long a prepared id waits for its EXPORT blob (default
 *	%TVM_MIG_TTL_DEFAULT)
 * @TVM_A_MIG_FORCE: flag: the administrator's override (MIGRATE_ABORT)
 * @TVM_A_MIG_ROLE: u32, enum tvm_mig_role (replies)
 * @TVM_A_MIG_STATE: u32, enum tvm_mig_state (replies)
 * @TVM_A_MIG_PEER: binary, %TVM_MIG_HOST_ID_SIZE: the other host's id
 *	(replies)
 * @TVM_A_MIG_EXPIRES: u32, seconds until a prepared id expires (replies)
 * @TVM_A_VM_MIGRATION: u32, enum tvm_mig_state: where the VM is in a
 *	migration: %TVM_MIG_S_FROZEN or %TVM_MIG_S_GONE on the source,
 *	%TVM_MIG_D_IMPORTED on the destination before COMMIT (replies)
 * @TVM_A_MIG_DEEP: binary, at most %TVM_MIG_DEEP_MAX bytes: a deep quote
 *	of the destination's hardware TPM for a PREPARE blob (MIGRATE_EXPORT;
 *	Documentation/migration.rst, "The deep quote")
 * @TVM_A_VM_BIND_CREATED: flag: TVM_CMD_VM_BIND names the KVM VM the
 *	process created already, not its next one (ABI 11)
 * @TVM_A_VM_BIND_FILES: nested, %TVM_A_BFILE entries (enum
 *	tvm_bfile_attr), at most %TVM_BIND_FILES_MAX: files TVM_CMD_VM_BIND
 *	measures into the bound VM's PCR 9 at its creation (ABI 12)
 * @TVM_A_BATCH: nested, 1-%TVM_BATCH_MAX %TVM_A_BATCH_EVENT entries (enum
 *	tvm_batch_attr), each nesting enum tvm_attr attributes: the events
 *	of TVM_CMD_PCR_EXTEND_BATCH, or in its reply their VMs and sequence
 *	numbers (ABI 13)
 * @TVM_A_BATCH_DONE: u32, events a TVM_CMD_PCR_EXTEND_BATCH logged and
 *	extended (replies; ABI 13)
 * @TVM_A_AK_ALG: u32, the attestation key's signature scheme, a TPM_ALG_ID:
 *	%TVM_AK_ALG_RSASSA or %TVM_AK_ALG_ECDSA (AK_SET: which kind of key
 *	to take; replies: which it is; QUOTE replies: what signed) (ABI 13)
 * @TVM_A_AK_EC_X: binary, %TVM_AK_EC_BYTES: an ECDSA AK's public point's
 *	x, big-endian (ABI 13)
 * @TVM_A_AK_EC_Y: binary, %TVM_AK_EC_BYTES: its y (ABI 13)
 * @__TVM_A_MAX: internal
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
	TVM_A_VM_TRUST,
	TVM_A_VM_REASONS,
	TVM_A_VM_POLICY_GEN,
	TVM_A_POLICY,
	TVM_A_POLICY_SIGNATURE,
	TVM_A_TRUST_OLD,
	TVM_A_REASON,
	TVM_A_AK_DESC,
	TVM_A_AK_BITS,
	TVM_A_AK_MODULUS,
	TVM_A_AK_EXPONENT,
	TVM_A_QUOTE_NONCE,
	TVM_A_QUOTE_ATTEST,
	TVM_A_QUOTE_SIGNATURE,
	TVM_A_VM_PID,
	TVM_A_VM_KVM,
	TVM_A_FILE_FD,
	TVM_A_FILE_NAME,
	TVM_A_VM_CIDS,
	TVM_A_VM_CID,
	TVM_A_VM_LEVEL,
	TVM_A_FLOW,
	TVM_A_MIG_ID,
	TVM_A_MIG_BLOB,
	TVM_A_MIG_FD,
	TVM_A_MIG_SIZE,
	TVM_A_MIG_TTL,
	TVM_A_MIG_FORCE,
	TVM_A_MIG_ROLE,
	TVM_A_MIG_STATE,
	TVM_A_MIG_PEER,
	TVM_A_MIG_EXPIRES,
	TVM_A_VM_MIGRATION,
	TVM_A_MIG_DEEP,
	TVM_A_VM_BIND_CREATED,
	TVM_A_VM_BIND_FILES,
	TVM_A_BATCH,
	TVM_A_BATCH_DONE,
	TVM_A_AK_ALG,
	TVM_A_AK_EC_X,
	TVM_A_AK_EC_Y,
	__TVM_A_MAX
};
#define TVM_A_MAX		(__TVM_A_MAX - 1)

/**
 * enum tvm_pcrv_attr - one PCR value, inside %TVM_A_PCR_VALUES
 * @TVM_A_PCRV_UNSPEC: unused
 * @TVM_A_PCRV: nested, one entry (the list's element type)
 * @__TVM_A_PCRV_LIST_MAX: internal
 */
enum tvm_pcrv_attr {
	TVM_A_PCRV_UNSPEC,
	TVM_A_PCRV,
	__TVM_A_PCRV_LIST_MAX
};

/**
 * enum tvm_pcrv_entry_attr - fields of a %TVM_A_PCRV entry
 * @TVM_A_PCRV_ENTRY_UNSPEC: unused
 * @TVM_A_PCRV_BANK: u32, enum tvm_bank
 * @TVM_A_PCRV_INDEX: u32, 0-23
 * @TVM_A_PCRV_DIGEST: binary, the bank's digest size
 * @__TVM_A_PCRV_ENTRY_MAX: internal
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
 * @TVM_A_DIGEST_UNSPEC: unused
 * @TVM_A_DIGEST: nested, one entry (the list's element type)
 * @__TVM_A_DIGEST_LIST_MAX: internal
 */
enum tvm_digest_attr {
	TVM_A_DIGEST_UNSPEC,
	TVM_A_DIGEST,
	__TVM_A_DIGEST_LIST_MAX
};

/**
 * enum tvm_digest_entry_attr - fields of a %TVM_A_DIGEST entry
 * @TVM_A_DIGEST_ENTRY_UNSPEC: unused
 * @TVM_A_DIGEST_BANK: u32, enum tvm_bank
 * @TVM_A_DIGEST_VALUE: binary, the bank's digest size
 * @__TVM_A_DIGEST_ENTRY_MAX: internal
 */
enum tvm_digest_entry_attr {
	TVM_A_DIGEST_ENTRY_UNSPEC,
	TVM_A_DIGEST_BANK,
	TVM_A_DIGEST_VALUE,
	__TVM_A_DIGEST_ENTRY_MAX
};
#define TVM_A_DIGEST_ENTRY_MAX	(__TVM_A_DIGEST_ENTRY_MAX - 1)

/**
 * enum tvm_batch_attr - inside %TVM_A_BATCH (ABI 13)
 * @TVM_A_BATCH_UNSPEC: unused
 * @TVM_A_BATCH_EVENT: nested, one event, its attributes of enum tvm_attr
 *	(the list's element type)
 * @__TVM_A_BATCH_LIST_MAX: internal
 */
enum tvm_batch_attr {
	TVM_A_BATCH_UNSPEC,
	TVM_A_BATCH_EVENT,
	__TVM_A_BATCH_LIST_MAX
};

/**
 * enum tvm_bfile_attr - inside %TVM_A_VM_BIND_FILES (ABI 12)
 * @TVM_A_BFILE_UNSPEC: unused
 * @TVM_A_BFILE: nested, one file (the list's element type)
 * @__TVM_A_BFILE_LIST_MAX: internal
 */
enum tvm_bfile_attr {
	TVM_A_BFILE_UNSPEC,
	TVM_A_BFILE,
	__TVM_A_BFILE_LIST_MAX
};

/**
 * enum tvm_bfile_entry_attr - fields of a %TVM_A_BFILE entry (ABI 12)
 * @TVM_A_BFILE_ENTRY_UNSPEC: unused
 * @TVM_A_BFILE_FD: u32, a file descriptor of the caller: a regular file
 *	open for reading (required)
 * @TVM_A_BFILE_NAME: string, 1-%TVM_EVENT_NAME_MAX bytes: the event's
 *	name, unique among the binding's files (required)
 * @__TVM_A_BFILE_ENTRY_MAX: internal
 */
enum tvm_bfile_entry_attr {
	TVM_A_BFILE_ENTRY_UNSPEC,
	TVM_A_BFILE_FD,
	TVM_A_BFILE_NAME,
	__TVM_A_BFILE_ENTRY_MAX
};
#define TVM_A_BFILE_ENTRY_MAX	(__TVM_A_BFILE_ENTRY_MAX - 1)

/** TVM_BIND_FILES_MAX - files one binding measures (ABI 12) */
#define TVM_BIND_FILES_MAX	4

/** TVM_POLICY_VERSION - the policy format version this header describes */
#define TVM_POLICY_VERSION	1
/** TVM_POLICY_LEVELS - levels 1 (OS, PCR 9) to 4 (configuration, PCR 12) */
#define TVM_POLICY_LEVELS	4
/** TVM_POLICY_LEVEL_VMM - level 0: the VMM (PCR 8), events only */
#define TVM_POLICY_LEVEL_VMM	0
/** TVM_OWNER_KEYRING - tvm's keyring of owner keys */
#define TVM_OWNER_KEYRING	".tvm_owner"
/** TVM_POLICY_EVENTS_MAX - events in one level's allow-list */
#define TVM_POLICY_EVENTS_MAX	256
/**
 * TVM_POLICY_DIGESTS_MAX - accepted digests of one event, or values of one
 *	PCR
 */
#define TVM_POLICY_DIGESTS_MAX	16
/** TVM_EVENT_NAME_MAX - longest event name, without the NUL */
#define TVM_EVENT_NAME_MAX	255
/** TVM_KEY_DESC_MAX - longest owner key description, without the NUL */
#define TVM_KEY_DESC_MAX	255

/** TVM_AK_ALG_RSASSA - an RSA AK, RSASSA-PKCS1-v1_5 (TPM_ALG_RSASSA) */
#define TVM_AK_ALG_RSASSA	0x0014
/** TVM_AK_ALG_ECDSA - a NIST P-256 AK, ECDSA (TPM_ALG_ECDSA) (ABI 13) */
#define TVM_AK_ALG_ECDSA	0x0018
/** TVM_AK_EC_BYTES - bytes of a P-256 scalar or coordinate (ABI 13) */
#define TVM_AK_EC_BYTES		32
/** TVM_SIGNATURE_MAX - largest signature (RSA-4096) */
#define TVM_SIGNATURE_MAX	512
/** TVM_REASONS_MAX - reasons a VM keeps (the oldest go first) */
#define TVM_REASONS_MAX		8

/**
 * TVM_VM_CIDS_MAX - vsock guest CIDs one VM can hold (%TVM_A_VM_CIDS);
 *	tvm_vsock leaves a CID past this unbound
 */
#define TVM_VM_CIDS_MAX		8
/** TVM_REASON_MAX - longest reason, without the NUL */
#define TVM_REASON_MAX		159

/**
 * enum tvm_trust - trust state of a VM
 * @TVM_TRUST_UNSPEC: unused
 * @TVM_TRUST_PENDING: created, not launched; mismatches are noted
 * @TVM_TRUST_TRUSTED: launched, and everything matched its policy
 * @TVM_TRUST_UNTRUSTED: something did not match, or the log overflowed;
 *	final
 * @TVM_TRUST_UNKNOWN: launched with no reference to compare against
 * @__TVM_TRUST_MAX: internal
 *
 * Documentation/policy.rst has the whole transition table.
 */
enum tvm_trust {
	TVM_TRUST_UNSPEC,
	TVM_TRUST_PENDING,
	TVM_TRUST_TRUSTED,
	TVM_TRUST_UNTRUSTED,
	TVM_TRUST_UNKNOWN,
	__TVM_TRUST_MAX
};

/**
 * enum tvm_policy_mode - what a mismatch does
 * @TVM_POLICY_MODE_UNSPEC: unused
 * @TVM_POLICY_AUDIT: it is reported; the VM runs
 * @TVM_POLICY_ENFORCE: the VM is stopped (launch fails with EACCES; KVM
 *	gating refuses KVM_RUN, and a KVM VM that stops being trusted while
 *	it runs has its vCPUs forced out of the guest: their KVM_RUN fails
 *	with EACCES)
 * @__TVM_POLICY_MODE_MAX: internal
 */
enum tvm_policy_mode {
	TVM_POLICY_MODE_UNSPEC,
	TVM_POLICY_AUDIT,
	TVM_POLICY_ENFORCE,
	__TVM_POLICY_MODE_MAX
};

/**
 * enum tvm_policy_attr - inside %TVM_A_POLICY
 * @TVM_A_POLICY_UNSPEC: unused
 * @TVM_A_POLICY_VERSION: u32, %TVM_POLICY_VERSION
 * @TVM_A_POLICY_UUID: binary, %TVM_UUID_SIZE: for the VM with this UUID
 * @TVM_A_POLICY_NAME: string: for the VM with this name
 * @TVM_A_POLICY_DEFAULT: flag: for VMs no other policy selects
 * @TVM_A_POLICY_MODE: u32, enum tvm_policy_mode (default audit)
 * @TVM_A_POLICY_OWNER_KEY: string: an owner key description, no longer
 *	taken: refused (use KEY_ID)
 * @TVM_A_POLICY_LEVEL: nested, enum tvm_level_attr; at most one per level
 * @TVM_A_POLICY_GEN: u64, generation (replies)
 * @TVM_A_POLICY_DIGEST: binary, SHA-256 of the loaded payload (replies)
 * @TVM_A_POLICY_SIGNED: flag, the signature was verified (replies)
 * @TVM_A_POLICY_PAD: padding
 * @TVM_A_POLICY_RUNTIME: nested, enum tvm_range_attr: a runtime range of
 *	a KVM VM; at most %TVM_POLICY_RANGES_MAX
 * @TVM_A_POLICY_KEY_ID: binary, %TVM_KEY_ID_SIZE: the owner key's id,
 *	SHA-256 of its RSA public key (the DER RSAPublicKey); the key is
 *	looked up in the %TVM_OWNER_KEYRING keyring
 * @TVM_A_POLICY_REVISION: u32: the policy's revision, signed with it;
 *	anti-rollback (default 0)
 * @TVM_A_POLICY_TOMBSTONE: flag: this is a signed delete, not a policy
 *	(POLICY_DELETE only)
 * @TVM_A_POLICY_DATAFLOW: nested, enum tvm_df_attr: the dataflow section,
 *	what the selected VM accepts as a receiver of vsock data; at most
 *	one (Documentation/policy.rst, "Dataflow")
 * @TVM_A_POLICY_MIGRATION: nested, enum tvm_migp_attr: the migration
 *	section, where the selected VM may migrate to; at most one.  Without
 *	it the VM does not migrate (Documentation/policy.rst, "Migration")
 * @__TVM_A_POLICY_MAX: internal
 */
enum tvm_policy_attr {
	TVM_A_POLICY_UNSPEC,
	TVM_A_POLICY_VERSION,
	TVM_A_POLICY_UUID,
	TVM_A_POLICY_NAME,
	TVM_A_POLICY_DEFAULT,
	TVM_A_POLICY_MODE,
	TVM_A_POLICY_OWNER_KEY,
	TVM_A_POLICY_LEVEL,
	TVM_A_POLICY_GEN,
	TVM_A_POLICY_DIGEST,
	TVM_A_POLICY_SIGNED,
	TVM_A_POLICY_PAD,
	TVM_A_POLICY_RUNTIME,
	TVM_A_POLICY_KEY_ID,
	TVM_A_POLICY_REVISION,
	TVM_A_POLICY_TOMBSTONE,
	TVM_A_POLICY_DATAFLOW,
	TVM_A_POLICY_MIGRATION,
	__TVM_A_POLICY_MAX
};
#define TVM_A_POLICY_MAX	(__TVM_A_POLICY_MAX - 1)

/**
 * enum tvm_level_attr - inside %TVM_A_POLICY_LEVEL
 * @TVM_A_LEVEL_UNSPEC: unused
 * @TVM_A_LEVEL_NUM: u32, 0-4 (PCR 8 + level); level 0 takes
 *	events only, and judges the PCR 8 events that are not tvm's own
 *	(%TVM_EV_TVM_VERSION and %TVM_EV_POLICY)
 * @TVM_A_LEVEL_EVENT: nested, enum tvm_pevent_attr: an accepted event;
 *	with any, every event extended into the level's PCR must be one
 * @TVM_A_LEVEL_PCR: nested, %TVM_A_DIGEST entries: accepted final values
 *	of the level's PCR, checked at launch: in every bank listed that the
 *	VM has, the PCR must equal one of the values given for that bank
 * @__TVM_A_LEVEL_MAX: internal
 *
 * A level has at least one LEVEL_EVENT or a LEVEL_PCR; a list of digests
 * holds 1 to %TVM_POLICY_DIGESTS_MAX, none twice.
 */
enum tvm_level_attr {
	TVM_A_LEVEL_UNSPEC,
	TVM_A_LEVEL_NUM,
	TVM_A_LEVEL_EVENT,
	TVM_A_LEVEL_PCR,
	__TVM_A_LEVEL_MAX
};
#define TVM_A_LEVEL_MAX		(__TVM_A_LEVEL_MAX - 1)

/**
 * enum tvm_pevent_attr - inside %TVM_A_LEVEL_EVENT
 * @TVM_A_PEVENT_UNSPEC: unused
 * @TVM_A_PEVENT_NAME: string: the event's name, its data as text
 * @TVM_A_PEVENT_DIGESTS: nested, %TVM_A_DIGEST entries: accepted digests.
 *	An event matches when, in every bank listed here that the VM has,
 *	its digest is one of those given for that bank (and at least one
 *	such bank exists).
 * @__TVM_A_PEVENT_MAX: internal
 */
enum tvm_pevent_attr {
	TVM_A_PEVENT_UNSPEC,
	TVM_A_PEVENT_NAME,
	TVM_A_PEVENT_DIGESTS,
	__TVM_A_PEVENT_MAX
};
#define TVM_A_PEVENT_MAX	(__TVM_A_PEVENT_MAX - 1)

/**
 * TVM_QUOTE_FW_KVM - in a quote's firmwareVersion: the VM is a
 *	KVM VM (%TVM_A_VM_KVM), whose PCRs 8, 9 and 12 tvm_kvm measured: its
 *	launch was measured by the kernel, not only described by an
 *	administrator's extends
 */
#define TVM_QUOTE_FW_KVM	(1ULL << 32)
/**
 * TVM_QUOTE_FW_ADOPTED - in a quote's firmwareVersion: the KVM VM
 *	was running before tvm_kvm saw it (adopted): nothing of its launch
 *	was measured
 */
#define TVM_QUOTE_FW_ADOPTED	(1ULL << 33)
/** TVM_QUOTE_FW_ABI - the bits of firmwareVersion that hold the ABI version */
#define TVM_QUOTE_FW_ABI	0xffffffffULL

/** TVM_BINDINGS_MAX - bindings that may wait for their VM at once */
#define TVM_BINDINGS_MAX	64
/** TVM_POLICY_RANGES_MAX - runtime ranges in one policy */
#define TVM_POLICY_RANGES_MAX	16
/** TVM_RANGE_LEN_MAX - longest runtime range, in bytes */
#define TVM_RANGE_LEN_MAX	(16U << 20)
/** TVM_RANGE_INTERVAL_MIN - shortest measuring interval, milliseconds */
#define TVM_RANGE_INTERVAL_MIN	100
/** TVM_RANGE_INTERVAL_MAX - longest measuring interval (a day) */
#define TVM_RANGE_INTERVAL_MAX	86400000

/**
 * enum tvm_range_attr - inside %TVM_A_POLICY_RUNTIME
 * @TVM_A_RANGE_UNSPEC: unused
 * @TVM_A_RANGE_GPA: u64, guest physical address (required)
 * @TVM_A_RANGE_LEN: u64, 1-%TVM_RANGE_LEN_MAX bytes (required); the range
 *	must not wrap
 * @TVM_A_RANGE_SHA256: binary, 32 bytes: the expected SHA-256 (required)
 * @TVM_A_RANGE_INTERVAL: u32, milliseconds: 0, or
 *	%TVM_RANGE_INTERVAL_MIN-%TVM_RANGE_INTERVAL_MAX (default 0)
 * @TVM_A_RANGE_PAD: padding
 * @__TVM_A_RANGE_MAX: internal
 *
 * A runtime range is a guest memory range of a KVM VM that must keep a
 * digest: tvm hashes it every INTERVAL milliseconds (0: only on
 * TVM_CMD_VM_MEASURE) from the first KVM_RUN on, logs it in PCR 13 as
 * %TVM_EV_RUNTIME, and a digest other than SHA256 turns a trusted VM
 * untrusted (and, in enforce mode, stops its vCPUs).
 */
enum tvm_range_attr {
	TVM_A_RANGE_UNSPEC,
	TVM_A_RANGE_GPA,
	TVM_A_RANGE_LEN,
	TVM_A_RANGE_SHA256,
	TVM_A_RANGE_INTERVAL,
	TVM_A_RANGE_PAD,
	__TVM_A_RANGE_MAX
};
#define TVM_A_RANGE_MAX		(__TVM_A_RANGE_MAX - 1)

/**
 * enum tvm_df_action - what becomes of data a receiver's dataflow section
 *	does not accept from its sender (Documentation/policy.rst, "Dataflow")
 * @TVM_DF_MEASURE: delivered and measured into the receiver's PCR 14
 * @TVM_DF_TAINT: delivered and measured; the receiver turns UNTRUSTED,
 *	naming the sender
 * @TVM_DF_BLOCK: dropped, and both ends see the connection reset
 * @__TVM_DF_ACTION_MAX: internal
 */
enum tvm_df_action {
	TVM_DF_MEASURE,
	TVM_DF_TAINT,
	TVM_DF_BLOCK,
	__TVM_DF_ACTION_MAX
};
#define TVM_DF_ACTION_MAX	(__TVM_DF_ACTION_MAX - 1)

/** TVM_DF_RULES_MAX - rules in one dataflow section */
#define TVM_DF_RULES_MAX	64
/** TVM_DF_PORT_RANGES_MAX - port ranges in one dataflow rule */
#define TVM_DF_PORT_RANGES_MAX	16
/**
 * TVM_DF_CHECKPOINT_BYTES_MIN - smallest checkpoint interval in bytes
 *	(besides 0, the module's default): bounds how fast a flow grows the log
 */
#define TVM_DF_CHECKPOINT_BYTES_MIN	4096
/** TVM_DF_CHECKPOINT_MS_MIN - shortest checkpoint interval in ms (besides 0) */
#define TVM_DF_CHECKPOINT_MS_MIN	100
/** TVM_DF_CHECKPOINT_MS_MAX - longest checkpoint interval (a day) */
#define TVM_DF_CHECKPOINT_MS_MAX	86400000

/**
 * enum tvm_df_attr - inside %TVM_A_POLICY_DATAFLOW, each at most once but
 *	%TVM_A_DF_RULE
 * @TVM_A_DF_UNSPEC: unused
 * @TVM_A_DF_DEFAULT: u32, enum tvm_df_action: for a sender and port no
 *	rule matches (default %TVM_DF_BLOCK)
 * @TVM_A_DF_CHECKPOINT_BYTES: u64: a flow into the VM is checkpointed in
 *	PCR 14 every this many bytes; 0 (default): the module's default,
 *	else at least %TVM_DF_CHECKPOINT_BYTES_MIN
 * @TVM_A_DF_CHECKPOINT_MS: u32: and every this many milliseconds; 0
 *	(default): the module's default, else %TVM_DF_CHECKPOINT_MS_MIN to
 *	%TVM_DF_CHECKPOINT_MS_MAX
 * @TVM_A_DF_PER_MESSAGE: flag: an event per message rather than per flow
 * @TVM_A_DF_RULE: nested, enum tvm_df_rule_attr: a rule; the first that
 *	matches a sender and port decides; at most %TVM_DF_RULES_MAX
 * @TVM_A_DF_PAD: padding
 * @__TVM_A_DF_MAX: internal
 */
enum tvm_df_attr {
	TVM_A_DF_UNSPEC,
	TVM_A_DF_DEFAULT,
	TVM_A_DF_CHECKPOINT_BYTES,
	TVM_A_DF_CHECKPOINT_MS,
	TVM_A_DF_PER_MESSAGE,
	TVM_A_DF_RULE,
	TVM_A_DF_PAD,
	__TVM_A_DF_MAX
};
#define TVM_A_DF_MAX		(__TVM_A_DF_MAX - 1)

/**
 * enum tvm_df_rule_attr - inside %TVM_A_DF_RULE, each at most once but
 *	%TVM_A_DFR_PORTS
 * @TVM_A_DFR_UNSPEC: unused
 * @TVM_A_DFR_FROM_ANY: flag: the rule is for every sender, the host too
 * @TVM_A_DFR_FROM_HOST: flag: for the host
 * @TVM_A_DFR_FROM_NAME: string: for the VM with this name (the VM name
 *	rules)
 * @TVM_A_DFR_FROM_UUID: binary, %TVM_UUID_SIZE: for the VM with this UUID
 * @TVM_A_DFR_PORTS: nested, enum tvm_df_ports_attr: a range of the
 *	receiver's ports the rule is for; none: every port; at most
 *	%TVM_DF_PORT_RANGES_MAX
 * @TVM_A_DFR_MIN_TRUST: u32, enum tvm_trust: the least trust state the
 *	sender must be in, in the order untrusted < pending < unknown <
 *	trusted (default untrusted: any)
 * @TVM_A_DFR_MIN_LEVEL: u32, 0-%TVM_POLICY_LEVELS: the least integrity
 *	level (%TVM_A_VM_LEVEL) the sender must have (default 0)
 * @TVM_A_DFR_ACTION: u32, enum tvm_df_action: what is done when the
 *	sender falls short of either minimum (default %TVM_DF_BLOCK)
 * @__TVM_A_DFR_MAX: internal
 *
 * A rule names exactly one of FROM_ANY, FROM_HOST, FROM_NAME and
 * FROM_UUID.  The host meets every minimum.
 */
enum tvm_df_rule_attr {
	TVM_A_DFR_UNSPEC,
	TVM_A_DFR_FROM_ANY,
	TVM_A_DFR_FROM_HOST,
	TVM_A_DFR_FROM_NAME,
	TVM_A_DFR_FROM_UUID,
	TVM_A_DFR_PORTS,
	TVM_A_DFR_MIN_TRUST,
	TVM_A_DFR_MIN_LEVEL,
	TVM_A_DFR_ACTION,
	__TVM_A_DFR_MAX
};
#define TVM_A_DFR_MAX		(__TVM_A_DFR_MAX - 1)

/**
 * enum tvm_df_ports_attr - inside %TVM_A_DFR_PORTS
 * @TVM_A_DFP_UNSPEC: unused
 * @TVM_A_DFP_FIRST: u32, the range's first port (required)
 * @TVM_A_DFP_LAST: u32, its last port, not below FIRST (required)
 * @__TVM_A_DFP_MAX: internal
 */
enum tvm_df_ports_attr {
	TVM_A_DFP_UNSPEC,
	TVM_A_DFP_FIRST,
	TVM_A_DFP_LAST,
	__TVM_A_DFP_MAX
};
#define TVM_A_DFP_MAX		(__TVM_A_DFP_MAX - 1)

/**
 * enum tvm_flow_state - where a flow is
 * @TVM_FLOW_OPEN: open
 * @TVM_FLOW_SHUT: a SHUTDOWN of one direction was seen
 * @TVM_FLOW_CLOSED: closed (in events only: a dump lists live flows)
 * @__TVM_FLOW_STATE_MAX: internal
 */
enum tvm_flow_state {
	TVM_FLOW_OPEN,
	TVM_FLOW_SHUT,
	TVM_FLOW_CLOSED,
	__TVM_FLOW_STATE_MAX
};

/**
 * enum tvm_flow_attr - inside %TVM_A_FLOW
 * @TVM_A_FLOW_UNSPEC: unused
 * @TVM_A_FLOW_ID: u64, the flow's number, from 1 in the order opened
 * @TVM_A_FLOW_SRC_CID: u32, the sender's CID (2: the host)
 * @TVM_A_FLOW_SRC_PORT: u32, the sender's port
 * @TVM_A_FLOW_DST_CID: u32, the receiver's CID
 * @TVM_A_FLOW_DST_PORT: u32, the receiver's port
 * @TVM_A_FLOW_RX_VM: u32, the receiving VM's id; absent: the host
 * @TVM_A_FLOW_TX_VM: u32, the sending VM's id; absent: the host, or a
 *	CID no VM holds
 * @TVM_A_FLOW_TX_HOST: flag, the host sends
 * @TVM_A_FLOW_BYTES: u64, payload bytes so far
 * @TVM_A_FLOW_EVENTS: u64, %TVM_EV_FLOW events logged for it
 * @TVM_A_FLOW_ACTION: u32, enum tvm_df_action: the strongest so far
 * @TVM_A_FLOW_STATE: u32, enum tvm_flow_state
 * @TVM_A_FLOW_MEASURED: flag, its receiver is a VM whose PCR 14 gets
 *	its events (not so for the host)
 * @TVM_A_FLOW_PAD: padding
 * @__TVM_A_FLOW_MAX: internal
 */
enum tvm_flow_attr {
	TVM_A_FLOW_UNSPEC,
	TVM_A_FLOW_ID,
	TVM_A_FLOW_SRC_CID,
	TVM_A_FLOW_SRC_PORT,
	TVM_A_FLOW_DST_CID,
	TVM_A_FLOW_DST_PORT,
	TVM_A_FLOW_RX_VM,
	TVM_A_FLOW_TX_VM,
	TVM_A_FLOW_TX_HOST,
	TVM_A_FLOW_BYTES,
	TVM_A_FLOW_EVENTS,
	TVM_A_FLOW_ACTION,
	TVM_A_FLOW_STATE,
	TVM_A_FLOW_MEASURED,
	TVM_A_FLOW_PAD,
	__TVM_A_FLOW_MAX
};
#define TVM_A_FLOW_MAX		(__TVM_A_FLOW_MAX - 1)

/** TVM_NONCE_MIN - shortest nonce a quote accepts */
#define TVM_NONCE_MIN		8
/** TVM_NONCE_MAX - longest nonce (TPM2B_DATA holds a digest at most) */
#define TVM_NONCE_MAX		64

/*
 * Migration (Documentation/migration.rst)
 */

/** TVM_MIG_ID_SIZE - bytes of a migration id (random, made by PREPARE) */
#define TVM_MIG_ID_SIZE		16
/**
 * TVM_MIG_HOST_ID_SIZE - bytes of a host id: SHA-256 of the host's
 *	attestation key's RSA public key (the DER RSAPublicKey), as owner key
 *	ids are made
 */
#define TVM_MIG_HOST_ID_SIZE	32
/** TVM_MIG_BLOB_MAX - largest PREPARE blob or receipt */
#define TVM_MIG_BLOB_MAX	4096
/** TVM_MIG_EXPORT_MAX - largest EXPORT blob IMPORT reads */
#define TVM_MIG_EXPORT_MAX	(256U << 20)
/** TVM_MIG_TTL_MIN - shortest life of a prepared id, in seconds */
#define TVM_MIG_TTL_MIN		1
/** TVM_MIG_TTL_MAX - longest life of a prepared id, in seconds */
#define TVM_MIG_TTL_MAX		3600
/** TVM_MIG_TTL_DEFAULT - life of a prepared id without %TVM_A_MIG_TTL */
#define TVM_MIG_TTL_DEFAULT	300
/** TVM_MIG_MAX - migrations a host holds at once, both roles and ended
 *	ones it still answers for counted */
#define TVM_MIG_MAX		64
/** TVM_MIGRATION_KEYRING - the keyring of migration peers' public keys */
#define TVM_MIGRATION_KEYRING	".tvm_migration"
/** TVM_MIGP_PEERS_MAX - peers a policy's migration section lists */
#define TVM_MIGP_PEERS_MAX	16
/** TVM_MIGP_TPM_KEYS_MAX - TPM keys a policy's migration section lists */
#define TVM_MIGP_TPM_KEYS_MAX	8
/** TVM_MIG_DEEP_MAX - largest deep quote (%TVM_A_MIG_DEEP) */
#define TVM_MIG_DEEP_MAX	2048

/**
 * enum tvm_mig_role - a host's part in a migration
 * @TVM_MIG_ROLE_UNSPEC: unused
 * @TVM_MIG_SOURCE: the host the VM leaves
 * @TVM_MIG_DEST: the host the VM goes to
 * @__TVM_MIG_ROLE_MAX: internal
 */
enum tvm_mig_role {
	TVM_MIG_ROLE_UNSPEC,
	TVM_MIG_SOURCE,
	TVM_MIG_DEST,
	__TVM_MIG_ROLE_MAX
};

/**
 * enum tvm_mig_state - a migration's state on one host; the table in
 *	Documentation/migration.rst gives every transition
 * @TVM_MIG_S_NONE: source: not exported under this id
 * @TVM_MIG_S_FROZEN: source: exported; the VM neither runs nor extends
 * @TVM_MIG_S_GONE: source: the destination's COMMIT receipt came; the VM's
 *	state is wiped for good
 * @TVM_MIG_S_RESUMED: source: the destination's ABORT receipt came (or the
 *	administrator's override); the VM runs here again
 * @TVM_MIG_D_NONE: destination: no such id
 * @TVM_MIG_D_PREPARED: destination: the id waits for its EXPORT blob
 * @TVM_MIG_D_IMPORTED: destination: the VM is restored, neither running
 *	nor extending until COMMIT
 * @TVM_MIG_D_ACTIVE: destination: committed; the VM is live here
 * @TVM_MIG_D_ABORTED: destination: discarded, or the id expired unused
 * @__TVM_MIG_STATE_MAX: internal
 */
enum tvm_mig_state {
	TVM_MIG_S_NONE,
	TVM_MIG_S_FROZEN,
	TVM_MIG_S_GONE,
	TVM_MIG_S_RESUMED,
	TVM_MIG_D_NONE,
	TVM_MIG_D_PREPARED,
	TVM_MIG_D_IMPORTED,
	TVM_MIG_D_ACTIVE,
	TVM_MIG_D_ABORTED,
	__TVM_MIG_STATE_MAX
};

/**
 * enum tvm_migp_attr - inside %TVM_A_POLICY_MIGRATION
 * @TVM_A_MIGP_UNSPEC: unused
 * @TVM_A_MIGP_PEER: binary, %TVM_MIG_HOST_ID_SIZE: a host the VM may go
 *	to, by host id; at most %TVM_MIGP_PEERS_MAX, none twice.  Without
 *	any, every host whose key is in %TVM_MIGRATION_KEYRING
 * @TVM_A_MIGP_PLATFORM: nested, enum tvm_migp_pcr_attr: the accepted
 *	values of one of the destination's platform PCRs (0-7, SHA-256);
 *	at most one per PCR.  A PCR not listed is not judged
 * @TVM_A_MIGP_TPM_KEY: binary, 32: a TPM key that may vouch for a
 *	destination's platform, by id (SHA-256 of its DER RSAPublicKey); at
 *	most %TVM_MIGP_TPM_KEYS_MAX, none twice.  With any, EXPORT requires a
 *	deep quote (%TVM_A_MIG_DEEP) signed by one of them
 * @__TVM_A_MIGP_MAX: internal
 */
enum tvm_migp_attr {
	TVM_A_MIGP_UNSPEC,
	TVM_A_MIGP_PEER,
	TVM_A_MIGP_PLATFORM,
	TVM_A_MIGP_TPM_KEY,
	__TVM_A_MIGP_MAX
};
#define TVM_A_MIGP_MAX		(__TVM_A_MIGP_MAX - 1)

/**
 * enum tvm_migp_pcr_attr - inside %TVM_A_MIGP_PLATFORM
 * @TVM_A_MIGPP_UNSPEC: unused
 * @TVM_A_MIGPP_INDEX: u32, 0-7: the platform PCR (required)
 * @TVM_A_MIGPP_SHA256: binary, 32 bytes: an accepted value; 1 to
 *	%TVM_POLICY_DIGESTS_MAX, none twice
 * @__TVM_A_MIGPP_MAX: internal
 */
enum tvm_migp_pcr_attr {
	TVM_A_MIGPP_UNSPEC,
	TVM_A_MIGPP_INDEX,
	TVM_A_MIGPP_SHA256,
	__TVM_A_MIGPP_MAX
};
#define TVM_A_MIGPP_MAX		(__TVM_A_MIGPP_MAX - 1)

/**
 * TVM_EV_MIGRATION - PCR 15: the VM took part in a migration; data is
 *	struct tvm_ev_migration
 */
#define TVM_EV_MIGRATION	(TVM_EV_BASE + 14)

/** TVM_EV_MIG_OUT - source: exported (logged before the state is sealed) */
#define TVM_EV_MIG_OUT		(1U << 0)
/** TVM_EV_MIG_IN - destination: imported (the first event after the
 *	source's log) */
#define TVM_EV_MIG_IN		(1U << 1)
/** TVM_EV_MIG_COMMIT - destination: committed; the VM is live here */
#define TVM_EV_MIG_COMMIT	(1U << 2)
/** TVM_EV_MIG_ABORT - source: resumed on the destination's ABORT receipt */
#define TVM_EV_MIG_ABORT	(1U << 3)
/** TVM_EV_MIG_OVERRIDE - source: resumed by the administrator's override,
 *	without a receipt: the destination may hold a live copy */
#define TVM_EV_MIG_OVERRIDE	(1U << 4)

/**
 * struct tvm_ev_migration - data of %TVM_EV_MIGRATION
 * @magic: "TVMG"
 * @flags: one of the TVM_EV_MIG_* above
 * @id: the migration id
 * @source: the source's host id
 * @dest: the destination's host id
 * @platform: SHA-256 of the destination's platform PCR values as its
 *	PREPARE blob gives them (mask, then the values present, in order)
 */
struct tvm_ev_migration {
	__u8 magic[4];
	__le32 flags;
	__u8 id[TVM_MIG_ID_SIZE];
	__u8 source[TVM_MIG_HOST_ID_SIZE];
	__u8 dest[TVM_MIG_HOST_ID_SIZE];
	__u8 platform[32];
};

#endif /* _UAPI_LINUX_TVM_H */
