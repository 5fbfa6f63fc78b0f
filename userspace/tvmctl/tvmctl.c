// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl: administer tvm, the per-VM virtual PCR banks of a KVM host.
 * See tvmctl(8).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tvmctl.h"

static const struct tvmctl_cmd commands[] = {
	{ .name = "version", .fn = version_main, .args = "",
	  .help = "show the versions of tvmctl and of the kernel's tvm" },
	{ .name = "vm", .fn = vm_main, .args = "SUBCOMMAND ...",
	  .help = "create, list, show and delete VMs", .subs = vm_cmds },
	{ .name = "pcr", .fn = pcr_main, .args = "SUBCOMMAND ...",
	  .help = "read, extend and reset a VM's PCRs", .subs = pcr_cmds },
	{ .name = "log", .fn = log_main, .args = "VM",
	  .help = "print a VM's event log",
	  .opts = "  --from SEQ   only the events from sequence number SEQ on\n"
		  "  --binary     write the TCG crypto-agile binary log to stdout\n"
		  "               (not a terminal; with --from, no Spec ID event)\n"
		  "  --raw        the lines as securityfs has them: types in hex,\n"
		  "               data not decoded\n" },
	{ .name = "launch", .fn = launch_main, .args = "--name NAME -- CMD...",
	  .help = "run a VMM whose KVM VM gets NAME, a UUID and a policy",
	  .opts = "  --name NAME    the VM's name (required, but with --incoming)\n"
		  "  --incoming ID  the VM is the one migration ID imported\n"
		  "                 (its name, UUID and state; runs once committed)\n"
		  "  --uuid UUID    its UUID (default: random)\n"
		  "  --policy FILE  load FILE as its policy first; its selector\n"
		  "                 must be the VM's name or --uuid, or absent\n"
		  "  --sig SIG      the policy's signature (default FILE.sig if\n"
		  "                 the policy has an owner_key)\n"
		  "  --file NAME=PATH  measure PATH (a direct-boot kernel,\n"
		  "                 initrd or command line) into the VM's PCR 9\n"
		  "                 as event NAME before it first runs (up to 4)\n"
		  "  -v, --verbose  say what was bound, on stderr\n"
		  "               With -j, what was bound goes to stdout as one\n"
		  "               JSON line before CMD runs.  Exit status: CMD's,\n"
		  "               128+N if signal N killed it, 127/126 if it could\n"
		  "               not run, 1 if tvmctl failed (nothing ran)\n" },
	{ .name = "measure", .fn = measure_main, .args = "VM",
	  .help = "re-hash a KVM VM's runtime ranges (PCR 13) now, show it" },
	{ .name = "measure-file", .fn = measure_file_main, .args = "VM FILE",
	  .help = "hash FILE into a VM's PCR 9 and log it",
	  .opts = "  --name NAME   the event's name (default: FILE as given)\n" },
	{ .name = "policy", .fn = policy_main, .args = "SUBCOMMAND ...",
	  .help = "sign, load, show and delete policies", .subs = policy_cmds },
	{ .name = "ak", .fn = ak_main, .args = "SUBCOMMAND ...",
	  .help = "set and show the attestation key", .subs = ak_cmds },
	{ .name = "migrate", .fn = migrate_main, .args = "SUBCOMMAND ...",
	  .help = "move a VM's trust state to another host",
	  .subs = migrate_cmds },
	{ .name = "quote", .fn = quote_main, .args = "VM",
	  .help = "write a signed quote of a VM's PCRs, with its log",
	  .opts = "  --nonce HEX    the verifier's nonce, 8-64 bytes (required)\n"
		  "  --pcrs LIST    the PCRs to quote (default: all)\n"
		  "  --bank BANK    the bank to quote (default: sha256)\n"
		  "  --out DIR      where to write the files (required)\n"
		  "  --deep         also a host TPM quote over the vquote\n" },
	{ .name = "verify", .fn = verify_main, .args = "DIR",
	  .help = "verify a quote directory offline: trusted or not, and why",
	  .opts = "  --ak PEM       the attestation key to trust (required)\n"
		  "  --nonce HEX    the fresh nonce you chose (required)\n"
		  "  --vm NAME      the VM the quote must be of (this or --uuid\n"
		  "                 required; the other from quote.json)\n"
		  "  --uuid UUID    the VM's UUID\n"
		  "  --require-kvm  fail unless the kernel measured its launch\n"
		  "  --policy FILE  check the log and PCRs against a policy\n"
		  "  --tpm-ak PEM   check the deep quote with this TPM key\n" },
	{ .name = "flows", .fn = flows_main, .args = "[VM]",
	  .help = "list the live vsock flows (of one VM), bytes and verdicts",
	  .opts = "  -j, --json   a JSON array, as tvmctl -j flows\n" },
	{ .name = "monitor", .fn = monitor_main, .args = "",
	  .help = "print trust, policy and dataflow events as they happen",
	  .opts = "  -j, --json   one JSON object per line\n" },
};

