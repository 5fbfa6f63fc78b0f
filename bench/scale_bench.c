// SPDX-License-Identifier: GPL-2.0
/*
 * 1,000 VMs: extend and quote latency with one instance and with 1,000,
 * side by side in one run; the memory an instance takes with an empty log
 * and per logged event; and how long `tvmctl vm list` and a LOG_DUMP take
 * when that many instances exist.
 *
 * Rounds alternate: one instance (a fresh probe VM alone), then 999 more
 * created, measured, and all deleted again, ROUNDS times, and each figure is
 * the median of its rounds, so a drift of the emulated CPU over the run
 * weighs on both sides alike.  With 1,000 instances the extends and
 * quotes go to the probe VM and, separately, round-robin to all of them
 * (each request then finds another VM, and touches another VM's lock and
 * PCRs).  Memory is read two ways: tvm's own allocations from securityfs
 * tvm/stats (memory_vms, memory_log) and everything the kernel's slab
 * allocator holds (/proc/meminfo SUnreclaim + SReclaimable), which also
 * counts each VM's securityfs directory and the logs' index.  Needs
 * openssl and keyctl (the RSA-2048 attestation key), and tvmctl at
 * TVMCTL (default build/tvmctl).
 *
 *	scale_bench [VMS [EXTENDS [QUOTES [EVENTS]]]]
 */

#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../selftests/tvm/tvm_test.h"
#include "bench.h"

#define ROUNDS	5
#define KEYDIR	"/tmp/tvm-scale-bench"

static void sh(const char *cmd)
{
	if (system(cmd)) {
		fprintf(stderr, "scale_bench: failed: %s\n", cmd);
		exit(1);
	}
}

/* "NAME: N" from @path (securityfs stats or /proc/meminfo), or exit. */
static long long file_value(const char *path, const char *name)
{
	char line[256];
	size_t n = strlen(name);
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		die(path, errno);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ':')
			sscanf(line + n + 1, "%lld", &v);
	fclose(f);
	if (v < 0) {
		fprintf(stderr, "scale_bench: no %s in %s\n", name, path);
		exit(1);
	}
	return v;
}

static long long stat_of(const char *name)
{
	return file_value("/sys/kernel/security/tvm/stats", name);
}

/* Until every deleted VM is freed (an RCU grace period after it goes). */
static void settle(void)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (stat_of("memory_vms") ==
		    stat_of("vms") * stat_of("vm_object_bytes"))
			return;
		usleep(10000);
	}
	fprintf(stderr, "scale_bench: deleted VMs are not freed\n");
	exit(1);
}

/* Bytes the slab allocator holds now, once deleted VMs are freed. */
static long long slab_bytes(void)
{
	settle();
	sh("sync; echo 2 > /proc/sys/vm/drop_caches");
	usleep(200000);
	return 1024 * (file_value("/proc/meminfo", "SUnreclaim") +
		       file_value("/proc/meminfo", "SReclaimable"));
}

/* Mean seconds of @n acknowledged extends, to @ids[i % @nids]. */
static double extends(struct tnl *nl, const uint32_t *ids, int nids, int n)
{
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	double t0 = now();
	int i, ret;

	memset(d, 0x5a, sizeof(d));
	for (i = 0; i < n; i++) {
		d[TVM_BANK_SHA256][0] = i;
		ret = tvm_extend_digests(nl, ids[i % nids], TVM_PCR_DEBUG,
					 TVM_EV_EXTEND, TVM_BANKS_DEFAULT, d,
					 NULL, 0, NULL);
		if (ret) {
			fprintf(stderr, "scale_bench: extend: %s (%s)\n",
				strerror(-ret), nl->extack);
			exit(1);
		}
	}
	return (now() - t0) / n;
}

static int quote_cb(const struct nlmsghdr *h, void *arg)
{
	*(int *)arg = !!tmsg_attr(h, TVM_A_QUOTE_SIGNATURE);
	return 0;
}

