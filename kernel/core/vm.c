// SPDX-License-Identifier: GPL-2.0
/*
 * What a tvm instance measures: its PCRs and event log (extend, reset, the
 * creation events), its trust state (launch, the checks of each event
 * against its policy, mismatches), and whether it may still run; and the
 * life of the VM object, from tvm_vm_alloc() to its free an RCU grace
 * period after the last tvm_vm_put().  registry.c finds VMs.
 *
 * Each VM's state is under its own mutex (struct tvm_vm in vm.h), so VMs
 * never wait for one another.
 */

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tpm.h>
#include <linux/uuid.h>
#include <asm/unaligned.h>

#include "api.h"
#include "bank.h"
#include "hooks.h"
#include "ima.h"
#include "mig_lts.h"
#include "netlink.h"
#include "policy.h"
#include "registry.h"
#include "trust.h"
#include "tvm_log.h"
#include "version.h"
#include "vm.h"

unsigned int tvm_log_max = 16384;
module_param_named(log_max, tvm_log_max, uint, 0444);
MODULE_PARM_DESC(log_max,
		 "Most events in one VM's log, and the default (default 16384)");

unsigned long tvm_log_max_bytes = 4UL << 20;
module_param_named(log_max_bytes, tvm_log_max_bytes, ulong, 0444);
MODULE_PARM_DESC(log_max_bytes,
		 "Most memory one VM's log may use, in bytes (default 4 MiB)");

struct tvm_stats tvm_stats;

/*
 * Runs the VMs' stop works (tvm_vm_recheck_run()), and frees VMs after
 * their last reference and a grace period.
 */
static struct workqueue_struct *tvm_wq;

/*
 * VM objects come from a cache of their own: at 6.3 KiB, kmalloc would
 * round each up to 8 KiB.  Created at init and destroyed at exit, when
 * every VM is freed; the pointer needs no lock.
 */
static struct kmem_cache *tvm_vm_cache;

/*
 * Events: the fixed part, the digests and the data are one allocation
 * (struct tvm_event), from tvm_event_cache when it fits in
 * TVM_EVENT_CACHE_SIZE bytes, else from kmalloc.  With the default banks
 * (112 bytes of digests) that is up to 72 bytes of data: the events that
 * come by the thousand (a digest-only extend, a SLOT, a RUNTIME, a
 * HOST_PCR) and an administrator's extend with a short description.  208,
 * not 256: such an event of 136-200 bytes would waste a quarter of a
 * 256-byte object, where kmalloc gave it 192 or 256.  Which one an event
 * came from follows from its banks and data length, which never change,
 * so tvm_event_free() needs no flag.  The cache is created at module init
 * and destroyed at exit after the last VM, and with it its last event, is
 * freed.
 */
#define TVM_EVENT_CACHE_SIZE	208
static struct kmem_cache *tvm_event_cache;

size_t tvm_event_size(const struct tvm_event *ev)
{
	return sizeof(*ev) + tvm_banks_digest_size(ev->banks) + ev->data_len;
}

struct tvm_event *tvm_event_alloc(const struct tvm_vm *vm, u32 pcr, u32 type,
				  u32 data_len)
{
	size_t size = sizeof(struct tvm_event) +
		      tvm_banks_digest_size(vm->banks) + data_len;
	struct tvm_event *ev;

	if (size <= TVM_EVENT_CACHE_SIZE)
		ev = kmem_cache_zalloc(tvm_event_cache, GFP_KERNEL);
	else
		ev = kzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!ev)
		return NULL;
	ev->pcr = pcr;
	ev->type = type;
	ev->banks = vm->banks;
	ev->data_len = data_len;
	return ev;
}

void tvm_event_free(struct tvm_event *ev)
{
	if (!ev)
		return;
	if (tvm_event_size(ev) <= TVM_EVENT_CACHE_SIZE)
		kmem_cache_free(tvm_event_cache, ev);
	else
		kfree(ev);
}

u8 *tvm_event_digest_mut(struct tvm_event *ev, unsigned int bank)
{
	return (u8 *)tvm_event_digest(ev, bank);
}

int tvm_event_hash_data(struct tvm_event *ev)
{
	unsigned int b;
	int ret;

	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(ev->banks & BIT(b)))
			continue;
		ret = tvm_bank_hash(b, tvm_event_data(ev), ev->data_len,
				    tvm_event_digest_mut(ev, b));
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * What the migration's transition table (Documentation/migration.rst)
 * says of @act (EXTEND or RUN) for @vm now: 0, or the errno the VM's
 * state refuses it with.  A pair the table marks as impossible refuses
 * too (no instance: it runs nowhere, nothing extends it).
 */
static int mig_guard(const struct tvm_vm *vm, enum tvm_mig_action act)
{
	enum tvm_mig_state next;
	int ret;

	ret = tvm_mig_step(READ_ONCE(vm->mig_state), act, &next);
	if (ret == TVM_MIG_NA)
		return act == TVM_MA_RUN ? -EACCES : -ENOENT;
	return ret;
}

/*
 * Apply @te to @vm's trust state (Documentation/policy.rst has the table),
 * keep @reason, and announce a change on the "events" group and in IMA.
 * The announcements happen under @vm->lock, so they come in order.
 */
static int trust_event(struct tvm_vm *vm, enum tvm_trust_event te,
		       const char *reason)
{
	enum tvm_trust old = vm->trust;
	int next;

	lockdep_assert_held(&vm->lock);

	/* A frozen or migrated VM's state is sealed: its trust too. */
	if (mig_guard(vm, TVM_MA_EXTEND))
		return -EBUSY;
	next = tvm_trust_next(old, te);
	if (next < 0)
		return next;
	if (old == TVM_TRUST_PENDING &&
	    (te == TVM_TE_MISMATCH || te == TVM_TE_LOG_FULL))
		vm->noted = true;

	if (vm->nreasons == TVM_REASONS_MAX) {
		memmove(vm->reasons[0], vm->reasons[1],
			sizeof(vm->reasons[0]) * (TVM_REASONS_MAX - 1));
		vm->nreasons--;
	}
	strscpy(vm->reasons[vm->nreasons++], reason, sizeof(vm->reasons[0]));

	if (next != old) {
		/* tvm_vm_may_run() reads it without @vm->lock. */
		WRITE_ONCE(vm->trust, next);
		tvm_netlink_trust_event(vm, old, next, reason);
		tvm_ima_trust(vm, old, next, reason, vm->policy_gen);
		tvm_vm_recheck_run(vm);
	}
	return 0;
}

static void log_full(struct tvm_vm *vm)
{
	lockdep_assert_held(&vm->lock);
	if (vm->state != TVM_VM_LOG_FULL) {
		vm->state = TVM_VM_LOG_FULL;
		atomic64_inc(&tvm_stats.log_full);
		trust_event(vm, TVM_TE_LOG_FULL, "event log is full");
	}
}

/*
 * Append @ev to @vm's log, or refuse it because the log is full: then the
 * VM's state turns TVM_VM_LOG_FULL, the refusal is counted, and nothing
 * else changes.
 */
