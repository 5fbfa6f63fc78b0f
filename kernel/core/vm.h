/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvm instances ("VMs"): each VM's PCR banks, event log and state
 * (vm.c); registry.h finds them.
 *
 * Lifetime: a VM is reference counted.  The registry holds one reference
 * from creation until deletion; lookups take their own with
 * tvm_vm_get_*() and drop it with tvm_vm_put().  Deletion unlinks the VM
 * from the registry and marks it dead; holders of a reference may still
 * read it, but every change to it fails with -ENOENT.  The memory goes
 * after the last reference and an RCU grace period.
 */
#ifndef _TVM_VM_H
#define _TVM_VM_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/seqlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/tvm.h>

struct dentry;
struct file;
struct netlink_ext_ack;
struct tvm_event;

/* securityfs entries of a VM: its directory, then its files. */
#define TVM_VM_MAX_FILES	(__TVM_BANK_MAX + 5)

/**
 * struct tvm_vm - one tvm instance
 * @id: numeric id, from 1; fixed
 * @name: NUL-terminated name.  Fixed, but for one change: a late bind
 *	(tvm_vm_set_ident()) of a KVM VM that never ran renames it, under
 *	tvm_registry_lock, @lock and @ident_lock.  A holder of @lock or
 *	tvm_registry_lock reads it as it is; any other reader copies it with
 *	tvm_vm_ident()
 * @uuid: UUID; as @name
 * @ident_lock: the seqlock of that one change of @name and @uuid; for the
 *	readers without @lock (policy lookups under RCU, replies, quotes)
 * @banks: mask of (1 << enum tvm_bank); fixed
 * @log_max: most events @log may hold; fixed
 * @log_max_bytes: most bytes @log may use; fixed
 * @ref: references; the registry holds one while the VM is linked
 * @name_node: in the registry's name table, under tvm_registry_lock
 * @uuid_node: in the registry's UUID table, under tvm_registry_lock
 * @free_work: frees the VM an RCU grace period after the last reference
 * @dentries: securityfs directory and files; created after the VM is
 *	linked and removed before it is unlinked, both under
 *	tvm_registry_lock
 * @lock: protects @pcrs, @state, @dead and the log counters, and
 *	serialises appends to @log; taken after tvm_registry_lock
 * @dead: set once, under @lock, when the VM is deleted
 * @state: enum tvm_vm_state
 * @pcrs: PCR values of each bank in @banks, indexed [bank][pcr]
 * @log: sequence number -> struct tvm_event.  Appended under @lock, and
 *	the entry stored before @log_count counts it; entries never change
 *	or go away until the VM is freed, so a holder of a reference may
 *	read any entry below @log_count without @lock
 * @log_count: events in @log, the next sequence number; written under
 *	@lock, read locklessly with READ_ONCE() where a stale value is fine
 * @log_bytes: memory the events in @log use
 * @log_refused: extends and resets refused because @log was full
 * @trust: enum tvm_trust; written under @lock, read locklessly by
 *	tvm_vm_may_run()
 * @level: the integrity level (TVM_A_VM_LEVEL) a launch that matched
 *	gave: written once under @lock, before @trust becomes TRUSTED, and
 *	read locklessly by tvm_vm_dataflow(); it counts only while @trust
 *	is TRUSTED
 * @noted: a mismatch or a full log before launch, which makes the launch
 *	a mismatch; under @lock
 * @reasons: why @trust is what it is, oldest first; under @lock
 * @nreasons: entries of @reasons; under @lock
 * @policy_gen: generation of the policy last checked against, 0 for none;
 *	under @lock
 * @policy_id: the TVM_EV_POLICY data last logged, valid with
 *	@policy_logged; under @lock
 * @policy_logged: a TVM_EV_POLICY event was logged; under @lock
 * @pid: the VMM's thread group id (init namespace) for a KVM VM, else 0;
 *	fixed
 * @owner: the user whose VM it is for max_vms_per_user: the caller of
 *	VM_CREATE, the VMM of a KVM VM; fixed
 * @kvm: a KVM VM, made by tvm_vm_create_kvm(); fixed
 * @adopted: the VM ran before tvm saw it (tvm_vm_adopt()); written once
 *	under @lock, read locklessly by tvm_vm_may_run()
 * @cids: the vhost-vsock guest CIDs bound to the VM (tvm_vm_cid_add()),
 *	in the order they were bound; under @lock
 * @ncids: entries of @cids; under @lock
 * @stop_work: for a KVM VM, checks whether it may still run and, if not,
 *	has the hook module stop its vCPUs (tvm_vm_recheck_run()); holds a
 *	reference while queued
 * @mig_state: enum tvm_mig_state, where the VM is in a migration
 *	(Documentation/migration.rst): %TVM_MIG_S_NONE for a VM that never
 *	took part in one.  Written under @lock by the migration helpers
 *	below, read locklessly with READ_ONCE() by tvm_vm_may_run(); every
 *	extend, reset, trust change and launch asks the transition table
 *	about it first (tvm_mig_step())
 * @unnamed: @name and @uuid are out of the registry's tables: a host that
 *	is both ends of one migration gave them to the imported copy
 *	(tvm_vm_unname()); under tvm_registry_lock
 * @bound: a KVM VM whose name and UUID a binding gave, at its creation
 *	or late (TVM_A_VM_BIND_CREATED); written under tvm_registry_lock
 *	(late: with smp_store_release(), after the rename), read without
 *	it by tvm_vm_bound()
 */
