// SPDX-License-Identifier: GPL-2.0
/*
 * migrate_bench: what moving a VM's trust state costs (Documentation/
 * performance.md, "Migration").
 *
 *	migrate_bench [EVENTS] [ROUNDS]
 *
 * tvm: a VM with EVENTS events in its log (default 10,000; SHA-256 bank)
 * is EXPORTed and IMPORTed again on this host, which is its own peer (its
 * AK's certificate in .tvm_migration; the source VM deleted between the
 * two, as it would be gone from the destination): the median time of each
 * over ROUNDS (default 3), through netlink with the EXPORT blob in a memfd
 * as tvmctl does, and the blob's bytes, per event.
 *
 * The reference: an swtpm in the same emulated host, its state saved and
 * loaded as QEMU migrates it, by swtpm_ioctl --save and --load
 * (permanent and volatile state; a load stops the TPM first and inits it
 * after): the median of ROUNDS, each swtpm_ioctl a process, whose start
 * alone is measured too (swtpm_ioctl -c).  swtpm's state holds PCR values
 * but no event log, so its size does not grow with events; the log lives
 * in the guest's memory, which the VMM migrates.
 *
 * Runs in the emulated host (scripts/bench.sh), from the top of the tree:
 * it uses build/tvmctl, openssl and keyctl.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../selftests/tvm/tvm_test.h"
#include "bench.h"

#define WORK	"/tmp/migrate-bench"
#define MAX_ROUNDS	16

/* What PREPARE, EXPORT and IMPORT reply. */
struct mig_reply {
	uint8_t id[TVM_MIG_ID_SIZE];
	uint8_t blob[TVM_MIG_BLOB_MAX];
	int blob_len;
	uint64_t size;
};

static int mig_cb(const struct nlmsghdr *h, void *arg)
{
	struct mig_reply *r = arg;
	const struct nlattr *a;

	if ((a = tmsg_attr(h, TVM_A_MIG_ID)) && tattr_len(a) == TVM_MIG_ID_SIZE)
		memcpy(r->id, tattr_data(a), TVM_MIG_ID_SIZE);
	if ((a = tmsg_attr(h, TVM_A_MIG_BLOB)) &&
	    tattr_len(a) <= (int)sizeof(r->blob)) {
		r->blob_len = tattr_len(a);
		memcpy(r->blob, tattr_data(a), r->blob_len);
	}
	if ((a = tmsg_attr(h, TVM_A_MIG_SIZE)))
		r->size = tattr_u64(a);
	return 0;
}

static void check(struct tnl *nl, const char *what, int ret)
{
	if (ret) {
		fprintf(stderr, "migrate_bench: %s: %s (%s)\n", what,
			strerror(-ret), nl->extack);
		exit(1);
	}
}

