// SPDX-License-Identifier: GPL-2.0
/*
 * swtpm_test: the swtpm client of the benchmarks (swtpm.c) against a real
 * swtpm, in KTAP.  Two instances, A and B, as the source and destination
 * of a QEMU migration: A gets PCR extends, a primary storage key loaded
 * and one persisted; its state goes out (CMD_GET_STATEBLOB x3) and into B
 * (CMD_STOP, CMD_SET_STATEBLOB, CMD_INIT), as QEMU moves it.  Then B must
 * show A's PCRs and both keys, B's state read back must be the bytes A
 * gave, and B must refuse a blob that was tampered with.
 *
 *	swtpm_test [DIR]
 *
 * DIR, made if missing, must hold no earlier state (A and B start as new
 * TPMs); without it, a new directory in /tmp is made and removed after.
 * swtpm must be in PATH.
 *
 * Runs on the build machine or in the emulated host: it needs no module.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "swtpm.h"

#define PERSISTENT	0x81000001
#define PCRS		8

static int failed, num;

static void ok(int cond, const char *what, int ret)
{
	++num;
	if (cond) {
		printf("ok %d %s\n", num, what);
		return;
	}
	printf("not ok %d %s", num, what);
	if (ret < 0)
		printf(" # %s", strerror(-ret));
	else if (ret)
		printf(" # result 0x%x", ret);
	printf("\n");
	failed++;
}

static void bail(const char *what, int ret)
{
	if (ret < 0)
		printf("Bail out! %s: %s\n", what, strerror(-ret));
	else
		printf("Bail out! %s: result 0x%x\n", what, ret);
	exit(1);
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/swtpm-test.XXXXXX";
	const char *dir = argc > 1 ? argv[1] : mkdtemp(tmp);
	uint8_t pcr_a[PCRS][32], pcr_b[PCRS][32], d[32];
	uint8_t name_a[2][128], name_b[2][128];
	size_t nlen_a[2], nlen_b[2];
	struct swtpm_state sa, sb;
	struct swtpm a, b;
	char path[256];
	uint32_t key;
	int i, j, ret, same;

	printf("TAP version 13\n1..13\n");
	if (!dir || (mkdir(dir, 0700) && errno != EEXIST))
		bail("state directory", -errno);
	snprintf(path, sizeof(path), "%s/a", dir);
	ret = swtpm_start(&a, path);
	if (ret)
		bail("swtpm A", ret);
	snprintf(path, sizeof(path), "%s/b", dir);
	ret = swtpm_start(&b, path);
	if (ret)
		bail("swtpm B", ret);

	/* A's life before the migration. */
	ret = 0;
	for (i = 0; i < PCRS && !ret; i++)
		for (j = 0; j < 3 && !ret; j++) {
			memset(d, 16 * i + j, sizeof(d));
			ret = swtpm_pcr_extend(&a, i, d);
		}
	ok(!ret, "A: TPM2_PCR_Extend of PCRs 0-7", ret);
	ret = swtpm_create_primary(&a, &key);
	if (!ret)
		ret = swtpm_evict_control(&a, key, PERSISTENT);
	ok(!ret, "A: TPM2_CreatePrimary, TPM2_EvictControl", ret);
	for (i = 0; i < PCRS && !ret; i++)
		ret = swtpm_pcr_read(&a, i, pcr_a[i]);
	nlen_a[0] = nlen_a[1] = sizeof(name_a[0]);
	if (!ret)
		ret = swtpm_read_name(&a, key, name_a[0], &nlen_a[0]);
	if (!ret)
		ret = swtpm_read_name(&a, PERSISTENT, name_a[1], &nlen_a[1]);
	if (ret)
		bail("A: reading PCRs and names", ret);

	/* QEMU's save on A, its load on B. */
	ret = swtpm_get_state(&a, &sa);
	if (ret)
		bail("A: CMD_GET_STATEBLOB", ret);
	ok(sa.blob[0].len && sa.blob[1].len,
	   "A: permanent and volatile blobs are not empty", 0);
	printf("# state: permanent %u, volatile %u, savestate %u bytes\n",
	       sa.blob[0].len, sa.blob[1].len, sa.blob[2].len);
	ret = swtpm_set_state(&b, &sa);
	ok(!ret, "B: CMD_STOP, CMD_SET_STATEBLOB", ret);
	ret = swtpm_init(&b, SWTPM_INIT_DELETE_VOLATILE);
	ok(!ret, "B: CMD_INIT resumes from the blobs", ret);

	for (i = 0; i < PCRS && !ret; i++)
		ret = swtpm_pcr_read(&b, i, pcr_b[i]);
	ok(!ret && !memcmp(pcr_a, pcr_b, sizeof(pcr_a)),
	   "B: PCRs 0-7 are A's", ret);
	nlen_b[0] = nlen_b[1] = sizeof(name_b[0]);
	ret = swtpm_read_name(&b, key, name_b[0], &nlen_b[0]);
	ok(!ret && nlen_b[0] == nlen_a[0] &&
	   !memcmp(name_a[0], name_b[0], nlen_a[0]),
	   "B: A's loaded primary key (volatile state) is there", ret);
	ret = swtpm_read_name(&b, PERSISTENT, name_b[1], &nlen_b[1]);
	ok(!ret && nlen_b[1] == nlen_a[1] &&
	   !memcmp(name_a[1], name_b[1], nlen_a[1]),
	   "B: A's persistent key (permanent state) is there", ret);

	/* Set, then get: the same bytes (the volatile blob holds B's clock). */
	ret = swtpm_get_state(&b, &sb);
	same = !ret && sb.blob[0].len == sa.blob[0].len &&
	       !memcmp(sb.blob[0].data, sa.blob[0].data, sa.blob[0].len);
	ok(same, "B: the permanent blob read back is the one set", ret);

	/* A blob cut short in flight is refused, and the result comes back. */
	sa.blob[0].len--;
	ret = swtpm_set_state(&b, &sa);
	if (!ret)
		ret = swtpm_init(&b, SWTPM_INIT_DELETE_VOLATILE);
	ok(ret > 0, "B: a permanent blob one byte short is refused", 0);

	/* The quote bench's attestation keys and quotes. */
	for (i = 0; i < 2; i++) {
		uint16_t alg = 0;
		uint32_t ak;

		memset(d, 0x42 + i, 16);
		ret = swtpm_create_ak(&a, i, &ak);
		if (!ret)
			ret = swtpm_quote(&a, ak, d, 16, &alg);
		ok(!ret && alg == (i ? 0x0018 : 0x0014), i ?
		   "A: an ECC P-256 AK's TPM2_Quote: ECDSA, over the nonce" :
		   "A: an RSA-2048 AK's TPM2_Quote: RSASSA, over the nonce", ret);
	}

	swtpm_state_free(&sa);
	swtpm_state_free(&sb);
	ret = swtpm_stop(&a);
	ok(!ret, "A: CMD_SHUTDOWN", ret);
	swtpm_stop(&b);
	if (argc < 2)
		swtpm_remove_dir(dir);
	printf("# %d failed\n", failed);
	return failed ? 1 : 0;
}
