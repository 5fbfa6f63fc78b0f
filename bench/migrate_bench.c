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
 * two, as it would be gone from the destination): the time of each, in
 * ROUNDS rounds (default 3), through netlink with the EXPORT blob in a
 * memfd as tvmctl does, and the blob's bytes, per event.
 *
 * The reference, in the same process and on the same (emulated) CPU: a
 * VM's TPM migrated as QEMU's tpm-emulator backend migrates it.  Two
 * `swtpm socket --tpm2` instances, source and destination, started
 * before timing as QEMU's are (swtpm.c); the source's state is made
 * realistic first (PCRs 0-7 extended three times each, a primary ECC
 * storage key created, kept loaded and persisted at 0x81000001).  Each
 * round, through the control channel: CMD_GET_STATEBLOB of the permanent,
 * volatile and savestate blobs from the source (QEMU's save), then on the
 * destination CMD_STOP and CMD_SET_STATEBLOB of each (QEMU's load) and
 * CMD_INIT resuming from them; the destination's PCRs, keys and
 * permanent blob must then be the source's (or the bench fails), and the
 * two swap roles for the next round.  swtpm's state holds PCR values but
 * no event log, so its size does not grow with events; the log lives in
 * the guest's memory, which the VMM migrates.
 *
 * tvm's and swtpm's rounds alternate; each operation's mean over ROUNDS
 * is printed with its least and greatest, with the bytes moved, and the
 * ratio tvm / swtpm of the whole move, in time and in time per byte.
 *
 * Runs in the emulated host (scripts/bench.sh), from the top of the tree:
 * it uses build/tvmctl, openssl, keyctl and swtpm.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../selftests/tvm/tvm_test.h"
#include "bench.h"
#include "swtpm.h"

#define WORK	"/tmp/migrate-bench"
#define MAX_ROUNDS	16
#define TPM_PCRS	8		/* the PCRs a VM's firmware extends */
#define TPM_KEY		0x81000001	/* the persisted storage key */

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

/* What a VM's TPM holds when it migrates, and how to check it arrived. */
struct tpm_expect {
	uint8_t pcr[TPM_PCRS][32];
	uint8_t name[2][64];		/* the loaded key, the persisted one */
	size_t name_len[2];
	uint32_t key;			/* the loaded key's handle */
};

static void tpm_check(const char *what, int ret)
{
	if (ret < 0)
		fprintf(stderr, "migrate_bench: swtpm: %s: %s\n", what,
			strerror(-ret));
	else if (ret)
		fprintf(stderr, "migrate_bench: swtpm: %s: result 0x%x\n",
			what, ret);
	if (ret)
		exit(1);
}

/* The source TPM's life before the migration, as a booted VM's. */
static void tpm_prepare(struct swtpm *t, struct tpm_expect *e)
{
	uint8_t d[32];
	int i, j;

	for (i = 0; i < TPM_PCRS; i++)
		for (j = 0; j < 3; j++) {
			memset(d, 16 * i + j + 1, sizeof(d));
			tpm_check("TPM2_PCR_Extend", swtpm_pcr_extend(t, i, d));
		}
	tpm_check("TPM2_CreatePrimary", swtpm_create_primary(t, &e->key));
	tpm_check("TPM2_EvictControl", swtpm_evict_control(t, e->key, TPM_KEY));
	for (i = 0; i < TPM_PCRS; i++)
		tpm_check("TPM2_PCR_Read", swtpm_pcr_read(t, i, e->pcr[i]));
	e->name_len[0] = e->name_len[1] = sizeof(e->name[0]);
	tpm_check("TPM2_ReadPublic", swtpm_read_name(t, e->key, e->name[0],
						     &e->name_len[0]));
	tpm_check("TPM2_ReadPublic", swtpm_read_name(t, TPM_KEY, e->name[1],
						     &e->name_len[1]));
}

/* The destination holds what the source had, and gives back what it got. */
static void tpm_verify(struct swtpm *t, const struct tpm_expect *e,
		       const struct swtpm_state *s)
{
	uint8_t pcr[32], name[64];
	struct swtpm_blob b;
	size_t len;
	int i, k;

	for (i = 0; i < TPM_PCRS; i++) {
		tpm_check("TPM2_PCR_Read", swtpm_pcr_read(t, i, pcr));
		if (memcmp(pcr, e->pcr[i], 32)) {
			fprintf(stderr, "migrate_bench: swtpm: PCR %d differs after the load\n", i);
			exit(1);
		}
	}
	for (k = 0; k < 2; k++) {
		len = sizeof(name);
		tpm_check("TPM2_ReadPublic", swtpm_read_name(t, k ? TPM_KEY : e->key,
							     name, &len));
		if (len != e->name_len[k] || memcmp(name, e->name[k], len)) {
			fprintf(stderr, "migrate_bench: swtpm: key 0x%x differs after the load\n",
				k ? TPM_KEY : e->key);
			exit(1);
		}
	}
	tpm_check("CMD_GET_STATEBLOB", swtpm_get_blob(t, SWTPM_BLOB_PERMANENT, &b));
	if (b.len != s->blob[0].len || memcmp(b.data, s->blob[0].data, b.len)) {
		fprintf(stderr, "migrate_bench: swtpm: the permanent blob set is not the one read back\n");
		exit(1);
	}
	free(b.data);
}

/*
 * One round: @src's state saved and loaded into @dst, the seconds of the
 * save, the load and the init into @t_get, @t_set and @t_init, the state's
 * bytes into @bytes (per blob).
 */
static void tpm_round(struct swtpm *src, struct swtpm *dst,
		      const struct tpm_expect *e, double *t_get, double *t_set,
		      double *t_init, uint32_t bytes[SWTPM_BLOBS])
{
	struct swtpm_state s;
	double t0;
	int i, ret;

	t0 = now();
	ret = swtpm_get_state(src, &s);
	*t_get = now() - t0;
	tpm_check("CMD_GET_STATEBLOB", ret);
	t0 = now();
	ret = swtpm_set_state(dst, &s);
	*t_set = now() - t0;
	tpm_check("CMD_STOP, CMD_SET_STATEBLOB", ret);
	t0 = now();
	ret = swtpm_init(dst, SWTPM_INIT_DELETE_VOLATILE);
	*t_init = now() - t0;
	tpm_check("CMD_INIT", ret);
	for (i = 0; i < SWTPM_BLOBS; i++)
		bytes[i] = s.blob[i].len;
	tpm_verify(dst, e, &s);
	swtpm_state_free(&s);
}

/* "name: mean ms (least-greatest)" of @n rounds, the mean returned. */
static double report(const char *name, const double *v, int n)
{
	double lo, hi, m = mean(v, n, &lo, &hi);

	printf("%-44s %8.2f ms  (%.2f-%.2f)\n", name, m * 1e3, lo * 1e3,
	       hi * 1e3);
	return m;
}

int main(int argc, char **argv)
{
	int events = argc > 1 ? atoi(argv[1]) : 10000;
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	double te[MAX_ROUNDS], ti[MAX_ROUNDS], tt[MAX_ROUNDS];
	double tg[MAX_ROUNDS], ts[MAX_ROUNDS], tn[MAX_ROUNDS], tw[MAX_ROUNDS];
	double m_tvm, m_tpm;
	uint8_t hostid[TVM_MIG_HOST_ID_SIZE];
	uint32_t blob[SWTPM_BLOBS];
	uint64_t bytes = 0, tpm_bytes;
	struct tpm_expect expect;
	struct swtpm tpm[2];
	struct tnl nl;
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
	bench_one_cpu("migrate_bench");
	setup_keys(hostid);
	/* Source and destination TPMs, up before the migration as QEMU's. */
	tpm_check("start", swtpm_start(&tpm[0], WORK "/swtpm-a"));
	tpm_check("start", swtpm_start(&tpm[1], WORK "/swtpm-b"));
	tpm_prepare(&tpm[0], &expect);

	for (i = 0; i < rounds; i++) {
		tvm_round(&nl, hostid, events, i, &te[i], &ti[i], &bytes);
		tt[i] = te[i] + ti[i];
		tpm_round(&tpm[i % 2], &tpm[!(i % 2)], &expect, &tg[i], &ts[i],
			  &tn[i], blob);
		tw[i] = tg[i] + ts[i] + tn[i];
	}
	swtpm_stop(&tpm[0]);
	swtpm_stop(&tpm[1]);
	tpm_bytes = (uint64_t)blob[0] + blob[1] + blob[2];

	printf("means of %d rounds (least-greatest); tvm and swtpm rounds alternate\n",
	       rounds);
	report("tvm EXPORT (sha256 bank)", te, rounds);
	report("tvm IMPORT", ti, rounds);
	m_tvm = report("tvm EXPORT + IMPORT", tt, rounds);
	report("swtpm get state (3 x CMD_GET_STATEBLOB)", tg, rounds);
	report("swtpm set state (CMD_STOP, CMD_SET_STATEBLOB)", ts, rounds);
	report("swtpm CMD_INIT (resume)", tn, rounds);
	m_tpm = report("swtpm get + set + init", tw, rounds);
	printf("tvm EXPORT blob:   %8llu bytes, %.1f per event, %d events\n",
	       (unsigned long long)bytes, (double)bytes / events, events);
	printf("swtpm state blobs: %8llu bytes (permanent %u, volatile %u, savestate %u), no log\n",
	       (unsigned long long)tpm_bytes, blob[0], blob[1], blob[2]);
	printf("ratio tvm / swtpm, time:          %8.2fx\n", m_tvm / m_tpm);
	printf("time per KiB moved: tvm %.3f ms, swtpm %.3f ms; ratio %.2fx\n",
	       m_tvm * 1e3 / (bytes / 1024.0), m_tpm * 1e3 / (tpm_bytes / 1024.0),
	       (m_tvm / bytes) / (m_tpm / tpm_bytes));
	tnl_close(&nl);
	return 0;
}