static int log_append(struct tvm_vm *vm, struct tvm_event *ev)
{
	size_t size = tvm_event_size(ev);
	int ret;

	lockdep_assert_held(&vm->lock);

	if (vm->state == TVM_VM_LOG_FULL || vm->log_count >= vm->log_max ||
	    vm->log_bytes + size > vm->log_max_bytes) {
		log_full(vm);
		vm->log_refused++;
		atomic64_inc(&tvm_stats.log_refused);
		return -ENOSPC;
	}

	ev->seq = vm->log_count;
	ret = xa_insert(&vm->log, ev->seq, ev, GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret;
	/* Readers use the entry only once they see the count include it. */
	smp_store_release(&vm->log_count, vm->log_count + 1);
	vm->log_bytes += size;
	atomic64_add(ksize(ev), &tvm_stats.mem_log);

	if (vm->log_count == vm->log_max)
		log_full(vm);
	return 0;
}

/*
 * Check an extend of PCR 8-12 against the VM's policy, as it happens:
 * the event against its level's allow-list (tvm's own PCR 8 events
 * aside) and, once the VM is launched, the PCR's new value against the
 * level's final values.  After launch, a PCR whose final value the
 * policy fixes can only leave it: a new memory slot, vCPU or CPUID of a
 * running VM (PCR 12) makes it untrusted.
 */
static void check_event(struct tvm_vm *vm, const struct tvm_event *ev)
{
	char reason[TVM_REASON_MAX + 1];
	const struct tvm_policy *p;
	int bad = 0;

	lockdep_assert_held(&vm->lock);
	if (ev->pcr < TVM_PCR_VMM ||
	    ev->pcr > TVM_PCR_VMM + TVM_POLICY_LEVELS)
		return;
	rcu_read_lock();
	p = tvm_policy_for(vm);
	if (p) {
		vm->policy_gen = p->gen;
		bad = tvm_policy_check_event(p, ev, vm->banks, reason,
					     sizeof(reason));
		if (!bad && vm->trust != TVM_TRUST_PENDING)
			bad = tvm_policy_check_pcr(p, ev->pcr, vm->banks,
						   vm->pcrs, reason,
						   sizeof(reason));
	}
	rcu_read_unlock();
	if (bad)
		trust_event(vm, TVM_TE_MISMATCH, reason);
}

/*
 * Log @ev and extend its PCR in every bank, all or nothing.  Takes @ev:
 * the log keeps it, or it is freed.
 */
static int extend_locked(struct tvm_vm *vm, struct tvm_event *ev)
{
	u8 next[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	unsigned int b;
	int ret;

	lockdep_assert_held(&vm->lock);

	ret = -ENOENT;
	if (vm->dead)
		goto err;
	/* Frozen (EBUSY) or gone (ESTALE) in a migration: the table says. */
	ret = mig_guard(vm, TVM_MA_EXTEND);
	if (ret)
		goto err;

	/* Compute first: a failing hash must leave no logged event behind. */
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(vm->banks & BIT(b)))
			continue;
		ret = tvm_bank_extend(b, vm->pcrs[b][ev->pcr],
				      tvm_event_digest(ev, b), next[b]);
		if (ret)
			goto err;
	}

	ret = log_append(vm, ev);
	if (ret)
		goto err;

	for (b = 0; b < __TVM_BANK_MAX; b++)
		if (vm->banks & BIT(b))
			memcpy(vm->pcrs[b][ev->pcr], next[b],
			       tvm_banks[b].size);
	atomic64_inc(&tvm_stats.extends);
	check_event(vm, ev);
	return 0;
err:
	tvm_event_free(ev);
	return ret;
}

/* What tvm_vm_extend() asks of its callers' events; freed if not. */
static bool event_sane(struct tvm_vm *vm, struct tvm_event *ev)
{
	if (WARN_ON_ONCE(ev->banks != vm->banks || ev->pcr >= TVM_NUM_PCRS ||
			 ev->type == TVM_EV_NO_ACTION)) {
		tvm_event_free(ev);
		return false;
	}
	return true;
}

int tvm_vm_extend(struct tvm_vm *vm, struct tvm_event *ev)
{
	int ret;

	if (!event_sane(vm, ev))
		return -EINVAL;

	mutex_lock(&vm->lock);
	ret = extend_locked(vm, ev);
	mutex_unlock(&vm->lock);
	return ret;
}

int tvm_vm_batch_extend(struct tvm_vm_batch *b, struct tvm_vm *vm,
			struct tvm_event *ev)
{
	if (b->vm == vm) {
		tvm_vm_put(vm);		/* the batch holds one already */
	} else {
		tvm_vm_batch_end(b);
		mutex_lock(&vm->lock);
		b->vm = vm;
	}
	if (!event_sane(vm, ev))
		return -EINVAL;
	return extend_locked(vm, ev);
}

void tvm_vm_batch_end(struct tvm_vm_batch *b)
{
	if (!b->vm)
		return;
	mutex_unlock(&b->vm->lock);
	tvm_vm_put(b->vm);
	b->vm = NULL;
}

/* A new event for @vm of @len bytes of @data, hashed in every bank. */
static struct tvm_event *data_event(struct tvm_vm *vm, u32 pcr, u32 type,
				    const void *data, u32 len)
{
	struct tvm_event *ev;
	int ret;

	ev = tvm_event_alloc(vm, pcr, type, len);
	if (!ev)
		return ERR_PTR(-ENOMEM);
	memcpy((u8 *)tvm_event_data(ev), data, len);
	ret = tvm_event_hash_data(ev);
	if (ret) {
		tvm_event_free(ev);
		return ERR_PTR(ret);
	}
	return ev;
}

static bool pcr_resettable(unsigned int pcr)
{
	return pcr == TVM_PCR_DEBUG || pcr == TVM_PCR_APP;
}

int tvm_vm_reset(struct tvm_vm *vm, unsigned int pcr, u64 *seq,
		 struct netlink_ext_ack *extack)
{
	struct tvm_ev_reset *data;
	struct tvm_event *ev;
	unsigned int b;
	int ret;

	if (!pcr_resettable(pcr)) {
		NL_SET_ERR_MSG(extack,
			       "PCR is not resettable (only 16 and 23 are)");
		return -EPERM;
	}

	/* Logged as EV_NO_ACTION with all-zero digests, as TCG logs do. */
	ev = tvm_event_alloc(vm, pcr, TVM_EV_NO_ACTION, sizeof(*data));
	if (!ev)
		return -ENOMEM;
	data = (struct tvm_ev_reset *)tvm_event_data(ev);
	memcpy(data->magic, "TVMR", 4);
	data->pcr = pcr;

	mutex_lock(&vm->lock);
	ret = vm->dead ? -ENOENT : mig_guard(vm, TVM_MA_EXTEND);
	if (!ret)
		ret = log_append(vm, ev);
	if (!ret) {
		for (b = 0; b < __TVM_BANK_MAX; b++)
			memset(vm->pcrs[b][pcr], 0, TVM_DIGEST_MAX);
		*seq = ev->seq;
	}
	mutex_unlock(&vm->lock);

	if (ret) {
		tvm_event_free(ev);
		if (ret == -ENOSPC)
			NL_SET_ERR_MSG(extack, "event log is full");
		else if (ret == -EBUSY)
			NL_SET_ERR_MSG(extack,
				       "the VM is frozen: it was exported (migration)");
		else if (ret == -ESTALE)
			NL_SET_ERR_MSG(extack, "the VM migrated away");
		return ret;
	}
	atomic64_inc(&tvm_stats.resets);
	return 0;
}

void tvm_vm_snapshot(struct tvm_vm *vm, struct tvm_pcr_snapshot *snap)
{
	mutex_lock(&vm->lock);
	snap->log_count = vm->log_count;
	memcpy(snap->pcrs, vm->pcrs, sizeof(snap->pcrs));
	mutex_unlock(&vm->lock);
}

