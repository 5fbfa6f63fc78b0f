// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl vm create|list|show|delete|launch|bind: the VMs tvm keeps PCR
 * banks for (bind is in launch.c, beside the binding it shares code with).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "mig_client.h"
#include "tvmctl.h"

void vm_print(struct tvmctl *ctl, const struct vm_info *vm)
{
	char uuid[PARSE_UUID_STR_LEN];
	struct out *o = ctl->out;

	format_uuid(vm->uuid, uuid);
	out_object_begin(o, NULL);
	out_int(o, "id", NULL, vm->id);
	out_str(o, "name", NULL, vm->name);
	out_str(o, "uuid", NULL, uuid);
	out_array_begin(o, "banks");
	for (unsigned int b = 0; b < __TVM_BANK_MAX; b++)
		if (vm->banks & (1U << b))
			out_str(o, NULL, NULL, bank_name(b));
	out_array_end(o);
	out_str(o, "state", NULL, vm_state_name(vm->state));
	if (vm->pid)
		out_int(o, "pid", NULL, vm->pid);
	else
		out_null(o, "pid", NULL, "-");
	out_bool(o, "kvm", NULL, vm->kvm);
	out_array_begin(o, "cids");
	for (unsigned int i = 0; i < vm->ncids; i++)
		out_int(o, NULL, NULL, vm->cids[i]);
	out_array_end(o);
	if (vm->has_trust) {
		out_str(o, "trust", NULL, vm_trust_name(vm->trust));
		if (vm->has_level)
			out_int(o, "level", NULL, vm->level);
		out_array_begin(o, "reasons");
		for (unsigned int i = 0; i < vm->nreasons; i++)
			out_str(o, NULL, NULL, vm->reasons[i]);
		out_array_end(o);
		out_int(o, "policy_gen", "policy gen",
			(int64_t)vm->policy_gen);
	}
	/* Only a VM in a migration (ABI 10): frozen, gone or imported. */
	if (vm->has_migration)
		out_str(o, "migration", NULL, mig_state_name(vm->migration));
	out_int(o, "log_max", "log max", vm->log_max);
	out_int(o, "log_count", "log events", (int64_t)vm->log_count);
	out_int(o, "log_bytes", "log bytes", (int64_t)vm->log_bytes);
	out_int(o, "log_refused", "log refused", (int64_t)vm->log_refused);
	out_object_end(o);
}

static int vm_create(struct tvmctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uuid", required_argument, NULL, 'u' },
		{ "banks", required_argument, NULL, 'b' },
		{ "log-max", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vm_create_args a = { 0 };
	struct vm_info vm;
	struct tvm_nl *nl;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			if (tvmctl_parse_uuid(ctl, optarg, a.uuid))
				return TVMCTL_USAGE;
			a.has_uuid = true;
			break;
		case 'b':
			if (parse_banks(optarg, &a.banks))
				return tvmctl_err(TVMCTL_USAGE,
						  "%s: bad bank list '%s' (of sha1, sha256, sha384, sm3_256)",
						  ctl->name, optarg);
			a.has_banks = true;
			break;
		case 'l':
			if (parse_u32(optarg, &a.log_max))
				return tvmctl_err(TVMCTL_USAGE,
						  "%s: bad log size '%s'",
						  ctl->name, optarg);
			a.has_log_max = true;
			break;
		default:
			return tvmctl_opt_default(ctl, c, argv);
		}
	}
	ret = tvmctl_args(ctl, argc, argv, 1, &a.name);
	if (ret)
		return ret;
	if (tvmctl_parse_vm_name(ctl, a.name))
		return TVMCTL_USAGE;

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		return ret;
	ret = tvm_client_vm_create(nl, &a, &vm);
	if (ret)
		ret = tvmctl_nl_err(ctl, nl, ret, "creating VM '%s'", a.name);
	else
		vm_print(ctl, &vm);
	tvm_nl_close(nl);
	return ret;
}

/*
 * `vm list` in text: one row per VM under a header; the reason is the
 * VM's oldest (`vm show` has them all).  The header comes with the first
 * row, or after a dump of none, never before an error.
 */
#define VM_ROW_FMT "%-5s %-20s %-36s %-26s %-8s %-8s %-9s %-6s %-7s %-3s %s"

struct vm_rows {
	struct tvmctl *ctl;
	bool headed;
};

static void vm_rows_head(struct vm_rows *r)
{
	char head[256];

	if (r->headed || r->ctl->json)
		return;
	snprintf(head, sizeof(head), VM_ROW_FMT, "ID", "NAME", "UUID",
		 "BANKS", "STATE", "EVENTS", "TRUST", "POLICY", "PID",
		 "KVM", "REASON");
	out_str(r->ctl->out, NULL, NULL, head);
	r->headed = true;
}

static int vm_row(const struct vm_info *vm, void *arg)
{
	struct vm_rows *r = arg;
	struct tvmctl *ctl = r->ctl;
	char id[12], uuid[PARSE_UUID_STR_LEN], banks[64], count[24], gen[24];
	char pid[12];
	char row[512];

	if (ctl->json) {
		vm_print(ctl, vm);
		return 0;
	}
	vm_rows_head(r);
	snprintf(id, sizeof(id), "%u", vm->id);
	format_uuid(vm->uuid, uuid);
	format_banks(vm->banks, banks, sizeof(banks));
	snprintf(count, sizeof(count), "%llu",
		 (unsigned long long)vm->log_count);
	snprintf(gen, sizeof(gen), "%llu", (unsigned long long)vm->policy_gen);
	snprintf(pid, sizeof(pid), "%u", vm->pid);
	snprintf(row, sizeof(row), VM_ROW_FMT, id, vm->name, uuid, banks,
		 vm_state_name(vm->state), count,
		 vm->has_trust ? vm_trust_name(vm->trust) : "-",
		 vm->has_trust ? gen : "-", vm->pid ? pid : "-",
		 vm->kvm ? "yes" : "no", vm->nreasons ? vm->reasons[0] : "");
	out_str(ctl->out, NULL, NULL, row);
	return 0;
}

