// SPDX-License-Identifier: GPL-2.0
/*
 * tvm_kvm.ko with real KVM VMs (nested in the emulated host): each test
 * creates a tiny real-mode VM through /dev/kvm and checks what tvm made of
 * it against values it computes itself, with OpenSSL, from the same bytes
 * and the encodings documented in <linux/tvm.h> (tvm_kvm.h):
 *
 *  - PCR 8 names the VMM; PCR 12 replays to the memory slots, vCPUs and
 *    CPUID the ioctls set; PCR 9 replays to the slots' contents at the
 *    first KVM_RUN, and each log event carries exactly those bytes.
 *  - One changed byte: another PCR 9; under a policy naming the good
 *    value, enforce refuses every KVM_RUN (EACCES) before the guest's
 *    first instruction, audit runs it untrusted.
 *  - Runtime ranges: a write through the VMM's mapping is caught by
 *    VM_MEASURE and by the timer alone; enforce then stops the vCPUs;
 *    so does data the VM's dataflow section says taints it, arriving
 *    over vsock while it runs (with tvm_vsock);
 *    a page behind a userfaultfd or a FUSE daemon that never answers
 *    does not hold up VM_MEASURE or the VM's destruction.
 *  - Lifecycle: 200 VMs leave no instance; a SIGKILLed VMM leaves none;
 *    four vCPUs starting at once are measured once, before any runs.
 *  - The late bind (ABI 11, TVM_A_VM_BIND_CREATED): a VM created unbound
 *    and not run yet (QEMU -S under libvirt) takes a name, a UUID and
 *    their policy, which judges its first KVM_RUN and the events it
 *    logged before the bind; every refusal, with its errno.
 *  - Files bound with the VM (ABI 12, TVM_A_VM_BIND_FILES): on PCR 9
 *    before the first KVM_RUN, with the files' hashes; judged at launch;
 *    every bad input refused with its errno, leaving no binding.
 *
 * Each guest first increments a counter in its memory, so a VM that ran
 * any guest code before it was measured, or after it was refused, shows.
 */

#include <pthread.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

#include <linux/fuse.h>
#include <linux/userfaultfd.h>
#include <linux/vm_sockets.h>

#include "tvm_kvm.h"
#include "vsock_guest.h"
#include "../kselftest_harness.h"

/* The test VM's layout (tvm_kvm.h has the entry and the counter). */
#define SLOT0_SIZE	0x10000		/* slot 0 at 0: code, data */
#define DATA_GPA	0x5000		/* a page of random bytes */
#define TAIL_GPA	0x8010		/* a few bytes in another page */
#define SLOT3_GPA	0x100000	/* slot 3: dirty logging */
#define SLOT3_SIZE	0x4000
#define SLOT3_DATA	0x2000		/* a random page, offset in slot 3 */
#define SEED		0x74766d6b766dULL

#define HOLD_PARAM "/sys/module/tvm_kvm/parameters/hold_unbound_ms"

/* tvm_kvm's hold_unbound_ms; 0 or -errno. */
static int set_hold_ms(unsigned int ms)
{
	char buf[16];
	int fd, len, ret = 0;

	fd = open(HOLD_PARAM, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%u", ms);
	if (write(fd, buf, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

FIXTURE(kvm) {
	struct tnl nl;
	bool have_nl;
	struct kvm_vm vm;
	char policy[2][TVM_NAME_MAX + 1];	/* names to delete */
	bool hold_set;		/* tvm_kvm's hold_unbound_ms to reset */
};

FIXTURE_SETUP(kvm)
{
	int ret;

	self->vm.kvm = self->vm.fd = -1;
	ret = tnl_open(&self->nl);
	if (ret == -ENOENT)
		SKIP(return, "tvm.ko is not loaded");
	ASSERT_EQ(0, ret);
	self->have_nl = true;
	if (access("/sys/module/tvm_kvm", F_OK))
		SKIP(return, "tvm_kvm not loaded");
	if (access("/dev/kvm", R_OK | W_OK))
		SKIP(return, "/dev/kvm: %s", strerror(errno));
}

FIXTURE_TEARDOWN(kvm)
{
	int i;

	if (self->vm.kvm >= 0)
		kvm_vm_destroy(&self->vm);
	if (self->hold_set)
		set_hold_ms(0);
	for (i = 0; i < 2; i++)
		if (self->have_nl && self->policy[i][0])
			tk_policy_delete(&self->nl, self->policy[i]);
	if (self->have_nl)
		tnl_close(&self->nl);
}

/*
 * Whether build_vm() gives the VM the in-kernel irqchip (local APICs, PIC,
 * IOAPIC), with which a halted vCPU stays in KVM_RUN; per test, as every
 * test runs in a process of its own.  It changes no measurement.
 */
static bool with_irqchip;

/*
 * The CPUID every test VM's vCPUs get: KVM's supported CPUID, asked for
 * once per test.  Asking again may give other values (leaves 1 and 0xb
 * hold the APIC id of the CPU the ioctl ran on), and a test that builds
 * a VM to compute a PCR 12 must build the next one the same.
 */
static struct kvm_cpuid2 *test_cpuid(int kvm)
{
	static struct kvm_cpuid2 *cpuid;

	if (!cpuid)
		cpuid = kvm_supported_cpuid(kvm);
	return cpuid;
}

/*
 * The test VM: slot 3 (16 KiB at 1 MiB, KVM_MEM_LOG_DIRTY_PAGES, one
 * random page) set before slot 0 (64 KiB at 0: the guest at the entry, a
 * random page at DATA_GPA, a few bytes at TAIL_GPA), then @nvcpus vCPUs,
 * each with the supported CPUID.  The PCR 12 events this should make are
 * appended to @ev (*@n of them so far).  0 or -errno.
 */
static int build_vm(struct kvm_vm *vm, int nvcpus, struct tk_event *ev,
		    int *n)
{
	struct kvm_cpuid2 *cpuid;
	uint64_t seed = SEED;
	uint8_t *p;
	int i, ret;

	ret = kvm_vm_create(vm);
	if (ret)
		return ret;
	if (with_irqchip && ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0))
		return -errno;
	ret = kvm_vm_add_slot(vm, 3, KVM_MEM_LOG_DIRTY_PAGES, SLOT3_GPA,
			      SLOT3_SIZE);
	if (ret)
		return ret;
	tk_ev_memslot(3, KVM_MEM_LOG_DIRTY_PAGES, SLOT3_GPA, SLOT3_SIZE,
		      &ev[(*n)++]);
	ret = kvm_vm_add_slot(vm, 0, 0, 0, SLOT0_SIZE);
	if (ret)
		return ret;
	tk_ev_memslot(0, 0, 0, SLOT0_SIZE, &ev[(*n)++]);

	memcpy(kvm_vm_gpa(vm, KVM_T_ENTRY), kvm_t_guest, sizeof(kvm_t_guest));
	rnd_bytes(&seed, kvm_vm_gpa(vm, DATA_GPA), TVM_PAGE_SIZE);
	p = kvm_vm_gpa(vm, TAIL_GPA);
	memcpy(p, "tvm", 3);
	rnd_bytes(&seed, kvm_vm_gpa(vm, SLOT3_GPA + SLOT3_DATA), TVM_PAGE_SIZE);

	cpuid = test_cpuid(vm->kvm);
	if (!cpuid)
		return -EIO;
	for (i = 0; i < nvcpus; i++) {
		ret = kvm_vm_add_vcpu(vm, i, KVM_T_ENTRY);
		if (ret)
			break;
		tk_ev_vcpu(i, &ev[(*n)++]);
		if (ioctl(vm->vcpu[i].fd, KVM_SET_CPUID2, cpuid)) {
			ret = -errno;
			break;
		}
		if (tk_ev_cpuid(i, cpuid, &ev[(*n)++])) {
			ret = -EIO;
			break;
		}
	}
	return ret;
}

/* The TVM_EV_SLOT events of @vm as its memory is now: slot 0, slot 3. */
static int slot_events(const struct kvm_vm *vm, struct tk_event *ev)
{
	/* build_vm() set slot 3 first: slot[1] is slot 0. */
	return tk_ev_vm_slot(vm, 1, &ev[0]) || tk_ev_vm_slot(vm, 0, &ev[1]);
}

/* SHA-256 of PCR 9 after the events @ev (two of them). */
static void pcr9_of(const struct tk_event *ev, uint8_t *out)
{
	uint8_t v[TVM_DIGEST_MAX];

	tk_replay(TVM_BANK_SHA256, 9, ev, 2, v);
	memcpy(out, v, 32);
}

static uint32_t vm_banks(const struct tk_vm *v)
{
	return v->banks ? v->banks : 1u << TVM_BANK_SHA256;
}

static uint16_t counter(struct kvm_vm *vm)
{
	uint16_t c;

	memcpy(&c, kvm_vm_gpa(vm, KVM_T_COUNTER), sizeof(c));
	return c;
}

/*
 * The events @log has on @pcr are exactly those of @want on @pcr, in
 * order, with their data and, in every bank of @banks, H_bank(data).
 */
static void expect_events(struct __test_metadata *_metadata,
			  const struct tvm_log *log, uint32_t pcr,
			  const struct tk_event *want, int nwant,
			  uint32_t banks)
{
	uint8_t d[TVM_DIGEST_MAX];
	int i = 0, k = 0;
	size_t j;
	unsigned int b;

	for (j = 0; j < log->n; j++) {
		const struct tvm_ev *e = &log->ev[j];

		if (e->pcr != pcr)
			continue;
		while (k < nwant && want[k].pcr != pcr)
			k++;
		if (k == nwant) {
			EXPECT_TRUE(false)
				TH_LOG("PCR %u: unexpected event %llu, type 0x%x",
				       pcr, (unsigned long long)e->seq,
				       e->type);
			i++;
			continue;
		}
		EXPECT_EQ(want[k].type, e->type)
			TH_LOG("PCR %u event %d (seq %llu)", pcr, i,
			       (unsigned long long)e->seq);
		EXPECT_EQ(want[k].len, e->data_len)
			TH_LOG("PCR %u event %d (seq %llu)", pcr, i,
			       (unsigned long long)e->seq);
		if (want[k].len == e->data_len) {
			char w[2 * 64 + 1], g[2 * 64 + 1];

			EXPECT_EQ(0, memcmp(want[k].data, e->data, e->data_len))
				TH_LOG("PCR %u event %d data: want %s, got %s",
				       pcr, i, hex(want[k].data, want[k].len, w),
				       hex(e->data, e->data_len, g));
		}
		EXPECT_EQ(banks, e->banks);
		for (b = 0; b < __TVM_BANK_MAX; b++) {
			if (!(banks & (1u << b)))
				continue;
			ASSERT_EQ(0, md(b, want[k].data, want[k].len, d));
			EXPECT_PCR(d, e->digest[b], b, pcr);
		}
		i++;
		k++;
	}
	while (k < nwant && want[k].pcr != pcr)
		k++;
	EXPECT_EQ(nwant, k) TH_LOG("PCR %u: %d events missing from the log",
				   pcr, nwant - k);
}

/* Every PCR @pcr of VM @v equals the replay of @ev from zero. */
static void expect_replay(struct __test_metadata *_metadata, struct tnl *nl,
			  const struct tk_vm *v, uint32_t pcr,
			  const struct tk_event *ev, int n)
{
	static struct tvm_pcrs p;
	uint8_t want[TVM_DIGEST_MAX];
	unsigned int b;

	ASSERT_EQ(0, tvm_pcr_read(nl, v->id, &p)) TH_LOG("%s", nl->extack);
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(vm_banks(v) & (1u << b)))
			continue;
		ASSERT_NE(0u, p.have[b] & (1u << pcr))
			TH_LOG("no %s PCR %u in the reply", bname(b), pcr);
		ASSERT_EQ(0, tk_replay(b, pcr, ev, n, want));
		EXPECT_PCR(want, p.v[b][pcr], b, pcr);
	}
}

/* The first KVM_RUN reaches the guest's OUT. */
#define EXPECT_RUNS_TO_OUT(vm, i) do {					\
	ASSERT_EQ(0, kvm_vm_run((vm), (i)));				\
	EXPECT_EQ('t', kvm_vm_out_byte((vm)->vcpu[i].run, KVM_T_PORT))	\
		TH_LOG("exit reason %u", (vm)->vcpu[i].run->exit_reason); \
} while (0)

/* --- what the measurements are ------------------------------------------ */

TEST_F(kvm, pcr9_replays_to_the_slots_contents)
{
	static struct tk_event cfg[32], slots[2];
	static struct tvm_log log;
	struct tk_vm v;
	char prefix[32];
	int ncfg = 0;

	if (_metadata->skip)	/* SKIP() in setup; 6.1 runs the body */
		return;
	ASSERT_EQ(0, build_vm(&self->vm, 1, cfg, &ncfg));
	ASSERT_EQ(0, slot_events(&self->vm, slots));
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v))
		TH_LOG("no tvm instance with VM_KVM and VM_PID %d", getpid());
	snprintf(prefix, sizeof(prefix), "kvm-%d-", getpid());
	EXPECT_EQ(0, strncmp(v.name, prefix, strlen(prefix)))
		TH_LOG("name '%s', expected %s<n>", v.name, prefix);

	EXPECT_RUNS_TO_OUT(&self->vm, 0);
	EXPECT_EQ(1, counter(&self->vm));

	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	expect_replay(_metadata, &self->nl, &v, TVM_PCR_OS, slots, 2);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, v.id, 0, &log));
	expect_events(_metadata, &log, TVM_PCR_OS, slots, 2, vm_banks(&v));
	/* The launch decided something: no policy, so unknown. */
	EXPECT_NE((uint32_t)TVM_TRUST_PENDING, v.trust);
	tvm_log_free(&log);
}

