// SPDX-License-Identifier: GPL-2.0
/*
 * Extends per second: tvm's in-kernel extend through generic netlink
 * against TPM2_PCR_Extend, side by side in one run, on two TPMs: an swtpm
 * this program starts in the emulated host (socket mode, driven over its
 * data channel as QEMU's tpm-emulator drives it: one swtpm per VM is what
 * a host would run instead of tvm, and it runs on the same emulated CPU
 * as tvm), and the host's TPM (/dev/tpmrm0: swtpm running natively
 * outside the emulated host, behind QEMU's TPM interface).  Both take one SHA-256 digest per extend, as
 * TPM2_PCR_Extend does; tvm is also measured with the default three banks.
 * The TPM is driven with raw commands on /dev/tpmrm0, so neither side pays
 * for process start-up.  tvm is measured as tvmctl uses it (one request,
 * its reply and an ack per extend), without the ack (the reply alone
 * confirms the extend), and with 50 requests per system call; and
 * batched (TVM_CMD_PCR_EXTEND_BATCH, ABI 13): 64 and 256 events per
 * acknowledged request.  Prints one line per measurement and the ratios.
 *
 *	extend_bench [TVM_EXTENDS [TPM_EXTENDS]]
 *
 * The swtpm gets TPM_EXTENDS too; its state lives in a fresh directory
 * under /tmp, removed at the end.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../selftests/tvm/tvm_test.h"
#include "bench.h"
#include "swtpm.h"

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/*
 * TPM2_PCR_Extend(pcrHandle = 16, password session, one SHA-256 digest),
 * as TPM 2.0 Part 3 section 22.2 lays it out.
 */
static size_t pcr_extend_cmd(uint8_t *c, const uint8_t digest[32])
{
	size_t n = 0;

	put_be16(c + n, 0x8002);	/* TPM_ST_SESSIONS */
	n += 2 + 4;			/* size, filled in below */
	put_be32(c + n, 0x00000182);	/* TPM_CC_PCR_Extend */
	n += 4;
	put_be32(c + n, 16);		/* pcrHandle */
	n += 4;
	put_be32(c + n, 9);		/* authorizationSize */
	n += 4;
	put_be32(c + n, 0x40000009);	/* TPM_RS_PW */
	n += 4;
	put_be16(c + n, 0);		/* nonceCaller */
	n += 2;
	c[n++] = 0;			/* sessionAttributes */
	put_be16(c + n, 0);		/* hmac: the empty password */
	n += 2;
	put_be32(c + n, 1);		/* TPML_DIGEST_VALUES.count */
	n += 4;
	put_be16(c + n, 0x000b);	/* TPM_ALG_SHA256 */
	n += 2;
	memcpy(c + n, digest, 32);
	n += 32;
	put_be32(c + 2, n);
	return n;
}

static int tpm_extend(int fd, const uint8_t digest[32])
{
	uint8_t cmd[128], rsp[4096];
	size_t len = pcr_extend_cmd(cmd, digest);
	ssize_t n;

	if (write(fd, cmd, len) != (ssize_t)len)
		return -1;
	n = read(fd, rsp, sizeof(rsp));
	if (n < 10)
		return -1;
	/* responseCode, big-endian at offset 6 */
	return (rsp[6] << 24) | (rsp[7] << 16) | (rsp[8] << 8) | rsp[9];
}

/*
 * @batch extend requests in one sendto(), without NLM_F_ACK: the kernel
 * answers each with its reply (the event's sequence number) only.  Reads
 * replies until all @batch have come; returns 0 or the first -errno.
 */