struct tvm_vm {
	u32 id;
	char name[TVM_NAME_MAX + 1];
	u8 uuid[TVM_UUID_SIZE];
	seqlock_t ident_lock;
	u32 banks;
	u32 log_max;
	u64 log_max_bytes;

	struct kref ref;
	struct hlist_node name_node;
	struct hlist_node uuid_node;
	struct rcu_work free_work;
	struct dentry *dentries[TVM_VM_MAX_FILES + 1];

	struct mutex lock;		/* see @lock above */
	bool dead;
	enum tvm_vm_state state;
	u8 pcrs[__TVM_BANK_MAX][TVM_NUM_PCRS][TVM_DIGEST_MAX];
	struct xarray log;
	u64 log_count;
	u64 log_bytes;
	u64 log_refused;

	enum tvm_trust trust;
	unsigned int level;
	bool noted;
	char reasons[TVM_REASONS_MAX][TVM_REASON_MAX + 1];
	unsigned int nreasons;
	u64 policy_gen;
	struct tvm_ev_policy policy_id;
	bool policy_logged;

	pid_t pid;
	kuid_t owner;
	bool kvm;
	bool adopted;
	u32 cids[TVM_VM_CIDS_MAX];
	unsigned int ncids;
	struct work_struct stop_work;

	u8 mig_state;
	bool unnamed;
	bool bound;
};

/**
 * struct tvm_vm_params - what a new VM is made with
 * @name: its name
 * @uuid: its UUID, or NULL for a random one
 * @banks: its banks (SHA-256 is added)
 * @log_max: its log bound in events, or 0 for the module's default
 * @kvm_tgid: with @kvm: the VMM's thread group id
 * @kvm: a KVM VM: @name and @uuid are ignored; it takes the binding of
 *	@kvm_tgid if there is one, else a name "kvm-<tgid>-<n>" and a random
 *	UUID
 */
struct tvm_vm_params {
	const char *name;
	const u8 *uuid;
	u32 banks;
	u32 log_max;
	pid_t kvm_tgid;
	bool kvm;
};

/**
 * struct tvm_stats - host-wide counters, shown in securityfs tvm/stats
 * @vms_created: VMs created (registry.c)
 * @vms_deleted: VMs deleted (registry.c)
 * @vms_refused: creations refused at max_vms or max_vms_per_user
 *	(registry.c)
 * @extends: events logged and extended
 * @resets: PCR resets
 * @log_full: times a VM's log became full
 * @log_refused: extends and resets refused because a log was full
 * @mig_evicted: ended migration records dropped to make room for a new
 *	one (migrate.c); a dropped record no longer gives its receipt again
 * @mig_refused: PREPAREs and EXPORTs refused with ENOSPC: %TVM_MIG_MAX
 *	migrations under way (migrate.c)
 * @mem_vms: bytes of VM objects allocated, freed ones excluded (each one
 *	object of the VM cache, whatever its log)
 * @mem_log: bytes of events held in VMs' logs, as allocated (ksize());
 *	a wiped log's events count until their VM is freed
 *
 * Atomic: counted and read without a lock.
 */
struct tvm_stats {
	atomic64_t vms_created;
	atomic64_t vms_deleted;
	atomic64_t vms_refused;
	atomic64_t extends;
	atomic64_t resets;
	atomic64_t log_full;
	atomic64_t log_refused;
	atomic64_t mig_evicted;
	atomic64_t mig_refused;
	atomic64_t mem_vms;
	atomic64_t mem_log;
};

extern struct tvm_stats tvm_stats;
extern unsigned int tvm_log_max;
extern unsigned long tvm_log_max_bytes;

/*
 * Whether KVM VM @vm may still run is checked again from a work item, and
 * its vCPUs are stopped if it may not; after a change of its trust or of
 * the policies.  Nothing for other VMs.
 */
void tvm_vm_recheck_run(struct tvm_vm *vm);
/* tvm_vm_recheck_run() for every VM; after a policy load or delete. */
void tvm_vm_recheck_run_all(void);

/* Bytes of one VM object, as its cache allocates it. */
unsigned int tvm_vm_object_size(void);

