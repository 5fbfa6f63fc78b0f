// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl launch: run a VMM whose KVM VM gets a name, a UUID and a policy.
 *
 * The VMM does not exist before it runs, so its VM cannot be named after
 * the fact: tvmctl forks, and the child waits on a pipe while the parent
 * binds the child's pid (TVM_CMD_VM_BIND; a binding covers every thread
 * of the process, and survives exec) and loads the policy, if any.  Only
 * then is the child released to exec the command.  If anything fails the
 * child is killed before it runs anything, and its binding goes with it.
 *
 * The binding comes first: it is what can fail for reasons of the moment
 * (the name is taken), and it changes nothing that outlives the child,
 * whereas a policy load replaces the policy for that name for good.
 *
 * With --file NAME=PATH (ABI 12) the binding carries files the VM runs
 * from that are not in its memory when it first runs: a direct-boot
 * kernel, initrd and command line, which QEMU hands the guest through
 * fw_cfg later.  tvmctl opens them before the fork and hands the
 * descriptors over with the bind; the kernel hashes them then and logs
 * them into PCR 9 when the VMM creates its KVM VM, so that its policy
 * judges them at launch (Documentation/kvm.rst, "Direct kernel boot").
 *
 * With --incoming ID the VMM's VM takes the instance a migration
 * imported (Documentation/migration.rst): its name, UUID and whole state
 * came with it, and its policy is the one loaded here for it; it runs once
 * the migration is committed.
 *
 * The parent forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT to the child,
 * waits for it and exits with its status, or 128 + the signal that
 * killed it; a command that cannot be run gives 127 (not found) or 126.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "mig_client.h"
#include "tvmctl.h"

/* Exit statuses for a command that did not run, as the shell's. */
#define EXIT_NOEXEC	126
#define EXIT_NOTFOUND	127

/* The child, for the signal handler; 0 before there is one. */
static volatile pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void forward_signals(void)
{
	struct sigaction sa = { .sa_handler = forward };

	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a read or wait returns EINTR and is retried. */
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
	/* A child dead before it was released must not kill us on write. */
	signal(SIGPIPE, SIG_IGN);
}