/*
 * For the log when the CPUID event differs: whether it matches the entries
 * as KVM keeps them (KVM_GET_CPUID2), which KVM adjusts after a set.
 */
static void note_cpuid_as_kvm_keeps_it(struct __test_metadata *_metadata,
				       struct kvm_vm *vm, const uint8_t *want)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
	struct tk_event e;
	char h[65];

	if (!c)
		return;
	c->nent = 256;
	if (!ioctl(vm->vcpu[0].fd, KVM_GET_CPUID2, c) && !tk_ev_cpuid(0, c, &e) &&
	    memcmp(e.data, want, e.len))
		TH_LOG("note: vCPU 0's CPUID as KVM_GET_CPUID2 returns it hashes "
		       "to %s", hex(e.data + 8, 32, h));
	free(c);
}

TEST_F(kvm, pcr12_replays_to_the_configuration_as_set)
{
	static struct tk_event cfg[32];
	static struct tvm_log log;
	struct tk_vm v;
	int ncfg = 0;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, build_vm(&self->vm, 2, cfg, &ncfg));
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
	/* Configuration is measured as it is set, before any KVM_RUN. */
	expect_replay(_metadata, &self->nl, &v, TVM_PCR_CONFIG, cfg, ncfg);
	note_cpuid_as_kvm_keeps_it(_metadata, &self->vm, cfg[3].data);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, v.id, 0, &log));
	expect_events(_metadata, &log, TVM_PCR_CONFIG, cfg, ncfg, vm_banks(&v));
	tvm_log_free(&log);

	/* Deleting a slot is an event too: size 0. */
	{
		struct kvm_userspace_memory_region r = {
			.slot = 3, .guest_phys_addr = SLOT3_GPA,
		};

		ASSERT_EQ(0, ioctl(self->vm.fd, KVM_SET_USER_MEMORY_REGION, &r));
		tk_ev_memslot(3, 0, SLOT3_GPA, 0, &cfg[ncfg++]);
	}
	/* A refused ioctl is not an event: slot 5 would overlap slot 0. */
	{
		struct kvm_userspace_memory_region r = {
			.slot = 5, .memory_size = 0x1000,
			.userspace_addr = (uintptr_t)self->vm.slot[1].mem,
		};

		ASSERT_NE(0, ioctl(self->vm.fd, KVM_SET_USER_MEMORY_REGION, &r));
	}
	EXPECT_RUNS_TO_OUT(&self->vm, 0);
	expect_replay(_metadata, &self->nl, &v, TVM_PCR_CONFIG, cfg, ncfg);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, v.id, 0, &log));
	expect_events(_metadata, &log, TVM_PCR_CONFIG, cfg, ncfg, vm_banks(&v));
	tvm_log_free(&log);
}

/* The whole of file @path hashed in @bank; 0 or -1. */
static int hash_file(const char *path, unsigned int bank, uint8_t *out)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;
	int ret = -1;

	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fstat(fileno(f), &st) && (buf = malloc(st.st_size + 1))) {
		if (fread(buf, 1, st.st_size + 1, f) == (size_t)st.st_size)
			ret = md(bank, buf, st.st_size, out);
		free(buf);
	}
	fclose(f);
	return ret;
}

TEST_F(kvm, pcr8_names_the_vmm_executable)
{
	static struct tk_event cfg[32];
	static struct tvm_log log;
	uint8_t d[TVM_DIGEST_MAX];
	char exe[4096];
	struct tk_vm v;
	int ncfg = 0, n8 = 0, nexe = 0;
	ssize_t len;
	unsigned int b;
	size_t i;

	if (_metadata->skip)
		return;
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, len);
	exe[len] = '\0';
	ASSERT_EQ(0, build_vm(&self->vm, 1, cfg, &ncfg));
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
	ASSERT_EQ(0, tvm_log_dump(&self->nl, v.id, 0, &log));
	for (i = 0; i < log.n; i++) {
		const struct tvm_ev *e = &log.ev[i];

		if (e->pcr != TVM_PCR_VMM)
			continue;
		n8++;
		if (e->type != TVM_EV_VMM_EXE)
			continue;
		nexe++;
		/* After tvm's own version event. */
		EXPECT_LT(1, n8);
		EXPECT_EQ((uint32_t)len, e->data_len);
		EXPECT_EQ(0, memcmp(exe, e->data, len))
			TH_LOG("data '%.*s', expected '%s'", (int)e->data_len,
			       e->data, exe);
		for (b = 0; b < __TVM_BANK_MAX; b++) {
			if (!(vm_banks(&v) & (1u << b)))
				continue;
			ASSERT_EQ(0, hash_file(exe, b, d));
			EXPECT_PCR(d, e->digest[b], b, TVM_PCR_VMM);
		}
	}
	EXPECT_EQ(1, nexe);
	tvm_log_free(&log);
}

/*
 * POLICY_LOAD for @name: @mode, and level 0 (vmm, PCR 8) accepting the
 * executable @path with the SHA-256 @digest.
 */
static int vmm_policy(struct tnl *nl, const char *name, uint32_t mode,
		      const char *path, const uint8_t *digest)
{
	struct tmsg *m = malloc(sizeof(*m));
	int ret;

	if (!m)
		return -ENOMEM;
	tk_policy_begin(m, nl, name, mode);
	tmsg_nest_start(m, TVM_A_POLICY_LEVEL);
	tmsg_put_u32(m, TVM_A_LEVEL_NUM, 0);
	tmsg_nest_start(m, TVM_A_LEVEL_EVENT);
	tmsg_put_str(m, TVM_A_PEVENT_NAME, path);
	tmsg_nest_start(m, TVM_A_PEVENT_DIGESTS);
	tk_put_sha256(m, digest);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	ret = tnl_call(nl, m, NULL, NULL);
	free(m);
	return ret;
}

/*
 * Level 0 (vmm) judges the VMM_EXE event tvm_kvm logs in PCR 8: under
 * an enforcing policy that names this executable and its digest, the
 * VM runs trusted; with another digest, it never runs.  tvm's own
 * events in PCR 8 (its version, the policy identity) are not judged.
 */
TEST_F(kvm, vmm_level_judges_the_vmm_executable)
{
	static struct tk_event cfg[32];
	uint8_t d[32];
	char exe[4096];
	struct tk_vm v;
	ssize_t len;
	int n = 0, k;

	if (_metadata->skip)
		return;
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, len);
	exe[len] = '\0';
	ASSERT_EQ(0, hash_file(exe, TVM_BANK_SHA256, d));
	for (k = 0; k < 2; k++) {
		snprintf(self->policy[k], sizeof(self->policy[k]),
			 "kh-%d-vmm%d", getpid(), k);
		if (k)
			d[0] ^= 0xff;	/* another VMM than this one */
		ASSERT_EQ(0, vmm_policy(&self->nl, self->policy[k],
					TVM_POLICY_ENFORCE, exe, d))
			TH_LOG("%s", self->nl.extack);
		ASSERT_EQ(0, tk_vm_bind(&self->nl, getpid(), self->policy[k]));
		n = 0;
		ASSERT_EQ(0, build_vm(&self->vm, 1, cfg, &n));
		ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
		if (!k) {
			EXPECT_RUNS_TO_OUT(&self->vm, 0);
			ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
			EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
		} else {
			EXPECT_EQ(-EACCES, kvm_vm_run(&self->vm, 0));
			ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
			EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
			EXPECT_NE(NULL, strstr(tvm_reasons(v.reasons, v.nreasons),
					       "pcr 8 event"))
				TH_LOG("reasons: %s",
				       tvm_reasons(v.reasons, v.nreasons));
		}
		kvm_vm_destroy(&self->vm);
		self->vm.kvm = self->vm.fd = -1;
	}
}

/*
 * A slot of device memory (here the BIOS ROM through /dev/mem, a
 * VM_IO | VM_PFNMAP mapping, as a PCI BAR would be) is logged as
 * configuration only: never read, so no pages and no digest.
 */
TEST_F(kvm, device_memory_slot_is_recorded_not_read)
{
	struct kvm_userspace_memory_region r = {
		.slot = 4,
		.flags = KVM_MEM_READONLY,
		.guest_phys_addr = 0x200000,
		.memory_size = 0x10000,
	};
	static struct tk_event cfg[32];
	static struct tvm_log log;
	static const uint8_t zero[32];
	struct tvm_ev_slot ev;
	struct tk_vm v;
	int fd, n = 0, found = 0;
	void *rom;
	size_t j;

	if (_metadata->skip)
		return;
	fd = open("/dev/mem", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		SKIP(return, "/dev/mem: %s", strerror(errno));
	rom = mmap(NULL, r.memory_size, PROT_READ, MAP_SHARED, fd, 0xf0000);
	close(fd);
	if (rom == MAP_FAILED)
		SKIP(return, "mmap of /dev/mem at 0xf0000: %s", strerror(errno));
	ASSERT_EQ(0, build_vm(&self->vm, 1, cfg, &n));
	r.userspace_addr = (uintptr_t)rom;
	ASSERT_EQ(0, ioctl(self->vm.fd, KVM_SET_USER_MEMORY_REGION, &r))
		TH_LOG("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
	EXPECT_RUNS_TO_OUT(&self->vm, 0);

	ASSERT_EQ(0, tvm_log_dump(&self->nl, v.id, 0, &log));
	for (j = 0; j < log.n; j++) {
		if (log.ev[j].pcr != TVM_PCR_OS ||
		    log.ev[j].type != TVM_EV_SLOT ||
		    log.ev[j].data_len != sizeof(ev))
			continue;
		memcpy(&ev, log.ev[j].data, sizeof(ev));
		if ((le32toh(ev.slot) & 0xffff) != r.slot)
			continue;
		found++;
		EXPECT_EQ(TVM_EV_SLOT_DEVICE | r.slot, le32toh(ev.slot));
		EXPECT_EQ(r.memory_size, le64toh(ev.size));
		EXPECT_EQ(0u, le64toh(ev.pages));
		EXPECT_EQ(0, memcmp(zero, ev.sha256, 32));
	}
	EXPECT_EQ(1, found);
	tvm_log_free(&log);
	munmap(rom, r.memory_size);
}

/*
 * A slot of several chunks (struct tvm_ev_slot, ABI 13), more than
 * tvm_kvm hashes at once (16 at most): random pages at the start and the
 * end of chunk 0, chunk 1 never touched, chunk 2 written with zeros, a
 * random page in chunk 10, the others never touched, and a short last
 * chunk with a random page inside.
 */
#define BIG_SLOT	5
#define BIG_GPA		0x400000
#define BIG_CHUNKS	20
#define BIG_SIZE	(BIG_CHUNKS * TVM_EV_SLOT_CHUNK + 3 * TVM_PAGE_SIZE)

TEST_F(kvm, pcr9_slot_of_several_chunks_leaves_untouched_pages_out)
{
	static unsigned char vec[TVM_EV_SLOT_CHUNK / TVM_PAGE_SIZE];
	static struct tk_event cfg[32], want;
	static struct tvm_log log;
	uint64_t seed = SEED + 1;
	struct tvm_ev_slot ev;
	size_t i, j, resident = 0;
	int n = 0, s, found = 0;
	struct tk_vm v;
	uint8_t *mem;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, build_vm(&self->vm, 1, cfg, &n));
	ASSERT_EQ(0, kvm_vm_add_slot(&self->vm, BIG_SLOT, 0, BIG_GPA,
				     BIG_SIZE));
	s = self->vm.nslots - 1;
	mem = self->vm.slot[s].mem;
	/* No huge page may spill into the untouched chunk. */
	ASSERT_EQ(0, madvise(mem, BIG_SIZE, MADV_NOHUGEPAGE));
	rnd_bytes(&seed, mem, TVM_PAGE_SIZE);
	rnd_bytes(&seed, mem + TVM_EV_SLOT_CHUNK - TVM_PAGE_SIZE,
		  TVM_PAGE_SIZE);
	memset(mem + 2 * TVM_EV_SLOT_CHUNK, 0, TVM_EV_SLOT_CHUNK);
	rnd_bytes(&seed, mem + 10 * TVM_EV_SLOT_CHUNK + 5 * TVM_PAGE_SIZE,
		  TVM_PAGE_SIZE);
	rnd_bytes(&seed, mem + BIG_CHUNKS * TVM_EV_SLOT_CHUNK + TVM_PAGE_SIZE,
		  TVM_PAGE_SIZE);
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
	EXPECT_RUNS_TO_OUT(&self->vm, 0);

	/* Before anything here reads it: the launch allocated none of it. */
	ASSERT_EQ(0, mincore(mem + TVM_EV_SLOT_CHUNK, TVM_EV_SLOT_CHUNK, vec));
	for (i = 0; i < sizeof(vec); i++)
		resident += vec[i] & 1;
	EXPECT_EQ(0u, resident)
		TH_LOG("%zu pages of the untouched chunk are in memory",
		       resident);

	ASSERT_EQ(0, tk_ev_vm_slot(&self->vm, s, &want));
	ASSERT_EQ(0, tvm_log_dump(&self->nl, v.id, 0, &log));
	for (j = 0; j < log.n; j++) {
		if (log.ev[j].pcr != TVM_PCR_OS ||
		    log.ev[j].type != TVM_EV_SLOT ||
		    log.ev[j].data_len != sizeof(ev))
			continue;
		memcpy(&ev, log.ev[j].data, sizeof(ev));
		if ((le32toh(ev.slot) & 0xffff) != BIG_SLOT)
			continue;
		found++;
		EXPECT_EQ(4u, le64toh(ev.pages));
		EXPECT_EQ(0, memcmp(want.data, &ev, sizeof(ev)))
		{
			char w[65], g[65];

			TH_LOG("slot digest: want %s, got %s",
			       hex(want.data + 32, 32, w), hex(ev.sha256, 32, g));
		}
	}
	EXPECT_EQ(1, found);
	tvm_log_free(&log);
}

/* --- launch gating ---------------------------------------------------- */

/*
 * Bind the next VM of this process to the name "kh-<pid>-@tag", under a
 * policy in @mode whose level 1 accepts only @pcr9.
 */
static int bind_with_policy(struct __test_metadata *_metadata,
			    FIXTURE_DATA(kvm) *self, int k, const char *tag,
			    uint32_t mode, const uint8_t *pcr9,
			    const struct tk_range *r, int nr)
{
	int ret;

	snprintf(self->policy[k], sizeof(self->policy[k]), "kh-%d-%s",
		 getpid(), tag);
	ret = tk_policy_load(&self->nl, self->policy[k], mode, pcr9, r, nr);
	if (ret) {
		TH_LOG("policy load: %s (%s)", strerror(-ret), self->nl.extack);
		return ret;
	}
	ret = tk_vm_bind(&self->nl, getpid(), self->policy[k]);
	if (ret)
		TH_LOG("bind: %s (%s)", strerror(-ret), self->nl.extack);
	return ret;
}

/* The good image's PCR 9 (SHA-256), from a VM built and dropped here. */
static int good_pcr9(uint8_t *out)
{
	static struct tk_event cfg[32], slots[2];
	struct kvm_vm vm;
	int n = 0, ret;

	ret = build_vm(&vm, 1, cfg, &n);
	if (!ret)
		ret = slot_events(&vm, slots) ? -EIO : 0;
	if (!ret)
		pcr9_of(slots, out);
	kvm_vm_destroy(&vm);
	return ret;
}

/*
 * bind_with_policy() as policy 0, then this process's VM, one vCPU, into
 * self->vm, and its instance into @v.
 */
static int policy_vm(struct __test_metadata *_metadata,
		     FIXTURE_DATA(kvm) *self, const char *tag, uint32_t mode,
		     const uint8_t *pcr9, const struct tk_range *r, int nr,
		     struct tk_vm *v)
{
	static struct tk_event cfg[32];
	int n = 0, ret;

	ret = bind_with_policy(_metadata, self, 0, tag, mode, pcr9, r, nr);
	if (ret)
		return ret;
	ret = build_vm(&self->vm, 1, cfg, &n);
	if (ret) {
		TH_LOG("build_vm: %s", strerror(-ret));
		return ret;
	}
	ret = tk_vm_of(&self->nl, getpid(), v);
	if (ret)
		TH_LOG("the VM's instance: %s (%s)", strerror(-ret),
		       self->nl.extack);
	return ret;
}

/* policy_vm() under a policy accepting the good image (its PCR 9: @good). */
static int good_policy_vm(struct __test_metadata *_metadata,
			  FIXTURE_DATA(kvm) *self, const char *tag,
			  uint32_t mode, const struct tk_range *r, int nr,
			  uint8_t *good, struct tk_vm *v)
{
	int ret = good_pcr9(good);

	if (ret) {
		TH_LOG("the good image's PCR 9: %s", strerror(-ret));
		return ret;
	}
	return policy_vm(_metadata, self, tag, mode, good, r, nr, v);
}

TEST_F(kvm, good_image_under_its_policy_is_trusted_and_runs)
{
	uint8_t good[32];
	struct tk_vm v;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, good_policy_vm(_metadata, self, "good",
				    TVM_POLICY_ENFORCE, NULL, 0, good, &v));
	EXPECT_STREQ(self->policy[0], v.name);
	EXPECT_TRUST(TVM_TRUST_PENDING, v);
	EXPECT_RUNS_TO_OUT(&self->vm, 0);
	ASSERT_EQ(0, kvm_vm_run(&self->vm, 0));
	EXPECT_EQ((uint32_t)KVM_EXIT_HLT, self->vm.vcpu[0].run->exit_reason);
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
}