/*
 * Log @id as the VM's policy identity (TVM_EV_POLICY, PCR 8) unless it is
 * the one logged last.  A full log refuses it like any event, and that
 * makes the VM untrusted.
 */
static int log_policy_locked(struct tvm_vm *vm, const struct tvm_ev_policy *id)
{
	struct tvm_event *ev;
	int ret;

	lockdep_assert_held(&vm->lock);
	if (vm->policy_logged && !memcmp(&vm->policy_id, id, sizeof(*id)))
		return 0;
	ev = data_event(vm, TVM_PCR_VMM, TVM_EV_POLICY, id, sizeof(*id));
	if (IS_ERR(ev))
		return PTR_ERR(ev);
	ret = extend_locked(vm, ev);
	if (ret)
		return ret;
	vm->policy_id = *id;
	vm->policy_logged = true;
	return 0;
}

/* log_policy_locked() of the policy that selects @vm now. */
static int log_current_policy_locked(struct tvm_vm *vm)
{
	struct tvm_ev_policy id;

	rcu_read_lock();
	tvm_policy_identity(tvm_policy_for(vm), &id);
	rcu_read_unlock();
	return log_policy_locked(vm, &id);
}

void tvm_vm_policy_sync(struct tvm_vm *vm)
{
	mutex_lock(&vm->lock);
	if (!vm->dead && vm->trust != TVM_TRUST_PENDING)
		log_current_policy_locked(vm);
	mutex_unlock(&vm->lock);
}

void tvm_vms_policy_sync(void)
{
	struct tvm_vm *vm;
	u32 next;

	for (next = 1; (vm = tvm_vm_get_next(&next)); tvm_vm_put(vm)) {
		mutex_lock(&vm->lock);
		if (!vm->dead && vm->trust != TVM_TRUST_PENDING)
			log_current_policy_locked(vm);
		mutex_unlock(&vm->lock);
	}
}

/*
 * Whether @vm may still leave PENDING, by a launch or an adoption:
 * -ENOENT when it is dead, -EALREADY when it left before.
 */
static int launchable(struct tvm_vm *vm, struct netlink_ext_ack *extack)
{
	int ret;

	lockdep_assert_held(&vm->lock);
	if (vm->dead)
		return -ENOENT;
	ret = mig_guard(vm, TVM_MA_EXTEND);
	if (ret) {
		NL_SET_ERR_MSG(extack,
			       "the VM is frozen or gone in a migration");
		return ret;
	}
	if (vm->trust != TVM_TRUST_PENDING) {
		NL_SET_ERR_MSG(extack, "the VM was launched already");
		return -EALREADY;
	}
	return 0;
}

/*
 * The launch; @admin: asked for over netlink (TVM_CMD_VM_LAUNCH), which a
 * KVM VM refuses: its hook module launches it at its first KVM_RUN, once
 * its memory is measured, and a launch before would judge it unmeasured.
 */
static int launch(struct tvm_vm *vm, bool admin,
		  struct netlink_ext_ack *extack)
{
	char reason[TVM_REASON_MAX + 1];
	enum tvm_trust_event te;
	const struct tvm_policy *p;
	struct tvm_ev_policy id;
	u32 mode = TVM_POLICY_AUDIT;
	int ret;

	mutex_lock(&vm->lock);
	ret = launchable(vm, extack);
	if (ret)
		goto out;
	ret = -EBUSY;
	if (admin && vm->kvm) {
		NL_SET_ERR_MSG(extack,
			       "a KVM VM is launched by its first KVM_RUN, once its memory is measured");
		goto out;
	}

	rcu_read_lock();
	p = tvm_policy_for(vm);
	tvm_policy_identity(p, &id);
	if (p) {
		mode = p->mode;
		vm->policy_gen = p->gen;
	}
	if (vm->noted) {
		te = TVM_TE_LAUNCH_MISMATCH;
		strscpy(reason, "launch: mismatch noted before launch",
			sizeof(reason));
	} else if (!p || !tvm_policy_has_references(p)) {
		te = TVM_TE_LAUNCH_NOREF;
		strscpy(reason, p ? "launch: the policy has no references" :
			"launch: no policy selects the VM", sizeof(reason));
	} else if (tvm_policy_check_pcrs(p, vm->banks, vm->pcrs, reason,
					 sizeof(reason))) {
		te = TVM_TE_LAUNCH_MISMATCH;
	} else {
		te = TVM_TE_LAUNCH_MATCH;
		snprintf(reason, sizeof(reason),
			 "launch: all measurements match policy gen %llu",
			 p->gen);
		/*
		 * What a dataflow rule's min_level asks of a sender: set
		 * before the trust it counts with (trust_event()), which
		 * tvm_vm_dataflow() reads first.
		 */
		WRITE_ONCE(vm->level, tvm_df_level(p->levels));
		smp_wmb();	/* pairs with smp_rmb() in df_sender() */
	}
	rcu_read_unlock();

	/*
	 * The log says which policy judged the launch; a refusal (a full log)
	 * has made the VM's launch a mismatch already.
	 */
	ret = log_policy_locked(vm, &id);
	if (ret && ret != -ENOSPC)
		goto out;
	if (vm->noted && te != TVM_TE_LAUNCH_MISMATCH) {
		te = TVM_TE_LAUNCH_MISMATCH;
		strscpy(reason, "launch: the policy's identity could not be logged",
			sizeof(reason));
	}
	ret = trust_event(vm, te, reason);
	if (!ret && mode == TVM_POLICY_ENFORCE &&
	    vm->trust != TVM_TRUST_TRUSTED) {
		NL_SET_ERR_MSG(extack,
			       "enforce: the VM is not trusted (see its reasons)");
		ret = -EACCES;
	}
out:
	mutex_unlock(&vm->lock);
	return ret;
}

int tvm_vm_launch(struct tvm_vm *vm, struct netlink_ext_ack *extack)
{
	return launch(vm, false, extack);
}
EXPORT_SYMBOL_GPL(tvm_vm_launch);

int tvm_vm_launch_admin(struct tvm_vm *vm, struct netlink_ext_ack *extack)
{
	return launch(vm, true, extack);
}

const struct tvm_event *tvm_vm_event(struct tvm_vm *vm, u64 seq)
{
	/* Pairs with smp_store_release() in log_append(). */
	if (seq >= smp_load_acquire(&vm->log_count))
		return NULL;
	return xa_load(&vm->log, seq);
}

/*
 * TPM2_PCR_Read of the SHA-256 bank's PCRs 0-7 in one command (TPM 2.0
 * Part 3, 22.4): one round trip to the TPM instead of eight, and one
 * snapshot, which no extend of the host's PCRs can fall in the middle of.
 * Sets the bits of *@mask for the PCRs the TPM returned (a TPM may return
 * fewer than asked); 0, or a negative errno or TPM response code when the
 * command failed or its response does not parse.  The buffer is a page:
 * tpm_send() reads the response into it, up to a page.
 */