/* A random (version 4) UUID, so that tvmctl can say which it was. */
static int random_uuid(uint8_t uuid[TVM_UUID_SIZE])
{
	size_t done = 0;
	ssize_t n;

	while (done < TVM_UUID_SIZE) {
		n = getrandom(uuid + done, TVM_UUID_SIZE - done, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	uuid[6] = (uuid[6] & 0x0f) | 0x40;
	uuid[8] = (uuid[8] & 0x3f) | 0x80;
	return 0;
}

/*
 * --policy FILE [--sig SIG] for the VM @name (@uuid, or NULL): parsed,
 * its selector checked or filled in (fix_selector()), encoded and its
 * signature read, into a new *@pf to send with policy_file_send().
 */
static int policy_prepare(struct tvmctl *ctl, const char *policy,
			  const char *sig, const char *name,
			  const uint8_t *uuid, struct policy_file **pfp);

/*
 * The policy file's selector must be the VM's (its name, or its UUID
 * when --uuid gave one), or absent: then it becomes the UUID if given,
 * else the name.  A signed policy must name its VM itself, since the
 * signature covers the selector.
 */
static int fix_selector(const struct tvmctl *ctl, const char *file,
			struct policy *p, const char *name,
			const uint8_t *uuid)
{
	char sel[PARSE_UUID_STR_LEN + TVM_NAME_MAX + 8];

	if (!p->has_sel) {
		if (p->has_key)
			return tvmctl_err(TVMCTL_USAGE,
					  "%s: %s: a signed policy (owner_key) must name its VM in \"selector\"; add {\"name\": \"%s\"} and sign it again",
					  ctl->name, file, name);
		if (uuid) {
			p->sel.type = POLICY_SEL_UUID;
			memcpy(p->sel.uuid, uuid, TVM_UUID_SIZE);
		} else {
			p->sel.type = POLICY_SEL_NAME;
			snprintf(p->sel.name, sizeof(p->sel.name), "%s", name);
		}
		p->has_sel = true;
		return 0;
	}
	if (p->sel.type == POLICY_SEL_NAME && !strcmp(p->sel.name, name))
		return 0;
	if (p->sel.type == POLICY_SEL_UUID && uuid &&
	    !memcmp(p->sel.uuid, uuid, TVM_UUID_SIZE))
		return 0;
	policy_format_sel(&p->sel, sel, sizeof(sel));
	if (p->sel.type == POLICY_SEL_DEFAULT)
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: %s: selects the default policy, not VM '%s' (load it with 'tvmctl policy load', or leave \"selector\" out)",
				  ctl->name, file, name);
	return tvmctl_err(TVMCTL_USAGE,
			  "%s: %s: selects %s, not the VM launched (name=%s%s); leave \"selector\" out or make it match",
			  ctl->name, file, sel, name,
			  uuid ? " or its --uuid" : "");
}

/* The child: wait for the word, then become the command. */
static void __attribute__((noreturn))
run_child(int go, int report, char **cmd)
{
	char c;
	ssize_t n;
	int err;

	do
		n = read(go, &c, 1);
	while (n < 0 && errno == EINTR);
	/* EOF: the parent gave up on us (or died). Run nothing. */
	if (n != 1)
		_exit(TVMCTL_ERR);
	close(go);
	execvp(cmd[0], cmd);
	err = errno;
	if (write(report, &err, sizeof(err)) != sizeof(err))
		_exit(EXIT_NOEXEC);
	_exit(err == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
}

/* Wait for the child; its exit status, or 128 + the signal. */
static int reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return TVMCTL_ERR;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void kill_child(pid_t pid)
{
	kill(pid, SIGKILL);
	reap(pid);
}

/* What was bound: a JSON line on stdout (-j), or a line on stderr (-v). */
static void report(const struct tvmctl *ctl, bool verbose, const char *name,
		   const uint8_t *uuid, pid_t pid, const struct policy *reply,
		   bool has_policy)
{
	char u[PARSE_UUID_STR_LEN];
	json_object *obj;

	format_uuid(uuid, u);
	if (ctl->json) {
		obj = json_object_new_object();
		if (!obj)
			return;
		json_object_object_add(obj, "vm", json_object_new_string(name));
		json_object_object_add(obj, "uuid", json_object_new_string(u));
		json_object_object_add(obj, "pid", json_object_new_int64(pid));
		json_object_object_add(obj, "policy_gen", has_policy ?
				       json_object_new_int64((int64_t)reply->gen) :
				       NULL);
		printf("%s\n", json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(obj);
		fflush(stdout);
	}
	if (verbose) {
		if (has_policy)
			tvmctl_err(0, "%s: pid %d bound to VM '%s' (uuid %s), policy generation %llu",
				   ctl->name, (int)pid, name, u,
				   (unsigned long long)reply->gen);
		else
			tvmctl_err(0, "%s: pid %d bound to VM '%s' (uuid %s)",
				   ctl->name, (int)pid, name, u);
	}
}

struct find_mig {
	const uint8_t *id;
	bool found;
	uint32_t vm_id;
};

static int find_mig(const struct mig_info *m, void *arg)
{
	struct find_mig *f = arg;

	if (memcmp(m->id, f->id, TVM_MIG_ID_SIZE) || !m->has_vm)
		return 0;
	f->found = true;
	f->vm_id = m->vm_id;
	return 0;
}

/*
 * The name and UUID of the VM migration @id imported, for the report;
 * "?" and zeros when they cannot be had (the bind is done all the same).
 */
static void incoming_vm(struct tvm_nl *nl, const uint8_t *id, char *name,
			size_t size, uint8_t uuid[TVM_UUID_SIZE])
{
	struct find_mig f = { .id = id };
	struct vm_sel sel = { .type = VM_SEL_ID };
	struct vm_info vm;

	snprintf(name, size, "?");
	memset(uuid, 0, TVM_UUID_SIZE);
	if (tvm_client_mig_list(nl, find_mig, &f) || !f.found)
		return;
	sel.id = f.vm_id;
	if (tvm_client_vm_get(nl, &sel, &vm))
		return;
	snprintf(name, size, "%s", vm.name);
	memcpy(uuid, vm.uuid, TVM_UUID_SIZE);
}

static int launch_run(struct tvmctl *ctl, int argc, char **argv,
		      const char *name, const uint8_t *uuid_opt,
		      const char *policy, const char *sig,
		      const uint8_t *mig_id_opt, bool verbose,
		      const struct bind_file *files, unsigned int nfiles);

/* --file NAME=PATH: opened now, into @files[*@n]. */
static int add_file(struct tvmctl *ctl, char *arg, struct bind_file *files,
		    unsigned int *n)
{
	char *eq = strchr(arg, '=');
	int fd;

	if (!eq || eq == arg || !eq[1])
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: --file wants NAME=PATH, not '%s'",
				  ctl->name, arg);
	if (eq - arg > TVM_EVENT_NAME_MAX)
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: --file: a name has at most %d bytes",
				  ctl->name, TVM_EVENT_NAME_MAX);
	if (*n >= TVM_BIND_FILES_MAX)
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: at most %d --file options",
				  ctl->name, TVM_BIND_FILES_MAX);
	*eq = '\0';
	for (unsigned int i = 0; i < *n; i++)
		if (!strcmp(files[i].name, arg))
			return tvmctl_err(TVMCTL_USAGE,
					  "%s: --file: two files named '%s'",
					  ctl->name, arg);
	fd = open(eq + 1, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tvmctl_err(TVMCTL_ERR, "%s: %s: %s", ctl->name, eq + 1,
				  strerror(errno));
	files[*n].name = arg;
	files[*n].fd = fd;
	(*n)++;
	return 0;
}

int launch_main(struct tvmctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "uuid", required_argument, NULL, 'u' },
		{ "policy", required_argument, NULL, 'p' },
		{ "sig", required_argument, NULL, 's' },
		{ "incoming", required_argument, NULL, 'i' },
		{ "file", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *policy = NULL, *sig = NULL;
	struct bind_file files[TVM_BIND_FILES_MAX];
	unsigned int nfiles = 0;
	uint8_t uuid[TVM_UUID_SIZE], mig_id[TVM_MIG_ID_SIZE];
	bool has_uuid = false, verbose = false, incoming = false;
	int c, ret;

	optind = 0;
	/* '+': options end at the command, whose own follow it. */
	while ((c = getopt_long(argc, argv, "+:hv", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'u':
			ret = TVMCTL_USAGE;
			if (tvmctl_parse_uuid(ctl, optarg, uuid))
				goto out;
			has_uuid = true;
			break;
		case 'p':
			policy = optarg;
			break;
		case 's':
			sig = optarg;
			break;
		case 'i':
			ret = TVMCTL_USAGE;
			if (tvmctl_parse_mig_id(ctl, optarg, mig_id))
				goto out;
			incoming = true;
			break;
		case 'f':
			ret = add_file(ctl, optarg, files, &nfiles);
			if (ret)
				goto out;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			ret = tvmctl_opt_default(ctl, c, argv);
			goto out;
		}
	}
	ret = launch_run(ctl, argc, argv, name, has_uuid ? uuid : NULL,
			 policy, sig, incoming ? mig_id : NULL, verbose,
			 files, nfiles);
out:
	for (unsigned int i = 0; i < nfiles; i++)
		close(files[i].fd);
	return ret;
}

static int launch_run(struct tvmctl *ctl, int argc, char **argv,
		      const char *name, const uint8_t *uuid_opt,
		      const char *policy, const char *sig,
		      const uint8_t *mig_id_opt, bool verbose,
		      const struct bind_file *files, unsigned int nfiles)
{
	int ret, go[2] = { -1, -1 }, rep[2] = { -1, -1 }, err;
	uint8_t uuid[TVM_UUID_SIZE], mig_id[TVM_MIG_ID_SIZE];
	char in_name[TVM_NAME_MAX + 1];
	struct policy reply = { 0 };
	struct policy_file *pf = NULL;
	bool has_uuid = uuid_opt, incoming = mig_id_opt;
	struct tvm_nl *nl = NULL;
	char **cmd;
	pid_t pid;
	ssize_t n;

	if (uuid_opt)
		memcpy(uuid, uuid_opt, TVM_UUID_SIZE);
	if (mig_id_opt)
		memcpy(mig_id, mig_id_opt, TVM_MIG_ID_SIZE);
	if (incoming && nfiles)
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: --incoming takes a VM that was launched on its source: not with --file",
				  ctl->name);
	if (incoming && (name || has_uuid || policy))
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: --incoming takes the VM a migration imported, with its name and UUID; not with --name, --uuid or --policy (load its policy with 'tvmctl policy load')",
				  ctl->name);
	if (!name && !incoming)
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: --name NAME (or --incoming ID) is required",
				  ctl->name);
	if (name && tvmctl_parse_vm_name(ctl, name))
		return TVMCTL_USAGE;
	if (sig && !policy)
		return tvmctl_err(TVMCTL_USAGE, "%s: --sig needs --policy",
				  ctl->name);
	if (optind == argc)
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: missing the command to run (tvmctl launch --name NAME -- CMD [ARGS...])",
				  ctl->name);
	cmd = argv + optind;

	if (policy) {
		ret = policy_prepare(ctl, policy, sig, name,
				     has_uuid ? uuid : NULL, &pf);
		if (ret)
			goto out;
	}
	if (!has_uuid && !incoming && (err = random_uuid(uuid))) {
		ret = tvmctl_err(TVMCTL_ERR, "%s: a random UUID: %s",
				 ctl->name, strerror(-err));
		goto out;
	}

	/* Before the fork: no child to clean up if tvm.ko is not there. */
	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		goto out;
	if (pipe2(go, O_CLOEXEC) || pipe2(rep, O_CLOEXEC)) {
		ret = tvmctl_err(TVMCTL_ERR, "%s: pipe: %s", ctl->name,
				 strerror(errno));
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = tvmctl_err(TVMCTL_ERR, "%s: fork: %s", ctl->name,
				 strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(go[1]);
		close(rep[0]);
		close(tvm_nl_fd(nl));
		run_child(go[0], rep[1], cmd);
	}
	child = pid;
	close(go[0]);
	close(rep[1]);
	go[0] = rep[1] = -1;
	forward_signals();

	if (incoming) {
		ret = tvm_client_vm_bind_incoming(nl, pid, mig_id);
		if (ret) {
			kill_child(pid);
			format_hex(mig_id, sizeof(mig_id), in_name);
			ret = tvmctl_nl_err(ctl, nl, ret,
					    "binding pid %d to migration %s",
					    (int)pid, in_name);
			goto out;
		}
		if (ctl->json || verbose)
			incoming_vm(nl, mig_id, in_name, sizeof(in_name),
				    uuid);
		name = in_name;
	} else {
		ret = tvm_client_vm_bind(nl, pid, name, uuid, files, nfiles);
		if (ret) {
			kill_child(pid);
			ret = tvmctl_nl_err(ctl, nl, ret,
					    "binding pid %d to VM '%s'",
					    (int)pid, name);
			goto out;
		}
	}
	if (pf) {
		ret = policy_file_send(nl, pf, &reply);
		if (ret) {
			kill_child(pid);
			ret = tvmctl_nl_err(ctl, nl, ret, "loading '%s'",
					    policy);
			goto out;
		}
	}
	tvm_nl_close(nl);
	nl = NULL;
	report(ctl, verbose, name, uuid, pid, &reply, pf != NULL);

	/* Go.  A child already gone (a signal) just fails the write. */
	if (write(go[1], "g", 1) != 1 && errno != EPIPE) {
		kill_child(pid);
		ret = tvmctl_err(TVMCTL_ERR, "%s: releasing the child: %s",
				 ctl->name, strerror(errno));
		goto out;
	}
	close(go[1]);
	go[1] = -1;
	/* The report pipe closes on a successful exec, or says why not. */
	do
		n = read(rep[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	ret = reap(pid);
	if (n == sizeof(err))
		tvmctl_err(0, "%s: cannot run '%s': %s", ctl->name, cmd[0],
			   strerror(err));
out:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (rep[i] >= 0)
			close(rep[i]);
	}
	tvm_nl_close(nl);
	policy_free(&reply);
	if (pf) {
		policy_file_free(pf);
		free(pf);
	}
	return ret;
}

static int policy_prepare(struct tvmctl *ctl, const char *policy,
			  const char *sig, const char *name,
			  const uint8_t *uuid, struct policy_file **pfp)
{
	struct policy_file *pf;
	int ret;

	*pfp = NULL;
	pf = calloc(1, sizeof(*pf));
	if (!pf)
		return tvmctl_err(TVMCTL_ERR, "out of memory");
	ret = policy_file_parse(ctl, policy, POLICY_PARSE_SEL_OPTIONAL, pf);
	if (ret) {
		free(pf);
		return ret;
	}
	ret = fix_selector(ctl, policy, &pf->p, name, uuid);
	if (!ret)
		ret = policy_file_encode(ctl, policy, pf);
	if (!ret)
		ret = policy_file_sig(ctl, policy, sig, pf);
	*pfp = pf;	/* freed by the caller, on failure too */
	return ret;
}

/*
 * tvmctl vm bind PID --name NAME: the late bind (ABI 11).  The KVM VM
 * that process PID created already, and that never ran (a VMM started
 * paused: QEMU -S, as libvirt starts it), takes NAME, a UUID and the
 * policy they select, as if `tvmctl launch` had bound it at creation.
 *
 * Unlike launch, the policy is loaded before the bind: the VM has logged
 * events already (its configuration, PCR 12), and the bind judges them
 * against the policy its new name selects at that moment.  A policy
 * loaded after the bind would judge only what comes next.  So a bind
 * that fails leaves the policy loaded, as `tvmctl policy load` would.
 */
int vm_bind_main(struct tvmctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "uuid", required_argument, NULL, 'u' },
		{ "policy", required_argument, NULL, 'p' },
		{ "sig", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *policy = NULL, *sig = NULL, *arg;
	uint8_t uuid[TVM_UUID_SIZE];
	struct policy reply = { 0 };
	struct policy_file *pf = NULL;
	struct tvm_nl *nl = NULL;
	bool has_uuid = false;
	struct vm_info vm;
	char *end;
	long pid;
	int c, ret, err;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'u':
			if (tvmctl_parse_uuid(ctl, optarg, uuid))
				return TVMCTL_USAGE;
			has_uuid = true;
			break;
		case 'p':
			policy = optarg;
			break;
		case 's':
			sig = optarg;
			break;
		default:
			return tvmctl_opt_default(ctl, c, argv);
		}
	}
	ret = tvmctl_args(ctl, argc, argv, 1, &arg);
	if (ret)
		return ret;
	errno = 0;
	pid = strtol(arg, &end, 10);
	if (errno || end == arg || *end || pid < 1 || pid > INT32_MAX)
		return tvmctl_err(TVMCTL_USAGE, "%s: bad process id '%s'",
				  ctl->name, arg);
	if (!name)
		return tvmctl_err(TVMCTL_USAGE, "%s: --name NAME is required",
				  ctl->name);
	if (tvmctl_parse_vm_name(ctl, name))
		return TVMCTL_USAGE;
	if (sig && !policy)
		return tvmctl_err(TVMCTL_USAGE, "%s: --sig needs --policy",
				  ctl->name);
	if (policy) {
		ret = policy_prepare(ctl, policy, sig, name,
				     has_uuid ? uuid : NULL, &pf);
		if (ret)
			goto out;
	}
	if (!has_uuid && (err = random_uuid(uuid))) {
		ret = tvmctl_err(TVMCTL_ERR, "%s: a random UUID: %s",
				 ctl->name, strerror(-err));
		goto out;
	}

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		goto out;
	if (pf) {
		ret = policy_file_send(nl, pf, &reply);
		if (ret) {
			ret = tvmctl_nl_err(ctl, nl, ret, "loading '%s'",
					    policy);
			goto out;
		}
	}
	ret = tvm_client_vm_bind_created(nl, (pid_t)pid, name, uuid, &vm);
	if (ret) {
		ret = tvmctl_nl_err(ctl, nl, ret,
				    "binding the KVM VM of pid %ld to '%s'",
				    pid, name);
		goto out;
	}
	vm_print(ctl, &vm);
out:
	tvm_nl_close(nl);
	policy_free(&reply);
	if (pf) {
		policy_file_free(pf);
		free(pf);
	}
	return ret;
}