/* One byte of the data page differs from the good image. */
static void tamper(struct kvm_vm *vm)
{
	kvm_vm_gpa(vm, DATA_GPA)[100] ^= 0x01;
}

TEST_F(kvm, tampered_image_enforce_never_runs)
{
	static struct tk_event slots[2];
	uint8_t good[32], bad[32];
	static struct tvm_pcrs p;
	struct tk_vm v;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, good_policy_vm(_metadata, self, "enf",
				    TVM_POLICY_ENFORCE, NULL, 0, good, &v));
	tamper(&self->vm);
	ASSERT_EQ(0, slot_events(&self->vm, slots));
	pcr9_of(slots, bad);
	ASSERT_NE(0, memcmp(good, bad, 32));

	/* Refused, twice, and no guest instruction ran. */
	EXPECT_EQ(-EACCES, kvm_vm_run(&self->vm, 0));
	EXPECT_NE((uint32_t)KVM_EXIT_IO, self->vm.vcpu[0].run->exit_reason);
	EXPECT_EQ(-EACCES, kvm_vm_run(&self->vm, 0));
	EXPECT_NE((uint32_t)KVM_EXIT_IO, self->vm.vcpu[0].run->exit_reason);
	EXPECT_EQ(0, counter(&self->vm));

	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	EXPECT_LT(0, v.nreasons);
	/* PCR 9 is the tampered image's, to the byte. */
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, v.id, &p));
	EXPECT_PCR(bad, p.v[TVM_BANK_SHA256][TVM_PCR_OS], TVM_BANK_SHA256,
		   TVM_PCR_OS);
}

TEST_F(kvm, tampered_image_audit_runs_untrusted)
{
	uint8_t good[32];
	struct tk_vm v;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, good_policy_vm(_metadata, self, "aud",
				    TVM_POLICY_AUDIT, NULL, 0, good, &v));
	tamper(&self->vm);
	EXPECT_RUNS_TO_OUT(&self->vm, 0);
	EXPECT_EQ(1, counter(&self->vm));
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	EXPECT_LT(0, v.nreasons);
}

/* --- runtime ranges ------------------------------------------------------ */

/* The TVM_EV_RUNTIME event of the data page as it is now. */
static void runtime_event(struct kvm_vm *vm, struct tk_range *r,
			  struct tk_event *e)
{
	struct tvm_ev_runtime ev = {
		.gpa = htole64(DATA_GPA),
		.len = htole64(TVM_PAGE_SIZE),
	};

	md(TVM_BANK_SHA256, kvm_vm_gpa(vm, DATA_GPA), TVM_PAGE_SIZE,
	   ev.sha256);
	if (r) {
		r->gpa = DATA_GPA;
		r->len = TVM_PAGE_SIZE;
		memcpy(r->sha256, ev.sha256, 32);
	}
	e->pcr = TVM_PCR_RUNTIME;
	e->type = TVM_EV_RUNTIME;
	e->len = sizeof(ev);
	memcpy(e->data, &ev, sizeof(ev));
}

/*
 * The good image's PCR 9, and its data page as the runtime range @r,
 * with the PCR 13 event @e that measuring it logs; from VMs built and
 * dropped here.
 */
static int good_range(uint8_t *pcr9, struct tk_range *r, struct tk_event *e)
{
	static struct tk_event cfg[32];
	struct kvm_vm vm;
	int n = 0, ret;

	ret = good_pcr9(pcr9);
	if (ret)
		return ret;
	ret = build_vm(&vm, 1, cfg, &n);
	if (!ret)
		runtime_event(&vm, r, e);
	kvm_vm_destroy(&vm);
	return ret;
}

/* How many PCR 13 events VM @id logged. */
static int runtime_events(struct tnl *nl, uint32_t id)
{
	static struct tvm_log log;
	size_t i;
	int n = 0;

	if (tvm_log_dump(nl, id, 0, &log))
		return -1;
	for (i = 0; i < log.n; i++)
		n += log.ev[i].pcr == TVM_PCR_RUNTIME;
	tvm_log_free(&log);
	return n;
}

TEST_F(kvm, runtime_range_catches_a_write_on_measure)
{
	static struct tk_event rt[2];
	static struct tvm_log log;
	struct tk_range r = { 0 };
	uint8_t good[32];
	struct tk_vm v;

	if (_metadata->skip)
		return;
	/* The range's digest: the data page of a VM built the same way. */
	ASSERT_EQ(0, good_range(good, &r, &rt[0]));
	ASSERT_EQ(0, policy_vm(_metadata, self, "rt", TVM_POLICY_ENFORCE,
			       good, &r, 1, &v));
	EXPECT_RUNS_TO_OUT(&self->vm, 0);

	ASSERT_EQ(0, tk_vm_measure(&self->nl, v.id, &v))
		TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, v.id, 0, &log));
	expect_events(_metadata, &log, TVM_PCR_RUNTIME, rt, 1, vm_banks(&v));
	tvm_log_free(&log);
	/* The same digest again is not logged again. */
	ASSERT_EQ(0, tk_vm_measure(&self->nl, v.id, &v));
	EXPECT_EQ(1, runtime_events(&self->nl, v.id));

	/* The VMM (or anyone with the mapping) changes one byte. */
	kvm_vm_gpa(&self->vm, DATA_GPA)[7] ^= 0x5a;
	runtime_event(&self->vm, NULL, &rt[1]);
	ASSERT_EQ(0, tk_vm_measure(&self->nl, v.id, &v))
		TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	EXPECT_LT(0, v.nreasons);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, v.id, 0, &log));
	expect_events(_metadata, &log, TVM_PCR_RUNTIME, rt, 2, vm_banks(&v));
	tvm_log_free(&log);
	expect_replay(_metadata, &self->nl, &v, TVM_PCR_RUNTIME, rt, 2);

	/* Enforce: the next KVM_RUN (which would reach the HLT) fails. */
	EXPECT_EQ(-EACCES, kvm_vm_run(&self->vm, 0));
	EXPECT_NE((uint32_t)KVM_EXIT_HLT, self->vm.vcpu[0].run->exit_reason);
}

TEST_F_TIMEOUT(kvm, runtime_timer_catches_a_write, 90)
{
	static struct tk_event rt;
	struct tk_range r = { .interval = TVM_RANGE_INTERVAL_MIN };
	uint8_t good[32];
	struct tk_vm v;
	int i;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, good_range(good, &r, &rt));
	ASSERT_EQ(0, policy_vm(_metadata, self, "tmr", TVM_POLICY_AUDIT,
			       good, &r, 1, &v));
	EXPECT_RUNS_TO_OUT(&self->vm, 0);

	/* The timer measures the range by itself, within seconds. */
	for (i = 0; i < 100 && runtime_events(&self->nl, v.id) < 1; i++)
		usleep(100000);
	EXPECT_EQ(1, runtime_events(&self->nl, v.id));
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);

	kvm_vm_gpa(&self->vm, DATA_GPA)[4095] ^= 0x80;
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
		if (v.trust != TVM_TRUST_TRUSTED)
			break;
		usleep(100000);
	}
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	EXPECT_EQ(2, runtime_events(&self->nl, v.id));
}

/*
 * A new policy that expects other bytes in a range the guest did not
 * change: the range is judged again by the new digest (it is not logged
 * again, since its digest did not change).
 */
TEST_F(kvm, runtime_range_judged_again_under_a_new_policy)
{
	static struct tk_event rt;
	struct tk_range r = { 0 };
	uint8_t good[32];
	struct tk_vm v;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, good_range(good, &r, &rt));
	ASSERT_EQ(0, policy_vm(_metadata, self, "rtp", TVM_POLICY_AUDIT,
			       good, &r, 1, &v));
	EXPECT_RUNS_TO_OUT(&self->vm, 0);
	ASSERT_EQ(0, tk_vm_measure(&self->nl, v.id, &v))
		TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);

	r.sha256[0] ^= 0xff;
	ASSERT_EQ(0, tk_policy_load(&self->nl, self->policy[0],
				    TVM_POLICY_AUDIT, good, &r, 1))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, tk_vm_measure(&self->nl, v.id, &v))
		TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	EXPECT_EQ(1, runtime_events(&self->nl, v.id));
}

/* VM_MEASURE of a VM on a thread (and a socket) of its own. */
struct measurer {
	pthread_t thread;
	uint32_t id;
	int ret;
	int ms;			/* how long VM_MEASURE took */
	int done;		/* __atomic */
	struct tk_vm v;
};

static void *measurer_main(void *arg)
{
	struct measurer *m = arg;
	struct timespec t0, t1;
	struct tnl nl;

	m->ret = tnl_open(&nl);
	if (!m->ret) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		m->ret = tk_vm_measure(&nl, m->id, &m->v);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		m->ms = (t1.tv_sec - t0.tv_sec) * 1000 +
			(t1.tv_nsec - t0.tv_nsec) / 1000000;
		tnl_close(&nl);
	}
	__atomic_store_n(&m->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Start VM_MEASURE of VM @id on @m's thread; whether it returned within
 * 15 s.  The caller joins m->thread once whatever it waits on is freed.
 */
static bool measure_within_15s(struct measurer *m, uint32_t id)
{
	int i;

	m->id = id;
	if (pthread_create(&m->thread, NULL, measurer_main, m))
		return false;
	for (i = 0; i < 150 && !__atomic_load_n(&m->done, __ATOMIC_ACQUIRE);
	     i++)
		usleep(100000);
	return __atomic_load_n(&m->done, __ATOMIC_ACQUIRE);
}

/*
 * A runtime range over a guest page behind a userfaultfd that nobody
 * serves (as on the destination of a post-copy migration): VM_MEASURE
 * returns within seconds, and the range counts as unreadable.  On the
 * old code it waited for the fault for as long as the userfaultfd lived.
 */
TEST_F_TIMEOUT(kvm, runtime_measure_does_not_wait_on_userfaultfd, 60)
{
	struct tk_range r = {
		.gpa = SLOT3_GPA + 0x3000,	/* never touched */
		.len = TVM_PAGE_SIZE,
	};
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	struct measurer m = { 0 };
	uint8_t good[32];
	struct tk_vm v;
	int uffd;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, good_policy_vm(_metadata, self, "uffd",
				    TVM_POLICY_AUDIT, &r, 1, good, &v));
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		SKIP(return, "userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	reg.range.start = (uintptr_t)kvm_vm_gpa(&self->vm, r.gpa);
	reg.range.len = TVM_PAGE_SIZE;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg))
		TH_LOG("UFFDIO_REGISTER: %s", strerror(errno));
	EXPECT_RUNS_TO_OUT(&self->vm, 0);

	EXPECT_TRUE(measure_within_15s(&m, v.id))
		TH_LOG("VM_MEASURE still waits on the fault after 15 s");
	close(uffd);	/* lets a waiting fault go on */
	pthread_join(m.thread, NULL);
	ASSERT_EQ(0, m.ret) TH_LOG("VM_MEASURE: %s", strerror(-m.ret));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, m.v);
	EXPECT_NE(NULL, strstr(tvm_reasons(m.v.reasons, m.v.nreasons),
			       "stayed out of memory"))
		TH_LOG("reasons: %s", tvm_reasons(m.v.reasons, m.v.nreasons));
}

