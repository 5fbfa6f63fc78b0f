// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm: the smallest VMM that makes tvm_kvm do its work.
 *
 *	minivmm [--vcpus N] [--mem KIB] [--entry ADDR] [--runs N]
 *		[--wait SECONDS] [--wait-for FILE] [--hold SECONDS]
 *		[--counts N] [--save FILE] IMAGE
 *	minivmm --restore FILE [--wait-for FILE] [--counts N] [--save FILE]
 *
 * Loads the raw IMAGE at guest physical ENTRY (default 0x1000) into one
 * memory slot of KIB KiB at address 0 (default 64, at most 64 MiB),
 * creates N vCPUs (default 1), all in real mode at ENTRY, and runs vCPU 0
 * until the guest executes HLT.  Each other vCPU runs once, in a thread
 * of its own.  What the guest writes to port 0x3f8 goes to stdout as it
 * comes.  With --runs, gives up
 * after N KVM_RUN calls; with --wait, waits SECONDS between creating the
 * VM and running it (so that tvm_kvm can be loaded in between); with
 * --wait-for, until FILE exists (at most a minute); with --hold, keeps the VM for SECONDS more after the HLT before exiting.  The
 * VM ends when minivmm does.
 *
 * A 4-byte OUT to port 0x3fa (guest/counter.S) prints "count N", N the
 * value written; with --counts, minivmm exits 0 after N of them.
 *
 * Saving and restoring a guest, so that it goes on running on another
 * host (the trusted migration test): with --save FILE, SIGUSR1 stops the
 * guest at its next exit (KVM_RUN returns at once on a pending signal)
 * and writes its memory and its vCPU's registers to FILE (one vCPU only;
 * written whole, then renamed); minivmm then says "minivmm: saved after
 * count N" on stderr and keeps the VM, stopped, until a second SIGUSR1:
 * then it tries to run the guest again (exit 3 if KVM_RUN is refused, as
 * tvm refuses a VM that migrated away) or SIGTERM ends it.  --restore
 * FILE makes the VM from such a file instead of an IMAGE: the same memory
 * and registers, and runs it from where it stopped.
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
		"[--counts N] [--save FILE] IMAGE\n"
		"       minivmm --restore FILE [--wait-for FILE] [--counts N] "
		"[--save FILE]\n");
	exit(2);
}

/* The port guest/counter.S writes its count to. */
#define COUNT_PORT	0x3fa

/*
 * A saved guest: this header, then its vCPU's struct kvm_regs and struct
 * kvm_sregs as this kernel's KVM has them, then @mem bytes of memory at
 * guest physical 0.
 */
struct save_hdr {
	char magic[8];		/* "MINIVMM1" */
	uint64_t mem;
	uint32_t last_count;
	uint32_t regs_size, sregs_size;
	uint32_t pad;
};

/* SIGUSR1s received; the main loop acts on each in turn. */
static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