static int vm_list(struct tvmctl *ctl, int argc, char **argv)
{
	struct vm_rows rows = { .ctl = ctl };
	struct tvm_nl *nl;
	int ret;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	ret = tvmctl_args(ctl, argc, argv, 0, NULL);
	if (ret)
		return ret;

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		return ret;
	/* A JSON array of VMs; in text, a table whose rows are its items. */
	out_array_begin(ctl->out, NULL);
	ret = tvm_client_vm_list(nl, vm_row, &rows);
	if (ret) {
		ret = tvmctl_nl_err(ctl, nl, ret, "listing VMs");
	} else {
		vm_rows_head(&rows);
		out_array_end(ctl->out);
	}
	tvm_nl_close(nl);
	return ret;
}

/*
 * Launch decides the VM's trust state.  When enforce mode refuses it
 * (EACCES) the state changed all the same: print the VM anyway, and its
 * oldest reason (the first thing that went wrong) on stderr.
 */
static void launch_refused(struct tvmctl *ctl, struct tvm_nl *nl, int err,
			   const struct vm_sel *sel, const char *arg)
{
	struct vm_info vm;

	if (err != -EACCES || tvm_client_vm_get(nl, sel, &vm))
		return;
	vm_print(ctl, &vm);
	if (vm.nreasons)
		tvmctl_err(0, "%s: VM '%s' is %s: %s", ctl->name, arg,
			   vm_trust_name(vm.trust), vm.reasons[0]);
}

int vm_one(struct tvmctl *ctl, int argc, char **argv,
	   int (*fn)(struct tvm_nl *nl, const struct vm_sel *sel,
		     struct vm_info *vm),
	   const char *what)
{
	struct vm_info vm;
	struct vm_sel sel;
	struct tvm_nl *nl;
	const char *arg;
	int ret, status = TVMCTL_OK;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	ret = tvmctl_vm_args(ctl, argc, argv, 1, &sel, &arg);
	if (ret)
		return ret;

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		return ret;
	ret = fn(nl, &sel, &vm);
	if (ret) {
		status = tvmctl_nl_err(ctl, nl, ret, "%s VM '%s'", what, arg);
		if (fn == tvm_client_vm_launch)
			launch_refused(ctl, nl, ret, &sel, arg);
	} else if (fn != tvm_client_vm_delete) {
		vm_print(ctl, &vm);
	} else {
		/* Nothing to say in text; an empty object in JSON. */
		out_object_begin(ctl->out, NULL);
		out_object_end(ctl->out);
	}
	tvm_nl_close(nl);
	return status;
}

static int vm_show(struct tvmctl *ctl, int argc, char **argv)
{
	return vm_one(ctl, argc, argv, tvm_client_vm_get, "showing");
}

static int vm_delete(struct tvmctl *ctl, int argc, char **argv)
{
	return vm_one(ctl, argc, argv, tvm_client_vm_delete, "deleting");
}

static int vm_launch(struct tvmctl *ctl, int argc, char **argv)
{
	return vm_one(ctl, argc, argv, tvm_client_vm_launch, "launching");
}

const struct tvmctl_cmd vm_cmds[] = {
	{ .name = "create", .fn = vm_create, .args = "NAME",
	  .help = "create a VM and show it",
	  .opts = "  --uuid UUID    its UUID (default: random)\n"
		  "  --banks LIST   its banks, of sha1,sha256,sha384,sm3_256\n"
		  "                 (default: sha256,sha384,sm3_256; sha256 always)\n"
		  "  --log-max N    most events its log holds (default and most:\n"
		  "                 tvm.ko's log_max)\n" },
	{ .name = "list", .fn = vm_list, .args = "", .help = "list the VMs" },
	{ .name = "show", .fn = vm_show, .args = "VM", .help = "show a VM" },
	{ .name = "delete", .fn = vm_delete, .args = "VM",
	  .help = "delete a VM, its PCRs and its log" },
	{ .name = "launch", .fn = vm_launch, .args = "VM",
	  .help = "check a VM against its policy, decide its trust" },
	{ .name = "bind", .fn = vm_bind_main, .args = "PID --name NAME",
	  .help = "name the KVM VM process PID created, before it first runs",
	  .opts = "  --name NAME    the VM's new name (required)\n"
		  "  --uuid UUID    its UUID (default: random)\n"
		  "  --policy FILE  load FILE as its policy first; its selector\n"
		  "                 must be NAME or --uuid, or absent\n"
		  "  --sig SIG      the policy's signature (default FILE.sig if\n"
		  "                 the policy has an owner_key)\n"
		  "               The VM must not have run (QEMU -S: paused).\n" },
	{ .name = NULL },
};

int vm_main(struct tvmctl *ctl, int argc, char **argv)
{
	return tvmctl_dispatch(ctl, argc, argv);
}
