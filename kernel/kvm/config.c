// SPDX-License-Identifier: GPL-2.0
/*
 * What a VM is made of, as its VMM made it: the VMM's executable into
 * PCR 8 at creation, and each configuration step (memory slot, vCPU,
 * CPUID) into PCR 12 once KVM accepted it (Documentation/kvm.rst has
 * the encodings).
 */

#include <crypto/hash.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "tvm_kvm.h"

void tk_measure_exe(struct tk_vm *tk)
{
	char reason[TVM_REASON_MAX + 1];
	struct file *exe = NULL;
	char *buf, *path;
	size_t len;
	int ret;

	rcu_read_lock();
	if (current->mm)
		exe = rcu_dereference(current->mm->exe_file);
	if (exe && !get_file_rcu(exe))
		exe = NULL;
	rcu_read_unlock();
	if (!exe) {
		/* Nothing to measure is a mismatch, not a pass. */
		tvm_vm_mismatch(tk->vm, "the VMM has no executable to measure");
		return;
	}

	ret = -ENOMEM;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (buf) {
		path = d_path(&exe->f_path, buf, PATH_MAX);
		if (IS_ERR(path))
			path = "(unknown)";
		len = strlen(path);
		/* The end of a long path says more than its start. */
		if (len > TVM_EVENT_NAME_MAX) {
			path += len - TVM_EVENT_NAME_MAX;
			len = TVM_EVENT_NAME_MAX;
		}
		ret = tvm_vm_measure_file(tk->vm, TVM_PCR_VMM, TVM_EV_VMM_EXE,
					  exe, path, len, NULL);
		kfree(buf);
	}
	fput(exe);
	if (ret) {
		snprintf(reason, sizeof(reason),
			 "the VMM's executable could not be measured (%d)",
			 ret);
		tvm_vm_mismatch(tk->vm, reason);
	}
}

/*
 * PCR 12: a configuration event of @kvm's VM (@what, for the reason),
 * unless @err says it could not be made.  An event that cannot be logged
 * is a mismatch: the VM's configuration is no longer known.  A full log
 * reports itself; a VM being destroyed needs nothing.
 */
static void tk_config_event(struct kvm *kvm, u32 type, const void *data,
			    u32 len, int err, const char *what)
{
	char reason[TVM_REASON_MAX + 1];
	struct tk_vm *tk = tk_get(kvm);

	if (!tk)
		return;
	if (!err)
		err = tvm_vm_extend_data(tk->vm, TVM_PCR_CONFIG, type, data,
					 len);
	if (err && err != -ENOSPC && err != -ENOENT) {
		snprintf(reason, sizeof(reason),
			 "%s could not be measured (%d)", what, err);
		tvm_vm_mismatch(tk->vm, reason);
	}
	tk_put(tk);
}

void tk_config_memslot(struct kvm *kvm,
		       const struct kvm_userspace_memory_region *m)
{
	struct tvm_ev_memslot ev;

	ev.slot = cpu_to_le32(m->slot);
	ev.flags = cpu_to_le32(m->flags);
	ev.gpa = cpu_to_le64(m->guest_phys_addr);
	ev.size = cpu_to_le64(m->memory_size);
	tk_config_event(kvm, TVM_EV_MEMSLOT, &ev, sizeof(ev), 0,
			"a memory slot");
}

void tk_config_vcpu(struct kvm_vcpu *vcpu)
{
	struct tvm_ev_vcpu ev;

	ev.vcpu_id = cpu_to_le32(vcpu->vcpu_id);
	tk_config_event(vcpu->kvm, TVM_EV_VCPU, &ev, sizeof(ev), 0, "a vCPU");
}

bool tk_cpuid_copy(struct tk_cpuid *c, const void __user *entries, u32 n,
		   bool v2)
{
	size_t size = v2 ? sizeof(struct kvm_cpuid_entry2) :
			   sizeof(struct kvm_cpuid_entry);
	void *raw;
	u32 i;

	c->n = n;
	c->enc = NULL;
	if (n > KVM_MAX_CPUID_ENTRIES)
		return false;	/* KVM refuses it: E2BIG */
	c->enc = kvmalloc_array(n ?: 1, 7 * sizeof(__le32), GFP_KERNEL_ACCOUNT);
	if (!c->enc)
		return false;
	if (!n)
		return true;
	raw = vmemdup_user(entries, size * n);
	if (IS_ERR(raw)) {
		kvfree(c->enc);
		c->enc = NULL;
		return false;
	}
	for (i = 0; i < n; i++) {
		__le32 *w = &c->enc[7 * i];

		if (v2) {
			const struct kvm_cpuid_entry2 *e =
				(struct kvm_cpuid_entry2 *)raw + i;

			w[0] = cpu_to_le32(e->function);
			w[1] = cpu_to_le32(e->index);
			w[2] = cpu_to_le32(e->flags);
			w[3] = cpu_to_le32(e->eax);
			w[4] = cpu_to_le32(e->ebx);
			w[5] = cpu_to_le32(e->ecx);
			w[6] = cpu_to_le32(e->edx);
		} else {
			/* KVM turns these into entry2s of index 0, flags 0. */
			const struct kvm_cpuid_entry *e =
				(struct kvm_cpuid_entry *)raw + i;

			w[0] = cpu_to_le32(e->function);
			w[1] = 0;
			w[2] = 0;
			w[3] = cpu_to_le32(e->eax);
			w[4] = cpu_to_le32(e->ebx);
			w[5] = cpu_to_le32(e->ecx);
			w[6] = cpu_to_le32(e->edx);
		}
	}
	kvfree(raw);
	return true;
}

/* After a successful KVM_SET_CPUID(2): log @c, or that it was not copied. */
static void tk_measure_cpuid(struct kvm_vcpu *vcpu, struct tk_cpuid *c,
			     bool copied)
{
	struct tvm_ev_cpuid ev;
	int ret = -ENOMEM;

	if (copied)
		ret = crypto_shash_tfm_digest(tvm_sha256_tfm(), (u8 *)c->enc,
					      (size_t)c->n * 7 * sizeof(__le32),
					      ev.sha256);
	ev.vcpu_id = cpu_to_le32(vcpu->vcpu_id);
	ev.nent = cpu_to_le32(c->n);
	tk_config_event(vcpu->kvm, TVM_EV_CPUID, &ev, sizeof(ev), ret,
			"a vCPU's CPUID");
}

void tk_cpuid_done(struct kvm_vcpu *vcpu, struct tk_cpuid *c, bool copied,
		   int ret)
{
	if (!ret)
		tk_measure_cpuid(vcpu, c, copied);
	kvfree(c->enc);
}