/* Mean seconds of @n quotes of PCRs 0-23, of @ids[i % @nids]. */
static double quotes(struct tnl *nl, const uint32_t *ids, int nids, int n)
{
	uint8_t nonce[16];
	double t0 = now();
	struct tmsg m;
	int i, got;

	for (i = 0; i < n; i++) {
		memset(nonce, i, sizeof(nonce));
		tmsg_init(&m, nl, TVM_CMD_QUOTE, 0);
		tmsg_put_u32(&m, TVM_A_VM_ID, ids[i % nids]);
		tmsg_put(&m, TVM_A_QUOTE_NONCE, nonce, sizeof(nonce));
		got = 0;
		if (tnl_call(nl, &m, quote_cb, &got) || !got) {
			fprintf(stderr, "scale_bench: quote: %s\n", nl->extack);
			exit(1);
		}
	}
	return (now() - t0) / n;
}

/* Seconds `tvmctl vm list` takes, output to /dev/null: the median of 5. */
static double vm_list(const char *tvmctl)
{
	double t[5], t0;
	int i, status;
	pid_t pid;

	for (i = 0; i < 5; i++) {
		t0 = now();
		pid = fork();
		if (pid < 0)
			die("fork", errno);
		if (!pid) {
			if (!freopen("/dev/null", "w", stdout))
				_exit(127);
			execl(tvmctl, tvmctl, "vm", "list", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "scale_bench: %s vm list failed\n",
				tvmctl);
			exit(1);
		}
		t[i] = now() - t0;
	}
	return median(t, 5);
}

static int count_cb(const struct nlmsghdr *h, void *arg)
{
	(void)h;
	++*(uint64_t *)arg;
	return 0;
}

/*
 * Seconds a LOG_DUMP of all of VM @id's @want events takes, counted as
 * they arrive and not kept (tvm_log_dump() copies each into a struct
 * with room for the largest event, which would time user space): the
 * median of 5.
 */
static double log_dump(struct tnl *nl, uint32_t id, uint64_t want)
{
	double t[5], t0;
	struct tmsg m;
	uint64_t got;
	int i, ret;

	for (i = 0; i < 5; i++) {
		got = 0;
		t0 = now();
		tmsg_init(&m, nl, TVM_CMD_LOG_DUMP, NLM_F_DUMP);
		tmsg_put_u32(&m, TVM_A_VM_ID, id);
		ret = tnl_call(nl, &m, count_cb, &got);
		t[i] = now() - t0;
		if (ret || got != want) {
			fprintf(stderr, "scale_bench: dump: %d, %llu events of %llu\n",
				ret, (unsigned long long)got,
				(unsigned long long)want);
			exit(1);
		}
	}
	return median(t, 5);
}

struct round {
	double ext1, quote1;		/* one instance */
	double extn, extrr;		/* 1,000: the probe VM; round-robin */
	double quoten, quoterr;
	double list1, listn;		/* tvmctl vm list */
	double create;			/* seconds per instance created */
	double vm_tvm, vm_slab;		/* bytes per instance */
};

static void report(const char *what, double *v, const char *unit,
		   double scale)
{
	double lo, hi, m;

	m = mean(v, ROUNDS, &lo, &hi);
	printf("%-46s %9.2f %s (%.2f-%.2f, mean of %d rounds)\n", what,
	       m * scale, unit, lo * scale, hi * scale, ROUNDS);
}