static int host_pcrs_read_one(struct tpm_chip *chip,
			      u8 values[TVM_PCR_HOST_LAST + 1][32], u32 *mask)
{
	static const u8 cmd[] = {
		0x80, 0x01,		/* TPM_ST_NO_SESSIONS */
		0x00, 0x00, 0x00, 0x14,	/* commandSize: 20 */
		0x00, 0x00, 0x01, 0x7e,	/* TPM_CC_PCR_Read */
		0x00, 0x00, 0x00, 0x01,	/* TPML_PCR_SELECTION.count */
		0x00, 0x0b,		/* TPM_ALG_SHA256 */
		0x03, 0xff, 0x00, 0x00,	/* sizeofSelect 3: PCRs 0-7 */
	};
	u32 size, nsel, ndig, sel = 0;
	u8 *buf, *p, *end;
	unsigned int i, pcr;
	int ret;

	buf = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, cmd, sizeof(cmd));
	ret = tpm_send(chip, buf, PAGE_SIZE);
	if (ret)
		goto out;
	ret = -EBADMSG;
	size = get_unaligned_be32(buf + 2);
	if (size < 10 + 4 + 4 || size > PAGE_SIZE)
		goto out;
	p = buf + 10 + 4;		/* header, pcrUpdateCounter */
	end = buf + size;
	nsel = get_unaligned_be32(p);
	p += 4;
	for (i = 0; i < nsel; i++) {
		if (end - p < 3 || end - p < 3 + p[2])
			goto out;
		/* Only the bank asked for, and only PCRs 0-7 of it. */
		if (get_unaligned_be16(p) != TPM_ALG_SHA256 || !p[2] ||
		    memchr_inv(p + 4, 0, p[2] - 1))
			goto out;
		sel |= p[3];
		p += 3 + p[2];
	}
	if (end - p < 4)
		goto out;
	ndig = get_unaligned_be32(p);
	p += 4;
	if (ndig != hweight32(sel))
		goto out;
	for (pcr = 0; pcr <= TVM_PCR_HOST_LAST; pcr++) {
		if (!(sel & BIT(pcr)))
			continue;
		if (end - p < 2 + 32 || get_unaligned_be16(p) != 32)
			goto out;
		memcpy(values[pcr], p + 2, 32);
		p += 2 + 32;
	}
	if (p != end)
		goto out;
	*mask = sel;
	ret = 0;
out:
	kfree(buf);
	return ret;
}

int tvm_host_pcrs_read(u8 values[TVM_PCR_HOST_LAST + 1][32], u32 *mask)
{
	struct tpm_chip *chip = tpm_default_chip();
	unsigned int i;
	int ret = 0;

	memset(values, 0, (TVM_PCR_HOST_LAST + 1) * 32);
	*mask = 0;
	if (!chip)
		return 0;
	/* What one TPM2_PCR_Read did not return, PCR by PCR. */
	if (tpm_is_tpm2(chip)) {
		ret = host_pcrs_read_one(chip, values, mask);
		if (ret) {
			pr_warn_once("host TPM: TPM2_PCR_Read of PCRs 0-7 failed (%d); reading them one by one\n",
				     ret);
			*mask = 0;
			ret = 0;
		}
	}
	for (i = TVM_PCR_HOST_FIRST; i <= TVM_PCR_HOST_LAST; i++) {
		struct tpm_digest d = { .alg_id = TPM_ALG_SHA256 };

		if (*mask & BIT(i))
			continue;
		ret = tpm_pcr_read(chip, i, &d);
		if (ret) {
			pr_warn("host TPM PCR %u read failed: %d\n", i, ret);
			ret = -EIO;
			break;
		}
		memcpy(values[i], d.digest, 32);
		*mask |= BIT(i);
	}
	put_device(&chip->dev);
	return ret;
}

/*
 * PCRs 0-7 start from the host's: each is extended with the host TPM's
 * SHA-256 PCR of the same index (zeros without a TPM), so a verifier can
 * tie the VM to the platform it was created on, and the log replays them.
 */
static int seed_host_pcrs(struct tvm_vm *vm, struct netlink_ext_ack *extack)
{
	u8 values[TVM_PCR_HOST_LAST + 1][32];
	struct tvm_ev_host_pcr *data;
	struct tvm_event *ev;
	unsigned int i, b;
	u32 mask;
	int ret;

	ret = tvm_host_pcrs_read(values, &mask);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot read the host TPM's PCRs");
		return ret;
	}
	for (i = TVM_PCR_HOST_FIRST; i <= TVM_PCR_HOST_LAST && !ret; i++) {
		ev = tvm_event_alloc(vm, i, TVM_EV_HOST_PCR, sizeof(*data));
		if (!ev) {
			ret = -ENOMEM;
			break;
		}
		data = (struct tvm_ev_host_pcr *)tvm_event_data(ev);
		memcpy(data->magic, "TVMH", 4);
		data->pcr = i;
		if (mask & BIT(i)) {
			data->has_tpm = 1;
			memcpy(data->value, values[i], sizeof(data->value));
		}

		/* SHA-256 extends the host value itself; others hash it. */
		for (b = 0; b < __TVM_BANK_MAX && !ret; b++) {
			if (!(vm->banks & BIT(b)))
				continue;
			if (b == TVM_BANK_SHA256)
				memcpy(tvm_event_digest_mut(ev, b), data->value,
				       sizeof(data->value));
			else
				ret = tvm_bank_hash(b, data->value,
						    sizeof(data->value),
						    tvm_event_digest_mut(ev, b));
		}
		if (!ret)
			ret = tvm_vm_extend(vm, ev);
		else
			tvm_event_free(ev);
	}
	return ret;
}

/* PCR 8 records the tvm that measures the VM. */
static int seed_tvm_version(struct tvm_vm *vm)
{
	char text[64];
	int len;

	len = scnprintf(text, sizeof(text), "tvm %s abi %d", TVM_VERSION,
			TVM_ABI_VERSION);
	return tvm_vm_extend_data(vm, TVM_PCR_VMM, TVM_EV_TVM_VERSION, text,
				  len);
}

int tvm_vm_seed(struct tvm_vm *vm, struct netlink_ext_ack *extack)
{
	int ret;

	ret = seed_host_pcrs(vm, extack);
	if (!ret)
		ret = seed_tvm_version(vm);
	if (ret == -ENOSPC)
		NL_SET_ERR_MSG(extack, "log_max is too small for the creation events");
	return ret;
}

/* A name is 1-63 of [A-Za-z0-9._-], not all digits and not a UUID. */
bool tvm_vm_name_valid(const char *name, struct netlink_ext_ack *extack)
{
	size_t len = strlen(name), i;
	bool digits = true;

	if (!len) {
		NL_SET_ERR_MSG(extack, "VM name is empty");
		return false;
	}
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!isalnum(c) && c != '.' && c != '_' && c != '-') {
			NL_SET_ERR_MSG(extack,
				       "VM name may only hold letters, digits, '.', '_' and '-'");
			return false;
		}
		if (!isdigit(c))
			digits = false;
	}
	if (digits) {
		NL_SET_ERR_MSG(extack, "VM name must not be all digits (ids are)");
		return false;
	}
	if (uuid_is_valid(name)) {
		NL_SET_ERR_MSG(extack, "VM name must not be a UUID");
		return false;
	}
	return true;
}

/*
 * A KVM VM that may no longer run is stopped now, not at its vCPUs' next
 * return to userspace: a vCPU that never returns (a guest looping, or
 * halted with the in-kernel irqchip) would run the refused guest forever.
 */
static void vm_stop_work(struct work_struct *work)
{
	struct tvm_vm *vm = container_of(work, struct tvm_vm, stop_work);

	if (tvm_vm_may_run(vm, NULL, 0) == -EACCES)
		tvm_hooks_stop(vm);
	tvm_vm_put(vm);
}

