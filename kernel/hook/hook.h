/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one small hook layer of tvm's hook modules (ARCHITECTURE 5): kernel
 * functions hooked by name, either observed with a kprobe or wrapped with
 * ftrace.
 *
 * A wrapped function's calls go to a wrapper in the hooking module, which
 * calls the original through tvm_hook_orig() and may act before and after
 * it, in the caller's context (so it may sleep where the original may).
 * The ftrace callback redirects a call only when it does not come from the
 * hooking module itself (the wrapper's own call of the original), and only
 * when it can take a reference to the hooking module: while a wrapper
 * runs, the module is in use and cannot be unloaded.  The wrapper drops
 * that reference with tvm_hook_exit() just before it returns; the few
 * instructions after that are covered by the RCU-tasks grace period that
 * tvm_hooks_remove() waits for.
 *
 * Names are "module:function" (kvm:kvm_arch_init_vm), so that a symbol of
 * the same name elsewhere (even a variable, with CONFIG_KALLSYMS_ALL) is
 * never taken for the function.  A kernel that enforces IBT or kCFI is
 * refused at install: the wrapper's indirect call of the original would
 * fault there.
 *
 * Every file holding a wrapper must be built with
 * -fno-optimize-sibling-calls: a tail call to the original would make the
 * original see the wrapper's caller as its parent, and recurse.
 */
#ifndef _TVM_HOOK_H
#define _TVM_HOOK_H

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/module.h>

/**
 * struct tvm_hook - one hooked function
 * @name: "module:function", the function and the module it must be in
 * @wrapper: for a wrap hook, the function that calls go to; its
 *	prototype must equal the original's
 * @pre: for a probe hook, the kprobe pre-handler (runs with preemption
 *	off, must not sleep); with neither @wrapper nor @pre, a lookup: the
 *	name is only resolved (a function the module calls by @addr)
 * @addr: the function's address, once resolved
 * @ops: the ftrace ops of a wrap hook
 * @kp: the kprobe of a probe hook (and of the name lookup)
 * @installed: whether it is live
 */
struct tvm_hook {
	const char *name;
	void *wrapper;
	kprobe_pre_handler_t pre;

	unsigned long addr;
	struct ftrace_ops ops;
	struct kprobe kp;
	bool installed;
};

#define TVM_HOOK_WRAP(_name, _wrapper) { .name = (_name), .wrapper = (_wrapper) }
#define TVM_HOOK_PROBE(_name, _pre) { .name = (_name), .pre = (_pre) }
#define TVM_HOOK_LOOKUP(_name) { .name = (_name) }

/*
 * Resolve and install @n hooks, in order.  A symbol that does not exist
 * fails it all with -ENOENT and a message naming the symbol, a kernel
 * enforcing IBT or kCFI with -EOPNOTSUPP; on any failure, nothing stays
 * installed.
 */
int tvm_hooks_install(struct tvm_hook *hooks, unsigned int n);
/* Remove them (in reverse order) and wait until no callback can run. */
void tvm_hooks_remove(struct tvm_hook *hooks, unsigned int n);

/* The original function of @hook, as a pointer of type @type. */
#define tvm_hook_orig(hook, type) ((type)(hook)->addr)

/* A wrapper's last step before it returns: drop the module reference. */
static inline void tvm_hook_exit(void)
{
	module_put(THIS_MODULE);
}

#endif /* _TVM_HOOK_H */
