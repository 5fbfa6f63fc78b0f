// SPDX-License-Identifier: GPL-2.0
/*
 * What tvm_kvm costs a VM, in one run of the emulated host:
 *
 *  - Launch measurement: the first KVM_RUN of a VM with a slot of MIB MiB
 *    of random bytes (beside a 64 KiB slot holding the guest, which only
 *    OUTs and halts), against the same VM with the big slot never touched
 *    and without the big slot; then `sha256sum` over a file of the same
 *    bytes, the reference, with its process start-up (sha256sum of an
 *    empty file) taken off.  With tvm_kvm loaded, that first KVM_RUN
 *    hashes every slot before the guest runs.
 *  - KVM_RUN round trip: EXITS OUT exits of a guest that loops on one.
 *
 *  - Parallel launch hashing: when tvm_kvm has the parameter
 *    launch_hash_chunks, the first KVM_RUN with the random slot again with
 *    it at 1 (one chunk at a time, in the VMM's thread) against its default
 *    (chunks on every CPU), and the speedup of the default over sha256sum,
 *    which hashes one stream on one CPU.
 *
 * With --unload, everything is measured again after `rmmod tvm_kvm`, and
 * the module is loaded again with `modprobe tvm_kvm` at the end: the
 * measurement is the first KVM_RUN with the module minus without, and
 * the round trips are compared.  Each figure is the median of REPS runs.
 *
 *	launch_bench [--mib MIB] [--reps REPS] [--exits EXITS] [--unload]
 */

#include <getopt.h>
#include <spawn.h>
#include <time.h>

#include "../selftests/tvm/tvm_kvm.h"
#include "bench.h"

#define BIG_GPA		0x100000
#define FILE_DATA	"/tmp/launch_bench.bin"
#define FILE_EMPTY	"/tmp/launch_bench.empty"

extern char **environ;

enum big { BIG_NONE, BIG_RANDOM, BIG_UNTOUCHED };

/* A new VM with @code at KVM_T_ENTRY in its 64 KiB slot 0; dies if not. */
static void guest_vm(struct kvm_vm *vm, const void *code, size_t len)
{
	int err = kvm_vm_create(vm);

	if (!err)
		err = kvm_vm_add_slot(vm, 0, 0, 0, 0x10000);
	if (err)
		die("creating a VM", -err);
	memcpy(kvm_vm_gpa(vm, KVM_T_ENTRY), code, len);
}

/* The guest's last exit must be its OUT of @byte; exits if not. */
static void expect_out(struct kvm_vm *vm, char byte)
{
	if (kvm_vm_out_byte(vm->vcpu[0].run, KVM_T_PORT) != byte) {
		fprintf(stderr, "launch_bench: unexpected exit %u\n",
			vm->vcpu[0].run->exit_reason);
		exit(1);
	}
}

/*
 * Seconds the first KVM_RUN of a new VM takes to reach the guest's OUT:
 * the guest in slot 0, and per @big a slot of @size bytes at BIG_GPA.
 */
static double first_run(enum big big, const uint8_t *bytes, size_t size)
{
	struct kvm_vm vm;
	double t;
	int err;

	guest_vm(&vm, kvm_t_guest, sizeof(kvm_t_guest));
	if (big != BIG_NONE) {
		err = kvm_vm_add_slot(&vm, 1, 0, BIG_GPA, size);
		if (err)
			die("creating a VM", -err);
	}
	if (big == BIG_RANDOM)
		memcpy(kvm_vm_gpa(&vm, BIG_GPA), bytes, size);
	err = kvm_vm_add_vcpu(&vm, 0, KVM_T_ENTRY);
	if (err)
		die("creating a vCPU", -err);

	t = now();
	err = kvm_vm_run(&vm, 0);
	t = now() - t;
	if (err)
		die("KVM_RUN", -err);
	expect_out(&vm, 't');
	kvm_vm_destroy(&vm);
	return t;
}

