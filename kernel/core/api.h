/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What tvm.ko offers the hook modules (tvm_kvm.ko, tvm_vsock.ko): the
 * small internal API of ARCHITECTURE 2.  The core knows no KVM or vsock
 * type; hook modules know a tvm instance only through these calls.  All of
 * them may sleep unless they say otherwise.
 */
#ifndef _TVM_API_H
#define _TVM_API_H

#include <linux/types.h>
#include <linux/tvm.h>

#include "policy_enc.h"	/* struct tvm_range, shared with tvmctl */

struct crypto_shash;
struct file;
struct module;
struct netlink_ext_ack;
struct tvm_vm;

/**
 * struct tvm_hook_ops - what a hook module does for the core
 * @owner: the hook module; the core holds a module reference while it
 *	calls in
 * @measure: measure @vm's runtime ranges now (TVM_CMD_VM_MEASURE); only
 *	called for VMs created with tvm_vm_create_kvm()
 * @stop: @vm may no longer run (tvm_vm_may_run() refuses it): force its
 *	vCPUs out of guest mode now, so that none executes another guest
 *	instruction; the gate refuses their next entry.  Called from a work
 *	item, for VMs created with tvm_vm_create_kvm(); may sleep.
 */
struct tvm_hook_ops {
	struct module *owner;
	int (*measure)(struct tvm_vm *vm, struct netlink_ext_ack *extack);
	void (*stop)(struct tvm_vm *vm);
};

/* One set of ops at a time: -EBUSY when another is registered. */
int tvm_hook_ops_register(const struct tvm_hook_ops *ops);
void tvm_hook_ops_unregister(const struct tvm_hook_ops *ops);

/**
 * tvm_vm_create_kvm - a tvm instance for a new KVM VM
 * @tgid: the VMM process (thread group) that creates the VM
 *
 * Takes the binding of @tgid if there is one (its name and UUID), else
 * names the VM "kvm-<tgid>-<n>" with a random UUID.  A binding to an
 * imported VM (VM_BIND with TVM_A_MIG_ID) gives that VM itself, which
 * tvm_vm_incoming() tells.  The VM gets the
 * module's default banks, TVM_A_VM_PID = @tgid and the VM_KVM flag, and
 * netlink's VM_DELETE refuses it.
 *
 * Return: the VM with a reference for the caller (the registry holds its
 * own), or an ERR_PTR: -ENOSPC at max_vms (counted in stats as refused).
 */
struct tvm_vm *tvm_vm_create_kvm(pid_t tgid);

/**
 * tvm_vm_get_kvm_of - the KVM VM of a process, when it has exactly one
 * @tgid: the process (thread group id, initial pid namespace)
 * @nr: gets how many KVM VMs (tvm_vm_create_kvm()) @tgid has
 *
 * A walk over every VM, under RCU: for the rare events that bind
 * something to a VMM's VM (tvm_vsock's guest CIDs), not for a data path.
 *
 * Return: with *@nr == 1, that VM with a reference for the caller; else
 * NULL (no KVM VM, or several and no way to tell which is meant).
 */
struct tvm_vm *tvm_vm_get_kvm_of(pid_t tgid, unsigned int *nr);

/*
 * Vsock guest CIDs, shown in TVM_A_VM_CIDS: @cid now belongs to @vm.
 * -EEXIST when @vm has it already, -ENOSPC when @vm has TVM_VM_CIDS_MAX,
 * -ENOENT when @vm is deleted.  The caller (tvm_vsock) decides which VM
 * a CID belongs to and keeps one VM per CID; the core only lists them.
 */
int tvm_vm_cid_add(struct tvm_vm *vm, u32 cid);
/* @cid no longer belongs to @vm (nothing when it did not). */
void tvm_vm_cid_del(struct tvm_vm *vm, u32 cid);

/* Unlink @vm (as VM_DELETE does, without the KVM check); 0 or -ENOENT. */
int tvm_vm_delete(struct tvm_vm *vm);
void tvm_vm_put(struct tvm_vm *vm);

/*
 * Whether @vm came from another host (TVM_CMD_MIGRATE_IMPORT) launched:
 * it is not launched again, and its first KVM_RUN goes straight to the
 * gate.  One exported before its launch is launched here, after COMMIT.
 */
bool tvm_vm_incoming(const struct tvm_vm *vm);

/*
 * Whether a binding named KVM VM @vm: at its creation, or late
 * (TVM_A_VM_BIND_CREATED).  Never sleeps; a VM bound late is seen bound
 * only once its new name, UUID and judgement are in place.
 */
