// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl vm create|list|show|delete|launch: the VMs tvm keeps PCR banks for.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tvmctl.h"

const char *vm_state_name(uint32_t state)
{
	switch (state) {
	case TVM_VM_ACTIVE:
		return "active";
	case TVM_VM_LOG_FULL:
		return "log-full";
	default:
		return "unknown";
	}
}

const char *vm_trust_name(uint32_t trust)
{
	switch (trust) {
	case TVM_TRUST_PENDING:
		return "pending";
	case TVM_TRUST_TRUSTED:
		return "trusted";
	case TVM_TRUST_UNTRUSTED:
		return "untrusted";
	case TVM_TRUST_UNKNOWN:
		return "unknown";
	default:
		return "?";
	}
}

int vm_decode(struct nlattr **tb, struct vm_info *vm)
{
	struct nlattr *a;
	int rem;

	memset(vm, 0, sizeof(*vm));
	if (!tb[TVM_A_VM_ID] || !tb[TVM_A_VM_NAME] || !tb[TVM_A_VM_UUID])
		return -EPROTO;
	vm->id = nla_get_u32(tb[TVM_A_VM_ID]);
	nla_strlcpy(vm->name, tb[TVM_A_VM_NAME], sizeof(vm->name));
	memcpy(vm->uuid, nla_data(tb[TVM_A_VM_UUID]), sizeof(vm->uuid));
	if (tb[TVM_A_VM_BANKS])
		vm->banks = nla_get_u32(tb[TVM_A_VM_BANKS]);
	if (tb[TVM_A_VM_STATE])
		vm->state = nla_get_u32(tb[TVM_A_VM_STATE]);
	if (tb[TVM_A_VM_LOG_MAX])
		vm->log_max = nla_get_u32(tb[TVM_A_VM_LOG_MAX]);
	if (tb[TVM_A_VM_LOG_COUNT])
		vm->log_count = nla_get_u64(tb[TVM_A_VM_LOG_COUNT]);
	if (tb[TVM_A_VM_LOG_BYTES])
		vm->log_bytes = nla_get_u64(tb[TVM_A_VM_LOG_BYTES]);
	if (tb[TVM_A_VM_LOG_REFUSED])
		vm->log_refused = nla_get_u64(tb[TVM_A_VM_LOG_REFUSED]);
	if (tb[TVM_A_VM_TRUST]) {
		vm->has_trust = true;
		vm->trust = nla_get_u32(tb[TVM_A_VM_TRUST]);
	}
	if (tb[TVM_A_VM_POLICY_GEN])
		vm->policy_gen = nla_get_u64(tb[TVM_A_VM_POLICY_GEN]);
	if (tb[TVM_A_VM_PID])
		vm->pid = nla_get_u32(tb[TVM_A_VM_PID]);
	vm->kvm = tb[TVM_A_VM_KVM] != NULL;
	if (tb[TVM_A_VM_REASONS]) {
		nla_for_each_nested(a, tb[TVM_A_VM_REASONS], rem) {
			if (nla_type(a) != TVM_A_REASON ||
			    vm->nreasons == TVM_REASONS_MAX)
				continue;
			nla_strlcpy(vm->reasons[vm->nreasons++], a,
				    sizeof(vm->reasons[0]));
		}
	}
	return 0;
}

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
	if (vm->has_trust) {
		out_str(o, "trust", NULL, vm_trust_name(vm->trust));
		out_array_begin(o, "reasons");
		for (unsigned int i = 0; i < vm->nreasons; i++)
			out_str(o, NULL, NULL, vm->reasons[i]);
		out_array_end(o);
		out_int(o, "policy_gen", "policy gen",
			(int64_t)vm->policy_gen);
	}
	out_int(o, "log_max", "log max", vm->log_max);
	out_int(o, "log_count", "log events", (int64_t)vm->log_count);
	out_int(o, "log_bytes", "log bytes", (int64_t)vm->log_bytes);
	out_int(o, "log_refused", "log refused", (int64_t)vm->log_refused);
	out_object_end(o);
}