void tvm_vm_recheck_run(struct tvm_vm *vm)
{
	if (!vm->kvm)
		return;
	kref_get(&vm->ref);	/* the work's */
	if (!queue_work(tvm_wq, &vm->stop_work))
		tvm_vm_put(vm);
}

void tvm_vm_recheck_run_all(void)
{
	struct tvm_vm *vm;
	u32 id;

	for (id = 1; (vm = tvm_vm_get_next(&id)); tvm_vm_put(vm))
		tvm_vm_recheck_run(vm);
}

struct tvm_vm *tvm_vm_alloc(const struct tvm_vm_params *p,
			    struct netlink_ext_ack *extack)
{
	struct tvm_vm *vm;

	if (!p->kvm && !tvm_vm_name_valid(p->name, extack))
		return ERR_PTR(-EINVAL);
	if (!p->kvm && strlen(p->name) > TVM_NAME_MAX) {
		NL_SET_ERR_MSG(extack, "VM name is too long");
		return ERR_PTR(-EINVAL);
	}
	if (p->log_max > tvm_log_max) {
		NL_SET_ERR_MSG(extack,
			       "log_max is above the module parameter log_max");
		return ERR_PTR(-E2BIG);
	}

	vm = kmem_cache_zalloc(tvm_vm_cache, GFP_KERNEL_ACCOUNT);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	atomic64_add(kmem_cache_size(tvm_vm_cache), &tvm_stats.mem_vms);
	INIT_WORK(&vm->stop_work, vm_stop_work);
	if (p->kvm) {
		/* Named by the registry, where bindings are looked up. */
		vm->kvm = true;
		vm->pid = p->kvm_tgid;
	} else {
		strscpy(vm->name, p->name, sizeof(vm->name));
		if (p->uuid)
			memcpy(vm->uuid, p->uuid, TVM_UUID_SIZE);
		else
			generate_random_uuid(vm->uuid);
	}
	vm->banks = (p->banks & TVM_BANKS_ALL) | BIT(TVM_BANK_SHA256);
	vm->log_max = p->log_max ?: tvm_log_max;
	vm->log_max_bytes = tvm_log_max_bytes;
	kref_init(&vm->ref);	/* the registry's, once the VM is linked */
	mutex_init(&vm->lock);
	seqlock_init(&vm->ident_lock);
	xa_init(&vm->log);
	vm->state = TVM_VM_ACTIVE;
	vm->trust = TVM_TRUST_PENDING;
	return vm;
}

static void vm_free_work(struct work_struct *work)
{
	struct tvm_vm *vm = container_of(to_rcu_work(work), struct tvm_vm,
					 free_work);
	struct tvm_event *ev;
	unsigned long seq;

	xa_for_each(&vm->log, seq, ev) {
		atomic64_sub(ksize(ev), &tvm_stats.mem_log);
		tvm_event_free(ev);
	}
	xa_destroy(&vm->log);
	mutex_destroy(&vm->lock);
	kmem_cache_free(tvm_vm_cache, vm);
	atomic64_sub(kmem_cache_size(tvm_vm_cache), &tvm_stats.mem_vms);
}

static void vm_release(struct kref *ref)
{
	struct tvm_vm *vm = container_of(ref, struct tvm_vm, ref);

	/* RCU readers of the registry may still hold the pointer. */
	INIT_RCU_WORK(&vm->free_work, vm_free_work);
	queue_rcu_work(tvm_wq, &vm->free_work);
}

void tvm_vm_put(struct tvm_vm *vm)
{
	if (vm)
		kref_put(&vm->ref, vm_release);
}
EXPORT_SYMBOL_GPL(tvm_vm_put);

/* --- the API of hook modules (api.h) ------------------------------------- */

int tvm_vm_extend_data(struct tvm_vm *vm, u32 pcr, u32 type,
		       const void *data, u32 data_len)
{
	struct tvm_event *ev;

	if (pcr >= TVM_NUM_PCRS || type == TVM_EV_NO_ACTION ||
	    data_len > TVM_EVENT_DATA_MAX)
		return -EINVAL;
	ev = data_event(vm, pcr, type, data, data_len);
	if (IS_ERR(ev))
		return PTR_ERR(ev);
	return tvm_vm_extend(vm, ev);
}
EXPORT_SYMBOL_GPL(tvm_vm_extend_data);

void tvm_vm_ident(const struct tvm_vm *vm, char name[TVM_NAME_MAX + 1],
		  u8 uuid[TVM_UUID_SIZE])
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&vm->ident_lock);
		memcpy(name, vm->name, TVM_NAME_MAX + 1);
		memcpy(uuid, vm->uuid, TVM_UUID_SIZE);
	} while (read_seqretry(&vm->ident_lock, seq));
	name[TVM_NAME_MAX] = '\0';
}

/*
 * Judge again, against the policy that selects @vm now, the events it
 * logged so far, as each extend judged them when it happened
 * (check_event()): before launch, that is each PCR 8-12 event against its
 * level's allow-list.  What was noted before is forgotten, but a full
 * log, which no policy forgives.
 */
static void recheck_pending_locked(struct tvm_vm *vm)
{
	const struct tvm_event *ev;
	u64 seq;

	lockdep_assert_held(&vm->lock);
	vm->nreasons = 0;
	vm->noted = false;
	vm->policy_gen = 0;
	if (vm->state == TVM_VM_LOG_FULL) {
		vm->noted = true;
		strscpy(vm->reasons[vm->nreasons++], "event log is full",
			sizeof(vm->reasons[0]));
	}
	for (seq = 0; seq < vm->log_count; seq++) {
		ev = xa_load(&vm->log, seq);
		if (ev)
			check_event(vm, ev);
	}
}

int tvm_vm_set_ident(struct tvm_vm *vm, const char *name, const u8 *uuid,
		     struct netlink_ext_ack *extack)
{
	int ret;

	mutex_lock(&vm->lock);
	ret = -ENOENT;
	if (vm->dead) {
		NL_SET_ERR_MSG(extack, "the VM is gone");
		goto out;
	}
	ret = -EBUSY;
	if (vm->adopted) {
		NL_SET_ERR_MSG(extack,
			       "the VM ran before tvm_kvm was loaded (adopted): it cannot be bound");
		goto out;
	}
	if (READ_ONCE(vm->mig_state) != TVM_MIG_S_NONE) {
		NL_SET_ERR_MSG(extack, "the VM takes part in a migration");
		goto out;
	}
	if (vm->trust != TVM_TRUST_PENDING) {
		NL_SET_ERR_MSG(extack,
			       "the VM ran already (its first KVM_RUN launched it): too late to bind it");
		goto out;
	}
	write_seqlock(&vm->ident_lock);
	strscpy(vm->name, name, sizeof(vm->name));
	memcpy(vm->uuid, uuid, TVM_UUID_SIZE);
	write_sequnlock(&vm->ident_lock);
	recheck_pending_locked(vm);
	ret = 0;
out:
	mutex_unlock(&vm->lock);
	return ret;
}