/* @batch extends of PCR 16 in one sendto(), no acks; 0 or -errno. */
static int extend_batch(struct tnl *nl, uint32_t id, int batch, int first)
{
	static char buf[TNL_BUF], rbuf[TNL_BUF];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	size_t len = 0;
	int i, got = 0;
	ssize_t n;

	memset(d, 0x5a, sizeof(d));
	for (i = 0; i < batch; i++) {
		static struct tmsg m;

		tvm_extend_init(&m, nl, id, TVM_PCR_DEBUG);
		m.nlh.nlmsg_flags = NLM_F_REQUEST;
		m.nlh.nlmsg_seq = ++nl->seq;
		d[TVM_BANK_SHA256][0] = first + i;
		d[TVM_BANK_SHA256][1] = (first + i) >> 8;
		tvm_put_digests(&m, 1u << TVM_BANK_SHA256, d);
		memcpy(buf + len, m.buf, m.nlh.nlmsg_len);
		len += NLMSG_ALIGN(m.nlh.nlmsg_len);
	}
	if (sendto(nl->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	while (got < batch) {
		struct nlmsghdr *h;

		n = recv(nl->fd, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			got++;
		}
	}
	return 0;
}

/* The AK, and this host as its own peer; its host id into @hostid. */
static void setup_keys(uint8_t hostid[TVM_MIG_HOST_ID_SIZE])
{
	static char out[8192];
	char *line;

	if (run(out, sizeof(out),
		"(set -e; rm -rf " WORK "; mkdir -p " WORK "; cd " WORK "; "
		"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ak.pem; "
		"openssl pkcs8 -topk8 -nocrypt -in ak.pem -outform DER -out ak.pk8; "
		"printf '[req]\\ndistinguished_name = dn\\n[dn]\\n[v3]\\nsubjectKeyIdentifier = hash\\n' > req.cnf; "
		"openssl req -x509 -new -key ak.pem -subj /CN=migrate-bench -days 1 "
		"-config req.cnf -extensions v3 -outform DER -out cert.der; "
		"keyctl padd asymmetric migrate-bench:ak @u < ak.pk8 > /dev/null; "
		"cd - > /dev/null; build/tvmctl ak set migrate-bench:ak > /dev/null; "
		"id=$(openssl pkey -in " WORK "/ak.pem -pubout | "
		"openssl rsa -pubin -RSAPublicKey_out -outform DER | sha256sum | cut -c1-64); "
		"keyctl padd asymmetric $id %%:.tvm_migration < " WORK "/cert.der > /dev/null; "
		"echo id=$id)")) {
		fprintf(stderr, "migrate_bench: keys: %s\n", out);
		exit(1);
	}
	line = strstr(out, "id=");
	if (!line || unhex(line + 3, hostid, TVM_MIG_HOST_ID_SIZE) !=
	    TVM_MIG_HOST_ID_SIZE) {
		fprintf(stderr, "migrate_bench: no host id: %s\n", out);
		exit(1);
	}
}

/* A policy for @name that lets it go to @hostid (audit mode). */
static int policy_load(struct tnl *nl, const char *name,
		       const uint8_t hostid[TVM_MIG_HOST_ID_SIZE])
{
	static struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_POLICY_LOAD, 0);
	tmsg_nest_start(&m, TVM_A_POLICY);
	tmsg_put_u32(&m, TVM_A_POLICY_VERSION, TVM_POLICY_VERSION);
	tmsg_put_str(&m, TVM_A_POLICY_NAME, name);
	tmsg_put_u32(&m, TVM_A_POLICY_MODE, TVM_POLICY_AUDIT);
	tmsg_nest_start(&m, TVM_A_POLICY_MIGRATION);
	tmsg_put(&m, TVM_A_MIGP_PEER, hostid, TVM_MIG_HOST_ID_SIZE);
	tmsg_nest_end(&m);
	tmsg_nest_end(&m);
	return tnl_call(nl, &m, NULL, NULL);
}

/*
 * One round: a VM with @events events exported and imported; the seconds
 * each took into @t_exp and @t_imp, the EXPORT blob's bytes into @bytes.
 */
static void tvm_round(struct tnl *nl, const uint8_t *hostid, int events,
		      int round, double *t_exp, double *t_imp, uint64_t *bytes)
{
	static struct mig_reply prep, exp, imp, end;
	static struct tmsg m;
	char name[32];
	uint32_t id;
	double t0;
	int fd, i, ret;

	snprintf(name, sizeof(name), "migb-%d-%d", getpid(), round);
	check(nl, "create", tvm_vm_create(nl, name, 1u << TVM_BANK_SHA256,
					  events + 64, &id));
	check(nl, "policy", policy_load(nl, name, hostid));
	for (i = 0; i < events; i += 50)
		check(nl, "extend", extend_batch(nl, id, events - i < 50 ?
						 events - i : 50, i));

	tmsg_init(&m, nl, TVM_CMD_MIGRATE_PREPARE, 0);
	memset(&prep, 0, sizeof(prep));
	check(nl, "prepare", tnl_call(nl, &m, mig_cb, &prep));

	fd = memfd_create("migrate-bench", MFD_CLOEXEC);
	if (fd < 0)
		die("memfd", errno);
	tmsg_init(&m, nl, TVM_CMD_MIGRATE_EXPORT, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	tmsg_put(&m, TVM_A_MIG_BLOB, prep.blob, prep.blob_len);
	tmsg_put_u32(&m, TVM_A_MIG_FD, fd);
	memset(&exp, 0, sizeof(exp));
	t0 = now();
	ret = tnl_call(nl, &m, mig_cb, &exp);
	*t_exp = now() - t0;
	check(nl, "export", ret);
	*bytes = exp.size;

	/* The source's copy goes, as it is elsewhere. */
	check(nl, "delete", tvm_vm_delete(nl, id));
	tmsg_init(&m, nl, TVM_CMD_MIGRATE_IMPORT, 0);
	tmsg_put_u32(&m, TVM_A_MIG_FD, fd);
	memset(&imp, 0, sizeof(imp));
	t0 = now();
	ret = tnl_call(nl, &m, mig_cb, &imp);
	*t_imp = now() - t0;
	check(nl, "import", ret);
	close(fd);

	/* Discard the incoming VM and both records' VMs. */
	tmsg_init(&m, nl, TVM_CMD_MIGRATE_ABORT, 0);
	tmsg_put(&m, TVM_A_MIG_ID, imp.id, TVM_MIG_ID_SIZE);
	check(nl, "abort", tnl_call(nl, &m, mig_cb, &end));
	tmsg_init(&m, nl, TVM_CMD_POLICY_DELETE, 0);
	tmsg_nest_start(&m, TVM_A_POLICY);
	tmsg_put_str(&m, TVM_A_POLICY_NAME, name);
	tmsg_nest_end(&m);
	tnl_call(nl, &m, NULL, NULL);
}

/* Seconds `sh -c CMD` took; exits when it fails. */
static double timed(const char *cmd)
{
	double t0 = now();
	int st = system(cmd);

	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "migrate_bench: '%s' failed\n", cmd);
		exit(1);
	}
	return now() - t0;
}