bool tvm_vm_bound(const struct tvm_vm *vm);

/* @vm's id, for messages. */
u32 tvm_vm_id(const struct tvm_vm *vm);

/*
 * Another reference to @vm, for a caller that holds one already (or
 * reads, under RCU, a pointer that a holder of one only drops after a
 * grace period).  Never sleeps.  Returns @vm.
 */
struct tvm_vm *tvm_vm_get(struct tvm_vm *vm);

/*
 * A copy of @vm's UUID.  It changes at most once, before the VM's first
 * KVM_RUN (a late bind, TVM_A_VM_BIND_CREATED).  Never sleeps.
 */
void tvm_vm_uuid(const struct tvm_vm *vm, u8 uuid[TVM_UUID_SIZE]);

/*
 * A new event for @vm on @pcr with @data_len bytes of data copied from
 * @data, its digests H_bank(data) in every bank of @vm, logged and
 * extended (tvm_vm_extend()).  -ENOSPC log full, -ENOENT VM deleted.
 */
int tvm_vm_extend_data(struct tvm_vm *vm, u32 pcr, u32 type,
		       const void *data, u32 data_len);

/*
 * Hash regular file @file in every bank of @vm (SHA-256 from ima_file_hash()
 * when IMA has the file's hash) and extend @pcr with a @type event whose
 * data is @name (@name_len bytes, at most TVM_EVENT_NAME_MAX).  Reads
 * with kernel_read(); -EINTR on a fatal signal, -EINVAL when @file is not
 * a regular file open for reading.  *@seq (if not NULL) gets the event's
 * sequence number.
 */
int tvm_vm_measure_file(struct tvm_vm *vm, u32 pcr, u32 type,
			struct file *file, const char *name, size_t name_len,
			u64 *seq);

/*
 * Launch: evaluate @vm against its policy, PENDING becoming TRUSTED,
 * UNTRUSTED or UNKNOWN (tvm_vm_launch() of vm.h, @extack may be NULL).
 */
int tvm_vm_launch(struct tvm_vm *vm, struct netlink_ext_ack *extack);

/*
 * @vm was running before anyone measured it: PENDING becomes UNKNOWN with
 * @reason.  Adopted VMs are never stopped by an enforcing policy.
 */
int tvm_vm_adopt(struct tvm_vm *vm, const char *reason);

/*
 * Something measured does not match: a TRUSTED (or PENDING) VM turns
 * UNTRUSTED with @reason (TVM_TE_MISMATCH).
 */
int tvm_vm_mismatch(struct tvm_vm *vm, const char *reason);

/*
 * Whether @vm's vCPUs may run: 0, or -EACCES when its policy enforces and
 * @vm is launched and not TRUSTED (then @reason, @len bytes, gets why).
 * Allowing never sleeps; a refusal takes @vm's lock to copy the reason.
 */
int tvm_vm_may_run(struct tvm_vm *vm, char *reason, size_t len);

/*
 * The core's SHA-256 transform (crypto API "sha256", the one behind the
 * SHA-256 bank), for a hook module's own SHA-256 digests: one transform
 * for tvm, not one per module.  Allocated before any hook module can load
 * and freed after the last unloads; hashing with a descriptor of one's
 * own only reads it, so any number of callers may use it at once.
 */
struct crypto_shash *tvm_sha256_tfm(void);

/*
 * Copy the runtime ranges of @vm's policy (at most TVM_POLICY_RANGES_MAX)
 * to @ranges; return how many (0 without a policy or ranges).
 */
unsigned int tvm_vm_ranges(struct tvm_vm *vm, struct tvm_range *ranges);

/* enum tvm_df_action is the wire format's: include/uapi/linux/tvm.h. */

/**
 * struct tvm_df_verdict - what a receiver's policy says of data from one
 *	sender on one port, at this moment
 * @action: enum tvm_df_action for this packet
 * @listed: a rule of the receiver's dataflow section names this sender
 *	and port, whether the sender meets its minimums or not (@action
 *	says what becomes of the data); guest-to-guest delivery needs one:
 *	it is off unless a policy enables it
 * @checkpoint_bytes: a flow's checkpoint every this many bytes; 0: the
 *	module's default
 * @checkpoint_ms: and every this many milliseconds; 0: the default
 * @per_message: an event per message rather than per flow
 * @reason: with @action other than %TVM_DF_MEASURE, why (for the taint
 *	reason and the monitor event), NUL-terminated
 */