/*
 * A FUSE filesystem, served by a child of the test straight on /dev/fuse,
 * with two files of FUSE_FILE_SIZE bytes: "good", whose READs it answers
 * (byte i is fuse_byte(i)), and "stall", whose READs it never answers, as
 * a daemon that hung would.  It dies with the test process.
 */
#define FUSE_GOOD_INO	2
#define FUSE_STALL_INO	3
#define FUSE_FILE_SIZE	0x10000

struct fuse_srv {
	pid_t pid;
	char dir[32];
	unsigned int conn;	/* its directory in /sys/fs/fuse/connections */
	int *stalled;		/* READs left unanswered (shared, __atomic) */
};

static uint8_t fuse_byte(uint64_t i)
{
	return (uint8_t)(i * 7 + (i >> 8) + 1);
}

static void fuse_reply(int fd, uint64_t unique, int error, const void *out,
		       size_t len)
{
	struct fuse_out_header h = {
		.len = sizeof(h) + (error ? 0 : len),
		.error = error,
		.unique = unique,
	};
	struct iovec iov[2] = {
		{ &h, sizeof(h) },
		{ (void *)out, len },
	};

	writev(fd, iov, error || !len ? 1 : 2);
}

static void fuse_attr_of(uint64_t ino, struct fuse_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->mode = ino == FUSE_ROOT_ID ? S_IFDIR | 0755 : S_IFREG | 0644;
	a->nlink = ino == FUSE_ROOT_ID ? 2 : 1;
	a->size = ino == FUSE_ROOT_ID ? 0 : FUSE_FILE_SIZE;
	a->blocks = a->size / 512;
	a->blksize = TVM_PAGE_SIZE;
}

/* The server's loop: until the connection goes (ENODEV). */
static void fuse_serve(int fd, uint32_t init_flags, int *stalled)
{
	static uint8_t in[FUSE_MIN_READ_BUFFER + 2 * FUSE_FILE_SIZE];
	static uint8_t data[FUSE_FILE_SIZE];
	struct fuse_in_header *h = (struct fuse_in_header *)in;
	void *arg = h + 1;
	union {
		struct fuse_init_out init;
		struct fuse_entry_out entry;
		struct fuse_attr_out attr;
		struct fuse_open_out open;
	} o;
	const struct fuse_read_in *rd = arg;
	uint64_t ino, i;

	for (;;) {
		if (read(fd, in, sizeof(in)) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return;
		}
		memset(&o, 0, sizeof(o));
		switch (h->opcode) {
		case FUSE_INIT:
			o.init.major = FUSE_KERNEL_VERSION;
			o.init.minor = FUSE_KERNEL_MINOR_VERSION;
			o.init.max_readahead = FUSE_FILE_SIZE;
			o.init.max_write = TVM_PAGE_SIZE;
			o.init.flags = init_flags;
			fuse_reply(fd, h->unique, 0, &o.init, sizeof(o.init));
			break;
		case FUSE_LOOKUP:
			ino = !strcmp(arg, "good") ? FUSE_GOOD_INO :
			      !strcmp(arg, "stall") ? FUSE_STALL_INO : 0;
			if (h->nodeid != FUSE_ROOT_ID || !ino) {
				fuse_reply(fd, h->unique, -ENOENT, NULL, 0);
				break;
			}
			o.entry.nodeid = ino;
			o.entry.entry_valid = o.entry.attr_valid = 3600;
			fuse_attr_of(ino, &o.entry.attr);
			fuse_reply(fd, h->unique, 0, &o.entry, sizeof(o.entry));
			break;
		case FUSE_GETATTR:
			o.attr.attr_valid = 3600;
			fuse_attr_of(h->nodeid, &o.attr.attr);
			fuse_reply(fd, h->unique, 0, &o.attr, sizeof(o.attr));
			break;
		case FUSE_OPEN:
		case FUSE_OPENDIR:
			o.open.fh = h->nodeid;
			fuse_reply(fd, h->unique, 0, &o.open, sizeof(o.open));
			break;
		case FUSE_READ:
			if (h->nodeid != FUSE_GOOD_INO) {
				__atomic_add_fetch(stalled, 1, __ATOMIC_RELAXED);
				break;	/* never answered */
			}
			for (i = 0; i < rd->size && rd->offset + i < FUSE_FILE_SIZE; i++)
				data[i] = fuse_byte(rd->offset + i);
			fuse_reply(fd, h->unique, 0, data, i);
			break;
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
		case FUSE_INTERRUPT:	/* the stalled READ stays stalled */
			break;
		default:
			fuse_reply(fd, h->unique, -ENOSYS, NULL, 0);
			break;
		}
	}
}

/*
 * Mount a FUSE filesystem at a new directory and serve it from a child
 * (INIT with @init_flags); before any VM exists, so that the child holds
 * no VM file.  0 or -errno.
 */
static int fuse_start(struct fuse_srv *s, uint32_t init_flags)
{
	char opts[128];
	struct stat st;
	int fd, ret;

	memset(s, 0, sizeof(*s));
	s->pid = -1;
	if (access("/dev/fuse", F_OK))
		system("modprobe fuse 2>/dev/null");
	/* Where the connections' abort files are; may be mounted already. */
	mount("fusectl", "/sys/fs/fuse/connections", "fusectl", 0, NULL);
	s->stalled = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->stalled == MAP_FAILED)
		return -errno;
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	strcpy(s->dir, "/tmp/tvm-fuse.XXXXXX");
	if (!mkdtemp(s->dir)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	snprintf(opts, sizeof(opts),
		 "fd=%d,rootmode=%o,user_id=0,group_id=0", fd, S_IFDIR);
	if (mount("tvm", s->dir, "fuse", MS_NOSUID | MS_NODEV, opts)) {
		ret = -errno;
		close(fd);
		rmdir(s->dir);
		return ret;
	}
	s->pid = fork();
	if (!s->pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fuse_serve(fd, init_flags, s->stalled);
		_exit(0);
	}
	close(fd);	/* the child's is the connection's last */
	if (s->pid < 0 || stat(s->dir, &st))
		return -EIO;
	s->conn = major(st.st_dev) << 20 | minor(st.st_dev);
	return 0;
}

/* Abort the connection (every waiting request fails), end the server. */
static void fuse_stop(struct fuse_srv *s)
{
	char path[64];
	int fd;

	if (s->pid > 0) {
		snprintf(path, sizeof(path),
			 "/sys/fs/fuse/connections/%u/abort", s->conn);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			write(fd, "1", 1);
			close(fd);
		}
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		s->pid = -1;
	}
	if (s->dir[0]) {
		umount2(s->dir, MNT_DETACH);
		rmdir(s->dir);
		s->dir[0] = 0;
	}
}

/* Map page @off of FUSE file @name of @s over guest memory at @gpa. */
static int fuse_map(struct kvm_vm *vm, struct fuse_srv *s, const char *name,
		    off_t off, uint64_t gpa, int *fdp)
{
	char path[64];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	p = mmap(kvm_vm_gpa(vm, gpa), TVM_PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, off);
	if (p == MAP_FAILED) {
		close(fd);
		return -errno;
	}
	*fdp = fd;
	return 0;
}

/*
 * Runtime ranges over three guest pages that the VMM maps, after the
 * launch, from files on FUSE: page 0 of "good", which the VMM has read
 * with pread() (so it is in the page cache) but not through the mapping;
 * page 0 of "stall", whose READ the daemon never answers, not touched;
 * page 1 of "good", read through the mapping (so it is mapped).
 * VM_MEASURE returns within seconds while the daemon still stalls; the
 * "good" pages are read from the page cache and the mapping (their
 * digests match, they are logged), "stall" counts as unreadable; the VM
 * is untrusted, and its destruction completes, still with the daemon
 * stalled.  The FUSE server offers @init_flags at INIT, @advice goes to
 * madvise() on the stalled page.
 */
static void fuse_measure(struct __test_metadata *_metadata,
			 FIXTURE_DATA(kvm) *self, uint32_t init_flags,
			 int advice)
{
	struct tk_range r[3] = {
		{ .gpa = SLOT3_GPA + 0x1000, .len = TVM_PAGE_SIZE },
		{ .gpa = SLOT3_GPA + 0x3000, .len = TVM_PAGE_SIZE },
		{ .gpa = SLOT3_GPA, .len = TVM_PAGE_SIZE },
	};
	static uint8_t page[TVM_PAGE_SIZE];
	int good_fd = -1, good1_fd = -1, stall_fd = -1, i, ret;
	struct measurer m = { 0 };
	const char *why;
	struct fuse_srv s;
	uint8_t good[32];
	struct tk_vm v;

	ret = fuse_start(&s, init_flags);
	if (ret) {
		fuse_stop(&s);
		SKIP(return, "no FUSE mount: %s", strerror(-ret));
	}
	for (i = 0; i < TVM_PAGE_SIZE; i++)
		page[i] = fuse_byte(i);
	md(TVM_BANK_SHA256, page, TVM_PAGE_SIZE, r[0].sha256);
	for (i = 0; i < TVM_PAGE_SIZE; i++)
		page[i] = fuse_byte(TVM_PAGE_SIZE + i);
	md(TVM_BANK_SHA256, page, TVM_PAGE_SIZE, r[2].sha256);
	ASSERT_EQ(0, good_policy_vm(_metadata, self, "fuse",
				    TVM_POLICY_AUDIT, r, 3, good, &v));
	EXPECT_RUNS_TO_OUT(&self->vm, 0);

	ASSERT_EQ(0, fuse_map(&self->vm, &s, "good", 0, r[0].gpa, &good_fd));
	memset(page, 0, sizeof(page));
	ASSERT_EQ(TVM_PAGE_SIZE, pread(good_fd, page, TVM_PAGE_SIZE, 0));
	EXPECT_EQ(fuse_byte(100), page[100]);
	ASSERT_EQ(0, fuse_map(&self->vm, &s, "good", TVM_PAGE_SIZE, r[2].gpa,
			      &good1_fd));
	EXPECT_EQ(fuse_byte(TVM_PAGE_SIZE + 5),
		  *(volatile uint8_t *)kvm_vm_gpa(&self->vm, r[2].gpa + 5));
	ASSERT_EQ(0, fuse_map(&self->vm, &s, "stall", 0, r[1].gpa, &stall_fd));
	if (advice)
		ASSERT_EQ(0, madvise(kvm_vm_gpa(&self->vm, r[1].gpa),
				     TVM_PAGE_SIZE, advice));

	EXPECT_TRUE(measure_within_15s(&m, v.id))
		TH_LOG("VM_MEASURE still waits on FUSE after 15 s (%d READs stalled)",
		       __atomic_load_n(s.stalled, __ATOMIC_RELAXED));
	if (!__atomic_load_n(&m.done, __ATOMIC_ACQUIRE))
		fuse_stop(&s);	/* lets the waiting READ fail */
	pthread_join(m.thread, NULL);
	ASSERT_EQ(0, m.ret) TH_LOG("VM_MEASURE: %s", strerror(-m.ret));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, m.v);
	why = tvm_reasons(m.v.reasons, m.v.nreasons);
	EXPECT_NE(NULL, strstr(why, "range 0x103000+4096 could not be read (-11: a page stayed out of memory)"))
		TH_LOG("reasons: %s", why);
	EXPECT_EQ(NULL, strstr(why, "range 0x101000+")) TH_LOG("%s", why);
	EXPECT_EQ(NULL, strstr(why, "range 0x100000+")) TH_LOG("%s", why);
	EXPECT_EQ(2, runtime_events(&self->nl, m.id));

	/* The VM goes, the daemon still stalling. */
	kvm_vm_destroy(&self->vm);
	for (i = 0; i < 100 && !tk_vm_get(&self->nl, m.id, &v); i++)
		usleep(100000);
	EXPECT_EQ(-ENOENT, tk_vm_get(&self->nl, m.id, &v))
		TH_LOG("the VM's instance outlives it by 10 s");
	if (s.pid > 0)
		EXPECT_EQ(0, waitpid(s.pid, NULL, WNOHANG));
	TH_LOG("VM_MEASURE returned in %d.%d s; %d READs stalled", m.ms / 1000,
	       m.ms % 1000 / 100, __atomic_load_n(s.stalled, __ATOMIC_RELAXED));
	close(good_fd);
	close(good1_fd);
	close(stall_fd);
	fuse_stop(&s);
}

/* A daemon without FUSE_ASYNC_READ: FUSE's readahead waits for the READ. */
TEST_F_TIMEOUT(kvm, runtime_measure_does_not_wait_on_fuse, 60)
{
	if (_metadata->skip)
		return;
	fuse_measure(_metadata, self, 0, 0);
}

