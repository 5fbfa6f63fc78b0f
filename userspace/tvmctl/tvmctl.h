/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TVMCTL_H
#define _TVMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.h"
#include "nl.h"
#include "out.h"
#include "policy_json.h"

#define TVMCTL_VERSION "0.1"

/* Exit statuses of every command. */
enum {
	TVMCTL_OK = 0,
	TVMCTL_ERR = 1,		/* the operation failed */
	TVMCTL_USAGE = 2,	/* bad command line */
};

struct tvmctl_cmd;

/* What every command gets besides its own arguments. */
struct tvmctl {
	const char *prog;
	bool json;
	struct out *out;
	/* The command running, and its full name ("pcr extend"). */
	const struct tvmctl_cmd *cmd;
	char name[48];
};

/*
 * A command: @argv[0] is the command's name; returns an exit status.
 * Each lives in its own file as <name>_main().  A command with
 * subcommands (vm, pcr) passes them to tvmctl_dispatch().
 * @args: its positional arguments, for the usage lines
 * @help: what it does, one line
 * @opts: its options, one "  --opt ARG   what" line each, or NULL
 * @subs: its subcommands, ending with an entry whose @name is NULL
 */
struct tvmctl_cmd {
	const char *name;
	int (*fn)(struct tvmctl *ctl, int argc, char **argv);
	const char *args;
	const char *help;
	const char *opts;
	const struct tvmctl_cmd *subs;
};

int version_main(struct tvmctl *ctl, int argc, char **argv);
int vm_main(struct tvmctl *ctl, int argc, char **argv);
int pcr_main(struct tvmctl *ctl, int argc, char **argv);
int log_main(struct tvmctl *ctl, int argc, char **argv);
int policy_main(struct tvmctl *ctl, int argc, char **argv);
int monitor_main(struct tvmctl *ctl, int argc, char **argv);
int flows_main(struct tvmctl *ctl, int argc, char **argv);
int ak_main(struct tvmctl *ctl, int argc, char **argv);
int quote_main(struct tvmctl *ctl, int argc, char **argv);
int verify_main(struct tvmctl *ctl, int argc, char **argv);
int migrate_main(struct tvmctl *ctl, int argc, char **argv);
int migrate_peer_main(struct tvmctl *ctl, int argc, char **argv);

extern const struct tvmctl_cmd vm_cmds[];
extern const struct tvmctl_cmd pcr_cmds[];
extern const struct tvmctl_cmd policy_cmds[];
extern const struct tvmctl_cmd ak_cmds[];
extern const struct tvmctl_cmd migrate_cmds[];
extern const struct tvmctl_cmd migrate_peer_cmds[];

/* The "peer" entry of migrate_cmds[] (migrate_peer.c). */
#define TVMCTL_MIGRATE_PEER_CMD						\
	{ .name = "peer", .fn = migrate_peer_main, .args = "SUBCOMMAND ...",	\
	  .help = "add, list and remove the hosts VMs migrate between",	\
	  .subs = migrate_peer_cmds }

/* Run the subcommand argv[1] of @ctl->cmd, one of its @subs. */
int tvmctl_dispatch(struct tvmctl *ctl, int argc, char **argv);