struct tvm_df_verdict {
	enum tvm_df_action action;
	bool listed;
	u64 checkpoint_bytes;
	u32 checkpoint_ms;
	bool per_message;
	char reason[96];
};

/**
 * tvm_vm_dataflow - judge data for @rx from @tx on @port
 * @rx: the receiving VM
 * @tx: the sending VM; NULL: the host, whose trust is the platform's: it
 *	meets every rule's minimums.  A guest whose CID no VM holds is not
 *	the host: judge it with tvm_vm_dataflow_unbound().
 * @port: the receiver's port
 * @v: gets the verdict
 *
 * Reads @rx's policy and @tx's trust as they are now, so a sender that
 * turned UNTRUSTED is judged so from its next packet.  Without a policy,
 * or with a policy that has no dataflow section, everything is measured
 * and nothing is listed.  Documentation/policy.rst, "Dataflow", has the
 * rules.  Never sleeps (RCU); callable per packet.
 */
void tvm_vm_dataflow(struct tvm_vm *rx, struct tvm_vm *tx, u32 port,
		     struct tvm_df_verdict *v);

/**
 * struct tvm_flow_info - one vsock flow as netlink shows it (%TVM_A_FLOW:
 *	TVM_CMD_FLOW_GET, TVM_CMD_EVENT_FLOW); a snapshot the caller fills
 * @id: the flow's number, from 1 in the order flows were opened
 * @src_cid: the sender's CID
 * @dst_cid: the receiver's CID
 * @src_port: the sender's port
 * @dst_port: the receiver's port
 * @rx: the receiving VM, NULL for the host; the caller holds it
 * @tx: the sending VM, NULL for the host or an unbound CID; held too
 * @tx_host: the host sends
 * @measured: @rx's PCR 14 gets the flow's events
 * @bytes: payload bytes so far
 * @events: TVM_EV_FLOW events logged
 * @action: enum tvm_df_action, the strongest so far
 * @state: enum tvm_flow_state
 */
struct tvm_flow_info {
	u64 id;
	u32 src_cid;
	u32 dst_cid;
	u32 src_port;
	u32 dst_port;
	struct tvm_vm *rx;
	struct tvm_vm *tx;
	bool tx_host;
	bool measured;
	u64 bytes;
	u64 events;
	u32 action;
	u32 state;
};

/*
 * What TVM_CMD_FLOW_GET's dump gives each flow to: put @fi into the
 * message being filled (@ctx).  -EMSGSIZE when it is full: the dump stops
 * there and goes on from that flow in the next message.  Never sleeps.
 */
typedef int (*tvm_flow_put_t)(void *ctx, const struct tvm_flow_info *fi);

/**
 * struct tvm_flow_dumper - the vsock module's flow table, for the core's
 *	TVM_CMD_FLOW_GET (the core knows no vsock type)
 * @owner: the module; the core holds a reference to it while it calls
 * @dump: give @put every live flow whose id is at least *@pos, in id
 *	order, that has @vm (NULL: any) at either end; stop at the first
 *	@put that fails, with *@pos at that flow's id, and return its error;
 *	at the end, *@pos past the last flow, and 0.  Called in process
 *	context; may sleep (but not inside @put).
 */
struct tvm_flow_dumper {
	struct module *owner;
	int (*dump)(struct tvm_vm *vm, u64 *pos, tvm_flow_put_t put,
		    void *ctx);
};

/* One dumper at a time: -EBUSY when another is registered. */
int tvm_flow_dumper_register(const struct tvm_flow_dumper *d);
/* After it returns, the core no longer calls @d. */
void tvm_flow_dumper_unregister(const struct tvm_flow_dumper *d);

/*
 * Tell the "events" group (TVM_CMD_EVENT_FLOW) that @fi was blocked or
 * tainted (@fi->action), because of @reason.  Nothing without listeners.
 * May sleep.
 */
void tvm_flow_event(const struct tvm_flow_info *fi, const char *reason);

/**
 * tvm_vm_dataflow_unbound - judge data for @rx, on @port, from a guest
 *	whose CID no VM holds
 * @rx: the receiving VM
 * @port: the receiver's port
 * @v: gets the verdict
 *
 * As tvm_vm_dataflow(), for a sender that is neither the host nor a VM:
 * only a rule "from any" names it, and it has no trust state and level 0,
 * so it meets a rule only when the rule asks for nothing.  Never sleeps.
 */
void tvm_vm_dataflow_unbound(struct tvm_vm *rx, u32 port,
			     struct tvm_df_verdict *v);

#endif /* _TVM_API_H */