static int extend_batch(struct tnl *nl, uint32_t id, uint32_t banks,
			uint8_t d[][TVM_DIGEST_MAX], int batch, int first)
{
	static char buf[TNL_BUF], rbuf[TNL_BUF];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	size_t len = 0;
	int i, got = 0;
	ssize_t n;

	for (i = 0; i < batch; i++) {
		static struct tmsg m;

		tvm_extend_init(&m, nl, id, TVM_PCR_DEBUG);
		m.nlh.nlmsg_flags = NLM_F_REQUEST;
		m.nlh.nlmsg_seq = ++nl->seq;
		d[TVM_BANK_SHA256][0] = first + i;
		tvm_put_digests(&m, banks, d);
		if (len + NLMSG_ALIGN(m.nlh.nlmsg_len) > sizeof(buf))
			return -E2BIG;
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

/* A VM with @banks, named "@prefix-<banks>-<pid>"; exits if it cannot. */
static uint32_t bench_vm(struct tnl *nl, const char *prefix, uint32_t banks)
{
	char name[32];
	uint32_t id;
	int ret;

	snprintf(name, sizeof(name), "%s-%x-%d", prefix, banks, getpid());
	ret = tvm_vm_create(nl, name, banks, 0, &id);
	if (ret) {
		fprintf(stderr, "create: %s (%s)\n", strerror(-ret), nl->extack);
		exit(1);
	}
	return id;
}

/*
 * Extends per second: one acknowledged request each (@batch 0), or in
 * batches of @batch requests per system call.
 */
static double bench_tvm(struct tnl *nl, uint32_t banks, int n, int batch)
{
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	uint32_t id = bench_vm(nl, batch ? "benchb" : "bench", banks);
	double t0, t;
	int i, ret;

	memset(d, 0x5a, sizeof(d));
	t0 = now();
	for (i = 0; i < n; i += batch ? batch : 1) {
		if (batch) {
			ret = extend_batch(nl, id, banks, d, batch, i);
		} else {
			d[TVM_BANK_SHA256][0] = i;
			ret = tvm_extend_digests(nl, id, TVM_PCR_DEBUG, TVM_EV_EXTEND,
						 banks, d, NULL, 0, NULL);
		}
		if (ret && batch) {
			fprintf(stderr, "extend: %s\n", strerror(-ret));
			exit(1);
		}
		if (ret) {
			fprintf(stderr, "extend: %s (%s)\n", strerror(-ret),
				nl->extack);
			exit(1);
		}
	}
	t = now() - t0;
	tvm_vm_delete(nl, id);
	return n / t;
}

/*
 * Extends per second through TVM_CMD_PCR_EXTEND_BATCH (ABI 13): @per
 * events a request, each with its own digests, acknowledged as tvmctl
 * sends it.
 */
static double bench_tvm_batch(struct tnl *nl, uint32_t banks, int n, int per)
{
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	uint32_t id = bench_vm(nl, "benchx", banks);
	static struct tmsg m;
	double t0, t;
	int i, j, ret;

	memset(d, 0x3c, sizeof(d));
	t0 = now();
	for (i = 0; i < n; i += per) {
		tmsg_init(&m, nl, TVM_CMD_PCR_EXTEND_BATCH, 0);
		tmsg_nest_start(&m, TVM_A_BATCH);
		for (j = 0; j < per && i + j < n; j++) {
			tmsg_nest_start(&m, TVM_A_BATCH_EVENT);
			tmsg_put_u32(&m, TVM_A_VM_ID, id);
			tmsg_put_u32(&m, TVM_A_PCR_INDEX, TVM_PCR_DEBUG);
			d[TVM_BANK_SHA256][0] = i + j;
			d[TVM_BANK_SHA256][1] = (i + j) >> 8;
			tvm_put_digests(&m, banks, d);
			tmsg_nest_end(&m);
		}
		tmsg_nest_end(&m);
		ret = tnl_call(nl, &m, NULL, NULL);
		if (ret) {
			fprintf(stderr, "batched extend: %s (%s)\n",
				strerror(-ret), nl->extack);
			exit(1);
		}
	}
	t = now() - t0;
	tvm_vm_delete(nl, id);
	return n / t;
}

/*
 * The floor under any tvm command here: round trips of a request the
 * kernel rejects before any tvm code runs (no such command).
 */
static double bench_netlink_floor(struct tnl *nl, int n)
{
	struct tmsg m;
	double t0;
	int i;

	t0 = now();
	for (i = 0; i < n; i++) {
		tmsg_init(&m, nl, TVM_CMD_UNSPEC, 0);
		tnl_call(nl, &m, NULL, NULL);
	}
	return n / (now() - t0);
}

/*
 * `extend_bench --batch N PER`: only N batched extends, PER a request,
 * one bank, and their rate; what bench/profile.sh samples.
 */
static int batch_only(int n, int per)
{
	struct tnl nl;

	if (n < 1 || per < 1 || per > TVM_BATCH_MAX) {
		fprintf(stderr, "extend_bench --batch N PER: N >= 1, PER 1-%d\n",
			TVM_BATCH_MAX);
		return 2;
	}
	if (tnl_open(&nl)) {
		fprintf(stderr, "extend_bench: tvm.ko is not loaded\n");
		return 1;
	}
	printf("tvm batched, sha256, %d per request: %9.0f /s (%d extends)\n",
	       per, bench_tvm_batch(&nl, 1u << TVM_BANK_SHA256, n, per), n);
	return 0;
}

int main(int argc, char **argv)
{
	int n_tvm = argc > 1 ? atoi(argv[1]) : 10000;
	int n_tpm = argc > 2 ? atoi(argv[2]) : 300;
	uint8_t digest[32] = { 0xa5 };
	double tvm1, tvm3, tvmn, tvmb, floor, tpm, sw, t0;
	double bat1, bat3, bat256;
	char dir[] = "/tmp/extend_bench.XXXXXX";
	struct swtpm st;
	struct tnl nl;
	int fd, i, rc;

	if (argc == 4 && !strcmp(argv[1], "--batch"))
		return batch_only(atoi(argv[2]), atoi(argv[3]));
	if (tnl_open(&nl)) {
		fprintf(stderr, "extend_bench: tvm.ko is not loaded\n");
		return 1;
	}
	bench_one_cpu("extend_bench");
	fd = open("/dev/tpmrm0", O_RDWR);
	if (fd < 0) {
		perror("extend_bench: /dev/tpmrm0");
		return 1;
	}

	floor = bench_netlink_floor(&nl, n_tvm);
	tvm1 = bench_tvm(&nl, 1u << TVM_BANK_SHA256, n_tvm, 0);
	tvm3 = bench_tvm(&nl, TVM_BANKS_DEFAULT, n_tvm, 0);
	tvmn = bench_tvm(&nl, 1u << TVM_BANK_SHA256, n_tvm, 1);
	tvmb = bench_tvm(&nl, 1u << TVM_BANK_SHA256, n_tvm, 50);
	bat1 = bench_tvm_batch(&nl, 1u << TVM_BANK_SHA256, n_tvm, 64);
	bat3 = bench_tvm_batch(&nl, TVM_BANKS_DEFAULT, n_tvm, 64);
	bat256 = bench_tvm_batch(&nl, 1u << TVM_BANK_SHA256, n_tvm,
				 TVM_BATCH_MAX);

	t0 = now();
	for (i = 0; i < n_tpm; i++) {
		digest[1] = i;
		rc = tpm_extend(fd, digest);
		if (rc) {
			fprintf(stderr, "TPM2_PCR_Extend: rc 0x%x\n", rc);
			return 1;
		}
	}
	tpm = n_tpm / (now() - t0);

	if (!mkdtemp(dir) || swtpm_start(&st, dir)) {
		fprintf(stderr, "extend_bench: swtpm in %s did not start\n", dir);
		return 1;
	}
	/*
	 * Untimed first, as tvm's paths were warmed by the runs before: TCG
	 * translates swtpm's code on its first use, which is the emulator's
	 * cost and not swtpm's.
	 */
	for (i = 0; i < 30; i++) {
		rc = swtpm_pcr_extend(&st, 16, digest);
		if (rc) {
			fprintf(stderr, "swtpm TPM2_PCR_Extend: %d\n", rc);
			return 1;
		}
	}
	t0 = now();
	for (i = 0; i < n_tpm; i++) {
		digest[1] = i;
		rc = swtpm_pcr_extend(&st, 16, digest);
		if (rc) {
			fprintf(stderr, "swtpm TPM2_PCR_Extend: %d\n", rc);
			return 1;
		}
	}
	sw = n_tpm / (now() - t0);
	swtpm_stop(&st);
	swtpm_remove_dir(dir);

	printf("tvm extend, sha256 bank:            %10.0f /s (%d extends)\n",
	       tvm1, n_tvm);
	printf("tvm extend, sha256+sha384+sm3_256:  %10.0f /s (%d extends)\n",
	       tvm3, n_tvm);
	printf("tvm extend, sha256, no ack:         %10.0f /s (%d extends)\n",
	       tvmn, n_tvm);
	printf("tvm extend, sha256, 50 per sendto:  %10.0f /s (%d extends)\n",
	       tvmb, n_tvm);
	printf("tvm batched, sha256, 64 per request: %9.0f /s (%d extends)\n",
	       bat1, n_tvm);
	printf("tvm batched, 3 banks, 64 per request: %8.0f /s (%d extends)\n",
	       bat3, n_tvm);
	printf("tvm batched, sha256, 256 per request: %8.0f /s (%d extends)\n",
	       bat256, n_tvm);
	printf("TPM2_PCR_Extend on swtpm, same CPU:  %10.0f /s (%d extends)\n",
	       sw, n_tpm);
	printf("TPM2_PCR_Extend on the TPM, sha256: %10.0f /s (%d extends)\n",
	       tpm, n_tpm);
	printf("netlink round trip, rejected early: %10.0f /s (the floor)\n",
	       floor);
	printf("ratio tvm/swtpm (same CPU): %.0fx (one bank), %.0fx (three banks), "
	       "%.0fx (no ack), %.0fx (batched)\n",
	       tvm1 / sw, tvm3 / sw, tvmn / sw, tvmb / sw);
	printf("ratio tvm batched/swtpm (same CPU), per event: %.0fx (64, one "
	       "bank), %.0fx (64, three banks), %.0fx (256, one bank)\n",
	       bat1 / sw, bat3 / sw, bat256 / sw);
	printf("ratio tvm/TPM: %.0fx (one bank), %.0fx (three banks), "
	       "%.0fx (no ack), %.0fx (batched)\n",
	       tvm1 / tpm, tvm3 / tpm, tvmn / tpm, tvmb / tpm);
	close(fd);
	tnl_close(&nl);
	return 0;
}
