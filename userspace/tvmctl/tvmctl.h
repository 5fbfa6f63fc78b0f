/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TVMCTL_H
#define _TVMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	char name[32];
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
int ak_main(struct tvmctl *ctl, int argc, char **argv);
int quote_main(struct tvmctl *ctl, int argc, char **argv);
int verify_main(struct tvmctl *ctl, int argc, char **argv);

extern const struct tvmctl_cmd vm_cmds[];
extern const struct tvmctl_cmd pcr_cmds[];
extern const struct tvmctl_cmd policy_cmds[];
extern const struct tvmctl_cmd ak_cmds[];

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
 * Check that exactly @want positional arguments @args[0..@n) are left;
 * returns 0 or, having said what is missing or extra, TVMCTL_USAGE.
 */
int tvmctl_want_args(const struct tvmctl *ctl, int n, char **args, int want);

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
 * tvmctl_want_args(), then the first of the arguments, a VM selector,
 * into @sel; prints why not, returns 0 or TVMCTL_USAGE.
 */
int tvmctl_vm_args(const struct tvmctl *ctl, int n, char **args, int want,
		   struct vm_sel *sel);

/* Connect to tvm.ko; prints why not and returns TVMCTL_ERR on failure. */
int tvmctl_nl_open(const struct tvmctl *ctl, struct tvm_nl **nlp);
/*
 * A request for @cmd (a dump if @dump) on the VM @sel selects, with its
 * selector attribute in place.  0, or -errno with no message to free.
 */
int tvmctl_vm_msg(struct tvm_nl *nl, uint8_t cmd, bool dump,
		  const struct vm_sel *sel, struct nl_msg **msgp);
/*
 * The PCRs a PCR_READ or QUOTE request asks for: TVM_A_PCR_BANK when
 * @bank >= 0, TVM_A_PCR_MASK @mask when @has_mask.  0 or -errno; the
 * caller frees @msg either way.
 */
int tvmctl_put_pcr_sel(struct nl_msg *msg, int bank, bool has_mask,
		       uint32_t mask);
/*
 * Report a request the kernel (or the exchange) failed with -@err:
 * "tvmctl: <cmd>: <what>: <extack> (<strerror>)" when the kernel said why,
 * else "tvmctl: <cmd>: <what>: <strerror>", with @fmt describing the
 * request (and quoting what the user named).
 * Returns TVMCTL_ERR.
 */
int tvmctl_nl_err(const struct tvmctl *ctl, const struct tvm_nl *nl, int err,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The VM attributes of a VM_GET or VM_CREATE reply. */
struct vm_info {
	uint32_t id;
	char name[TVM_NAME_MAX + 1];
	uint8_t uuid[TVM_UUID_SIZE];
	uint32_t banks;
	uint32_t state;
	uint32_t log_max;
	uint64_t log_count;
	uint64_t log_bytes;
	uint64_t log_refused;
	/* ABI 3: trust (when @has_trust), reasons (oldest first), policy. */
	bool has_trust;
	uint32_t trust;
	uint64_t policy_gen;
	unsigned int nreasons;
	char reasons[TVM_REASONS_MAX][TVM_REASON_MAX + 1];
	/* ABI 5: the VMM's pid (0: none, made with VM_CREATE), a KVM VM. */
	uint32_t pid;
	bool kvm;
};

/* Fill @vm from a reply; -EPROTO when the id, name or UUID is missing. */
int vm_decode(struct nlattr **tb, struct vm_info *vm);
/* Print @vm as one object, as `vm show` does. */
void vm_print(struct tvmctl *ctl, const struct vm_info *vm);
/*
 * A command @cmd on one VM, with no options but -h (vm show, vm delete,
 * measure): print the VM of the reply, or, for vm delete, which replies
 * with nothing, an empty object.  A failure is "<@what> VM '<arg>'".
 */
int vm_one(struct tvmctl *ctl, int argc, char **argv, uint8_t cmd,
	   const char *what);
/* The text of an enum tvm_vm_state. */
const char *vm_state_name(uint32_t state);
/* The text of an enum tvm_trust: "pending", "trusted", ... */
const char *vm_trust_name(uint32_t trust);

/*
 * Each entry of a TVM_A_PCR_VALUES list (pcr.c), checked (a bank below
 * __TVM_BANK_MAX, a PCR below TVM_NUM_PCRS, a digest of the bank's size),
 * to @fn with @arg.  0, -EPROTO for an entry that is not so, or the
 * first negative return of @fn, which stops the walk.
 */
typedef int (*pcrv_fn)(uint32_t bank, uint32_t pcr, const void *digest,
		       void *arg);
int pcr_values_for_each(struct nlattr *list, pcrv_fn fn, void *arg);

struct tvm_event;
/*
 * Rebuild an event of a TVM_CMD_LOG_DUMP reply, attributes @tb, as the
 * struct tvm_event tvm_log.c encodes, into @ev of @ev_size bytes (log.c).
 * 0, or -EPROTO when an attribute is missing or wrong or it does not fit.
 */
int log_event_decode(struct nlattr **tb, struct tvm_event *ev,
		     size_t ev_size);

/* The attestation key as AK_SET and AK_GET return it (ak.c). */
struct ak_info {
	char desc[TVM_KEY_DESC_MAX + 1];
	uint32_t bits;
	uint8_t n[512];
	size_t n_len;
	uint8_t e[8];
	size_t e_len;
	/* Built from @n and @e: the key, its PEM and its name. */
	struct evp_pkey_st *key;
	char *pem;
	uint8_t name[32];
};

/*
 * AK_SET of @desc, or AK_GET when @desc is NULL, into @ak (free with
 * ak_info_free()).  0 or -errno (tvm_nl_extack() says why).
 */
int ak_request(struct tvm_nl *nl, const char *desc, struct ak_info *ak);
void ak_info_free(struct ak_info *ak);

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
/* SHA-256 of the encoded payload, as tvm reports it; 0 or -EIO. */
int policy_file_digest(const struct policy_file *pf,
		       uint8_t digest[POLICY_DIGEST_SIZE]);
/* POLICY_LOAD of @pf, the reply into @reply; 0 or -errno. */
int policy_file_send(struct tvm_nl *nl, const struct policy_file *pf,
		     struct policy *reply);
void policy_file_free(struct policy_file *pf);

int launch_main(struct tvmctl *ctl, int argc, char **argv);
int measure_main(struct tvmctl *ctl, int argc, char **argv);
int measure_file_main(struct tvmctl *ctl, int argc, char **argv);

#endif /* _TVMCTL_H */