/* Seconds per KVM_RUN, over @exits OUT exits of one VM. */
static double round_trip(unsigned int exits)
{
	struct kvm_vm vm;
	unsigned int i;
	double t;
	int err;

	guest_vm(&vm, kvm_t_guest_out_loop, sizeof(kvm_t_guest_out_loop));
	err = kvm_vm_add_vcpu(&vm, 0, KVM_T_ENTRY);
	if (!err)
		err = kvm_vm_run(&vm, 0);	/* the launch, not timed */
	if (err)
		die("KVM_RUN", -err);
	t = now();
	for (i = 0; i < exits; i++) {
		err = kvm_vm_run(&vm, 0);
		if (err)
			die("KVM_RUN", -err);
	}
	t = now() - t;
	expect_out(&vm, 'l');
	kvm_vm_destroy(&vm);
	return t / exits;
}

/* Seconds `sha256sum @path` takes, start to exit. */
static double sha256sum(const char *path)
{
	char *argv[] = { "sha256sum", (char *)path, NULL };
	posix_spawn_file_actions_t fa;
	int status, err;
	double t;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null",
					 O_WRONLY, 0);
	t = now();
	err = posix_spawnp(&pid, "sha256sum", &fa, NULL, argv, environ);
	if (err)
		die("sha256sum", err);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("sha256sum", EIO);
	t = now() - t;
	posix_spawn_file_actions_destroy(&fa);
	return t;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		die(path, errno ? errno : EIO);
}

struct figures {
	double first[3];	/* first KVM_RUN, per enum big */
	double rtt;		/* seconds per KVM_RUN */
};

static void measure(struct figures *f, const uint8_t *bytes, size_t size,
		    int reps, unsigned int exits)
{
	double v[3][64], r[64];
	int i, b;

	for (i = 0; i < reps; i++) {
		for (b = BIG_NONE; b <= BIG_UNTOUCHED; b++)
			v[b][i] = first_run(b, bytes, size);
		r[i] = round_trip(exits);
	}
	for (b = BIG_NONE; b <= BIG_UNTOUCHED; b++)
		f->first[b] = median(v[b], reps);
	f->rtt = median(r, reps);
}

#define CHUNKS_PARAM	"/sys/module/tvm_kvm/parameters/launch_hash_chunks"

/* Write @v to tvm_kvm's launch_hash_chunks; 0 or -1 (no such parameter). */
static int set_chunks(const char *v)
{
	FILE *f = fopen(CHUNKS_PARAM, "w");

	if (!f)
		return -1;
	if (fputs(v, f) < 0 || fclose(f))
		die(CHUNKS_PARAM, errno ? errno : EIO);
	return 0;
}

/*
 * The launch of the random slot, one chunk at a time against the default,
 * each over the guest-only VM (@f, measured with the default); and the
 * default's speedup over sha256sum's @hash seconds.
 */
static void parallel(const struct figures *f, const uint8_t *bytes,
		     size_t size, int reps, double hash, unsigned int mib)
{
	double v[64], one, all;
	int i;

	if (set_chunks("1")) {
		printf("tvm_kvm has no launch_hash_chunks: no parallel figures\n");
		return;
	}
	for (i = 0; i < reps; i++)
		v[i] = first_run(BIG_RANDOM, bytes, size);
	set_chunks("0");
	one = median(v, reps) - f->first[BIG_NONE];
	all = f->first[BIG_RANDOM] - f->first[BIG_NONE];
	printf("launch hashing of %u MiB random on %ld CPUs: one chunk at a "
	       "time %.1f ms (%.0f MB/s), default %.1f ms (%.0f MB/s): %.2fx\n",
	       mib, sysconf(_SC_NPROCESSORS_ONLN), one * 1e3, size / one / 1e6,
	       all * 1e3, size / all / 1e6, one / all);
	printf("speedup of launch hashing over sha256sum: %.2fx (one chunk at "
	       "a time: %.2fx)\n", hash / all, hash / one);
}