static int write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	ssize_t w;

	while (n) {
		w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t n)
{
	uint8_t *b = p;
	ssize_t r;

	while (n) {
		r = read(fd, b, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EBADMSG;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Write the VM (one slot at 0, vCPU 0) to @path.tmp, then rename it. */
static int save_vm(struct kvm_vm *v, const char *path, uint32_t last_count)
{
	struct save_hdr h = { .magic = "MINIVMM1" };
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	char tmp[4096];
	int fd, err;

	if (ioctl(v->vcpu[0].fd, KVM_GET_REGS, &regs) ||
	    ioctl(v->vcpu[0].fd, KVM_GET_SREGS, &sregs))
		return -errno;
	h.mem = v->slot[0].size;
	h.last_count = last_count;
	h.regs_size = sizeof(regs);
	h.sregs_size = sizeof(sregs);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	err = write_all(fd, &h, sizeof(h));
	if (!err)
		err = write_all(fd, &regs, sizeof(regs));
	if (!err)
		err = write_all(fd, &sregs, sizeof(sregs));
	if (!err)
		err = write_all(fd, v->slot[0].mem, h.mem);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

/* Make the VM @path holds: its memory, vCPU 0 and its registers. */
static int restore_vm(struct kvm_vm *v, const char *path,
		      uint32_t *last_count)
{
	struct save_hdr h;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = read_all(fd, &h, sizeof(h));
	if (!err && (memcmp(h.magic, "MINIVMM1", 8) ||
		     h.regs_size != sizeof(regs) ||
		     h.sregs_size != sizeof(sregs) || !h.mem ||
		     h.mem > (1024 << 10) || h.mem % 4096))
		err = -EBADMSG;
	if (!err)
		err = read_all(fd, &regs, sizeof(regs));
	if (!err)
		err = read_all(fd, &sregs, sizeof(sregs));
	if (!err)
		err = kvm_vm_create(v);
	if (!err)
		err = kvm_vm_add_slot(v, 0, 0, 0, h.mem);
	if (!err)
		err = read_all(fd, v->slot[0].mem, h.mem);
	if (!err)
		err = kvm_vm_add_vcpu(v, 0, 0);
	if (!err && (ioctl(v->vcpu[0].fd, KVM_SET_SREGS, &sregs) ||
		     ioctl(v->vcpu[0].fd, KVM_SET_REGS, &regs)))
		err = -errno;
	close(fd);
	*last_count = h.last_count;
	return err;
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
		{ "counts", required_argument, NULL, 'n' },
		{ "save", required_argument, NULL, 's' },
		{ "restore", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long vcpus = 1, kib = 64, entry = 0x1000, runs = 0;
	unsigned long long hold = 0, wait = 0, n, counts = 0, seen = 0;
	const char *wait_for = NULL, *save = NULL, *restore = NULL;
	struct sigaction sa = { .sa_handler = on_usr1 };
	uint32_t last_count = 0, count;
	bool stopped = false;
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
			kib = number("--mem", optarg, 65536);
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
		case 'n':
			counts = number("--counts", optarg, 1ULL << 32);
			break;
		case 's':
			save = optarg;
			break;
		case 'R':
			restore = optarg;
			break;
		default:
			usage();
		}
	}
	if ((save || restore) && vcpus != 1) {
		fprintf(stderr, "minivmm: --save and --restore take one vCPU\n");
		return 2;
	}
	/* No SA_RESTART: KVM_RUN returns EINTR, and the loop sees usr1. */
	sigemptyset(&sa.sa_mask);
	if (save)
		sigaction(SIGUSR1, &sa, NULL);
	if (restore) {
		if (optind != argc)
			usage();
		err = restore_vm(&vm, restore, &last_count);
		if (err) {
			fprintf(stderr, "minivmm: restoring %s: %s\n", restore,
				strerror(-err));
			return 1;
		}
		goto made;
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

made:
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
		/* The first SIGUSR1: save and stop; the second: run again. */
		if (save && usr1 == 1 && !stopped) {
			/*
			 * KVM completes an exit (an OUT's RIP) at the next
			 * KVM_RUN: one that returns at once, before saving.
			 */
			run->immediate_exit = 1;
			err = kvm_vm_run(&vm, 0);
			run->immediate_exit = 0;
			if (err != -EINTR) {
				fprintf(stderr, "minivmm: stopping the vCPU: %s\n",
					strerror(-err));
				return err ? 3 : 1;
			}
			err = save_vm(&vm, save, last_count);
			if (err) {
				fprintf(stderr, "minivmm: saving to %s: %s\n",
					save, strerror(-err));
				return 1;
			}
			fprintf(stderr, "minivmm: saved after count %u\n",
				last_count);
			stopped = true;
		}
		while (stopped && usr1 < 2)
			pause();
		err = kvm_vm_run(&vm, 0);
		if (err == -EINTR)
			continue;
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
		    run->io.port == COUNT_PORT && run->io.size == 4 &&
		    run->io.count == 1) {
			memcpy(&count, (uint8_t *)run + run->io.data_offset, 4);
			last_count = count;
			printf("count %u\n", count);
			fflush(stdout);
			if (counts && ++seen == counts)
				return 0;
			continue;
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