/*
 * With FUSE_ASYNC_READ, readahead does not wait; MADV_RANDOM turns it off,
 * and the fault reads the page with ->read_folio, which waits.
 */
TEST_F_TIMEOUT(kvm, runtime_measure_does_not_wait_on_fuse_read_folio, 60)
{
	if (_metadata->skip)
		return;
	fuse_measure(_metadata, self, FUSE_ASYNC_READ, MADV_RANDOM);
}

/* --- enforcement of running guests ------------------------------------ */

/*
 * Real mode at LOOP_GPA, after the test guest's OUT: "1: lock incw
 * LOOP_COUNTER; jmp 1b", a guest that never leaves KVM_RUN by itself.
 */
#define LOOP_GPA	0x2000
#define LOOP_COUNTER	0x3002
static const uint8_t loop_guest[] = {
	0xf0, 0xff, 0x06, 0x02, 0x30,
	0xeb, 0xf9,
};

static uint16_t loop_count(struct kvm_vm *vm)
{
	uint16_t c;

	memcpy(&c, kvm_vm_gpa(vm, LOOP_COUNTER), sizeof(c));
	return c;
}

/* vCPU 0 of @vm in KVM_RUN on a thread of its own. */
struct runner {
	struct kvm_vm *vm;
	pthread_t thread;
	int done;		/* __atomic */
	int ret;
};

static void *runner_main(void *arg)
{
	struct runner *r = arg;

	r->ret = kvm_vm_run(r->vm, 0);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void on_sigusr1(int sig)
{
}

/* Send vCPU 0 to the loop, start it, and see the loop count; 0 or -1. */
static int start_loop(struct __test_metadata *_metadata, struct kvm_vm *vm,
		      struct runner *r)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct kvm_regs regs;
	int i;

	memcpy(kvm_vm_gpa(vm, LOOP_GPA), loop_guest, sizeof(loop_guest));
	if (ioctl(vm->vcpu[0].fd, KVM_GET_REGS, &regs))
		return -1;
	regs.rip = LOOP_GPA;
	if (ioctl(vm->vcpu[0].fd, KVM_SET_REGS, &regs))
		return -1;
	/* No SA_RESTART: SIGUSR1 gets a vCPU out of KVM_RUN (EINTR). */
	if (sigaction(SIGUSR1, &sa, NULL))
		return -1;
	r->vm = vm;
	if (pthread_create(&r->thread, NULL, runner_main, r))
		return -1;
	for (i = 0; i < 100 && loop_count(vm) < 2; i++)
		usleep(100000);
	if (loop_count(vm) < 2) {
		TH_LOG("the loop does not count");
		return -1;
	}
	return 0;
}

/*
 * The loop's KVM_RUN ends with EACCES by itself soon after the VM turned
 * untrusted, the counter stops, and the next KVM_RUN is refused too.
 */
static void expect_loop_stopped(struct __test_metadata *_metadata,
				struct kvm_vm *vm, struct runner *r)
{
	uint16_t c;
	int i;

	for (i = 0; i < 100 && !__atomic_load_n(&r->done, __ATOMIC_ACQUIRE);
	     i++)
		usleep(100000);
	EXPECT_TRUE(__atomic_load_n(&r->done, __ATOMIC_ACQUIRE))
		TH_LOG("the vCPU still runs the guest 10 s after it was refused (counter %u)",
		       loop_count(vm));
	/* A vCPU that was not stopped is taken out with a signal. */
	while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE)) {
		pthread_kill(r->thread, SIGUSR1);
		usleep(100000);
	}
	pthread_join(r->thread, NULL);
	EXPECT_EQ(-EACCES, r->ret);
	if (r->ret != -EACCES)
		return;		/* another KVM_RUN would loop forever */
	c = loop_count(vm);
	usleep(300000);
	EXPECT_EQ(c, loop_count(vm));
	EXPECT_EQ(-EACCES, kvm_vm_run(vm, 0));
	EXPECT_EQ(c, loop_count(vm));
}

TEST_F_TIMEOUT(kvm, runtime_mismatch_stops_a_guest_that_never_exits, 90)
{
	static struct tk_event rt;
	struct tk_range r = { 0 };
	struct runner run = { 0 };
	uint8_t good[32];
	struct tk_vm v;

	if (_metadata->skip)
		return;
	with_irqchip = true;
	ASSERT_EQ(0, good_range(good, &r, &rt));
	ASSERT_EQ(0, policy_vm(_metadata, self, "stop", TVM_POLICY_ENFORCE,
			       good, &r, 1, &v));
	EXPECT_RUNS_TO_OUT(&self->vm, 0);
	ASSERT_EQ(0, start_loop(_metadata, &self->vm, &run));

	kvm_vm_gpa(&self->vm, DATA_GPA)[7] ^= 0x5a;
	ASSERT_EQ(0, tk_vm_measure(&self->nl, v.id, &v))
		TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	expect_loop_stopped(_metadata, &self->vm, &run);
}

#define TAINT_CID	0x7e57c1U
#define TAINT_PORT	0x7e5c

/*
 * Under an enforcing policy that accepts the good image and whose
 * dataflow section taints the VM with whatever no rule lists (it has no
 * rule), the VM runs trusted in a loop; then the host connects to the
 * VM's vsock guest (this process's fake guest, its CID bound to the VM)
 * and sends a byte: the VM turns untrusted naming the host, and its vCPU
 * stops (issue 13: "taint ... under enforce its vCPUs stop").
 */
TEST_F_TIMEOUT(kvm, dataflow_taint_stops_a_running_guest, 90)
{
	static struct tk_event cfg[32];
	struct vg_guest g = { .fd = -1 };
	struct runner run = { 0 };
	struct vg_conn *c = NULL;
	const char *why;
	uint8_t good[32];
	struct tk_vm v;
	struct tmsg *m;
	int n = 0, i, status;
	bool named = false;
	pid_t pid;

	if (_metadata->skip)
		return;
	why = vg_unavailable();
	if (why)
		SKIP(return, "%s", why);
	with_irqchip = true;
	ASSERT_EQ(0, good_pcr9(good));

	snprintf(self->policy[0], sizeof(self->policy[0]), "kh-%d-taint",
		 getpid());
	m = malloc(sizeof(*m));
	ASSERT_NE(NULL, m);
	tk_policy_begin(m, &self->nl, self->policy[0], TVM_POLICY_ENFORCE);
	tk_policy_level_pcr(m, 1, good);
	tmsg_nest_start(m, TVM_A_POLICY_DATAFLOW);
	tmsg_put_u32(m, TVM_A_DF_DEFAULT, TVM_DF_TAINT);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	ASSERT_EQ(0, tnl_call(&self->nl, m, NULL, NULL))
		TH_LOG("policy load: %s", self->nl.extack);
	free(m);
	ASSERT_EQ(0, tk_vm_bind(&self->nl, getpid(), self->policy[0]));
	ASSERT_EQ(0, build_vm(&self->vm, 1, cfg, &n));
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
	EXPECT_RUNS_TO_OUT(&self->vm, 0);
	ASSERT_EQ(0, start_loop(_metadata, &self->vm, &run));
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);

	/* The VM's guest, and the host sending it one byte. */
	ASSERT_EQ(0, vg_guest_init(&g, TAINT_CID));
	ASSERT_EQ(0, vg_listen(&g, TAINT_PORT));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sockaddr_vm a = { .svm_family = AF_VSOCK,
					 .svm_cid = TAINT_CID,
					 .svm_port = TAINT_PORT };
		int s = socket(AF_VSOCK, SOCK_STREAM, 0);

		_exit(s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) ||
		      write(s, "x", 1) != 1);
	}
	EXPECT_EQ(0, vg_accept(&g, TAINT_PORT, 20000, &c));
	for (i = 0; i < 50 && vg_pending(c) < 1; i++)
		vg_service(100);
	EXPECT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);

	expect_loop_stopped(_metadata, &self->vm, &run);
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	for (i = 0; i < v.nreasons; i++)
		named |= !!strstr(v.reasons[i], "host");
	EXPECT_TRUE(named) TH_LOG("no reason names the host");
	if (c)
		vg_close(c, 2000);
	vg_guest_fini(&g);
}

/* What the running VM's VMM changes after launch. */
enum config_change { ADD_SLOT, ADD_VCPU };

/*
 * Under an enforcing policy that fixes PCR 9 and PCR 12, a VM runs
 * trusted in a loop; then its VMM changes its configuration: the VM turns
 * untrusted and its vCPU stops.
 */
static void config_change_stops(struct __test_metadata *_metadata,
				FIXTURE_DATA(kvm) *self, const char *tag,
				enum config_change what)
{
	static struct tk_event cfg[32];
	uint8_t pcr9[32], pcr12[TVM_DIGEST_MAX];
	struct runner run = { 0 };
	struct tk_vm v;
	struct kvm_vm tmp;
	int n = 0, ret;

	with_irqchip = true;
	/* The configuration's PCR 12, from a VM built the same way. */
	ASSERT_EQ(0, build_vm(&tmp, 1, cfg, &n));
	kvm_vm_destroy(&tmp);
	ASSERT_EQ(0, tk_replay(TVM_BANK_SHA256, TVM_PCR_CONFIG, cfg, n, pcr12));
	ASSERT_EQ(0, good_pcr9(pcr9));

	snprintf(self->policy[0], sizeof(self->policy[0]), "kh-%d-%s",
		 getpid(), tag);
	ASSERT_EQ(0, tk_policy_load_pcrs(&self->nl, self->policy[0],
					 TVM_POLICY_ENFORCE, pcr9, pcr12,
					 NULL, 0))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, tk_vm_bind(&self->nl, getpid(), self->policy[0]));
	n = 0;
	ASSERT_EQ(0, build_vm(&self->vm, 1, cfg, &n));
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
	ret = kvm_vm_run(&self->vm, 0);
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
	ASSERT_EQ(0, ret);
	ASSERT_EQ('t', kvm_vm_out_byte(self->vm.vcpu[0].run, KVM_T_PORT));
	ASSERT_EQ((uint32_t)TVM_TRUST_TRUSTED, v.trust);
	ASSERT_EQ(0, start_loop(_metadata, &self->vm, &run));

	switch (what) {
	case ADD_SLOT:
		ASSERT_EQ(0, kvm_vm_add_slot(&self->vm, 5, 0, 0x200000,
					     0x1000));
		break;
	case ADD_VCPU:
		ASSERT_EQ(0, kvm_vm_add_vcpu(&self->vm, 1, KVM_T_ENTRY));
		break;
	}
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	expect_loop_stopped(_metadata, &self->vm, &run);
}

TEST_F_TIMEOUT(kvm, memory_slot_added_while_running_stops_it, 90)
{
	if (_metadata->skip)
		return;
	config_change_stops(_metadata, self, "slot", ADD_SLOT);
}

TEST_F_TIMEOUT(kvm, vcpu_added_while_running_stops_it, 90)
{
	if (_metadata->skip)
		return;
	config_change_stops(_metadata, self, "vcpu", ADD_VCPU);
}

/* --- lifecycle ------------------------------------------------------------ */

/* A one-vCPU VM of this process into self->vm, and its instance into @v. */
static int build_vm_of(FIXTURE_DATA(kvm) *self, struct tk_vm *v)
{
	static struct tk_event cfg[32];
	int n = 0;
	int ret = build_vm(&self->vm, 1, cfg, &n);

	return ret ? ret : tk_vm_of(&self->nl, getpid(), v);
}

TEST_F(kvm, netlink_cannot_delete_a_kvm_vm)
{
	struct tk_vm v;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, build_vm_of(self, &v));
	EXPECT_TRUE(v.kvm);
	EXPECT_EQ((uint32_t)getpid(), v.pid);
	EXPECT_EQ(-EBUSY, tvm_vm_delete(&self->nl, v.id));
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	/* Closing the VM deletes the instance. */
	kvm_vm_destroy(&self->vm);
	EXPECT_EQ(-ENOENT, tk_vm_get(&self->nl, v.id, &v));
}

/* Unreclaimable slab memory, in KiB, or -1. */
static long sunreclaim_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SUnreclaim: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * What 180 VMs may leave in unreclaimable slab: 1 MiB, under 6 KiB a VM.
 * A leaked tvm instance (its PCR banks alone are 4.5 KiB, its log and
 * securityfs files more) or a leaked struct kvm (tens of KiB) exceeds it;
 * per-CPU caches and frees still waiting for RCU stay well below it.
 */
#define LEAK_SLACK_KIB	1024

/*
 * VM_LAUNCH over netlink would judge a KVM VM before its memory is
 * measured: refused until its first KVM_RUN launches it.
 */
TEST_F(kvm, netlink_cannot_launch_a_kvm_vm_before_it_runs)
{
	struct tk_vm v;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, build_vm_of(self, &v));
	EXPECT_EQ(-EBUSY, tvm_vm_call(&self->nl, TVM_CMD_VM_LAUNCH, v.id,
				      NULL, NULL));
	EXPECT_NE(NULL, strstr(self->nl.extack, "first KVM_RUN"))
		TH_LOG("extack: %s", self->nl.extack);
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_TRUST(TVM_TRUST_PENDING, v);

	EXPECT_RUNS_TO_OUT(&self->vm, 0);
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_NE((uint32_t)TVM_TRUST_PENDING, v.trust);
	EXPECT_EQ(-EALREADY, tvm_vm_call(&self->nl, TVM_CMD_VM_LAUNCH, v.id,
					 NULL, NULL));
}