int tvm_vm_adopt(struct tvm_vm *vm, const char *reason)
{
	int ret;

	mutex_lock(&vm->lock);
	ret = launchable(vm, NULL);
	if (ret)
		goto out;
	WRITE_ONCE(vm->adopted, true);
	/* Whoever sees the new trust sees @adopted: tvm_vm_may_run(). */
	smp_wmb();
	ret = trust_event(vm, TVM_TE_LAUNCH_NOREF, reason);
	/* The policy the VM is under from now on, as at a launch. */
	if (!ret)
		log_current_policy_locked(vm);
out:
	mutex_unlock(&vm->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(tvm_vm_adopt);

int tvm_vm_mismatch(struct tvm_vm *vm, const char *reason)
{
	int ret = -ENOENT;

	mutex_lock(&vm->lock);
	if (!vm->dead)
		ret = trust_event(vm, TVM_TE_MISMATCH, reason);
	mutex_unlock(&vm->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(tvm_vm_mismatch);

int tvm_vm_cid_add(struct tvm_vm *vm, u32 cid)
{
	unsigned int i;
	int ret = -ENOENT;

	mutex_lock(&vm->lock);
	if (vm->dead)
		goto out;
	ret = -EEXIST;
	for (i = 0; i < vm->ncids; i++)
		if (vm->cids[i] == cid)
			goto out;
	ret = -ENOSPC;
	if (vm->ncids == TVM_VM_CIDS_MAX)
		goto out;
	vm->cids[vm->ncids++] = cid;
	ret = 0;
out:
	mutex_unlock(&vm->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(tvm_vm_cid_add);

void tvm_vm_cid_del(struct tvm_vm *vm, u32 cid)
{
	unsigned int i;

	mutex_lock(&vm->lock);
	for (i = 0; i < vm->ncids; i++) {
		if (vm->cids[i] != cid)
			continue;
		/* Keep the rest in the order they were bound. */
		memmove(&vm->cids[i], &vm->cids[i + 1],
			(vm->ncids - i - 1) * sizeof(vm->cids[0]));
		vm->ncids--;
		break;
	}
	mutex_unlock(&vm->lock);
}
EXPORT_SYMBOL_GPL(tvm_vm_cid_del);

/*
 * Lockless when it allows: @vm->trust and @vm->adopted are single words
 * written under @vm->lock, and the policy is read under RCU.  Only a
 * refusal takes @vm->lock, to copy the newest reason.  A stale trust only
 * delays the answer by one call: the VMM's next KVM_RUN sees the new one.
 */
int tvm_vm_may_run(struct tvm_vm *vm, char *reason, size_t len)
{
	enum tvm_trust trust = READ_ONCE(vm->trust);
	const struct tvm_policy *p;
	bool enforce;

	/* Frozen, gone or not committed: whatever the policy says. */
	if (mig_guard(vm, TVM_MA_RUN)) {
		if (reason && len)
			strscpy(reason, "migration: the VM is frozen, gone or not committed here",
				len);
		return -EACCES;
	}
	smp_rmb();	/* pairs with smp_wmb() in tvm_vm_adopt() */
	if (trust == TVM_TRUST_PENDING || trust == TVM_TRUST_TRUSTED ||
	    READ_ONCE(vm->adopted))
		return 0;

	rcu_read_lock();
	p = tvm_policy_for(vm);
	enforce = p && p->mode == TVM_POLICY_ENFORCE;
	rcu_read_unlock();
	if (!enforce)
		return 0;

	if (reason && len) {
		mutex_lock(&vm->lock);
		strscpy(reason, vm->nreasons ?
			vm->reasons[vm->nreasons - 1] : "", len);
		mutex_unlock(&vm->lock);
	}
	return -EACCES;
}
EXPORT_SYMBOL_GPL(tvm_vm_may_run);

unsigned int tvm_vm_object_size(void)
{
	return kmem_cache_size(tvm_vm_cache);
}

int tvm_vm_init(void)
{
	tvm_vm_cache = KMEM_CACHE(tvm_vm, SLAB_ACCOUNT);
	if (!tvm_vm_cache)
		return -ENOMEM;
	tvm_event_cache = kmem_cache_create("tvm_event", TVM_EVENT_CACHE_SIZE,
					    __alignof__(struct tvm_event),
					    SLAB_ACCOUNT, NULL);
	if (!tvm_event_cache) {
		kmem_cache_destroy(tvm_vm_cache);
		return -ENOMEM;
	}
	tvm_wq = alloc_workqueue("tvm", 0, 0);
	if (!tvm_wq) {
		kmem_cache_destroy(tvm_event_cache);
		kmem_cache_destroy(tvm_vm_cache);
		return -ENOMEM;
	}
	return 0;
}

/* Wait until every VM is freed; for module exit, after the registry's. */
void tvm_vm_uninit(void)
{
	/* Stop works may hold the last references: run them first. */
	flush_workqueue(tvm_wq);
	/* Each release queued an rcu_work: let the grace periods pass. */
	rcu_barrier();
	destroy_workqueue(tvm_wq);
	/* Every VM, and so every event, is freed now. */
	kmem_cache_destroy(tvm_event_cache);
	kmem_cache_destroy(tvm_vm_cache);
}

/* --- migration: freeze, wipe, the sealed state --------------------------- */

/*
 * The sealed state (Documentation/migration.rst, "The sealed state"), all
 * integers big-endian.  MIG_STATE_HEAD is the fixed part before the
 * reasons.
 */
#define MIG_STATE_MAGIC		"TVMS"
#define MIG_STATE_VERSION	1
#define MIG_STATE_HEAD		(4 + 4 + 4 + 4 + (TVM_NAME_MAX + 1) + \
				 TVM_UUID_SIZE + 4 + 4 + 4 + 4 + \
				 sizeof(struct tvm_ev_policy) + 8 + 4)
#define MIG_EVENT_HEAD		(8 + 4 + 4 + 4)

#define MIG_F_NOTED		BIT(0)
#define MIG_F_ADOPTED		BIT(1)
#define MIG_F_KVM		BIT(2)
#define MIG_F_POLICY_LOGGED	BIT(3)
#define MIG_F_ALL		(BIT(4) - 1)

/* A cursor over a buffer being written or read. */
struct mig_buf {
	u8 *p;
	const u8 *end;
	bool bad;
};

static void *mig_take(struct mig_buf *b, size_t n)
{
	void *p = b->p;

	if (b->bad || n > (size_t)(b->end - b->p)) {
		b->bad = true;
		return NULL;
	}
	b->p += n;
	return p;
}

static void mig_put(struct mig_buf *b, const void *src, size_t n)
{
	void *p = mig_take(b, n);

	if (p)
		memcpy(p, src, n);
}

static void mig_put16(struct mig_buf *b, u16 v)
{
	__be16 x = cpu_to_be16(v);

	mig_put(b, &x, sizeof(x));
}

static void mig_put32(struct mig_buf *b, u32 v)
{
	__be32 x = cpu_to_be32(v);

	mig_put(b, &x, sizeof(x));
}

static void mig_put64(struct mig_buf *b, u64 v)
{
	__be64 x = cpu_to_be64(v);

	mig_put(b, &x, sizeof(x));
}

static const void *mig_get(struct mig_buf *b, size_t n)
{
	return mig_take(b, n);
}

static u32 mig_get32(struct mig_buf *b)
{
	const __be32 *p = mig_take(b, sizeof(*p));

	return p ? be32_to_cpu(get_unaligned(p)) : 0;
}

static u64 mig_get64(struct mig_buf *b)
{
	const __be64 *p = mig_take(b, sizeof(*p));

	return p ? be64_to_cpu(get_unaligned(p)) : 0;
}

static size_t mig_pcrs_size(u32 banks)
{
	return TVM_NUM_PCRS * tvm_banks_digest_size(banks);
}

/* Bytes of @vm's sealed state, with @extra bytes of events to come. */
static size_t mig_state_size(struct tvm_vm *vm, size_t extra)
{
	size_t size = MIG_STATE_HEAD + mig_pcrs_size(vm->banks) + 8 + extra;
	const struct tvm_event *ev;
	unsigned int i;
	u64 seq;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < vm->nreasons; i++)
		size += 2 + strlen(vm->reasons[i]);
	for (seq = 0; seq < vm->log_count; seq++) {
		ev = xa_load(&vm->log, seq);
		size += MIG_EVENT_HEAD + tvm_banks_digest_size(ev->banks) +
			ev->data_len;
	}
	return size;
}

static void mig_state_write(struct tvm_vm *vm, struct mig_buf *b)
{
	u32 flags = 0;
	const struct tvm_event *ev;
	unsigned int i, bank;
	size_t len;
	u64 seq;

	lockdep_assert_held(&vm->lock);
	if (vm->noted)
		flags |= MIG_F_NOTED;
	if (vm->adopted)
		flags |= MIG_F_ADOPTED;
	if (vm->kvm)
		flags |= MIG_F_KVM;
	if (vm->policy_logged)
		flags |= MIG_F_POLICY_LOGGED;

	mig_put(b, MIG_STATE_MAGIC, 4);
	mig_put32(b, MIG_STATE_VERSION);
	mig_put32(b, vm->banks);
	mig_put32(b, vm->log_max);
	mig_put(b, vm->name, sizeof(vm->name));	/* NUL-padded: kzalloc */
	mig_put(b, vm->uuid, TVM_UUID_SIZE);
	mig_put32(b, vm->trust);
	mig_put32(b, vm->level);
	mig_put32(b, vm->state);
	mig_put32(b, flags);
	mig_put(b, &vm->policy_id, sizeof(vm->policy_id));
	mig_put64(b, vm->log_refused);
	mig_put32(b, vm->nreasons);
	for (i = 0; i < vm->nreasons; i++) {
		len = strlen(vm->reasons[i]);
		mig_put16(b, len);
		mig_put(b, vm->reasons[i], len);
	}
	for (bank = 0; bank < __TVM_BANK_MAX; bank++) {
		if (!(vm->banks & BIT(bank)))
			continue;
		for (i = 0; i < TVM_NUM_PCRS; i++)
			mig_put(b, vm->pcrs[bank][i], tvm_banks[bank].size);
	}
	mig_put64(b, vm->log_count);
	for (seq = 0; seq < vm->log_count; seq++) {
		ev = xa_load(&vm->log, seq);
		mig_put64(b, ev->seq);
		mig_put32(b, ev->pcr);
		mig_put32(b, ev->type);
		mig_put32(b, ev->data_len);
		mig_put(b, ev->payload,
			tvm_banks_digest_size(ev->banks) + ev->data_len);
	}
}

/*
 * The two VM-level guards of an EXPORT (Documentation/migration.rst): a
 * VM frozen in another migration, or imported and not committed, is
 * EBUSY; one that migrated away is ESTALE (the table's row of S_GONE).
 */
static int exportable_locked(struct tvm_vm *vm, struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&vm->lock);
	if (vm->dead) {
		NL_SET_ERR_MSG(extack, "VM was deleted meanwhile");
		return -ENOENT;
	}
	switch (vm->mig_state) {
	case TVM_MIG_S_FROZEN:
		NL_SET_ERR_MSG(extack,
			       "the VM is frozen already, in another migration");
		return -EBUSY;
	case TVM_MIG_D_IMPORTED:
		NL_SET_ERR_MSG(extack,
			       "the VM is an imported copy not committed yet");
		return -EBUSY;
	case TVM_MIG_S_GONE:
		NL_SET_ERR_MSG(extack, "the VM migrated away");
		return -ESTALE;
	default:
		return 0;
	}
}

int tvm_vm_mig_exportable(struct tvm_vm *vm, struct netlink_ext_ack *extack)
{
	int ret;

	mutex_lock(&vm->lock);
	ret = exportable_locked(vm, extack);
	mutex_unlock(&vm->lock);
	return ret;
}

int tvm_vm_mig_freeze(struct tvm_vm *vm, const struct tvm_ev_migration *out,
		      u8 **state, size_t *len, size_t room,
		      struct netlink_ext_ack *extack)
{
	struct tvm_event *ev;
	struct mig_buf b;
	size_t size;
	u8 *buf;
	int ret;

	ev = data_event(vm, TVM_PCR_MIGRATION, TVM_EV_MIGRATION, out,
			sizeof(*out));
	if (IS_ERR(ev))
		return PTR_ERR(ev);

	mutex_lock(&vm->lock);
	ret = exportable_locked(vm, extack);
	if (ret)
		goto err;
	/* No room for the OUT event: refused, as any extend, and counted. */
	if (vm->state == TVM_VM_LOG_FULL || vm->log_count + 1 > vm->log_max ||
	    vm->log_bytes + tvm_event_size(ev) > vm->log_max_bytes) {
		ret = -ENOSPC;
		NL_SET_ERR_MSG(extack,
			       "the event log has no room for the PCR 15 OUT event");
		goto err;
	}

	size = mig_state_size(vm, MIG_EVENT_HEAD +
			      tvm_banks_digest_size(vm->banks) + sizeof(*out));
	ret = -ENOMEM;
	buf = kvmalloc(size + room, GFP_KERNEL_ACCOUNT);
	if (!buf)
		goto err;
	ret = extend_locked(vm, ev);	/* takes @ev */
	if (ret) {
		kvfree(buf);
		mutex_unlock(&vm->lock);
		return ret;
	}
	/* From here on nothing changes the VM (mig_guard()). */
	WRITE_ONCE(vm->mig_state, TVM_MIG_S_FROZEN);
	b.p = buf;
	b.end = buf + size;
	b.bad = false;
	mig_state_write(vm, &b);
	mutex_unlock(&vm->lock);
	WARN_ON_ONCE(b.bad || b.p != b.end);

	*state = buf;
	*len = size;
	/* A KVM VM's vCPUs leave the guest now. */
	tvm_vm_recheck_run(vm);
	return 0;
err:
	mutex_unlock(&vm->lock);
	tvm_event_free(ev);
	return ret;
}

int tvm_vm_mig_set(struct tvm_vm *vm, enum tvm_mig_state state,
		   const struct tvm_ev_migration *ev)
{
	struct tvm_event *e = NULL;
	int ret = 0;

	if (ev) {
		e = data_event(vm, TVM_PCR_MIGRATION, TVM_EV_MIGRATION, ev,
			       sizeof(*ev));
		if (IS_ERR(e))
			return PTR_ERR(e);
	}
	mutex_lock(&vm->lock);
	if (vm->dead) {
		mutex_unlock(&vm->lock);
		tvm_event_free(e);
		return -ENOENT;
	}
	WRITE_ONCE(vm->mig_state, state);
	if (e)
		ret = extend_locked(vm, e);
	mutex_unlock(&vm->lock);
	tvm_vm_recheck_run(vm);
	return ret;
}

void tvm_vm_mig_wipe(struct tvm_vm *vm)
{
	mutex_lock(&vm->lock);
	WRITE_ONCE(vm->mig_state, TVM_MIG_S_GONE);
	memzero_explicit(vm->pcrs, sizeof(vm->pcrs));
	/*
	 * The log is empty from now on.  Its events stay allocated until the
	 * VM is freed: readers of the log use events below the count they
	 * read without @lock (tvm_vm_event()), and may hold one still.
	 */
	smp_store_release(&vm->log_count, 0);
	vm->log_bytes = 0;
	vm->policy_logged = false;
	memset(&vm->policy_id, 0, sizeof(vm->policy_id));
	mutex_unlock(&vm->lock);
	tvm_vm_recheck_run(vm);
}

/*
 * Check that @vm's restored log replays to its restored PCRs: a state
 * that does not is not the source's, whatever its seal says.
 */
static int mig_replay_check(struct tvm_vm *vm)
{
	u8 (*pcrs)[TVM_NUM_PCRS][TVM_DIGEST_MAX];
	const struct tvm_event *ev;
	const struct tvm_ev_reset *r;
	unsigned int b;
	int ret = 0;
	u64 seq;

	pcrs = kzalloc(sizeof(vm->pcrs), GFP_KERNEL);
	if (!pcrs)
		return -ENOMEM;
	for (seq = 0; seq < vm->log_count && !ret; seq++) {
		ev = xa_load(&vm->log, seq);
		if (ev->type == TVM_EV_NO_ACTION) {
			r = (const void *)tvm_event_data(ev);
			if (ev->data_len == sizeof(*r) &&
			    !memcmp(r->magic, "TVMR", 4) &&
			    r->pcr == ev->pcr && pcr_resettable(ev->pcr)) {
				for (b = 0; b < __TVM_BANK_MAX; b++)
					memset(pcrs[b][ev->pcr], 0,
					       TVM_DIGEST_MAX);
			}
			continue;
		}
		for (b = 0; b < __TVM_BANK_MAX && !ret; b++)
			if (vm->banks & BIT(b))
				ret = tvm_bank_extend(b, pcrs[b][ev->pcr],
						      tvm_event_digest(ev, b),
						      pcrs[b][ev->pcr]);
	}
	if (!ret && memcmp(pcrs, vm->pcrs, sizeof(vm->pcrs)))
		ret = -EBADMSG;
	kfree(pcrs);
	return ret;
}

struct tvm_vm *tvm_vm_mig_restore(const u8 *state, size_t len,
				  struct netlink_ext_ack *extack)
{
	struct tvm_vm_params p = { .name = "" };
	struct mig_buf b = { .p = (u8 *)state, .end = state + len };
	char name[TVM_NAME_MAX + 1];
	const u8 *magic, *uuid, *src;
	struct tvm_event *ev;
	struct tvm_vm *vm;
	u32 flags, n, i, bank, trust, level, vstate, dlen;
	u64 count, seq;
	const char *why = "the sealed state is malformed";
	int ret;

	magic = mig_get(&b, 4);
	if (!magic || memcmp(magic, MIG_STATE_MAGIC, 4) ||
	    mig_get32(&b) != MIG_STATE_VERSION)
		goto bad;
	p.banks = mig_get32(&b);
	p.log_max = mig_get32(&b);
	src = mig_get(&b, sizeof(name));
	uuid = mig_get(&b, TVM_UUID_SIZE);
	if (b.bad || (p.banks & ~TVM_BANKS_ALL) ||
	    !(p.banks & BIT(TVM_BANK_SHA256)) || p.log_max < 16)
		goto bad;
	memcpy(name, src, sizeof(name));
	if (name[TVM_NAME_MAX] || !tvm_vm_name_valid(name, extack)) {
		why = "the sealed state's VM name is not valid here";
		goto bad;
	}
	p.name = name;
	p.uuid = uuid;
	/* -E2BIG: a log_max above this host's module parameter. */
	vm = tvm_vm_alloc(&p, extack);
	if (IS_ERR(vm))
		return vm;

	trust = mig_get32(&b);
	level = mig_get32(&b);
	vstate = mig_get32(&b);
	flags = mig_get32(&b);
	src = mig_get(&b, sizeof(vm->policy_id));
	if (src)
		memcpy(&vm->policy_id, src, sizeof(vm->policy_id));
	vm->log_refused = mig_get64(&b);
	n = mig_get32(&b);
	if (b.bad || trust <= TVM_TRUST_UNSPEC || trust >= __TVM_TRUST_MAX ||
	    level > TVM_POLICY_LEVELS || (flags & ~MIG_F_ALL) ||
	    (vstate != TVM_VM_ACTIVE && vstate != TVM_VM_LOG_FULL) ||
	    n > TVM_REASONS_MAX)
		goto bad_vm;
	vm->trust = trust;
	vm->level = level;
	vm->state = vstate;
	vm->noted = flags & MIG_F_NOTED;
	vm->adopted = flags & MIG_F_ADOPTED;
	vm->policy_logged = flags & MIG_F_POLICY_LOGGED;
	for (i = 0; i < n; i++) {
		const u8 *l = mig_get(&b, 2);
		u32 rlen = l ? get_unaligned_be16(l) : 0;

		src = mig_get(&b, rlen);
		if (!src || rlen > TVM_REASON_MAX || memchr(src, 0, rlen))
			goto bad_vm;
		memcpy(vm->reasons[i], src, rlen);
		vm->reasons[i][rlen] = '\0';
	}
	vm->nreasons = n;
	for (bank = 0; bank < __TVM_BANK_MAX; bank++) {
		if (!(vm->banks & BIT(bank)))
			continue;
		for (i = 0; i < TVM_NUM_PCRS; i++) {
			src = mig_get(&b, tvm_banks[bank].size);
			if (!src)
				goto bad_vm;
			memcpy(vm->pcrs[bank][i], src, tvm_banks[bank].size);
		}
	}
	count = mig_get64(&b);
	if (b.bad || count > vm->log_max)
		goto bad_vm;
	for (seq = 0; seq < count; seq++) {
		u64 eseq = mig_get64(&b);
		u32 pcr = mig_get32(&b), type = mig_get32(&b);

		dlen = mig_get32(&b);
		if (b.bad || eseq != seq || pcr >= TVM_NUM_PCRS ||
		    dlen > TVM_EVENT_DATA_MAX)
			goto bad_vm;
		src = mig_get(&b, tvm_banks_digest_size(vm->banks) + dlen);
		if (!src)
			goto bad_vm;
		ev = tvm_event_alloc(vm, pcr, type, dlen);
		ret = -ENOMEM;
		if (!ev)
			goto err_vm;
		memcpy(ev->payload, src, tvm_banks_digest_size(vm->banks) + dlen);
		ev->seq = seq;
		vm->log_bytes += tvm_event_size(ev);
		ret = xa_insert(&vm->log, seq, ev, GFP_KERNEL_ACCOUNT);
		if (ret) {
			tvm_event_free(ev);
			goto err_vm;
		}
		atomic64_add(ksize(ev), &tvm_stats.mem_log);
		vm->log_count = seq + 1;
		if (vm->log_bytes > vm->log_max_bytes) {
			NL_SET_ERR_MSG(extack,
				       "the VM's log is larger than log_max_bytes here");
			ret = -E2BIG;
			goto err_vm;
		}
	}
	if (b.p != b.end)
		goto bad_vm;
	ret = mig_replay_check(vm);
	if (ret == -EBADMSG) {
		why = "the sealed state's log does not replay to its PCRs";
		goto bad_vm;
	}
	if (ret)
		goto err_vm;
	return vm;

bad_vm:
	tvm_vm_put(vm);
bad:
	/* @why is a string literal, as NL_SET_ERR_MSG() wants. */
	if (extack)
		extack->_msg = why;
	return ERR_PTR(-EBADMSG);
err_vm:
	tvm_vm_put(vm);
	return ERR_PTR(ret);
}
