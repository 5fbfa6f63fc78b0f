// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe and ftrace hooks by name (hook.h).  Compiled into each hook
 * module, so that THIS_MODULE is the module whose wrappers run.
 */

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <asm/cpufeature.h>

#include "hook.h"

static bool hook_test_cfi;
module_param(hook_test_cfi, bool, 0400);
MODULE_PARM_DESC(hook_test_cfi,
		 "for tests: act as on a kernel enforcing IBT or kCFI, and refuse to load");

/*
 * Whether calls of an original function through the address the hooks
 * resolve are safe here.  A wrapper calls the original through a pointer
 * made from that address: with IBT enforced, the target is past the
 * function's ENDBR (kprobes skip it) and the indirect call faults; with
 * kCFI, the call's type check has no matching hash to find there.  Such
 * a kernel is refused rather than brought down at its first KVM_CREATE_VM.
 */
static int hook_check_cfi(void)
{
	const char *why = NULL;

	if (IS_ENABLED(CONFIG_CFI_CLANG))
		why = "kCFI (CONFIG_CFI_CLANG)";
#ifdef CONFIG_X86_KERNEL_IBT
	else if (cpu_feature_enabled(X86_FEATURE_IBT))
		why = "IBT (CONFIG_X86_KERNEL_IBT, enforced by this CPU)";
#endif
	else if (hook_test_cfi)
		why = "IBT or kCFI (simulated: hook_test_cfi=1)";
	if (!why)
		return 0;
	pr_err("refusing to load: this kernel enforces %s, and calling a wrapped function's original would fault\n",
	       why);
	return -EOPNOTSUPP;
}

/*
 * Find @hook's address.  kallsyms_lookup_name() is not exported; a kprobe
 * registered by name resolves it, and is dropped again unless it is the
 * hook itself.
 */
static int hook_resolve(struct tvm_hook *hook)
{
	struct kprobe kp = { .symbol_name = hook->name };
	int ret;

	ret = register_kprobe(&kp);
	if (ret) {
		pr_err("cannot hook %s: %s (%d)\n", hook->name,
		       ret == -ENOENT ? "no such function" : "kprobe failed",
		       ret);
		return ret;
	}
	hook->addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return 0;
}

/*
 * The ftrace callback of a wrap hook: send the call to the wrapper, unless
 * the wrapper itself is calling the original.  Runs with preemption off.
 */
static void notrace hook_ftrace(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *ops,
				struct ftrace_regs *fregs)
{
	struct tvm_hook *hook = container_of(ops, struct tvm_hook, ops);
	struct pt_regs *regs = ftrace_get_regs(fregs);

	if (within_module(parent_ip, THIS_MODULE))
		return;
	/* The wrapper's frame holds the module; none once unloading began. */
	if (!try_module_get(THIS_MODULE))
		return;
	regs->ip = (unsigned long)hook->wrapper;
}

/* Install @hook, resolved already. */
static int hook_install(struct tvm_hook *hook)
{
	int ret;

	if (hook->pre) {
		memset(&hook->kp, 0, sizeof(hook->kp));
		hook->kp.symbol_name = hook->name;
		hook->kp.pre_handler = hook->pre;
		ret = register_kprobe(&hook->kp);
		if (ret)
			pr_err("cannot probe %s (%d)\n", hook->name, ret);
		return ret;
	}

	hook->ops.func = hook_ftrace;
	hook->ops.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY |
			  FTRACE_OPS_FL_RECURSION;
	ret = ftrace_set_filter_ip(&hook->ops, hook->addr, 0, 0);
	if (ret) {
		pr_err("cannot trace %s (%d)\n", hook->name, ret);
		return ret;
	}
	ret = register_ftrace_function(&hook->ops);
	if (ret) {
		/* -EBUSY: another IPMODIFY user (a live patch) has it. */
		pr_err("cannot wrap %s (%d)\n", hook->name, ret);
		ftrace_set_filter_ip(&hook->ops, hook->addr, 1, 0);
	}
	return ret;
}

static void hook_uninstall(struct tvm_hook *hook)
{
	if (hook->pre) {
		unregister_kprobe(&hook->kp);
	} else {
		unregister_ftrace_function(&hook->ops);
		ftrace_set_filter_ip(&hook->ops, hook->addr, 1, 0);
	}
	hook->installed = false;
}

int tvm_hooks_install(struct tvm_hook *hooks, unsigned int n)
{
	unsigned int i;
	int ret;

	ret = hook_check_cfi();
	if (ret)
		return ret;
	/* Resolve every name first: a missing one must install nothing. */
	for (i = 0; i < n; i++) {
		ret = hook_resolve(&hooks[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < n; i++) {
		if (!hooks[i].wrapper && !hooks[i].pre)
			continue;	/* a lookup: resolved is all it needs */
		ret = hook_install(&hooks[i]);
		if (ret) {
			tvm_hooks_remove(hooks, i);
			return ret;
		}
		hooks[i].installed = true;
	}
	return 0;
}

void tvm_hooks_remove(struct tvm_hook *hooks, unsigned int n)
{
	while (n--)
		if (hooks[n].installed)
			hook_uninstall(&hooks[n]);
	/*
	 * A wrapper that dropped its module reference may still be on its
	 * way out; every task passes a voluntary switch before this returns.
	 */
	synchronize_rcu_tasks();
}