TEST_F_TIMEOUT(kvm, two_hundred_vms_leave_no_instance, 600)
{
	long slab_before = -1, slab_after = -1;
	long long created = tk_stat("vms_created");
	long long deleted = tk_stat("vms_deleted");
	long long vms = tk_stat("vms");
	static struct tk_scan before, after;
	struct kvm_vm vm;
	struct tk_vm v;
	int i;

	if (_metadata->skip)
		return;
	/*
	 * One VM stays open throughout, as on a host that runs VMs: KVM
	 * flips a static key (the preempt notifiers) when the first VM is
	 * created and the last destroyed, and 200 flips of that code
	 * patching in a row livelock the emulated host under TCG, with or
	 * without tvm.
	 */
	ASSERT_EQ(0, kvm_vm_create(&self->vm));
	created = tk_stat("vms_created");
	deleted = tk_stat("vms_deleted");
	vms = tk_stat("vms");
	ASSERT_LE(0, created);
	ASSERT_EQ(0, tk_scan(&self->nl, getpid(), &before));
	ASSERT_EQ(1, before.of_pid);
	for (i = 0; i < 200; i++) {
		ASSERT_EQ(0, kvm_vm_create(&vm)) TH_LOG("VM %d", i);
		ASSERT_EQ(0, kvm_vm_add_slot(&vm, 0, 0, 0, SLOT0_SIZE));
		if (i == 0) {
			ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
		}
		if (i == 19)	/* caches warmed up by the first 20 */
			slab_before = sunreclaim_kib();
		if (i % 50 == 49)
			TH_LOG("%d VMs", i + 1);
		kvm_vm_destroy(&vm);
	}
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, tk_scan(&self->nl, getpid(), &after));
		if (after.all == before.all)
			break;
		usleep(100000);
	}
	EXPECT_EQ(before.all, after.all);
	EXPECT_EQ(1, after.of_pid);
	EXPECT_EQ(created + 200, tk_stat("vms_created"));
	EXPECT_EQ(deleted + 200, tk_stat("vms_deleted"));
	EXPECT_EQ(vms, tk_stat("vms"));

	/* No leaked memory: slab back near where it was (RCU frees lag). */
	ASSERT_LT(0, slab_before);
	for (i = 0; i < 30; i++) {
		slab_after = sunreclaim_kib();
		if (slab_after - slab_before < LEAK_SLACK_KIB)
			break;
		usleep(100000);
	}
	TH_LOG("unreclaimable slab: %ld KiB after 20 VMs, %ld KiB after 200",
	       slab_before, slab_after);
	EXPECT_GT(LEAK_SLACK_KIB, slab_after - slab_before);
}

/*
 * SIGKILL the child VMM @pid, reap it, and wait up to @tries tenths of a
 * second for its instance to go.
 */
static void kill_vmm(struct __test_metadata *_metadata, struct tnl *nl,
		     pid_t pid, int tries)
{
	static struct tk_scan s;
	int status, i;

	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	for (i = 0; i < tries; i++) {
		ASSERT_EQ(0, tk_scan(nl, pid, &s));
		if (!s.of_pid)
			break;
		usleep(100000);
	}
	EXPECT_EQ(0, s.of_pid);
}

TEST_F_TIMEOUT(kvm, sigkilled_vmm_leaves_no_instance, 60)
{
	int fds[2];
	struct tk_vm v;
	pid_t pid;
	char c;

	if (_metadata->skip)
		return;
	/* As above: a VM of our own keeps KVM's static key set. */
	ASSERT_EQ(0, kvm_vm_create(&self->vm));
	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct kvm_vm vm;
		bool told = false;

		close(fds[0]);
		if (kvm_vm_create(&vm) ||
		    kvm_vm_add_slot(&vm, 0, 0, 0, SLOT0_SIZE))
			_exit(1);
		memcpy(kvm_vm_gpa(&vm, KVM_T_ENTRY), kvm_t_guest_out_loop,
		       sizeof(kvm_t_guest_out_loop));
		if (kvm_vm_add_vcpu(&vm, 0, KVM_T_ENTRY))
			_exit(1);
		for (;;) {
			if (kvm_vm_run(&vm, 0))
				_exit(2);
			if (!told && write(fds[1], "r", 1) == 1)
				told = true;
		}
	}
	close(fds[1]);
	ASSERT_EQ(1, read(fds[0], &c, 1)) TH_LOG("the child VMM failed");
	ASSERT_EQ(0, tk_vm_of(&self->nl, pid, &v));
	EXPECT_NE((uint32_t)TVM_TRUST_PENDING, v.trust);
	kill_vmm(_metadata, &self->nl, pid, 50);
	EXPECT_EQ(-ENOENT, tk_vm_get(&self->nl, v.id, &v));
	close(fds[0]);
}

/*
 * SIGKILL while the first KVM_RUN hashes a 128 MiB slot of random bytes
 * (on TCG, seconds; the kill comes 300 ms into it): the VMM dies, the
 * workers are waited for and its instance goes.  A slower host only
 * kills it later in the hashing; a fast one after it, which passes too.
 */
TEST_F_TIMEOUT(kvm, sigkill_during_launch_hashing_ends_the_vmm, 120)
{
	int fds[2];
	pid_t pid;
	char c;

	if (_metadata->skip)
		return;
	/* As above: a VM of our own keeps KVM's static key set. */
	ASSERT_EQ(0, kvm_vm_create(&self->vm));
	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint64_t seed = SEED;
		struct kvm_vm vm;

		close(fds[0]);
		if (kvm_vm_create(&vm) ||
		    kvm_vm_add_slot(&vm, 0, 0, 0, SLOT0_SIZE) ||
		    kvm_vm_add_slot(&vm, 1, 0, 0x100000, 128 << 20))
			_exit(1);
		memcpy(kvm_vm_gpa(&vm, KVM_T_ENTRY), kvm_t_guest,
		       sizeof(kvm_t_guest));
		rnd_bytes(&seed, kvm_vm_gpa(&vm, 0x100000), 128 << 20);
		if (kvm_vm_add_vcpu(&vm, 0, KVM_T_ENTRY) ||
		    write(fds[1], "r", 1) != 1)
			_exit(1);
		kvm_vm_run(&vm, 0);
		_exit(2);
	}
	close(fds[1]);
	ASSERT_EQ(1, read(fds[0], &c, 1)) TH_LOG("the child VMM failed");
	usleep(300000);
	kill_vmm(_metadata, &self->nl, pid, 100);
	close(fds[0]);
}

struct starter {
	struct kvm_vm *vm;
	pthread_barrier_t *go;
	int i, ret, out;
};

static void *start_vcpu(void *arg)
{
	struct starter *s = arg;

	pthread_barrier_wait(s->go);
	s->ret = kvm_vm_run(s->vm, s->i);
	s->out = kvm_vm_out_byte(s->vm->vcpu[s->i].run, KVM_T_PORT);
	return NULL;
}

TEST_F_TIMEOUT(kvm, vcpus_starting_at_once_are_measured_once, 60)
{
	static struct tk_event cfg[32], slots[2];
	static struct tvm_log log;
	struct starter st[4];
	pthread_barrier_t go;
	pthread_t t[4];
	uint64_t last_cfg = 0, first_slot = UINT64_MAX;
	struct tk_vm v;
	int ncfg = 0, i;
	size_t j;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, build_vm(&self->vm, 4, cfg, &ncfg));
	ASSERT_EQ(0, slot_events(&self->vm, slots));
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
	ASSERT_EQ(0, pthread_barrier_init(&go, NULL, 4));
	for (i = 0; i < 4; i++) {
		st[i] = (struct starter){ &self->vm, &go, i, -1, -1 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, start_vcpu, &st[i]));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, st[i].ret) TH_LOG("vCPU %d: %s", i,
					       strerror(-st[i].ret));
		EXPECT_EQ('t', st[i].out) TH_LOG("vCPU %d", i);
	}
	pthread_barrier_destroy(&go);
	/* Every vCPU ran the guest... */
	EXPECT_EQ(4, counter(&self->vm));

	/*
	 * ...and the slots were measured once, as they were before any of
	 * them ran (the counter's page was still zero), after every
	 * configuration event.
	 */
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	expect_replay(_metadata, &self->nl, &v, TVM_PCR_OS, slots, 2);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, v.id, 0, &log));
	expect_events(_metadata, &log, TVM_PCR_OS, slots, 2, vm_banks(&v));
	expect_events(_metadata, &log, TVM_PCR_CONFIG, cfg, ncfg, vm_banks(&v));
	for (j = 0; j < log.n; j++) {
		if (log.ev[j].pcr == TVM_PCR_CONFIG && log.ev[j].seq > last_cfg)
			last_cfg = log.ev[j].seq;
		if (log.ev[j].pcr == TVM_PCR_OS && log.ev[j].seq < first_slot)
			first_slot = log.ev[j].seq;
	}
	EXPECT_LT(last_cfg, first_slot);
	EXPECT_NE((uint32_t)TVM_TRUST_PENDING, v.trust);
	tvm_log_free(&log);
}

/* --- the late bind (ABI 11) ------------------------------------------- */

struct late_reply {
	struct tk_vm v;
	uint8_t uuid[TVM_UUID_SIZE];
};

static int late_cb(const struct nlmsghdr *h, void *arg)
{
	struct late_reply *r = arg;
	const struct nlattr *a;

	tk_vm_parse(h, &r->v);
	if ((a = tmsg_attr(h, TVM_A_VM_UUID)) &&
	    tattr_len(a) == TVM_UUID_SIZE)
		memcpy(r->uuid, tattr_data(a), TVM_UUID_SIZE);
	return 0;
}

/*
 * VM_BIND with TVM_A_VM_BIND_CREATED: the VM process @pid created already
 * is @name (and @uuid, unless NULL); the reply's VM into @r (may be NULL).
 */
static int late_bind(struct tnl *nl, uint32_t pid, const char *name,
		     const uint8_t *uuid, struct late_reply *r)
{
	struct late_reply ignored;
	struct tmsg m;

	if (!r)
		r = &ignored;
	memset(r, 0, sizeof(*r));
	tmsg_init(&m, nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, pid);
	if (name)
		tmsg_put_str(&m, TVM_A_VM_NAME, name);
	if (uuid)
		tmsg_put(&m, TVM_A_VM_UUID, uuid, TVM_UUID_SIZE);
	tmsg_put(&m, TVM_A_VM_BIND_CREATED, NULL, 0);
	return tnl_call(nl, &m, late_cb, r);
}

/* VM_GET of the VM named @name: 0 or -errno. */
static int vm_get_by_name(struct tnl *nl, const char *name)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_VM_GET, 0);
	tmsg_put_str(&m, TVM_A_VM_NAME, name);
	return tnl_call(nl, &m, NULL, NULL);
}

/* Wait (5 s at most) until this process has no KVM VM instance left. */
static int no_vm_left(struct tnl *nl)
{
	struct tk_scan s;
	int i;

	for (i = 0; i < 500; i++) {
		if (tk_scan(nl, getpid(), &s))
			return -EIO;
		if (!s.of_pid)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

/*
 * The VM is built unbound (kvm-<pid>-<n>), then bound late, under an
 * enforcing policy for its new name accepting the good image: it has the
 * name and UUID, stays PENDING, and its first KVM_RUN, judged by that
 * policy, lets it run TRUSTED.  The UUID finds it; the old name does not.
 */
TEST_F(kvm, late_bind_names_a_vm_before_it_runs)
{
	uint8_t good[32], uuid[TVM_UUID_SIZE] = { 0x1a, 0x7e, 0xb1 };
	char old[TVM_NAME_MAX + 1];
	struct late_reply r;
	struct tk_vm v;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, good_pcr9(good));
	ASSERT_EQ(0, no_vm_left(&self->nl));
	snprintf(self->policy[0], sizeof(self->policy[0]), "kh-%d-late",
		 getpid());
	ASSERT_EQ(0, tk_policy_load(&self->nl, self->policy[0],
				    TVM_POLICY_ENFORCE, good, NULL, 0))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, build_vm_of(self, &v));
	ASSERT_EQ(0, strncmp(v.name, "kvm-", 4)) TH_LOG("name %s", v.name);
	snprintf(old, sizeof(old), "%s", v.name);

	ASSERT_EQ(0, late_bind(&self->nl, getpid(), self->policy[0], uuid,
			       &r))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(v.id, r.v.id);
	EXPECT_STREQ(self->policy[0], r.v.name);
	EXPECT_EQ(0, memcmp(uuid, r.uuid, TVM_UUID_SIZE));
	EXPECT_TRUST(TVM_TRUST_PENDING, r.v);
	EXPECT_EQ(0, r.v.nreasons);

	/* Found by its new name and UUID, not by the old name. */
	EXPECT_EQ(-ENOENT, vm_get_by_name(&self->nl, old));
	EXPECT_EQ(0, vm_get_by_name(&self->nl, self->policy[0]));

	EXPECT_RUNS_TO_OUT(&self->vm, 0);
	ASSERT_EQ(0, kvm_vm_run(&self->vm, 0));
	EXPECT_EQ((uint32_t)KVM_EXIT_HLT, self->vm.vcpu[0].run->exit_reason);
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);

	/* It ran: too late now, even for another name. */
	EXPECT_EQ(-EBUSY, late_bind(&self->nl, getpid(), "kh-late-again",
				       NULL, NULL));
}

/* Bound late under an enforcing policy, a tampered image never runs. */
TEST_F(kvm, late_bind_enforce_refuses_a_tampered_image)
{
	uint8_t good[32];
	struct tk_vm v;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, good_pcr9(good));
	ASSERT_EQ(0, no_vm_left(&self->nl));
	snprintf(self->policy[0], sizeof(self->policy[0]), "kh-%d-latet",
		 getpid());
	ASSERT_EQ(0, tk_policy_load(&self->nl, self->policy[0],
				    TVM_POLICY_ENFORCE, good, NULL, 0));
	ASSERT_EQ(0, build_vm_of(self, &v));
	tamper(&self->vm);
	ASSERT_EQ(0, late_bind(&self->nl, getpid(), self->policy[0], NULL,
			       NULL))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(-EACCES, kvm_vm_run(&self->vm, 0));
	EXPECT_EQ(0, counter(&self->vm));
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_STREQ(self->policy[0], v.name);
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
}