/* Print "tvmctl: <msg>" to stderr; returns @status for `return err(...)`. */
int tvmctl_err(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The running command's usage on stdout (for -h); returns TVMCTL_OK. */
int tvmctl_help(const struct tvmctl *ctl);
/*
 * The default: of a command's getopt_long() switch (the option strings
 * start with ':'), after it returned @c: 'h' prints the command's usage
 * and returns TVMCTL_OK; '?' or ':' names the bad option and returns
 * TVMCTL_USAGE.
 */
int tvmctl_opt_default(const struct tvmctl *ctl, int c, char **argv);
/*
 * The options of a command that has none but -h: true when the command is
 * done, with its exit status in *@status (it printed its usage, or named
 * a bad option); false to go on with the arguments from argv[optind].
 */
bool tvmctl_only_help(const struct tvmctl *ctl, int argc, char **argv,
		      int *status);
/*
 * Check that exactly @want positional arguments are left after the
 * options, argv[optind..@argc), and point *@first (unless @first is NULL)
 * at the first of them, or NULL if @want is 0; returns 0 or, having said
 * what is missing or extra, TVMCTL_USAGE.
 */
int tvmctl_args(const struct tvmctl *ctl, int argc, char **argv, int want,
		const char **first);

/* A VM selector argument; prints why not, returns 0 or TVMCTL_USAGE. */
int tvmctl_parse_vm(const struct tvmctl *ctl, const char *arg,
		    struct vm_sel *sel);
/*
 * A name for a new VM (vm create, launch --name), and a --uuid option
 * into @uuid; print why not and return TVMCTL_USAGE, or return 0.
 */
int tvmctl_parse_vm_name(const struct tvmctl *ctl, const char *name);
int tvmctl_parse_uuid(const struct tvmctl *ctl, const char *arg,
		      uint8_t uuid[TVM_UUID_SIZE]);
/*
 * The --bank option into *@bank (enum tvm_bank), and the --pcrs option
 * into *@mask (not empty, if @nonempty); print why not and return
 * TVMCTL_USAGE, or return 0.
 */
int tvmctl_parse_bank(const struct tvmctl *ctl, const char *arg, int *bank);
int tvmctl_parse_pcrs(const struct tvmctl *ctl, const char *arg,
		      bool nonempty, uint32_t *mask);
/*
 * tvmctl_args(), then the first of the arguments, a VM selector, into
 * @sel; prints why not, returns 0 or TVMCTL_USAGE.
 */
int tvmctl_vm_args(const struct tvmctl *ctl, int argc, char **argv, int want,
		   struct vm_sel *sel, const char **first);

/*
 * A migration id (32 hex digits) into @id; prints why not and returns
 * TVMCTL_USAGE, or returns 0.
 */
int tvmctl_parse_mig_id(const struct tvmctl *ctl, const char *arg,
			uint8_t id[TVM_MIG_ID_SIZE]);

/* Connect to tvm.ko; prints why not and returns TVMCTL_ERR on failure. */
int tvmctl_nl_open(const struct tvmctl *ctl, struct tvm_nl **nlp);
/*
 * Report a request the kernel (or the exchange) failed with -@err:
 * "tvmctl: <cmd>: <what>: <extack> (<strerror>)" when the kernel said why,
 * else "tvmctl: <cmd>: <what>: <strerror>", with @fmt describing the
 * request (and quoting what the user named).
 * Returns TVMCTL_ERR.
 */
int tvmctl_nl_err(const struct tvmctl *ctl, const struct tvm_nl *nl, int err,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Print @vm as one object, as `vm show` does. */
void vm_print(struct tvmctl *ctl, const struct vm_info *vm);
/*
 * A request @fn on one VM, with no options but -h (vm show, vm delete,
 * vm launch, measure): print the VM of the reply, or, for
 * tvm_client_vm_delete(), which replies with nothing, an empty object.
 * A failure is "<@what> VM '<arg>'"; a launch that enforce mode refused
 * prints the VM all the same, and its oldest reason on stderr.
 */
int vm_one(struct tvmctl *ctl, int argc, char **argv,
	   int (*fn)(struct tvm_nl *nl, const struct vm_sel *sel,
		     struct vm_info *vm),
	   const char *what);

/*
 * A policy file on its way to the kernel (policy.c), as `policy load` and
 * `launch` send it: parsed, then (its selector set) encoded, with its
 * owner's signature if it has one.
 */
struct policy_file {
	struct policy p;
	uint8_t *sig;
	size_t sig_len;
	size_t len;
	uint8_t attr[POLICY_ATTR_MAX + 1];
};

/*
 * Read and check the file @path into @pf->p (policy_parse_flags() with
 * @flags); then encode @pf->p into @pf->attr.  Each prints why not and
 * returns TVMCTL_USAGE or TVMCTL_ERR, or returns 0.
 */
int policy_file_parse(const struct tvmctl *ctl, const char *path,
		      unsigned int flags, struct policy_file *pf);
int policy_file_encode(const struct tvmctl *ctl, const char *path,
		       struct policy_file *pf);
/*
 * The owner's signature: @sig_file, or when it is NULL, @path.sig if the
 * policy names an owner key and the file exists.  Prints why not.
 */
int policy_file_sig(const struct tvmctl *ctl, const char *path,
		    const char *sig_file, struct policy_file *pf);
/*
 * SHA-256 of the canonical encoding, as tvm reports it; prints why not
 * and returns TVMCTL_ERR, or returns 0.
 */
int policy_file_digest(const struct tvmctl *ctl, const struct policy_file *pf,
		       uint8_t digest[POLICY_DIGEST_SIZE]);
/* tvm_client_policy_load() of @pf, the reply into @reply; 0 or -errno. */
int policy_file_send(struct tvm_nl *nl, const struct policy_file *pf,
		     struct policy *reply);
void policy_file_free(struct policy_file *pf);

int launch_main(struct tvmctl *ctl, int argc, char **argv);
/* tvmctl vm bind PID --name NAME (launch.c, with launch's policy code). */
int vm_bind_main(struct tvmctl *ctl, int argc, char **argv);
int measure_main(struct tvmctl *ctl, int argc, char **argv);
int measure_file_main(struct tvmctl *ctl, int argc, char **argv);

#endif /* _TVMCTL_H */