/* The number of subcommands: their table ends with an empty entry. */
static size_t nsubs(const struct tvmctl_cmd *c)
{
	size_t n = 0;

	while (c->subs && c->subs[n].name)
		n++;
	return n;
}

int tvmctl_err(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("tvmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static void usage_line(FILE *fp, const char *prefix,
		       const struct tvmctl_cmd *c)
{
	char head[64];

	snprintf(head, sizeof(head), "%s%s%s%s%s", prefix ? prefix : "",
		 prefix ? " " : "", c->name, *c->args ? " " : "", c->args);
	fprintf(fp, "  %-24s %s\n", head, c->help);
}

static void usage(FILE *fp)
{
	fprintf(fp, "usage: tvmctl [-j|--json] COMMAND [ARGS...]\n\n"
		    "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct tvmctl_cmd *c = &commands[i];

		if (!c->subs) {
			usage_line(fp, NULL, c);
			continue;
		}
		for (size_t j = 0; j < nsubs(c); j++)
			usage_line(fp, c->name, &c->subs[j]);
	}
	fprintf(fp, "  %-24s %s\n", "help [COMMAND]", "this text, or a command's");
	fprintf(fp, "\nVM is a VM's id, UUID or name.  "
		    "'tvmctl COMMAND -h' shows a command's options.\n"
		    "\nOptions:\n"
		    "  -j, --json   print JSON instead of text\n"
		    "  -h, --help   this text\n"
		    "\nSee tvmctl(8).\n");
}

int tvmctl_help(const struct tvmctl *ctl)
{
	const struct tvmctl_cmd *c = ctl->cmd;

	if (c->subs) {
		printf("usage: tvmctl [-j] %s SUBCOMMAND [ARGS...]\n\n%s\n\n"
		       "Subcommands:\n", ctl->name, c->help);
		for (size_t i = 0; i < nsubs(c); i++)
			usage_line(stdout, ctl->name, &c->subs[i]);
		printf("\n'tvmctl %s SUBCOMMAND -h' shows its options.\n",
		       ctl->name);
		return TVMCTL_OK;
	}
	printf("usage: tvmctl [-j] %s%s%s%s\n\n%s\n", ctl->name,
	       *c->args ? " " : "", c->args, c->opts ? " [OPTIONS]" : "",
	       c->help);
	printf("\nOptions:\n%s  -h, --help   this text\n",
	       c->opts ? c->opts : "");
	return TVMCTL_OK;
}

static void set_cmd(struct tvmctl *ctl, const struct tvmctl_cmd *c,
		    const char *parent)
{
	ctl->cmd = c;
	/* Names are the tables' own, a few letters each. */
	snprintf(ctl->name, sizeof(ctl->name), "%.15s%s%.15s",
		 parent ? parent : "", parent ? " " : "", c->name);
}

static const struct tvmctl_cmd *find(const struct tvmctl_cmd *cmds,
				     size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

int tvmctl_dispatch(struct tvmctl *ctl, int argc, char **argv)
{
	const struct tvmctl_cmd *parent = ctl->cmd, *sub;
	char name[sizeof(ctl->name)];

	if (argc < 2) {
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: missing subcommand (see 'tvmctl %s -h')",
				  ctl->name, ctl->name);
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help"))
		return tvmctl_help(ctl);
	sub = find(parent->subs, nsubs(parent), argv[1]);
	if (!sub)
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: unknown subcommand '%s' (see 'tvmctl %s -h')",
				  ctl->name, argv[1], ctl->name);
	snprintf(name, sizeof(name), "%s", ctl->name);
	set_cmd(ctl, sub, name);
	return sub->fn(ctl, argc - 1, argv + 1);
}

/* After getopt_long() returned '?' or ':': name the bad option. */
static int opt_err(const struct tvmctl *ctl, int c, char **argv)
{
	const char *tok = argv[optind - 1];

	if (c == ':')
		return tvmctl_err(TVMCTL_USAGE, "%s: option '%s' needs a value",
				  ctl->name, tok);
	if (optopt)
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: unknown option '-%c' (see 'tvmctl %s -h')",
				  ctl->name, optopt, ctl->name);
	return tvmctl_err(TVMCTL_USAGE,
			  "%s: unknown option '%s' (see 'tvmctl %s -h')",
			  ctl->name, tok, ctl->name);
}