/*
 * The events the VM logged before the bind (its VMM_EXE in PCR 8, at
 * creation, when no policy selected it) are judged against the new
 * name's policy at the bind, as if bound at creation: a policy whose vmm
 * level names another digest of this VMM notes the mismatch right away
 * (what the libvirt hook reports), and enforce refuses the first KVM_RUN.
 */
TEST_F(kvm, late_bind_judges_events_logged_before_it)
{
	char exe[4096];
	struct late_reply r;
	uint8_t d[32];
	struct tk_vm v;
	ssize_t len;

	if (_metadata->skip)
		return;
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, len);
	exe[len] = '\0';
	ASSERT_EQ(0, hash_file(exe, TVM_BANK_SHA256, d));
	d[0] ^= 0xff;	/* another VMM than this one */
	snprintf(self->policy[0], sizeof(self->policy[0]), "kh-%d-latev",
		 getpid());
	ASSERT_EQ(0, vmm_policy(&self->nl, self->policy[0],
				TVM_POLICY_ENFORCE, exe, d))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, build_vm_of(self, &v));
	EXPECT_EQ(0, v.nreasons);

	ASSERT_EQ(0, late_bind(&self->nl, getpid(), self->policy[0], NULL,
			       &r))
		TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_PENDING, r.v);
	EXPECT_NE(NULL, strstr(tvm_reasons(r.v.reasons, r.v.nreasons),
			       "pcr 8 event"))
		TH_LOG("reasons: %s", tvm_reasons(r.v.reasons, r.v.nreasons));

	EXPECT_EQ(-EACCES, kvm_vm_run(&self->vm, 0));
	EXPECT_EQ(0, counter(&self->vm));
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
}

/* A sleeping child (no VM), killed with us; its pid or -1. */
static pid_t late_sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	return pid;
}

/*
 * Every refusal, each with its errno and message, and none of them
 * changes the VM: ESRCH, ENOENT (no KVM VM), EINVAL (no name, a bad one,
 * with a migration id), EEXIST (a VM's name or UUID, a binding's name),
 * EALREADY (bound at creation, or late already), EBUSY (two VMs; ran).
 */
TEST_F(kvm, late_bind_refusals)
{
	uint8_t uuid[TVM_UUID_SIZE] = { 0x1a, 0x7e, 0xde };
	uint8_t mig[TVM_MIG_ID_SIZE] = { 1 };
	static struct tk_event cfg[32];
	struct kvm_vm second;
	struct tk_vm v, w;
	uint32_t other;
	struct tmsg m;
	pid_t kid;
	int n = 0;

	if (_metadata->skip)
		return;
	EXPECT_EQ(-ESRCH, late_bind(&self->nl, 0x7ffffff0u, "kh-late-x",
				    NULL, NULL));
	EXPECT_EXTACK("no such process");
	kid = late_sleeper();
	ASSERT_LT(0, kid);
	EXPECT_EQ(-ENOENT, late_bind(&self->nl, kid, "kh-late-x", NULL,
				     NULL));
	EXPECT_EXTACK("no KVM VM");
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	EXPECT_EQ(-ENOENT, late_bind(&self->nl, getpid(), "kh-late-x", NULL,
				     NULL));

	ASSERT_EQ(0, build_vm_of(self, &v));
	EXPECT_EQ(-EINVAL, late_bind(&self->nl, getpid(), NULL, NULL, NULL));
	EXPECT_EXTACK("needs a name");
	EXPECT_EQ(-EINVAL, late_bind(&self->nl, getpid(), "bad name", NULL,
				     NULL));
	EXPECT_EXTACK("may only hold");
	tmsg_init(&m, &self->nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, getpid());
	tmsg_put(&m, TVM_A_MIG_ID, mig, sizeof(mig));
	tmsg_put(&m, TVM_A_VM_BIND_CREATED, NULL, 0);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	EXPECT_EXTACK("no TVM_A_MIG_ID");
	/* A flag attribute with a payload: the strict policy refuses it. */
	tmsg_init(&m, &self->nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, getpid());
	tmsg_put_str(&m, TVM_A_VM_NAME, "kh-late-x");
	tmsg_put_u32(&m, TVM_A_VM_BIND_CREATED, 1);
	EXPECT_EQ(-ERANGE, tnl_call(&self->nl, &m, NULL, NULL));

	/* A name or UUID another VM has, a name a binding waits with. */
	ASSERT_EQ(0, tvm_vm_create(&self->nl, "kh-late-taken", 0, 0, &other));
	EXPECT_EQ(-EEXIST, late_bind(&self->nl, getpid(), "kh-late-taken",
				     NULL, NULL));
	EXPECT_EXTACK("a VM with this name exists");
	kid = late_sleeper();
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, tvm_vm_bind(&self->nl, kid, "kh-late-waits", uuid));
	EXPECT_EQ(-EEXIST, late_bind(&self->nl, getpid(), "kh-late-waits",
				     NULL, NULL));
	EXPECT_EXTACK("a binding (VM_BIND) has this name");
	EXPECT_EQ(-EEXIST, late_bind(&self->nl, getpid(), "kh-late-y", uuid,
				     NULL));
	EXPECT_EXTACK("a binding (VM_BIND) has this UUID");
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);

	/* None of the refusals renamed it. */
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &w));
	EXPECT_STREQ(v.name, w.name);

	/* Once bound, late or not, a VM keeps its name. */
	ASSERT_EQ(0, late_bind(&self->nl, getpid(), "kh-late-y", NULL, NULL))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(-EALREADY, late_bind(&self->nl, getpid(), "kh-late-z",
				       NULL, NULL));
	EXPECT_EXTACK("named the VM already");
	/* Its own name again is no exception. */
	EXPECT_EQ(-EALREADY, late_bind(&self->nl, getpid(), "kh-late-y",
				       NULL, NULL));

	/* Two VMs: which one? */
	ASSERT_EQ(0, build_vm(&second, 1, cfg, &n));
	EXPECT_EQ(-EBUSY, late_bind(&self->nl, getpid(), "kh-late-two",
				    NULL, NULL));
	EXPECT_EXTACK("several KVM VMs");
	kvm_vm_destroy(&second);
	tvm_vm_delete(&self->nl, other);
}

/* A VM bound at its creation (tvmctl launch) cannot be bound again. */
TEST_F(kvm, late_bind_refuses_a_vm_bound_at_creation)
{
	struct tk_vm v;

	if (_metadata->skip)
		return;
	snprintf(self->policy[0], sizeof(self->policy[0]), "kh-%d-early",
		 getpid());
	ASSERT_EQ(0, tk_vm_bind(&self->nl, getpid(), self->policy[0]));
	ASSERT_EQ(0, build_vm_of(self, &v));
	EXPECT_STREQ(self->policy[0], v.name);
	EXPECT_EQ(-EALREADY, late_bind(&self->nl, getpid(), "kh-early-2",
				       NULL, NULL));
	EXPECT_EXTACK("named the VM already");
	self->policy[0][0] = '\0';	/* no policy to delete */
}

/* A VM that ran (launched at its first KVM_RUN) is refused: EBUSY. */
TEST_F(kvm, late_bind_refuses_a_vm_that_ran)
{
	struct tk_vm v;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, build_vm_of(self, &v));
	EXPECT_RUNS_TO_OUT(&self->vm, 0);
	EXPECT_EQ(-EBUSY, late_bind(&self->nl, getpid(), "kh-late-ran", NULL,
				    NULL));
	EXPECT_EXTACK("ran already");
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_NE(0, strcmp("kh-late-ran", v.name));
}

/* A vCPU's KVM_RUN in a thread of its own, and what it returned. */
struct late_run {
	struct kvm_vm *vm;
	pthread_t t;
	int ret;
	volatile bool done;
};

static void *late_run_main(void *arg)
{
	struct late_run *r = arg;

	r->ret = kvm_vm_run(r->vm, 0);
	r->done = true;
	return NULL;
}

/*
 * With hold_unbound_ms (libvirt's case: its hook binds only after the
 * vCPUs were let run), the first KVM_RUN of an unbound VM waits, before
 * any guest instruction and before the launch, until a late bind names
 * it; then the new name's policy judges it: the good image runs TRUSTED,
 * a tampered one is refused (EACCES) without running an instruction.
 */
TEST_F(kvm, late_bind_hold_waits_for_the_bind)
{
	struct late_run run = { .vm = &self->vm };
	uint8_t good[32];
	struct tk_vm v;
	int k;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, good_pcr9(good));
	ASSERT_EQ(0, no_vm_left(&self->nl));
	ASSERT_EQ(0, set_hold_ms(20000)) TH_LOG("%s", HOLD_PARAM);
	self->hold_set = true;
	snprintf(self->policy[0], sizeof(self->policy[0]), "kh-%d-hold",
		 getpid());
	ASSERT_EQ(0, tk_policy_load(&self->nl, self->policy[0],
				    TVM_POLICY_ENFORCE, good, NULL, 0));
	for (k = 0; k < 2; k++) {
		char name[TVM_NAME_MAX + 8];

		snprintf(name, sizeof(name), "%s%s", self->policy[0],
			 k ? "-bad" : "");
		if (k) {
			snprintf(self->policy[1], sizeof(self->policy[1]),
				 "%.*s", TVM_NAME_MAX, name);
			ASSERT_EQ(0, tk_policy_load(&self->nl, name,
						    TVM_POLICY_ENFORCE, good,
						    NULL, 0));
		}
		ASSERT_EQ(0, build_vm_of(self, &v));
		if (k)
			tamper(&self->vm);
		run.done = false;
		ASSERT_EQ(0, pthread_create(&run.t, NULL, late_run_main,
					    &run));
		usleep(500000);
		/* Held: nothing ran, nothing was launched. */
		EXPECT_FALSE(run.done);
		EXPECT_EQ(0, counter(&self->vm));
		ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
		EXPECT_TRUST(TVM_TRUST_PENDING, v);

		ASSERT_EQ(0, late_bind(&self->nl, getpid(), name, NULL, NULL))
			TH_LOG("%s", self->nl.extack);
		ASSERT_EQ(0, pthread_join(run.t, NULL));
		ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
		EXPECT_STREQ(name, v.name);
		if (!k) {
			EXPECT_EQ(0, run.ret);
			EXPECT_EQ('t', kvm_vm_out_byte(self->vm.vcpu[0].run,
						       KVM_T_PORT));
			EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
		} else {
			EXPECT_EQ(-EACCES, run.ret);
			EXPECT_EQ(0, counter(&self->vm));
			EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
		}
		kvm_vm_destroy(&self->vm);
		self->vm.kvm = self->vm.fd = -1;
		ASSERT_EQ(0, no_vm_left(&self->nl));
	}
}

/*
 * No bind within hold_unbound_ms: the VM is launched by the name it has
 * (here under no policy), and a late bind after that is refused (EBUSY),
 * which the libvirt hook turns into a failed start.
 */
TEST_F(kvm, late_bind_hold_ends_without_a_bind)
{
	struct timespec t0, t1;
	struct tk_vm v;
	double s;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, set_hold_ms(700));
	self->hold_set = true;
	ASSERT_EQ(0, build_vm_of(self, &v));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT_RUNS_TO_OUT(&self->vm, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	EXPECT_LE(0.7, s) TH_LOG("KVM_RUN returned after %.3f s", s);
	ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
	EXPECT_NE((uint32_t)TVM_TRUST_PENDING, v.trust);
	EXPECT_EQ(-EBUSY, late_bind(&self->nl, getpid(), "kh-late-toolate",
				    NULL, NULL));
}


static int unprivileged_late_bind(uint32_t pid)
{
	struct tnl nl;

	if (tnl_open(&nl))
		return 1;
	if (!tvm_refused_cap(&nl, late_bind(&nl, pid, "kh-late-unpriv", NULL,
					    NULL)))
		return 2;
	return 0;
}

/* As a user without CAP_SYS_ADMIN: EPERM, and the VM keeps its name. */
TEST_F(kvm, late_bind_needs_cap_sys_admin)
{
	struct tk_vm v;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, build_vm_of(self, &v));
	EXPECT_EQ(0, as_unprivileged_user(unprivileged_late_bind, getpid()));
	EXPECT_EQ(0, late_bind(&self->nl, getpid(), "kh-late-unpriv", NULL,
			       NULL))
		TH_LOG("%s", self->nl.extack);
}


/* --- files bound with the VM (ABI 12) ------------------------------------ */

#define BF_KERNEL_SIZE	(150 * 1024)	/* more than one 64 KiB read */

struct bfile {
	const char *name;
	int fd;
	char path[64];
	uint8_t *data;
	size_t len;
};

/* A temporary file @name of @len bytes from @seed (0: "@name\n"), open. */
static int bfile_make(struct bfile *f, const char *name, size_t len,
		      uint64_t seed)
{
	f->name = name;
	snprintf(f->path, sizeof(f->path), "/tmp/kh-bfile-XXXXXX");
	f->fd = mkstemp(f->path);
	if (f->fd < 0)
		return -errno;
	unlink(f->path);
	f->len = seed ? len : strlen(name) + 1;
	f->data = malloc(f->len);
	if (!f->data)
		return -ENOMEM;
	if (seed)
		rnd_bytes(&seed, f->data, f->len);
	else
		snprintf((char *)f->data, f->len + 1, "%s\n", name);
	if (pwrite(f->fd, f->data, f->len, 0) != (ssize_t)f->len)
		return -EIO;
	return 0;
}

