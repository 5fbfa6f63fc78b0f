// SPDX-License-Identifier: GPL-2.0
/*
 * The launch and the gate: at a VM's first KVM_RUN, its memory into
 * PCR 9 and its policy evaluated; at every KVM_RUN, whether the VM may
 * run; and the stop that forces the vCPUs of a VM that may no longer
 * run out of the guest.
 */

#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>

#include "tvm_kvm.h"

/*
 * libvirt's qemu hook cannot bind a VM before QEMU creates it (there is
 * no QEMU yet), and its "started" hook, where QEMU's pid is known, runs
 * only after libvirt resumed the vCPUs (qemuProcessFinishStartup()).  So
 * on a host that starts VMs with libvirt, the first KVM_RUN of a VM that
 * no binding named waits, before anything is measured or judged, until a
 * late bind (TVM_A_VM_BIND_CREATED) names it, at most this long; then it
 * is launched by whatever name it has.  0 (the default): no wait.
 */
static unsigned int hold_unbound_ms;
module_param(hold_unbound_ms, uint, 0644);
MODULE_PARM_DESC(hold_unbound_ms,
		 "Milliseconds the first KVM_RUN of a VM no binding named waits for a late bind (libvirt hook); 0: none (default)");

/*
 * The hold: poll (every 10 ms) for the late bind, which is rare, brief
 * and made by another process; killable.  -EINTR when the VMM is killed
 * meanwhile (libvirt kills QEMU when its hook fails).
 */
static int tk_hold_unbound(struct tk_vm *tk)
{
	unsigned int ms = READ_ONCE(hold_unbound_ms);
	unsigned long end;

	if (!ms || tvm_vm_bound(tk->vm))
		return 0;
	end = jiffies + msecs_to_jiffies(ms);
	while (!tvm_vm_bound(tk->vm)) {
		if (fatal_signal_pending(current))
			return -EINTR;
		if (time_after(jiffies, end)) {
			pr_info_ratelimited("VM %u: not bound within hold_unbound_ms (%u ms): launched as it is\n",
					    tvm_vm_id(tk->vm), ms);
			break;
		}
		schedule_timeout_killable(msecs_to_jiffies(10));
	}
	return 0;
}

/*
 * The launch, once per VM, in the first KVM_RUN of any of its vCPUs:
 * measure its memory into PCR 9 and evaluate its policy.  Its other
 * vCPUs wait here until that is done.
 */
static int tk_launch(struct tk_vm *tk)
{
	char reason[TVM_REASON_MAX + 1];
	int ret;

	/* Pairs with the release below: a launched VM's measurements are seen. */
	if (smp_load_acquire(&tk->launched))
		return 0;
	if (mutex_lock_killable(&tk->launch_lock))
		return -EINTR;
	if (!tk->launched) {
		/* Waited for under the lock: the other vCPUs wait with it. */
		ret = tk_hold_unbound(tk);
		if (ret) {
			mutex_unlock(&tk->launch_lock);
			return ret;
		}
		ret = tk_measure_slots(tk);
		if (ret) {
			snprintf(reason, sizeof(reason),
				 "launch: guest memory could not be measured (%d)",
				 ret);
			tvm_vm_mismatch(tk->vm, reason);
		}
		/* -EACCES (enforce) is the gate's to report, below. */
		tvm_vm_launch(tk->vm, NULL);
		/* After the launch is done; pairs with the acquire above. */
		smp_store_release(&tk->launched, true);
		tk_runtime_arm(tk);
	}
	mutex_unlock(&tk->launch_lock);
	return 0;
}

/*
 * An incoming VM's runtime measurements start with its first run here,
 * once it is committed (the gate let it through), not before: its memory
 * is the source's only once its VMM restored it.
 */
static int tk_arm_incoming(struct tk_vm *tk)
{
	/* Pairs with the release below: armed once, by one vCPU. */
	if (smp_load_acquire(&tk->armed))
		return 0;
	if (mutex_lock_killable(&tk->launch_lock))
		return -EINTR;
	if (!tk->armed) {
		tk_runtime_arm(tk);
		/* After the timer is armed; pairs with the acquire above. */
		smp_store_release(&tk->armed, true);
	}
	mutex_unlock(&tk->launch_lock);
	return 0;
}

int tk_run(struct kvm_vcpu *vcpu, int (*run)(struct kvm_vcpu *vcpu))
{
	char reason[TVM_REASON_MAX + 1];
	struct tk_vm *tk;
	int ret;

	/*
	 * A stop left pending from a time the VM was refused is not for
	 * this run (a policy may have let it run again).  Clear it before
	 * the gate reads the trust: a stop that comes after that read is
	 * kept, and makes this run leave the guest.
	 */
	if (kvm_test_request(KVM_REQ_VM_DEAD, vcpu) &&
	    !READ_ONCE(vcpu->kvm->vm_dead)) {
		kvm_clear_request(KVM_REQ_VM_DEAD, vcpu);
		/* The clear is ordered before the gate's read of the trust. */
		smp_mb__after_atomic();
	}

	tk = tk_get(vcpu->kvm);
	if (!tk) {
		ret = -ENOMEM;		/* adopting it failed; tk_get() said so */
	} else {
		/*
		 * A VM frozen by a migration (or imported and not committed)
		 * is not launched either: its state may not change, and a
		 * launch refused now would never come again.
		 */
		ret = tvm_vm_may_run(tk->vm, reason, sizeof(reason));
		if (!ret)
			ret = tk_launch(tk);
		if (!ret)
			ret = tvm_vm_may_run(tk->vm, reason, sizeof(reason));
		if (!ret && tk->incoming)
			ret = tk_arm_incoming(tk);
	}
	if (!ret) {
		ret = run(vcpu);
		/* Stopped by tk_stop(), not by KVM (which sets vm_dead). */
		if (ret == -EIO && !READ_ONCE(vcpu->kvm->vm_dead) &&
		    tvm_vm_may_run(tk->vm, reason, sizeof(reason)) == -EACCES)
			ret = -EACCES;
	}
	if (ret == -EACCES)
		pr_info_ratelimited("VM %u: KVM_RUN refused: %s\n",
				    tvm_vm_id(tk->vm), reason);
	if (tk)
		tk_put(tk);
	return ret;
}

void tk_stop(struct tvm_vm *vm)
{
	struct tk_vm *tk = tk_lookup_vm(vm);

	if (!tk)
		return;
	/*
	 * KVM_REQ_VM_DEAD without vm_dead: every vCPU in guest mode is
	 * kicked out (and KVM waits until it is), and every vCPU about to
	 * enter sees the request first; either way it leaves KVM_RUN with
	 * -EIO before another guest instruction.  The VM's other ioctls
	 * keep working, and a halted vCPU stays halted until it is woken,
	 * then leaves the same way.
	 */
	if (tk_kvm_get(tk)) {
		kvm_make_all_cpus_request(tk->kvm, KVM_REQ_VM_DEAD);
		kvm_put_kvm(tk->kvm);
	}
	tk_put(tk);
}
