// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm: the smallest VMM that makes tvm_kvm do its work.
 *
 *	minivmm [--vcpus N] [--mem KIB] [--entry ADDR] [--runs N]
 *		[--wait SECONDS] [--wait-for FILE] [--hold SECONDS] IMAGE
 *
 * Loads the raw IMAGE at guest physical ENTRY (default 0x1000) into one
 * memory slot of KIB KiB at address 0 (default 64), creates N vCPUs (default
 * 1), all in real mode at ENTRY, and runs vCPU 0 until the guest executes
 * HLT.  Each other vCPU runs once, in a thread of its own.  What the guest
 * writes to port 0x3f8 goes to stdout as it comes.  With --runs, gives up
 * after N KVM_RUN calls; with --wait, waits SECONDS between creating the
 * VM and running it (so that tvm_kvm can be loaded in between); with
 * --wait-for, until FILE exists (at most a minute); with --hold, keeps the VM for SECONDS more after the HLT before exiting.  The
 * VM ends when minivmm does.
 *
 * Exit status: 0 the guest halted; 1 an error setting up; 2 bad usage;
 * 3 KVM_RUN failed ("minivmm: KVM_RUN: <error>" on stderr, e.g. when tvm
 * refuses an untrusted VM); 4 the guest did something else (an exit
 * minivmm does not handle, or no HLT within --runs).
 */

#include <getopt.h>
#include <pthread.h>

#include "tvm_kvm.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: minivmm [--vcpus N] [--mem KIB] [--entry ADDR] "
		"[--runs N] [--wait SECONDS] [--wait-for FILE] [--hold SECONDS] "
		"IMAGE\n");
	exit(2);
}

/* A number in C syntax (0x... allowed) no larger than @max, or exit 2. */
static unsigned long long number(const char *opt, const char *s,
				 unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v > max) {
		fprintf(stderr, "minivmm: %s: '%s' is not a number up to %llu\n",
			opt, s, max);
		exit(2);
	}
	return v;
}

static struct kvm_vm vm;

/* An application processor: one KVM_RUN; its result is not reported. */
static void *ap_thread(void *arg)
{
	kvm_vm_run(&vm, (int)(intptr_t)arg);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vcpus", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "entry", required_argument, NULL, 'e' },
		{ "runs", required_argument, NULL, 'r' },
		{ "hold", required_argument, NULL, 'h' },
		{ "wait", required_argument, NULL, 'w' },
		{ "wait-for", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long vcpus = 1, kib = 64, entry = 0x1000, runs = 0;
	unsigned long long hold = 0, wait = 0, n;
	const char *wait_for = NULL;
	pthread_t ap[KVM_T_VCPUS];
	struct kvm_run *run;
	size_t len;
	uint8_t *image;
	int c, err, i;
	FILE *f;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			vcpus = number("--vcpus", optarg, KVM_T_VCPUS);
			break;
		case 'm':
			kib = number("--mem", optarg, 1024);
			break;
		case 'e':
			entry = number("--entry", optarg, 0xfffff);
			break;
		case 'r':
			runs = number("--runs", optarg, 1ULL << 32);
			break;
		case 'h':
			hold = number("--hold", optarg, 86400);
			break;
		case 'f':
			wait_for = optarg;
			break;
		case 'w':
			wait = number("--wait", optarg, 86400);
			break;
		default:
			usage();
		}
	}
	if (!vcpus || !kib || kib % 4) {
		fprintf(stderr, "minivmm: --vcpus must be 1-%d, --mem a "
			"multiple of 4 KiB\n", KVM_T_VCPUS);
		return 2;
	}
	if (optind != argc - 1)
		usage();

	f = fopen(argv[optind], "r");
	if (!f) {
		fprintf(stderr, "minivmm: %s: %s\n", argv[optind],
			strerror(errno));
		return 1;
	}
	image = malloc(kib << 10);
	if (!image) {
		fprintf(stderr, "minivmm: out of memory\n");
		return 1;
	}
	len = fread(image, 1, kib << 10, f);
	if (ferror(f) || !len || entry + len > kib << 10 || getc(f) != EOF) {
		fprintf(stderr, "minivmm: %s: empty, unreadable, or larger "
			"than the %llu KiB of guest memory above 0x%llx\n",
			argv[optind], kib, entry);
		return 1;
	}
	fclose(f);

	err = kvm_vm_create(&vm);
	if (!err)
		err = kvm_vm_add_slot(&vm, 0, 0, 0, kib << 10);
	if (err) {
		fprintf(stderr, "minivmm: creating the VM: %s\n",
			strerror(-err));
		return 1;
	}
	memcpy(vm.slot[0].mem + entry, image, len);
	free(image);
	for (i = 0; i < (int)vcpus; i++) {
		err = kvm_vm_add_vcpu(&vm, i, entry);
		if (err) {
			fprintf(stderr, "minivmm: vCPU %d: %s\n", i,
				strerror(-err));
			return 1;
		}
	}

	if (wait)
		sleep(wait);
	for (n = 0; wait_for && access(wait_for, F_OK) && n < 1200; n++)
		usleep(50000);
	for (i = 1; i < (int)vcpus; i++) {
		err = pthread_create(&ap[i], NULL, ap_thread, (void *)(intptr_t)i);
		if (err) {
			fprintf(stderr, "minivmm: thread: %s\n", strerror(err));
			return 1;
		}
	}

	run = vm.vcpu[0].run;
	for (n = 0; !runs || n < runs; n++) {
		err = kvm_vm_run(&vm, 0);
		if (err) {
			fprintf(stderr, "minivmm: KVM_RUN: %s\n", strerror(-err));
			return 3;
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason != KVM_EXIT_IO) {
			fprintf(stderr, "minivmm: unexpected exit %u\n",
				run->exit_reason);
			return 4;
		}
		if (run->io.direction == KVM_EXIT_IO_OUT &&
		    run->io.port == KVM_T_PORT && run->io.size == 1 &&
		    write(STDOUT_FILENO, (uint8_t *)run + run->io.data_offset,
			  run->io.count) < 0) {
			fprintf(stderr, "minivmm: stdout: %s\n",
				strerror(errno));
			return 1;
		}
		/* IN: the guest reads whatever is in the buffer (zero). */
	}
	if (runs && n == runs) {
		fprintf(stderr, "minivmm: no HLT after %llu runs\n", runs);
		return 4;
	}

	if (hold)
		sleep(hold);
	/* Exiting closes the VM, whatever the other vCPUs are doing. */
	return 0;
}