static void bfile_free(struct bfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->data);
}

/* One TVM_A_BFILE: @fd as @name (either left out when -1 / NULL). */
static void put_bfile(struct tmsg *m, int fd, const char *name)
{
	tmsg_nest_start(m, TVM_A_BFILE);
	if (fd != -1)
		tmsg_put_u32(m, TVM_A_BFILE_FD, (uint32_t)fd);
	if (name)
		tmsg_put_str(m, TVM_A_BFILE_NAME, name);
	tmsg_nest_end(m);
}

/* VM_BIND of this process to @name with the @n files @f. */
static int bind_files(struct tnl *nl, const char *name,
		      const struct bfile *f, int n)
{
	struct tmsg m;
	int i;

	tmsg_init(&m, nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, getpid());
	tmsg_put_str(&m, TVM_A_VM_NAME, name);
	tmsg_nest_start(&m, TVM_A_VM_BIND_FILES);
	for (i = 0; i < n; i++)
		put_bfile(&m, f[i].fd, f[i].name);
	tmsg_nest_end(&m);
	return tnl_call(nl, &m, NULL, NULL);
}

/*
 * PCR 9 in @bank as it should be after the first KVM_RUN: each file's
 * hash extended in order, then the two slot events of @vm.
 */
static int bfile_pcr9(unsigned int bank, const struct bfile *f, int n,
		      const struct kvm_vm *vm, uint8_t *out)
{
	static struct tk_event slots[2];
	uint8_t d[TVM_DIGEST_MAX];
	int i;

	memset(out, 0, TVM_DIGEST_MAX);
	for (i = 0; i < n; i++)
		if (md(bank, f[i].data, f[i].len, d) || extend(bank, out, d))
			return -1;
	if (slot_events(vm, slots))
		return -1;
	for (i = 0; i < 2; i++)
		if (md(bank, slots[i].data, slots[i].len, d) ||
		    extend(bank, out, d))
			return -1;
	return 0;
}

/*
 * A VM whose binding carries a kernel (150 KiB) and a command line has,
 * as soon as it exists and before any KVM_RUN, exactly those two FILE
 * events on PCR 9, named as bound and with the files' hashes in every
 * bank; after the first KVM_RUN its slots follow them, and PCR 9 replays
 * to files then slots in every bank.
 */
TEST_F(kvm, bind_files_are_in_pcr9_before_the_first_run)
{
	static struct tvm_log log;
	struct bfile f[2] = { { .fd = -1 }, { .fd = -1 } };
	static struct tvm_pcrs p;
	uint8_t d[TVM_DIGEST_MAX], want[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	char name[TVM_NAME_MAX + 1];
	unsigned int b;
	struct tk_vm v;
	size_t i;
	int k = 0;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, bfile_make(&f[0], "kernel", BF_KERNEL_SIZE, 0x6b65726eULL));
	ASSERT_EQ(0, bfile_make(&f[1], "cmdline", 0, 0));
	snprintf(name, sizeof(name), "kh-%d-bf", getpid());
	ASSERT_EQ(0, bind_files(&self->nl, name, f, 2))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, build_vm_of(self, &v));
	EXPECT_STREQ(name, v.name);
	EXPECT_TRUST(TVM_TRUST_PENDING, v);

	ASSERT_EQ(0, tvm_log_dump(&self->nl, v.id, 0, &log));
	for (i = 0; i < log.n; i++) {
		const struct tvm_ev *e = &log.ev[i];

		if (e->pcr != TVM_PCR_OS)
			continue;
		ASSERT_GT(2, k) TH_LOG("a PCR 9 event before the first run");
		EXPECT_EQ((uint32_t)TVM_EV_FILE, e->type);
		EXPECT_EQ(strlen(f[k].name), e->data_len);
		EXPECT_EQ(0, memcmp(f[k].name, e->data, e->data_len));
		EXPECT_EQ(vm_banks(&v), e->banks);
		for (b = 0; b < __TVM_BANK_MAX; b++) {
			if (!(vm_banks(&v) & (1u << b)))
				continue;
			ASSERT_EQ(0, md(b, f[k].data, f[k].len, d));
			EXPECT_PCR(d, e->digest[b], b, TVM_PCR_OS);
		}
		k++;
	}
	EXPECT_EQ(2, k);
	tvm_log_free(&log);

	/* PCR 9 to come, from the memory as it is before the guest runs. */
	for (b = 0; b < __TVM_BANK_MAX; b++)
		if (vm_banks(&v) & (1u << b))
			ASSERT_EQ(0, bfile_pcr9(b, f, 2, &self->vm, want[b]));
	EXPECT_RUNS_TO_OUT(&self->vm, 0);
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, v.id, &p));
	for (b = 0; b < __TVM_BANK_MAX; b++)
		if (vm_banks(&v) & (1u << b))
			EXPECT_PCR(want[b], p.v[b][TVM_PCR_OS], b, TVM_PCR_OS);
	bfile_free(&f[0]);
	bfile_free(&f[1]);
}

/*
 * Under an enforcing policy whose PCR 9 is that of the good files, the
 * VM runs trusted; with one byte of the initrd changed before the bind,
 * every KVM_RUN is refused before a guest instruction, and PCR 9 is the
 * changed file's.
 */
TEST_F(kvm, bind_files_judged_at_launch)
{
	struct bfile f[2] = { { .fd = -1 }, { .fd = -1 } };
	uint8_t good[TVM_DIGEST_MAX], bad[TVM_DIGEST_MAX];
	static struct tvm_pcrs p;
	struct kvm_vm probe;
	static struct tk_event cfg[32];
	struct tk_vm v;
	int n = 0, round;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, bfile_make(&f[0], "kernel", BF_KERNEL_SIZE, 0x6b65726eULL));
	ASSERT_EQ(0, bfile_make(&f[1], "initrd", 5000, 0x696e6974ULL));
	/* The good PCR 9, from the files and a VM built the same way. */
	ASSERT_EQ(0, build_vm(&probe, 1, cfg, &n));
	ASSERT_EQ(0, bfile_pcr9(TVM_BANK_SHA256, f, 2, &probe, good));
	kvm_vm_destroy(&probe);
	ASSERT_EQ(0, no_vm_left(&self->nl));

	for (round = 0; round < 2; round++) {
		snprintf(self->policy[round], sizeof(self->policy[round]),
			 "kh-%d-bfp%d", getpid(), round);
		ASSERT_EQ(0, tk_policy_load(&self->nl, self->policy[round],
					    TVM_POLICY_ENFORCE, good, NULL, 0))
			TH_LOG("%s", self->nl.extack);
		if (round == 1) {
			uint8_t c = f[1].data[4000] ^ 0x01;

			ASSERT_EQ(1, pwrite(f[1].fd, &c, 1, 4000));
			f[1].data[4000] = c;
		}
		ASSERT_EQ(0, bind_files(&self->nl, self->policy[round], f, 2))
			TH_LOG("%s", self->nl.extack);
		ASSERT_EQ(0, build_vm_of(self, &v));
		EXPECT_STREQ(self->policy[round], v.name);
		if (round == 0) {
			EXPECT_RUNS_TO_OUT(&self->vm, 0);
			ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
			EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
		} else {
			EXPECT_EQ(-EACCES, kvm_vm_run(&self->vm, 0));
			EXPECT_EQ(0, counter(&self->vm));
			ASSERT_EQ(0, tk_vm_get(&self->nl, v.id, &v));
			EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
			ASSERT_EQ(0, bfile_pcr9(TVM_BANK_SHA256, f, 2,
						&self->vm, bad));
			ASSERT_NE(0, memcmp(good, bad, 32));
			ASSERT_EQ(0, tvm_pcr_read(&self->nl, v.id, &p));
			EXPECT_PCR(bad, p.v[TVM_BANK_SHA256][TVM_PCR_OS],
				   TVM_BANK_SHA256, TVM_PCR_OS);
		}
		kvm_vm_destroy(&self->vm);
		self->vm.kvm = self->vm.fd = -1;
		ASSERT_EQ(0, no_vm_left(&self->nl));
	}
	bfile_free(&f[0]);
	bfile_free(&f[1]);
}

/*
 * Every bad TVM_A_VM_BIND_FILES is refused with its errno and message,
 * and none leaves a binding: the same name binds afterwards, and the VM
 * it names has no FILE event.
 */
TEST_F(kvm, bind_files_refusals)
{
	uint8_t mig[TVM_MIG_ID_SIZE] = { 1 };
	struct bfile f[5], k = { .fd = -1 };
	char name[TVM_NAME_MAX + 1];
	static struct tvm_log log;
	int i, dirfd, wfd, pfd[2];
	struct tmsg m;
	struct tk_vm v;
	size_t j;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, bfile_make(&k, "kernel", 3000, 0x6b65726eULL));
	snprintf(name, sizeof(name), "kh-%d-bfr", getpid());
	for (i = 0; i < 5; i++) {
		f[i] = k;
		f[i].name = (const char *[]){ "a", "b", "c", "d", "e" }[i];
	}
	/* Five files: one too many. */
	EXPECT_EQ(-EINVAL, bind_files(&self->nl, name, f, 5));
	EXPECT_EXTACK("TVM_BIND_FILES_MAX");
	/* A name twice; an empty name. */
	f[1].name = "a";
	EXPECT_EQ(-EINVAL, bind_files(&self->nl, name, f, 2));
	EXPECT_EXTACK("two bound files have this name");
	f[1].name = "";
	EXPECT_EQ(-EINVAL, bind_files(&self->nl, name, f, 2));
	EXPECT_EXTACK("empty file name");
	/* No such descriptor. */
	f[1].name = "b";
	f[1].fd = 9999;
	EXPECT_EQ(-EBADF, bind_files(&self->nl, name, f, 2));
	EXPECT_EXTACK("not an open file descriptor");
	/* A directory, a pipe, a file open for writing only. */
	dirfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, dirfd);
	f[1].fd = dirfd;
	EXPECT_EQ(-EINVAL, bind_files(&self->nl, name, f, 2));
	EXPECT_EXTACK("not a regular file open for reading");
	ASSERT_EQ(0, pipe(pfd));
	f[1].fd = pfd[0];
	EXPECT_EQ(-EINVAL, bind_files(&self->nl, name, f, 2));
	EXPECT_EXTACK("not a regular file open for reading");
	snprintf(f[4].path, sizeof(f[4].path), "/tmp/kh-bfw-%d", getpid());
	wfd = open(f[4].path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, wfd);
	unlink(f[4].path);
	f[1].fd = wfd;
	EXPECT_EQ(-EINVAL, bind_files(&self->nl, name, f, 2));
	EXPECT_EXTACK("not a regular file open for reading");
	f[1].fd = k.fd;

	/* A file without a descriptor or a name; an empty list. */
	tmsg_init(&m, &self->nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, getpid());
	tmsg_put_str(&m, TVM_A_VM_NAME, name);
	tmsg_nest_start(&m, TVM_A_VM_BIND_FILES);
	put_bfile(&m, -1, "kernel");
	tmsg_nest_end(&m);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	EXPECT_EXTACK("needs TVM_A_BFILE_FD and TVM_A_BFILE_NAME");
	tmsg_init(&m, &self->nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, getpid());
	tmsg_put_str(&m, TVM_A_VM_NAME, name);
	tmsg_nest_start(&m, TVM_A_VM_BIND_FILES);
	tmsg_nest_end(&m);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	EXPECT_EXTACK("TVM_A_VM_BIND_FILES is empty");
	/* An attribute the strict policy does not know, inside an entry. */
	tmsg_init(&m, &self->nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, getpid());
	tmsg_put_str(&m, TVM_A_VM_NAME, name);
	tmsg_nest_start(&m, TVM_A_VM_BIND_FILES);
	tmsg_nest_start(&m, TVM_A_BFILE);
	tmsg_put_u32(&m, TVM_A_BFILE_FD, (uint32_t)k.fd);
	tmsg_put_str(&m, TVM_A_BFILE_NAME, "kernel");
	tmsg_put_u32(&m, TVM_A_BFILE_NAME + 1, 0);
	tmsg_nest_end(&m);
	tmsg_nest_end(&m);
	EXPECT_NE(0, tnl_call(&self->nl, &m, NULL, NULL));
	/* Not with the late bind, not with a migration id. */
	for (i = 0; i < 2; i++) {
		tmsg_init(&m, &self->nl, TVM_CMD_VM_BIND, 0);
		tmsg_put_u32(&m, TVM_A_VM_PID, getpid());
		if (i == 0) {
			tmsg_put_str(&m, TVM_A_VM_NAME, name);
			tmsg_put(&m, TVM_A_VM_BIND_CREATED, NULL, 0);
		} else {
			tmsg_put(&m, TVM_A_MIG_ID, mig, sizeof(mig));
		}
		tmsg_nest_start(&m, TVM_A_VM_BIND_FILES);
		put_bfile(&m, k.fd, "kernel");
		tmsg_nest_end(&m);
		EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
		EXPECT_EXTACK("bound files are for a VM not created yet");
	}
	/* A bad VM name refuses the files too, whose hashing came first. */
	EXPECT_EQ(-EINVAL, bind_files(&self->nl, "bad name", f, 1));

	/* Nothing was bound: the name binds now, and its VM has no file. */
	ASSERT_EQ(0, tk_vm_bind(&self->nl, getpid(), name))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, build_vm_of(self, &v));
	EXPECT_STREQ(name, v.name);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, v.id, 0, &log));
	for (j = 0; j < log.n; j++)
		EXPECT_NE((uint32_t)TVM_EV_FILE, log.ev[j].type);
	tvm_log_free(&log);
	close(dirfd);
	close(pfd[0]);
	close(pfd[1]);
	close(wfd);
	bfile_free(&k);
}

TEST_HARNESS_MAIN
