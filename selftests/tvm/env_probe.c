// SPDX-License-Identifier: GPL-2.0
/*
 * The environment probe: what tvm's tests need of the host kernel itself,
 * checked once before they run (scripts/ktap-run).  These are not tvm's
 * results: a host without KVM lacks KVM, it does not fail tvm.
 *
 *   env_probe FEATURE
 *
 * kvm    /dev/kvm runs a VM: seven bytes of real-mode code exit with the
 *        OUT they execute, then HLT; in a second VM, a byte the VMM
 *        changed before the first run is what the guest writes.
 * vsock  /dev/vhost-vsock takes an owner and a guest CID, and the kernel
 *        tracks CIDs: a CID in use is refused (EADDRINUSE) and so is a
 *        reserved one (EINVAL).
 *
 * Prints one line, "FEATURE: ok", "FEATURE: absent: WHY" (the device
 * cannot be opened) or "FEATURE: broken: WHY", and exits 0, 4 (kselftest's
 * skip) or 1.  tvm_kvm is loaded while it runs, so a KVM that tvm broke
 * shows as broken, never as absent.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/vhost.h>

#define PROBE_OK	0
#define PROBE_BROKEN	1
#define PROBE_ABSENT	4	/* kselftest's skip */

static const char *feature;

static int say(int ret, const char *fmt, ...)
{
	va_list ap;

	printf("%s: %s", feature, ret == PROBE_ABSENT ? "absent: " :
	       ret == PROBE_BROKEN ? "broken: " : "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return ret;
}

/* Unless @cond, say what is broken and return. */
#define CHECK(cond, what) do {						\
	if (!(cond))							\
		return say(PROBE_BROKEN, "%s", (what));			\
} while (0)

/* The same for a system call, with its errno. */
#define CHECK_SYS(cond, what) do {					\
	if (!(cond))							\
		return say(PROBE_BROKEN, "%s: %s", (what),		\
			   strerror(errno));				\
} while (0)

/* --- kvm ------------------------------------------------------------------ */

#define GUEST_SIZE	0x10000
#define GUEST_ENTRY	0x1000

/*
 * Real mode, CS:IP = 0:0x1000:
 *	mov  $0x3f8, %dx
 *	mov  $'t', %al		(the immediate at GUEST_ENTRY + 4)
 *	out  %al, (%dx)
 *	hlt
 */
static const uint8_t guest_code[] = {
	0xba, 0xf8, 0x03,
	0xb0, 't',
	0xee,
	0xf4,
};

struct vm {
	int vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *mem;
};

static void vm_close(struct vm *v)
{
	if (v->run && v->run != MAP_FAILED)
		munmap(v->run, v->run_size);
	if (v->mem && v->mem != MAP_FAILED)
		munmap(v->mem, GUEST_SIZE);
	if (v->vcpu >= 0)
		close(v->vcpu);
	if (v->vm >= 0)
		close(v->vm);
}

/* A VM of one vCPU about to run guest_code, its byte 4 being @byte. */
static int vm_open(int kvm, struct vm *v, uint8_t byte)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_SIZE,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	v->vm = ioctl(kvm, KVM_CREATE_VM, 0);
	CHECK_SYS(v->vm >= 0, "KVM_CREATE_VM");
	v->mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK_SYS(v->mem != MAP_FAILED, "mmap of guest memory");
	memcpy(v->mem + GUEST_ENTRY, guest_code, sizeof(guest_code));
	v->mem[GUEST_ENTRY + 4] = byte;
	region.userspace_addr = (uintptr_t)v->mem;
	CHECK_SYS(!ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &region),
	      "KVM_SET_USER_MEMORY_REGION");

	v->vcpu = ioctl(v->vm, KVM_CREATE_VCPU, 0);
	CHECK_SYS(v->vcpu >= 0, "KVM_CREATE_VCPU");
	v->run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	CHECK_SYS((long)v->run_size > 0, "KVM_GET_VCPU_MMAP_SIZE");
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu, 0);
	CHECK_SYS(v->run != MAP_FAILED, "mmap of kvm_run");

	CHECK_SYS(!ioctl(v->vcpu, KVM_GET_SREGS, &sregs), "KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	CHECK_SYS(!ioctl(v->vcpu, KVM_SET_SREGS, &sregs), "KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_ENTRY;
	regs.rflags = 0x2;
	CHECK_SYS(!ioctl(v->vcpu, KVM_SET_REGS, &regs), "KVM_SET_REGS");
	return PROBE_OK;
}