int tvm_vm_init(void);
void tvm_vm_uninit(void);

/*
 * A new VM made from @p, not yet in the registry and with an empty log;
 * its one reference becomes the registry's (tvm_vm_create()).  -EINVAL
 * for a bad name, -E2BIG for a log_max above the module's, with @extack
 * set; -ENOMEM.
 */
struct tvm_vm *tvm_vm_alloc(const struct tvm_vm_params *p,
			    struct netlink_ext_ack *extack);
/*
 * Log and extend a new VM's creation events: the host's PCRs 0-7 and the
 * tvm that measures it (PCR 8).  -EIO when the host TPM cannot be read,
 * -ENOSPC when its log cannot hold them, with @extack set; -ENOMEM.
 */
int tvm_vm_seed(struct tvm_vm *vm, struct netlink_ext_ack *extack);
/*
 * Whether @name may name a VM: letters, digits, '.', '_' and '-', not
 * empty, not all digits (ids are), not a UUID.  Else false, @extack set.
 * Policy selectors by name obey the same rule.
 */
bool tvm_vm_name_valid(const char *name, struct netlink_ext_ack *extack);
void tvm_vm_put(struct tvm_vm *vm);

/*
 * A consistent copy of @vm's name and UUID, for a reader that holds
 * neither @vm->lock nor tvm_registry_lock.  Never sleeps.
 */
void tvm_vm_ident(const struct tvm_vm *vm, char name[TVM_NAME_MAX + 1],
		  u8 uuid[TVM_UUID_SIZE]);
/*
 * The late bind (TVM_A_VM_BIND_CREATED), under tvm_registry_lock, with @vm
 * out of the registry's name and UUID tables: give KVM VM @vm @name and
 * @uuid, if it is still PENDING, never adopted and not in a migration
 * (else -EBUSY, or -ENOENT dead, with @extack set), and judge the events
 * it logged so far against the policy its new name selects, as if it had
 * been bound at its creation: the mismatches the old name's policy noted
 * are forgotten (a full log is not).  Nothing changes on failure.
 */
int tvm_vm_set_ident(struct tvm_vm *vm, const char *name, const u8 *uuid,
		     struct netlink_ext_ack *extack);

/*
 * Log @ev (its digests already computed for every bank of @vm) and extend
 * @ev->pcr with them, under @vm->lock.  Takes ownership of @ev.  Sets
 * @ev->seq.  -ENOSPC when the log is full, -ENOENT when @vm is dead.
 */
int tvm_vm_extend(struct tvm_vm *vm, struct tvm_event *ev);

/**
 * struct tvm_vm_batch - extends of consecutive events of one VM under one
 *	hold of its lock (TVM_CMD_PCR_EXTEND_BATCH)
 * @vm: NULL, or the VM whose @lock the batch holds, with a reference
 *
 * Start with @vm NULL; end with tvm_vm_batch_end().  The batch holds at
 * most one VM's lock at a time, and takes nothing else while it does.
 */
struct tvm_vm_batch {
	struct tvm_vm *vm;
};

/*
 * tvm_vm_extend() within batch @b: takes @vm's lock unless @b holds it
 * already (after letting go of the one it held).  Takes the caller's
 * reference to @vm and @ev.
 */
int tvm_vm_batch_extend(struct tvm_vm_batch *b, struct tvm_vm *vm,
			struct tvm_event *ev);
/* Release the lock and the reference @b holds, if any. */
void tvm_vm_batch_end(struct tvm_vm_batch *b);
/*
 * file.c: the digests of @file, a regular file open for reading (else
 * -EINVAL), in each bank of @banks, into @out[bank]: IMA's SHA-256 when
 * IMA has one, the rest read from the file's start (-EINTR on a fatal
 * signal).
 */
int tvm_file_digests(struct file *file, u32 banks,
		     u8 out[][TVM_DIGEST_MAX]);
/*
 * Log a file event named @name (@name_len bytes, not NUL-terminated) with
 * @digests[bank] for every bank of @vm, and extend @pcr with it, as
 * tvm_vm_extend(); *@seq, if not NULL, gets its number.
 */
int tvm_vm_log_file(struct tvm_vm *vm, u32 pcr, u32 type, const char *name,
		    size_t name_len, const u8 digests[][TVM_DIGEST_MAX],
		    u64 *seq);

/* Reset PCR @pcr (16 or 23) and log the reset; *@seq gets its number. */
int tvm_vm_reset(struct tvm_vm *vm, unsigned int pcr, u64 *seq,
		 struct netlink_ext_ack *extack);

/**
 * struct tvm_pcr_snapshot - PCR values and the log prefix they replay
 * @log_count: the values are the replay of events 0 .. @log_count - 1
 * @pcrs: as &tvm_vm.pcrs
 */
