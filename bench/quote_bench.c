// SPDX-License-Identifier: GPL-2.0
/*
 * Quote latency: tvm's in-kernel quote (TPMS_ATTEST signed with an
 * RSA-2048 attestation key through create_signature, then with an ECDSA
 * P-256 one through tvm's own P-256) against TPM2_Quote with a restricted
 * signing key of the same type, all over PCRs 0-23 of the SHA-256 bank,
 * side by side in one run, on two TPMs: an swtpm this program starts in
 * the emulated host (socket mode, raw commands on its data channel as
 * QEMU's tpm-emulator sends them; the same emulated CPU as tvm), with an
 * RSA-2048 and an ECDSA P-256 key, and the host's TPM (/dev/tpmrm0:
 * swtpm running natively behind QEMU's TPM interface), RSA-2048.
 * Keys are made beforehand (tpm2-tools for the host's TPM, TPM2_CreatePrimary
 * for the swtpm), so process start-up is timed on no side.  Needs openssl,
 * keyctl, tpm2-tools and swtpm.
 *
 *	quote_bench [TVM_QUOTES [TPM_QUOTES]]
 */

#include <fcntl.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../selftests/tvm/tvm_test.h"
#include "bench.h"
#include "swtpm.h"

#define WORK		"/tmp/tvm-quote-bench"
#define TPM_AK		0x81010042

/* Mean latency of @n TPM2_Quote by @handle on @t, in seconds; exits on
 * failure. */
static double swtpm_quotes(struct swtpm *t, uint32_t handle, int n,
			   const char *what)
{
	uint8_t nonce[16];
	double t0 = 0;
	int i, rc;

	/* Quote -1 is untimed: TCG translates swtpm's code on first use. */
	for (i = -1; i < n; i++) {
		if (i == 0)
			t0 = now();
		memset(nonce, i, sizeof(nonce));
		rc = swtpm_quote(t, handle, nonce, sizeof(nonce), NULL);
		if (rc) {
			fprintf(stderr, "quote_bench: swtpm TPM2_Quote, %s: %d (0x%x)\n",
				what, rc, rc);
			exit(1);
		}
	}
	return (now() - t0) / n;
}

static void sh(const char *cmd)
{
	if (system(cmd)) {
		fprintf(stderr, "quote_bench: failed: %s\n", cmd);
		exit(1);
	}
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v);
}

/*
 * TPM2_Quote(signHandle, password session, qualifyingData = 16 bytes,
 * inScheme = TPM_ALG_NULL (the key's), PCRs 0-23 of SHA-256), TPM 2.0
 * Part 3 section 18.4.
 */
static size_t quote_cmd(uint8_t *c, uint32_t handle, uint8_t seq)
{
	size_t n = 10;

	put_be16(c, 0x8002);		/* TPM_ST_SESSIONS */
	put_be32(c + 6, 0x00000158);	/* TPM_CC_Quote */
	put_be32(c + n, handle);
	n += 4;
	put_be32(c + n, 9);		/* authorizationSize */
	put_be32(c + n + 4, 0x40000009);/* TPM_RS_PW */
	put_be16(c + n + 8, 0);		/* nonce */
	c[n + 10] = 0;			/* attributes */
	put_be16(c + n + 11, 0);	/* hmac */
	n += 13;
	put_be16(c + n, 16);		/* qualifyingData */
	memset(c + n + 2, seq, 16);
	n += 18;
	put_be16(c + n, 0x0010);	/* inScheme: TPM_ALG_NULL */
	n += 2;
	put_be32(c + n, 1);		/* TPML_PCR_SELECTION */
	put_be16(c + n + 4, 0x000b);
	c[n + 6] = 3;
	c[n + 7] = c[n + 8] = c[n + 9] = 0xff;
	n += 10;
	put_be32(c + 2, n);
	return n;
}

static int quote_cb(const struct nlmsghdr *h, void *arg)
{
	*(int *)arg = !!tmsg_attr(h, TVM_A_QUOTE_SIGNATURE);
	return 0;
}