/* Run @v: an OUT of @byte to port 0x3f8, then (if @to_hlt) HLT. */
static int vm_run(struct vm *v, uint8_t byte, int to_hlt)
{
	struct kvm_run *run = v->run;
	uint8_t *data;

	CHECK_SYS(!ioctl(v->vcpu, KVM_RUN, 0), "KVM_RUN");
	CHECK(run->exit_reason == KVM_EXIT_IO,
	      "the first exit is not KVM_EXIT_IO");
	CHECK(run->io.direction == KVM_EXIT_IO_OUT && run->io.port == 0x3f8 &&
	      run->io.size == 1 && run->io.count == 1,
	      "the exit is not the guest's OUT of one byte to 0x3f8");
	data = (uint8_t *)run + run->io.data_offset;
	CHECK(*data == byte, "the guest wrote another byte");
	if (!to_hlt)
		return PROBE_OK;
	CHECK_SYS(!ioctl(v->vcpu, KVM_RUN, 0), "second KVM_RUN");
	CHECK(run->exit_reason == KVM_EXIT_HLT,
	      "the second exit is not KVM_EXIT_HLT");
	return PROBE_OK;
}

static int probe_kvm(void)
{
	struct vm v = { .vm = -1, .vcpu = -1 };
	int kvm, ret;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return say(PROBE_ABSENT, "/dev/kvm: %s", strerror(errno));
	ret = ioctl(kvm, KVM_GET_API_VERSION, 0) == KVM_API_VERSION ?
	      PROBE_OK : say(PROBE_BROKEN, "KVM_GET_API_VERSION is not %d",
			     KVM_API_VERSION);
	if (!ret)
		ret = vm_open(kvm, &v, 't');
	if (!ret)
		ret = vm_run(&v, 't', 1);
	vm_close(&v);
	/* A byte the VMM changes before the first run is what runs. */
	v = (struct vm){ .vm = -1, .vcpu = -1 };
	if (!ret)
		ret = vm_open(kvm, &v, 'v');
	if (!ret)
		ret = vm_run(&v, 'v', 0);
	vm_close(&v);
	close(kvm);
	return ret ? ret : say(PROBE_OK, "ok");
}

/* --- vsock ---------------------------------------------------------------- */

static int set_cid(int fd, uint64_t cid)
{
	return ioctl(fd, VHOST_VSOCK_SET_GUEST_CID, &cid);
}

static int vsock_checks(const int fd[3])
{
	int i;

	for (i = 0; i < 3; i++)
		CHECK_SYS(!ioctl(fd[i], VHOST_SET_OWNER, 0), "VHOST_SET_OWNER");
	CHECK_SYS(!set_cid(fd[0], 1000), "VHOST_VSOCK_SET_GUEST_CID 1000");
	CHECK(set_cid(fd[1], 1000) && errno == EADDRINUSE,
	      "a CID in use is not refused with EADDRINUSE");
	CHECK(set_cid(fd[2], 2) && errno == EINVAL,	/* VMADDR_CID_HOST */
	      "the reserved CID 2 is not refused with EINVAL");
	return PROBE_OK;
}

static int probe_vsock(void)
{
	int fd[3] = { -1, -1, -1 }, i, ret;

	for (i = 0; i < 3; i++) {
		fd[i] = open("/dev/vhost-vsock", O_RDWR | O_CLOEXEC);
		if (fd[i] < 0)
			break;
	}
	if (i == 0)
		ret = say(PROBE_ABSENT, "/dev/vhost-vsock: %s",
			  strerror(errno));
	else if (i < 3)
		ret = say(PROBE_BROKEN, "a second /dev/vhost-vsock: %s",
			  strerror(errno));
	else
		ret = vsock_checks(fd);
	for (i = 0; i < 3; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return ret ? ret : say(PROBE_OK, "ok");
}

int main(int argc, char **argv)
{
	int ret = 2;

	feature = argc == 2 ? argv[1] : "";
	if (!strcmp(feature, "kvm"))
		ret = probe_kvm();
	else if (!strcmp(feature, "vsock"))
		ret = probe_vsock();
	else
		fprintf(stderr, "usage: %s kvm|vsock\n", argv[0]);
	fflush(stdout);
	return ret;
}