#define CTL	"swtpm_ioctl --unix " WORK "/swtpm.ctrl "

int main(int argc, char **argv)
{
	int events = argc > 1 ? atoi(argv[1]) : 10000;
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	double te[MAX_ROUNDS], ti[MAX_ROUNDS], ts[MAX_ROUNDS], tl[MAX_ROUNDS];
	double tc[MAX_ROUNDS];
	uint8_t hostid[TVM_MIG_HOST_ID_SIZE];
	uint64_t bytes = 0;
	struct stat sp, sv;
	struct tnl nl;
	pid_t swtpm;
	int i;

	if (events < 1 || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: migrate_bench [EVENTS] [ROUNDS (1-%d)]\n",
			MAX_ROUNDS);
		return 2;
	}
	if (tnl_open(&nl)) {
		fprintf(stderr, "migrate_bench: tvm.ko is not loaded\n");
		return 1;
	}
	setup_keys(hostid);
	for (i = 0; i < rounds; i++)
		tvm_round(&nl, hostid, events, i, &te[i], &ti[i], &bytes);

	swtpm = fork();
	if (swtpm < 0)
		die("fork", errno);
	if (!swtpm) {
		execlp("swtpm", "swtpm", "socket", "--tpm2", "--tpmstate",
		       "dir=" WORK, "--ctrl", "type=unixio,path=" WORK "/swtpm.ctrl",
		       "--server", "type=unixio,path=" WORK "/swtpm.srv",
		       "--flags", "not-need-init,startup-clear", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && access(WORK "/swtpm.ctrl", F_OK); i++)
		usleep(50000);
	/* A few extends, as a VM's firmware makes. */
	for (i = 0; i < 8; i++)
		timed(CTL "-h event > /dev/null");
	for (i = 0; i < rounds; i++) {
		tc[i] = timed(CTL "-c > /dev/null");
		ts[i] = timed(CTL "--save permanent " WORK "/perm && "
			      CTL "--save volatile " WORK "/vol");
		tl[i] = timed(CTL "--stop && "
			      CTL "--load permanent " WORK "/perm && "
			      CTL "--load volatile " WORK "/vol && " CTL "-i");
	}
	if (stat(WORK "/perm", &sp) || stat(WORK "/vol", &sv))
		die("swtpm state", errno);
	kill(swtpm, SIGTERM);
	waitpid(swtpm, NULL, 0);

	printf("tvm export, %d events (sha256):       %8.1f ms (median of %d)\n",
	       events, median(te, rounds) * 1e3, rounds);
	printf("tvm import, %d events:                %8.1f ms\n", events,
	       median(ti, rounds) * 1e3);
	printf("tvm EXPORT blob:                          %8llu bytes, %.1f per event\n",
	       (unsigned long long)bytes, (double)bytes / events);
	printf("swtpm_ioctl --save permanent+volatile:    %8.1f ms (2 processes)\n",
	       median(ts, rounds) * 1e3);
	printf("swtpm_ioctl --stop, --load x2, -i:        %8.1f ms (4 processes)\n",
	       median(tl, rounds) * 1e3);
	printf("swtpm_ioctl -c (one process, no state):   %8.1f ms\n",
	       median(tc, rounds) * 1e3);
	printf("swtpm state:                              %8lld bytes (permanent %lld, volatile %lld), no log\n",
	       (long long)(sp.st_size + sv.st_size), (long long)sp.st_size,
	       (long long)sv.st_size);
	tnl_close(&nl);
	return 0;
}