int tvmctl_opt_default(const struct tvmctl *ctl, int c, char **argv)
{
	if (c == 'h')
		return tvmctl_help(ctl);
	return opt_err(ctl, c, argv);
}

bool tvmctl_only_help(const struct tvmctl *ctl, int argc, char **argv,
		      int *status)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	c = getopt_long(argc, argv, ":h", opts, NULL);
	if (c == -1)
		return false;
	*status = tvmctl_opt_default(ctl, c, argv);
	return true;
}

int tvmctl_args(const struct tvmctl *ctl, int argc, char **argv, int want,
		const char **first)
{
	int n = argc - optind;

	if (n > want)
		return tvmctl_err(TVMCTL_USAGE, "%s: unexpected argument '%s'",
				  ctl->name, argv[optind + want]);
	if (n < want)
		return tvmctl_err(TVMCTL_USAGE, "%s: missing argument (usage: "
				  "tvmctl %s %s)", ctl->name, ctl->name,
				  ctl->cmd->args);
	if (first)
		*first = want ? argv[optind] : NULL;
	return 0;
}

int tvmctl_parse_vm(const struct tvmctl *ctl, const char *arg,
		    struct vm_sel *sel)
{
	if (parse_vm_sel(arg, sel))
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: bad VM '%s' (an id from 1, a UUID or a name)",
				  ctl->name, arg);
	return 0;
}

int tvmctl_parse_vm_name(const struct tvmctl *ctl, const char *name)
{
	if (parse_vm_name(name))
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: bad VM name '%s' (1-%d of A-Z a-z 0-9 . _ -, not all digits, not a UUID)",
				  ctl->name, name, TVM_NAME_MAX);
	return 0;
}

int tvmctl_parse_uuid(const struct tvmctl *ctl, const char *arg,
		      uint8_t uuid[TVM_UUID_SIZE])
{
	if (parse_uuid(arg, uuid))
		return tvmctl_err(TVMCTL_USAGE, "%s: bad UUID '%s'", ctl->name,
				  arg);
	return 0;
}

int tvmctl_parse_bank(const struct tvmctl *ctl, const char *arg, int *bank)
{
	int b = parse_bank(arg);

	if (b < 0)
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: bad bank '%s' (sha1, sha256, sha384 or sm3_256)",
				  ctl->name, arg);
	*bank = b;
	return 0;
}

int tvmctl_parse_pcrs(const struct tvmctl *ctl, const char *arg,
		      bool nonempty, uint32_t *mask)
{
	if (parse_pcrs(arg, mask) || (nonempty && !*mask))
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: bad PCR list '%s' (0-23, e.g. 0,1,9-12 or all)",
				  ctl->name, arg);
	return 0;
}

int tvmctl_vm_args(const struct tvmctl *ctl, int argc, char **argv, int want,
		   struct vm_sel *sel, const char **first)
{
	const char *vm = NULL;
	int ret = tvmctl_args(ctl, argc, argv, want, &vm);