struct tvm_pcr_snapshot {
	u64 log_count;
	u8 pcrs[__TVM_BANK_MAX][TVM_NUM_PCRS][TVM_DIGEST_MAX];
};

void tvm_vm_snapshot(struct tvm_vm *vm, struct tvm_pcr_snapshot *snap);

/*
 * Evaluate @vm against its policy: PENDING becomes TRUSTED, UNTRUSTED or
 * UNKNOWN.  -EALREADY if launched before, -ENOENT if dead, -EACCES when
 * its policy enforces and the result is not TRUSTED (the state changes
 * all the same).
 */
int tvm_vm_launch(struct tvm_vm *vm, struct netlink_ext_ack *extack);
/*
 * The same for TVM_CMD_VM_LAUNCH: -EBUSY for a KVM VM not launched yet,
 * which only its first KVM_RUN launches.
 */
int tvm_vm_launch_admin(struct tvm_vm *vm, struct netlink_ext_ack *extack);

/*
 * After a policy load or delete: every launched VM whose policy identity
 * changed logs the new one (TVM_EV_POLICY in PCR 8).
 */
void tvm_vms_policy_sync(void);
/* The same for one VM: an imported one, which this host's policy judges. */
void tvm_vm_policy_sync(struct tvm_vm *vm);

/* Event @seq of @vm, or NULL; the caller holds a reference to @vm. */
const struct tvm_event *tvm_vm_event(struct tvm_vm *vm, u64 seq);

/* Bytes @ev uses. */
size_t tvm_event_size(const struct tvm_event *ev);

/*
 * A new event for @vm with room for @data_len bytes of data, zeroed; from
 * the "tvm_event" slab cache when it is small (vm.c says how small).
 */
struct tvm_event *tvm_event_alloc(const struct tvm_vm *vm, u32 pcr, u32 type,
				  u32 data_len);
/* Free an event of tvm_event_alloc(); NULL is fine. */
void tvm_event_free(struct tvm_event *ev);
/* The writable digest of @bank in @ev. */
u8 *tvm_event_digest_mut(struct tvm_event *ev, unsigned int bank);

/* Hash @ev's data into its digest for every bank of @ev. */
int tvm_event_hash_data(struct tvm_event *ev);

/*
 * The host TPM's SHA-256 PCRs 0-7 (TVM_PCR_HOST_FIRST-LAST): @values[i]
 * and bit i of *@mask for each one read, zeros and no bit without a TPM.
 * -EIO when the TPM is there but cannot be read.
 */
int tvm_host_pcrs_read(u8 values[TVM_PCR_HOST_LAST + 1][32], u32 *mask);

/*
 * Migration (migrate.c drives these; Documentation/migration.rst has the
 * sealed state's bytes).
 *
 * tvm_vm_mig_freeze - EXPORT: under @vm->lock, log @out (PCR 15), freeze
 * the VM and serialise its whole state, OUT event included, into a new
 * kvmalloc'ed buffer *@state of *@len bytes followed by @room spare
 * bytes.  Nothing changes on failure: -ENOENT dead, -EBUSY frozen or not
 * committed, -ESTALE gone, -ENOSPC no room in the log for @out, -ENOMEM.
 */
int tvm_vm_mig_freeze(struct tvm_vm *vm, const struct tvm_ev_migration *out,
		      u8 **state, size_t *len, size_t room,
		      struct netlink_ext_ack *extack);
/*
 * Whether @vm may be exported now, as tvm_vm_mig_freeze() checks it
 * again: 0, -ENOENT, -EBUSY, -ESTALE, with @extack set.
 */
int tvm_vm_mig_exportable(struct tvm_vm *vm, struct netlink_ext_ack *extack);
/*
 * Set @vm's migration state to @state, then log @ev in PCR 15 (if not
 * NULL): unfreezing (S_RESUMED, ABORT or OVERRIDE), the IN event of an
 * imported VM (D_IMPORTED), COMMIT (D_ACTIVE).
 */
int tvm_vm_mig_set(struct tvm_vm *vm, enum tvm_mig_state state,
		   const struct tvm_ev_migration *ev);
/* COMMIT receipt: @vm is S_GONE, its PCRs zero and its log empty. */
void tvm_vm_mig_wipe(struct tvm_vm *vm);
/*
 * IMPORT: a new VM, not in the registry, restored from the sealed state
 * @state (@len bytes), whose log and PCRs continue the source's.  An
 * ERR_PTR: -EBADMSG a state that does not parse or whose log does not
 * replay to its PCRs, -E2BIG a log larger than this host takes, with
 * @extack set; -ENOMEM.
 */
struct tvm_vm *tvm_vm_mig_restore(const u8 *state, size_t len,
				  struct netlink_ext_ack *extack);

#endif /* _TVM_VM_H */
