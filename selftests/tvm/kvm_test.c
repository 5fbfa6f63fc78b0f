// SPDX-License-Identifier: GPL-2.0
/*
 * KVM works in the emulated host: a VM with a few bytes of real-mode code
 * runs to HLT, and the I/O exit in between carries what the guest wrote.
 * Later tests build on this to drive tvm's KVM hooks with real VMs.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "../kselftest_harness.h"

#define GUEST_SIZE	0x10000
#define GUEST_ENTRY	0x1000

/*
 * Real mode, CS:IP = 0:0x1000:
 *	mov  $0x3f8, %dx
 *	mov  $'t', %al
 *	out  %al, (%dx)
 *	hlt
 */
static const uint8_t guest_code[] = {
	0xba, 0xf8, 0x03,
	0xb0, 't',
	0xee,
	0xf4,
};

FIXTURE(vm) {
	int kvm, vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *mem;
};

FIXTURE_SETUP(vm)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_SIZE,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	self->vm = self->vcpu = -1;
	self->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (self->kvm < 0)
		SKIP(return, "/dev/kvm: %s", strerror(errno));
	ASSERT_EQ(KVM_API_VERSION, ioctl(self->kvm, KVM_GET_API_VERSION, 0));

	self->vm = ioctl(self->kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, self->vm);

	self->mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	memcpy(self->mem + GUEST_ENTRY, guest_code, sizeof(guest_code));
	region.userspace_addr = (uintptr_t)self->mem;
	ASSERT_EQ(0, ioctl(self->vm, KVM_SET_USER_MEMORY_REGION, &region));

	self->vcpu = ioctl(self->vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, self->vcpu);
	self->run_size = ioctl(self->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	ASSERT_LT(0, (long)self->run_size);
	self->run = mmap(NULL, self->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, self->vcpu, 0);
	ASSERT_NE(MAP_FAILED, self->run);

	ASSERT_EQ(0, ioctl(self->vcpu, KVM_GET_SREGS, &sregs));
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	ASSERT_EQ(0, ioctl(self->vcpu, KVM_SET_SREGS, &sregs));
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_ENTRY;
	regs.rflags = 0x2;
	ASSERT_EQ(0, ioctl(self->vcpu, KVM_SET_REGS, &regs));
}

FIXTURE_TEARDOWN(vm)
{
	if (self->vcpu >= 0)
		close(self->vcpu);
	if (self->vm >= 0)
		close(self->vm);
	if (self->kvm >= 0)
		close(self->kvm);
}

TEST_F(vm, runs_real_mode_code_to_hlt)
{
	uint8_t *data;

	if (_metadata->skip)	/* SKIP() in setup; 6.1 runs the body */
		return;
	ASSERT_EQ(0, ioctl(self->vcpu, KVM_RUN, 0));
	ASSERT_EQ((__u32)KVM_EXIT_IO, self->run->exit_reason);
	EXPECT_EQ(KVM_EXIT_IO_OUT, self->run->io.direction);
	EXPECT_EQ(0x3f8, self->run->io.port);
	EXPECT_EQ(1, self->run->io.size);
	EXPECT_EQ(1u, self->run->io.count);
	data = (uint8_t *)self->run + self->run->io.data_offset;
	EXPECT_EQ('t', *data);

	ASSERT_EQ(0, ioctl(self->vcpu, KVM_RUN, 0));
	EXPECT_EQ((__u32)KVM_EXIT_HLT, self->run->exit_reason);
}

TEST_F(vm, guest_sees_memory_the_vmm_changed)
{
	uint8_t *data;

	if (_metadata->skip)	/* SKIP() in setup; 6.1 runs the body */
		return;
	/* Patch the immediate of "mov $'t', %al" before the first run. */
	self->mem[GUEST_ENTRY + 4] = 'v';
	ASSERT_EQ(0, ioctl(self->vcpu, KVM_RUN, 0));
	ASSERT_EQ((__u32)KVM_EXIT_IO, self->run->exit_reason);
	data = (uint8_t *)self->run + self->run->io.data_offset;
	EXPECT_EQ('v', *data);
}

TEST_HARNESS_MAIN