static void print(const char *label, const struct figures *f,
		  unsigned int mib)
{
	printf("%s: first KVM_RUN: guest only %.1f ms, + %u MiB random "
	       "%.1f ms, + %u MiB untouched %.1f ms; KVM_RUN round trip "
	       "%.1f us\n", label, f->first[BIG_NONE] * 1e3, mib,
	       f->first[BIG_RANDOM] * 1e3, mib, f->first[BIG_UNTOUCHED] * 1e3,
	       f->rtt * 1e6);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mib", required_argument, NULL, 'm' },
		{ "reps", required_argument, NULL, 'r' },
		{ "exits", required_argument, NULL, 'e' },
		{ "unload", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int mib = 4, exits = 2000;
	int reps = 5, unload = 0, loaded, c, i;
	struct figures with, without;
	double sum[64], empty[64], hash, launch, mbs;
	uint64_t seed = 0x6c61756e6368ULL;
	uint8_t *bytes;
	size_t size;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			mib = atoi(optarg);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'e':
			exits = atoi(optarg);
			break;
		case 'u':
			unload = 1;
			break;
		default:
			fprintf(stderr, "usage: launch_bench [--mib MIB] "
				"[--reps REPS] [--exits EXITS] [--unload]\n");
			return 2;
		}
	}
	if (mib < 1 || mib > 256 || reps < 1 || reps > 64 || exits < 1) {
		fprintf(stderr, "launch_bench: MIB 1-256, REPS 1-64, EXITS >= 1\n");
		return 2;
	}
	size = (size_t)mib << 20;
	bytes = malloc(size);
	if (!bytes)
		die("memory", ENOMEM);
	for (i = 0; i < (int)(size / 8); i++) {
		uint64_t x = rnd(&seed);

		memcpy(bytes + 8 * i, &x, 8);
	}
	loaded = !access("/sys/module/tvm_kvm", F_OK);
	printf("%u MiB slot, %d runs each (medians), %u exits per round "
	       "trip; tvm_kvm %s\n", mib, reps, exits,
	       loaded ? "loaded" : "not loaded");

	/* The reference: sha256sum over the same bytes, minus start-up. */
	write_file(FILE_DATA, bytes, size);
	write_file(FILE_EMPTY, "", 0);
	for (i = 0; i < reps; i++) {
		sum[i] = sha256sum(FILE_DATA);
		empty[i] = sha256sum(FILE_EMPTY);
	}
	hash = median(sum, reps) - median(empty, reps);
	unlink(FILE_DATA);
	unlink(FILE_EMPTY);
	printf("sha256sum: %.1f ms for %u MiB (%.1f ms start-up taken off): "
	       "%.0f MB/s\n", hash * 1e3, mib, median(empty, reps) * 1e3,
	       size / hash / 1e6);

	measure(&with, bytes, size, reps, exits);
	print(loaded ? "with tvm_kvm" : "without tvm_kvm", &with, mib);
	if (!loaded || !unload) {
		launch = with.first[BIG_RANDOM] - with.first[BIG_NONE];
		printf("launch, random slot minus guest only: %.1f ms: %.0f "
		       "MB/s, %.2fx sha256sum's time\n", launch * 1e3,
		       size / launch / 1e6, launch / hash);
		if (loaded)
			parallel(&with, bytes, size, reps, hash, mib);
		return 0;
	}

	if (system("rmmod tvm_kvm")) {
		fprintf(stderr, "launch_bench: rmmod tvm_kvm failed\n");
		return 1;
	}
	measure(&without, bytes, size, reps, exits);
	if (system("modprobe tvm_kvm"))
		fprintf(stderr, "launch_bench: modprobe tvm_kvm failed\n");
	print("without tvm_kvm", &without, mib);

	launch = with.first[BIG_RANDOM] - without.first[BIG_RANDOM];
	mbs = size / launch / 1e6;
	printf("launch measurement of %u MiB random (with minus without): "
	       "%.1f ms = %.0f MB/s; sha256sum %.1f ms\n", mib, launch * 1e3,
	       mbs, hash * 1e3);
	printf("ratio launch measurement / sha256sum: %.2fx\n", launch / hash);
	printf("untouched %u MiB slot costs %.1f ms with tvm_kvm, %.1f ms "
	       "without (over the guest-only VM)\n", mib,
	       (with.first[BIG_UNTOUCHED] - with.first[BIG_NONE]) * 1e3,
	       (without.first[BIG_UNTOUCHED] - without.first[BIG_NONE]) * 1e3);
	printf("ratio KVM_RUN round trip with / without tvm_kvm: %.2fx "
	       "(%.1f us vs %.1f us)\n", with.rtt / without.rtt,
	       with.rtt * 1e6, without.rtt * 1e6);
	return 0;
}