int main(int argc, char **argv)
{
	int nvms = argc > 1 ? atoi(argv[1]) : 1000;
	int n_ext = argc > 2 ? atoi(argv[2]) : 3000;
	int n_quote = argc > 3 ? atoi(argv[3]) : 60;
	int n_ev = argc > 4 ? atoi(argv[4]) : 10000;
	const char *tvmctl = getenv("TVMCTL") ?: "build/tvmctl";
	double v[10][ROUNDS], t_dump, ev_tvm, ev_slab;
	long long slab0, tvm0, log0;
	struct round r[ROUNDS];
	struct tvm_pcrs pcrs;
	uint32_t *ids, probe;
	struct tnl nl;
	struct tmsg m;
	char name[64];
	int i, k, ret;

	if (nvms < 2 || n_ext < 1 || n_quote < 1 || n_ev < 1) {
		fprintf(stderr, "usage: scale_bench [VMS [EXTENDS [QUOTES [EVENTS]]]]\n");
		return 2;
	}
	if (tnl_open(&nl)) {
		fprintf(stderr, "scale_bench: tvm.ko is not loaded\n");
		return 1;
	}
	if (tvm_vm_count(&nl) != 0) {
		fprintf(stderr, "scale_bench: other VMs exist; run it alone\n");
		return 1;
	}
	if (stat_of("max_vms") < nvms) {
		fprintf(stderr, "scale_bench: max_vms is below %d\n", nvms);
		return 1;
	}
	ids = calloc(nvms, sizeof(*ids));
	if (!ids)
		die("calloc", ENOMEM);

	/* The AK: RSA-2048 as PKCS#8, in a session keyring of our own. */
	sh("mkdir -p " KEYDIR " && cd " KEYDIR " && "
	   "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ak.pem 2>/dev/null && "
	   "openssl pkcs8 -topk8 -nocrypt -in ak.pem -outform DER -out ak.pk8");
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
		die("keyctl join", errno);
	sh("keyctl padd asymmetric tvm-scale:ak @s < " KEYDIR "/ak.pk8 >/dev/null");
	tmsg_init(&m, &nl, TVM_CMD_AK_SET, 0);
	tmsg_put_str(&m, TVM_A_AK_DESC, "tvm-scale:ak");
	if (tnl_call(&nl, &m, NULL, NULL)) {
		fprintf(stderr, "scale_bench: ak set: %s\n", nl.extack);
		return 1;
	}

	for (k = 0; k < ROUNDS; k++) {
		/* A fresh probe VM each round, so its log never fills. */
		snprintf(name, sizeof(name), "scale-probe-%d-%d", k, getpid());
		ret = tvm_vm_create(&nl, name, TVM_BANKS_DEFAULT, 0, &probe);
		if (ret) {
			fprintf(stderr, "scale_bench: create: %s\n", nl.extack);
			return 1;
		}
		ids[0] = probe;
		/* Warm up the paths and the caches. */
		extends(&nl, ids, 1, n_ext / 10);
		quotes(&nl, ids, 1, 2);

		r[k].ext1 = extends(&nl, ids, 1, n_ext);
		r[k].quote1 = quotes(&nl, ids, 1, n_quote);
		r[k].list1 = vm_list(tvmctl);

		slab0 = slab_bytes();
		tvm0 = stat_of("memory_vms") + stat_of("memory_log");
		double t0 = now();

		for (i = 1; i < nvms; i++) {
			snprintf(name, sizeof(name), "scale-%d-%d", i, getpid());
			ret = tvm_vm_create(&nl, name, TVM_BANKS_DEFAULT, 0,
					    &ids[i]);
			if (ret) {
				fprintf(stderr, "scale_bench: create %d: %s\n",
					i, nl.extack);
				return 1;
			}
		}
		r[k].create = (now() - t0) / (nvms - 1);
		r[k].vm_tvm = (double)(stat_of("memory_vms") +
				       stat_of("memory_log") - tvm0) / (nvms - 1);
		r[k].vm_slab = (double)(slab_bytes() - slab0) / (nvms - 1);

		r[k].extn = extends(&nl, ids, 1, n_ext);
		r[k].extrr = extends(&nl, ids, nvms, n_ext);
		r[k].quoten = quotes(&nl, ids, 1, n_quote);
		r[k].quoterr = quotes(&nl, ids, nvms, n_quote);
		r[k].listn = vm_list(tvmctl);

		for (i = 0; i < nvms; i++)
			if (tvm_vm_delete(&nl, ids[i])) {
				fprintf(stderr, "scale_bench: delete: %s\n",
					nl.extack);
				return 1;
			}
	}

	/* Per event: @n_ev more events in one fresh VM, then its dump. */
	snprintf(name, sizeof(name), "scale-log-%d", getpid());
	if (tvm_vm_create(&nl, name, TVM_BANKS_DEFAULT, 0, &ids[1]))
		return 1;
	slab0 = slab_bytes();
	log0 = stat_of("memory_log");
	extends(&nl, &ids[1], 1, n_ev);
	ev_tvm = (double)(stat_of("memory_log") - log0) / n_ev;
	ev_slab = (double)(slab_bytes() - slab0) / n_ev;
	/* The dump holds the events tvm logged at creation too. */
	if (tvm_pcr_read(&nl, ids[1], &pcrs))
		die("pcr read", EIO);
	t_dump = log_dump(&nl, ids[1], pcrs.log_count);
	tvm_vm_delete(&nl, ids[1]);

	for (k = 0; k < ROUNDS; k++) {
		v[0][k] = r[k].ext1;
		v[1][k] = r[k].extn;
		v[2][k] = r[k].extrr;
		v[3][k] = r[k].quote1;
		v[4][k] = r[k].quoten;
		v[5][k] = r[k].quoterr;
		v[6][k] = r[k].list1;
		v[7][k] = r[k].listn;
		v[8][k] = r[k].vm_tvm;
		v[9][k] = r[k].vm_slab;
	}
	printf("instances: 1 and %d; three banks (sha256, sha384, sm3_256)\n",
	       nvms);
	report("extend, 1 instance", v[0], "us", 1e6);
	report("extend, 1,000: the same VM", v[1], "us", 1e6);
	report("extend, 1,000: round-robin over all", v[2], "us", 1e6);
	report("quote RSA-2048, 1 instance", v[3], "ms", 1e3);
	report("quote RSA-2048, 1,000: the same VM", v[4], "ms", 1e3);
	report("quote RSA-2048, 1,000: round-robin", v[5], "ms", 1e3);
	report("tvmctl vm list, 1 instance", v[6], "ms", 1e3);
	report("tvmctl vm list, 1,000 instances", v[7], "ms", 1e3);
	report("memory per instance, tvm's stats", v[8], "bytes", 1);
	report("memory per instance, all slab", v[9], "bytes", 1);
	for (k = 0; k < ROUNDS; k++)
		v[0][k] = r[k].create;
	report("VM_CREATE, per instance", v[0], "us", 1e6);
	printf("memory per event, tvm's stats: %.0f bytes; all slab: %.0f bytes (%d events)\n",
	       ev_tvm, ev_slab, n_ev);
	printf("LOG_DUMP of %llu events: %.2f ms (%.2f us per event)\n",
	       (unsigned long long)pcrs.log_count, t_dump * 1e3,
	       t_dump * 1e6 / pcrs.log_count);
	for (k = 0; k < ROUNDS; k++) {
		v[0][k] = r[k].extn / r[k].ext1;
		v[1][k] = r[k].extrr / r[k].ext1;
		v[2][k] = r[k].quoten / r[k].quote1;
		v[3][k] = r[k].quoterr / r[k].quote1;
	}
	printf("ratio 1,000/1 latency: extend %.3fx (same VM), %.3fx (round-robin); "
	       "quote %.3fx (same VM), %.3fx (round-robin) (medians of rounds)\n",
	       median(v[0], ROUNDS), median(v[1], ROUNDS),
	       median(v[2], ROUNDS), median(v[3], ROUNDS));
	sh("keyctl purge -s asymmetric tvm-scale:ak >/dev/null 2>&1; rm -rf " KEYDIR);
	tnl_close(&nl);
	free(ids);
	return 0;
}