static int on_vm(struct nlattr **tb, void *arg)
{
	struct tvmctl *ctl = arg;
	struct vm_info vm;
	int ret = vm_decode(tb, &vm);

	if (!ret)
		vm_print(ctl, &vm);
	return ret;
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
	uint8_t uuid[TVM_UUID_SIZE];
	bool has_uuid = false, has_banks = false, has_log_max = false;
	uint32_t banks = 0, log_max = 0;
	struct tvm_nl *nl;
	struct nl_msg *msg;
	const char *name;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			if (tvmctl_parse_uuid(ctl, optarg, uuid))
				return TVMCTL_USAGE;
			has_uuid = true;
			break;
		case 'b':
			if (parse_banks(optarg, &banks))
				return tvmctl_err(TVMCTL_USAGE,
						  "%s: bad bank list '%s' (of sha1, sha256, sha384, sm3_256)",
						  ctl->name, optarg);
			has_banks = true;
			break;
		case 'l':
			if (parse_u32(optarg, &log_max))
				return tvmctl_err(TVMCTL_USAGE,
						  "%s: bad log size '%s'",
						  ctl->name, optarg);
			has_log_max = true;
			break;
		default:
			return tvmctl_opt_default(ctl, c, argv);
		}
	}
	ret = tvmctl_want_args(ctl, argc - optind, argv + optind, 1);
	if (ret)
		return ret;
	name = argv[optind];
	if (tvmctl_parse_vm_name(ctl, name))
		return TVMCTL_USAGE;

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		return ret;
	ret = tvm_nl_new(nl, TVM_CMD_VM_CREATE, false, &msg);
	if (ret)
		goto err;
	ret = tvm_nl_put_str(msg, TVM_A_VM_NAME, name);
	if (!ret && has_uuid)
		ret = tvm_nl_put(msg, TVM_A_VM_UUID, uuid, sizeof(uuid));
	if (!ret && has_banks)
		ret = tvm_nl_put_u32(msg, TVM_A_VM_BANKS, banks);
	if (!ret && has_log_max)
		ret = tvm_nl_put_u32(msg, TVM_A_VM_LOG_MAX, log_max);
	if (ret) {
		nlmsg_free(msg);
		goto err;
	}
	ret = tvm_nl_send(nl, msg, on_vm, ctl);
	if (ret)
		goto err;
	tvm_nl_close(nl);
	return TVMCTL_OK;
err:
	ret = tvmctl_nl_err(ctl, nl, ret, "creating VM '%s'", name);
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

static int on_vm_row(struct nlattr **tb, void *arg)
{
	struct vm_rows *r = arg;
	struct tvmctl *ctl = r->ctl;
	char id[12], uuid[PARSE_UUID_STR_LEN], banks[64], count[24], gen[24];
	char pid[12];
	char row[512];
	struct vm_info vm;
	int ret = vm_decode(tb, &vm);

	if (ret)
		return ret;
	if (ctl->json) {
		vm_print(ctl, &vm);
		return 0;
	}
	vm_rows_head(r);
	snprintf(id, sizeof(id), "%u", vm.id);
	format_uuid(vm.uuid, uuid);
	format_banks(vm.banks, banks, sizeof(banks));
	snprintf(count, sizeof(count), "%llu",
		 (unsigned long long)vm.log_count);
	snprintf(gen, sizeof(gen), "%llu", (unsigned long long)vm.policy_gen);
	snprintf(pid, sizeof(pid), "%u", vm.pid);
	snprintf(row, sizeof(row), VM_ROW_FMT, id, vm.name, uuid, banks,
		 vm_state_name(vm.state), count,
		 vm.has_trust ? vm_trust_name(vm.trust) : "-",
		 vm.has_trust ? gen : "-", vm.pid ? pid : "-",
		 vm.kvm ? "yes" : "no", vm.nreasons ? vm.reasons[0] : "");
	out_str(ctl->out, NULL, NULL, row);
	return 0;
}