	if (ret)
		return ret;
	if (first)
		*first = vm;
	return tvmctl_parse_vm(ctl, vm, sel);
}

int tvmctl_nl_open(const struct tvmctl *ctl, struct tvm_nl **nlp)
{
	int ret = tvm_nl_open(nlp);

	if (ret == -ENOENT)
		return tvmctl_err(TVMCTL_ERR, "%s: tvm.ko is not loaded",
				  ctl->name);
	if (ret)
		return tvmctl_err(TVMCTL_ERR, "%s: netlink: %s", ctl->name,
				  strerror(-ret));
	return 0;
}

int tvmctl_nl_err(const struct tvmctl *ctl, const struct tvm_nl *nl, int err,
		  const char *fmt, ...)
{
	const char *extack = nl ? tvm_nl_extack(nl) : NULL;
	const char *hint = "";
	char what[256];
	va_list ap;

	if (err >= 0)
		err = -EIO;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (extack)
		return tvmctl_err(TVMCTL_ERR, "%s: %s: %s (%s)", ctl->name,
				  what, extack, strerror(-err));
	if (err == -EPERM)
		hint = " (needs CAP_SYS_ADMIN)";
	else if (err == -EINTR)
		hint = " (changed while being read; try again)";
	else if (err == -EPROTO)
		hint = " (unexpected reply from tvm.ko)";
	return tvmctl_err(TVMCTL_ERR, "%s: %s: %s%s", ctl->name, what,
			  strerror(-err), hint);
}

/* `tvmctl help [COMMAND [SUBCOMMAND]]` */
static int help(struct tvmctl *ctl, int argc, char **argv)
{
	const struct tvmctl_cmd *c, *sub;
	char name[sizeof(ctl->name)];

	if (argc < 2) {
		usage(stdout);
		return TVMCTL_OK;
	}
	c = find(commands, sizeof(commands) / sizeof(commands[0]), argv[1]);
	if (!c)
		return tvmctl_err(TVMCTL_USAGE, "help: unknown command '%s'",
				  argv[1]);
	set_cmd(ctl, c, NULL);
	if (argc > 2 && c->subs) {
		sub = find(c->subs, nsubs(c), argv[2]);
		if (!sub)
			return tvmctl_err(TVMCTL_USAGE,
					  "help: unknown subcommand '%s %s'",
					  argv[1], argv[2]);
		snprintf(name, sizeof(name), "%s", ctl->name);
		set_cmd(ctl, sub, name);
	}
	return tvmctl_help(ctl);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tvmctl ctl = { .prog = "tvmctl" };
	const struct tvmctl_cmd *cmd;
	int c, first, ret;

	/* Options end at the command: its own options follow it. */
	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctl.json = true;
			break;
		case 'h':
			usage(stdout);
			return TVMCTL_OK;
		default:
			usage(stderr);
			return TVMCTL_USAGE;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return TVMCTL_USAGE;
	}
	if (!strcmp(argv[optind], "help"))
		return help(&ctl, argc - optind, argv + optind);

	cmd = find(commands, sizeof(commands) / sizeof(commands[0]),
		   argv[optind]);
	if (!cmd) {
		tvmctl_err(TVMCTL_USAGE, "unknown command '%s'", argv[optind]);
		usage(stderr);
		return TVMCTL_USAGE;
	}
	set_cmd(&ctl, cmd, NULL);
	ctl.out = out_new(stdout, ctl.json);
	if (!ctl.out)
		return tvmctl_err(TVMCTL_ERR, "out of memory");
	/* Each command parses its own options from a fresh start. */
	first = optind;
	optind = 0;
	opterr = 0;
	ret = cmd->fn(&ctl, argc - first, argv + first);
	out_free(ctl.out);
	if (fflush(stdout) || ferror(stdout)) {
		tvmctl_err(TVMCTL_ERR, "%s: writing output: %s", ctl.name,
			   strerror(errno));
		return TVMCTL_ERR;
	}
	return ret;
}