/* Mean latency of @n tvm quotes of VM @id, in seconds; exits on failure. */
static double tvm_quotes(struct tnl *nl, uint32_t id, int n)
{
	double t0 = 0;
	struct tmsg m;
	int i, got;

	/* Quote -1 is untimed, as swtpm_quotes()'s is. */
	for (i = -1; i < n; i++) {
		uint8_t nonce[16];

		if (i == 0)
			t0 = now();
		memset(nonce, i, sizeof(nonce));
		tmsg_init(&m, nl, TVM_CMD_QUOTE, 0);
		tmsg_put_u32(&m, TVM_A_VM_ID, id);
		tmsg_put(&m, TVM_A_QUOTE_NONCE, nonce, sizeof(nonce));
		got = 0;
		if (tnl_call(nl, &m, quote_cb, &got) || !got) {
			fprintf(stderr, "quote_bench: quote: %s\n", nl->extack);
			exit(1);
		}
	}
	return (now() - t0) / n;
}

/* AK_SET of @desc, of scheme @alg; exits on failure. */
static void ak_set(struct tnl *nl, const char *desc, uint32_t alg)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_AK_SET, 0);
	tmsg_put_str(&m, TVM_A_AK_DESC, desc);
	tmsg_put_u32(&m, TVM_A_AK_ALG, alg);
	if (tnl_call(nl, &m, NULL, NULL)) {
		fprintf(stderr, "quote_bench: ak set %s: %s\n", desc, nl->extack);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	int n_tvm = argc > 1 ? atoi(argv[1]) : 100;
	int n_tpm = argc > 2 ? atoi(argv[2]) : 30;
	static char key[8192];
	uint8_t cmd[128], rsp[4096];
	char dir[] = "/tmp/quote_bench.XXXXXX";
	double t0, tvm, tvm_ecc, tpm, sw_rsa, sw_ecc;
	uint8_t d[32];
	uint32_t ak_rsa, ak_ecc;
	struct swtpm st;
	struct tnl nl;
	uint32_t id;
	size_t klen;
	FILE *f;
	int fd, i;

	if (tnl_open(&nl)) {
		fprintf(stderr, "quote_bench: tvm.ko is not loaded\n");
		return 1;
	}
	bench_one_cpu("quote_bench");

	/* tvm's AK: RSA-2048 as PKCS#8 in a session keyring of our own. */
	sh("mkdir -p " WORK " && cd " WORK " && "
	   "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ak.pem 2>/dev/null && "
	   "openssl pkcs8 -topk8 -nocrypt -in ak.pem -outform DER -out ak.pk8");
	f = fopen(WORK "/ak.pk8", "rb");
	klen = f ? fread(key, 1, sizeof(key), f) : 0;
	if (f)
		fclose(f);
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 ||
	    syscall(SYS_add_key, "asymmetric", "tvm-bench:ak", key, klen,
		    KEY_SPEC_SESSION_KEYRING) < 0) {
		perror("quote_bench: add_key");
		return 1;
	}
	/*
	 * And a P-256 one: a logon key holding the scalar, random below
	 * 2^248, so below the group order (n > 2^255), and above 0.
	 */
	f = fopen("/dev/urandom", "rb");
	if (!f || fread(d, 1, sizeof(d), f) != sizeof(d)) {
		perror("quote_bench: /dev/urandom");
		return 1;
	}
	fclose(f);
	d[0] = 0;
	d[31] |= 1;
	if (syscall(SYS_add_key, "logon", "tvm-bench:ak-ec", d, sizeof(d),
		    KEY_SPEC_SESSION_KEYRING) < 0) {
		perror("quote_bench: add_key logon");
		return 1;
	}
	snprintf((char *)cmd, sizeof(cmd), "bench-q-%d", getpid());
	if (tvm_vm_create(&nl, (char *)cmd, 1u << TVM_BANK_SHA256, 0, &id))
		return 1;

	/* The TPM's: an RSA-2048 restricted signing key, made persistent. */
	sh("cd " WORK " && tpm2_evictcontrol -c 0x81010042 >/dev/null 2>&1; "
	   "tpm2_createprimary -C o -g sha256 -G rsa -c primary.ctx >/dev/null && "
	   "tpm2_create -C primary.ctx -G rsa2048:rsassa-sha256:null -u ak.pub -r ak.priv "
	   "-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign' >/dev/null && "
	   "tpm2_load -C primary.ctx -u ak.pub -r ak.priv -c ak.ctx >/dev/null && "
	   "tpm2_evictcontrol -C o -c ak.ctx 0x81010042 >/dev/null");
	fd = open("/dev/tpmrm0", O_RDWR);
	if (fd < 0) {
		perror("quote_bench: /dev/tpmrm0");
		return 1;
	}

	ak_set(&nl, "tvm-bench:ak", TVM_AK_ALG_RSASSA);
	tvm = tvm_quotes(&nl, id, n_tvm);
	ak_set(&nl, "tvm-bench:ak-ec", TVM_AK_ALG_ECDSA);
	tvm_ecc = tvm_quotes(&nl, id, n_tvm);

	t0 = now();
	for (i = 0; i < n_tpm; i++) {
		size_t len = quote_cmd(cmd, TPM_AK, i);
		ssize_t r;

		if (write(fd, cmd, len) != (ssize_t)len ||
		    (r = read(fd, rsp, sizeof(rsp))) < 10 ||
		    rsp[6] | rsp[7] | rsp[8] | rsp[9]) {
			fprintf(stderr, "quote_bench: TPM2_Quote failed (rc %02x%02x%02x%02x)\n",
				rsp[6], rsp[7], rsp[8], rsp[9]);
			return 1;
		}
	}
	tpm = (now() - t0) / n_tpm;

	if (!mkdtemp(dir) || swtpm_start(&st, dir) ||
	    swtpm_create_ak(&st, false, &ak_rsa) ||
	    swtpm_create_ak(&st, true, &ak_ecc)) {
		fprintf(stderr, "quote_bench: swtpm in %s: no start or no keys\n", dir);
		return 1;
	}
	sw_rsa = swtpm_quotes(&st, ak_rsa, n_tpm, "RSA-2048");
	sw_ecc = swtpm_quotes(&st, ak_ecc, n_tpm, "ECDSA P-256");
	swtpm_stop(&st);
	swtpm_remove_dir(dir);

	printf("tvm quote, RSA-2048, 24 PCRs:       %8.2f ms (%d quotes)\n",
	       tvm * 1e3, n_tvm);
	printf("tvm quote, ECDSA P-256, 24 PCRs:    %8.2f ms (%d quotes)\n",
	       tvm_ecc * 1e3, n_tvm);
	printf("TPM2_Quote on swtpm, same CPU, RSA-2048: %8.2f ms (%d quotes)\n",
	       sw_rsa * 1e3, n_tpm);
	printf("TPM2_Quote on swtpm, same CPU, ECDSA P-256: %8.2f ms (%d quotes)\n",
	       sw_ecc * 1e3, n_tpm);
	printf("TPM2_Quote on the TPM, RSA-2048:    %8.2f ms (%d quotes)\n",
	       tpm * 1e3, n_tpm);
	printf("ratio swtpm (same CPU)/tvm latency, RSA-2048: %.2fx\n", sw_rsa / tvm);
	printf("ratio swtpm (same CPU)/tvm latency, ECDSA P-256: %.2fx\n",
	       sw_ecc / tvm_ecc);
	printf("ratio TPM/tvm latency: %.2fx\n", tpm / tvm);

	sh("tpm2_evictcontrol -C o -c 0x81010042 >/dev/null");
	tvm_vm_delete(&nl, id);
	close(fd);
	tnl_close(&nl);
	return 0;
}