static int vm_list(struct tvmctl *ctl, int argc, char **argv)
{
	struct vm_rows rows = { .ctl = ctl };
	struct tvm_nl *nl;
	struct nl_msg *msg;
	int ret;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	ret = tvmctl_want_args(ctl, argc - optind, argv + optind, 0);
	if (ret)
		return ret;

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		return ret;
	ret = tvm_nl_new(nl, TVM_CMD_VM_GET, true, &msg);
	if (ret)
		goto err;
	/* A JSON array of VMs; in text, a table whose rows are its items. */
	out_array_begin(ctl->out, NULL);
	ret = tvm_nl_send(nl, msg, on_vm_row, &rows);
	if (ret)
		goto err;
	vm_rows_head(&rows);
	out_array_end(ctl->out);
	tvm_nl_close(nl);
	return TVMCTL_OK;
err:
	ret = tvmctl_nl_err(ctl, nl, ret, "listing VMs");
	tvm_nl_close(nl);
	return ret;
}

int vm_one(struct tvmctl *ctl, int argc, char **argv, uint8_t cmd,
	   const char *what)
{
	struct vm_sel sel;
	struct tvm_nl *nl;
	struct nl_msg *msg;
	const char *arg;
	int ret;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	ret = tvmctl_vm_args(ctl, argc - optind, argv + optind, 1, &sel);
	if (ret)
		return ret;
	arg = argv[optind];

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		return ret;
	ret = tvmctl_vm_msg(nl, cmd, false, &sel, &msg);
	if (ret)
		goto err;
	if (cmd != TVM_CMD_VM_DELETE) {
		ret = tvm_nl_send(nl, msg, on_vm, ctl);
	} else {
		ret = tvm_nl_send(nl, msg, NULL, NULL);
		/* Nothing to say in text; an empty object in JSON. */
		if (!ret) {
			out_object_begin(ctl->out, NULL);
			out_object_end(ctl->out);
		}
	}
	if (ret)
		goto err;
	tvm_nl_close(nl);
	return TVMCTL_OK;
err:
	ret = tvmctl_nl_err(ctl, nl, ret, "%s VM '%s'", what, arg);
	tvm_nl_close(nl);
	return ret;
}

static int vm_show(struct tvmctl *ctl, int argc, char **argv)
{
	return vm_one(ctl, argc, argv, TVM_CMD_VM_GET, "showing");
}

static int vm_delete(struct tvmctl *ctl, int argc, char **argv)
{
	return vm_one(ctl, argc, argv, TVM_CMD_VM_DELETE, "deleting");
}

static int on_vm_info(struct nlattr **tb, void *arg)
{
	return vm_decode(tb, arg);
}

/*
 * Launch: the VM's trust state is decided.  When enforce mode refuses it
 * (EACCES) the state changed all the same: print the VM anyway, and its
 * oldest reason (the first thing that went wrong) on stderr.
 */
static int vm_launch(struct tvmctl *ctl, int argc, char **argv)
{
	struct vm_info vm;
	struct vm_sel sel;
	struct tvm_nl *nl;
	struct nl_msg *msg;
	const char *arg;
	int ret, status;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	ret = tvmctl_vm_args(ctl, argc - optind, argv + optind, 1, &sel);
	if (ret)
		return ret;
	arg = argv[optind];

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		return ret;
	ret = tvmctl_vm_msg(nl, TVM_CMD_VM_LAUNCH, false, &sel, &msg);
	if (!ret)
		ret = tvm_nl_send(nl, msg, on_vm, ctl);
	if (!ret) {
		tvm_nl_close(nl);
		return TVMCTL_OK;
	}
	status = tvmctl_nl_err(ctl, nl, ret, "launching VM '%s'", arg);
	if (ret == -EACCES) {
		ret = tvmctl_vm_msg(nl, TVM_CMD_VM_GET, false, &sel, &msg);
		if (!ret)
			ret = tvm_nl_send(nl, msg, on_vm_info, &vm);
		if (!ret) {
			vm_print(ctl, &vm);
			if (vm.nreasons)
				tvmctl_err(0, "%s: VM '%s' is %s: %s",
					   ctl->name, arg,
					   vm_trust_name(vm.trust),
					   vm.reasons[0]);
		}
	}
	tvm_nl_close(nl);
	return status;
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
	{ .name = NULL },
};

int vm_main(struct tvmctl *ctl, int argc, char **argv)
{
	return tvmctl_dispatch(ctl, argc, argv);
}
