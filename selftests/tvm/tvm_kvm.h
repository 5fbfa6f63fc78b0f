/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real KVM VMs for the tvm selftests, minivmm and the launch benchmark:
 *
 *  - A tiny VM: memory slots backed by anonymous mappings, vCPUs in real
 *    mode at an entry address (kvm_vm_*, each 0 or -errno).
 *  - The encodings of tvm_kvm's events (struct tvm_ev_slot, _memslot,
 *    _vcpu, _cpuid of <linux/tvm.h>), recomputed here with OpenSSL from
 *    the same bytes, with no code shared with the kernel: the tests'
 *    independent oracle (tk_ev_*, tk_replay).
 *  - Netlink requests of ABI 5 that tvm_test.h lacks: the VMs of a
 *    process, VM_BIND, VM_MEASURE, policies with a PCR 9 value and
 *    runtime ranges (tk_*).
 */
#ifndef _TVM_SELFTEST_KVM_H
#define _TVM_SELFTEST_KVM_H

#include <endian.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "tvm_crypto.h"

/* --- a tiny VM ----------------------------------------------------------- */

#define KVM_T_SLOTS	8
#define KVM_T_VCPUS	8

struct kvm_t_slot {
	uint32_t slot;		/* address space << 16 | id */
	uint32_t flags;
	uint64_t gpa, size;
	uint8_t *mem;		/* the VMM's mapping of it */
};

struct kvm_t_vcpu {
	int fd;
	uint32_t id;
	struct kvm_run *run;
};

struct kvm_vm {
	int kvm, fd;
	size_t run_size;
	int nslots, nvcpus;
	struct kvm_t_slot slot[KVM_T_SLOTS];
	struct kvm_t_vcpu vcpu[KVM_T_VCPUS];
};

/* Open /dev/kvm and create a VM; 0 or -errno (nothing left open). */
static inline int kvm_vm_create(struct kvm_vm *vm)
{
	int err;

	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
	vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0)
		return -errno;
	if (ioctl(vm->kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		close(vm->kvm);
		vm->kvm = -1;
		return -EINVAL;
	}
	vm->fd = ioctl(vm->kvm, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		err = -errno;
		close(vm->kvm);
		vm->kvm = -1;
		return err;
	}
	return 0;
}

/*
 * A slot of @size bytes at @gpa, backed by a fresh anonymous mapping
 * (never touched: it reads as zero); KVM_SET_USER_MEMORY_REGION.
 */
static inline int kvm_vm_add_slot(struct kvm_vm *vm, uint32_t slot,
				  uint32_t flags, uint64_t gpa, uint64_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
	};
	struct kvm_t_slot *s;
	void *mem;
	int err;

	if (vm->nslots == KVM_T_SLOTS)
		return -ENOSPC;
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	r.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r)) {
		err = -errno;
		munmap(mem, size);
		return err;
	}
	s = &vm->slot[vm->nslots++];
	s->slot = slot;
	s->flags = flags;
	s->gpa = gpa;
	s->size = size;
	s->mem = mem;
	return 0;
}

/* The VMM's address of guest physical @gpa, or NULL outside every slot. */
static inline uint8_t *kvm_vm_gpa(struct kvm_vm *vm, uint64_t gpa)
{
	int i;

	for (i = 0; i < vm->nslots; i++)
		if (gpa >= vm->slot[i].gpa &&
		    gpa - vm->slot[i].gpa < vm->slot[i].size)
			return vm->slot[i].mem + (gpa - vm->slot[i].gpa);
	return NULL;
}

/*
 * A vCPU with id @id in real mode at @entry (below 1 MiB): CS is
 * (entry & ~0xffff) >> 4, IP the low 16 bits.
 */
static inline int kvm_vm_add_vcpu(struct kvm_vm *vm, uint32_t id,
				  uint64_t entry)
{
	struct kvm_t_vcpu *v;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	long size;
	int fd, err;

	if (vm->nvcpus == KVM_T_VCPUS)
		return -ENOSPC;
	if (!vm->run_size) {
		size = ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
		if (size <= 0)
			return size < 0 ? -errno : -EINVAL;
		vm->run_size = size;
	}
	fd = ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (fd < 0)
		return -errno;
	v = &vm->vcpu[vm->nvcpus];
	v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      fd, 0);
	if (v->run == MAP_FAILED) {
		err = -errno;
		close(fd);
		return err;
	}
	v->fd = fd;
	v->id = id;
	vm->nvcpus++;

	if (ioctl(fd, KVM_GET_SREGS, &sregs))
		return -errno;
	sregs.cs.base = entry & 0xf0000;
	sregs.cs.selector = sregs.cs.base >> 4;
	if (ioctl(fd, KVM_SET_SREGS, &sregs))
		return -errno;
	memset(&regs, 0, sizeof(regs));
	regs.rip = entry & 0xffff;
	regs.rflags = 0x2;
	if (ioctl(fd, KVM_SET_REGS, &regs))
		return -errno;
	return 0;
}

/* KVM_RUN once; 0 or -errno.  The exit is in vm->vcpu[i].run. */
static inline int kvm_vm_run(struct kvm_vm *vm, int i)
{
	return ioctl(vm->vcpu[i].fd, KVM_RUN, 0) ? -errno : 0;
}

/* The byte an OUT of size 1 wrote, or -1 when the exit is not one. */
static inline int kvm_vm_out_byte(const struct kvm_run *run, uint16_t port)
{
	if (run->exit_reason != KVM_EXIT_IO ||
	    run->io.direction != KVM_EXIT_IO_OUT || run->io.port != port ||
	    run->io.size != 1 || run->io.count != 1)
		return -1;
	return ((const uint8_t *)run)[run->io.data_offset];
}

/* Close the VM's descriptors and unmap its memory: KVM destroys it. */
static inline void kvm_vm_destroy(struct kvm_vm *vm)
{
	int i;

	for (i = 0; i < vm->nvcpus; i++) {
		munmap(vm->vcpu[i].run, vm->run_size);
		close(vm->vcpu[i].fd);
	}
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->kvm >= 0)
		close(vm->kvm);
	for (i = 0; i < vm->nslots; i++)
		munmap(vm->slot[i].mem, vm->slot[i].size);
	memset(vm, 0, sizeof(*vm));
	vm->kvm = vm->fd = -1;
}

/*
 * KVM_GET_SUPPORTED_CPUID; a calloc'ed struct kvm_cpuid2 for
 * KVM_SET_CPUID2, or NULL.
 */
static inline struct kvm_cpuid2 *kvm_supported_cpuid(int kvm)
{
	struct kvm_cpuid2 *c;
	uint32_t n;

	for (n = 64; n <= 1024; n *= 2) {
		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return NULL;
		c->nent = n;
		if (!ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c))
			return c;
		free(c);
		if (errno != E2BIG)
			return NULL;
	}
	return NULL;
}

/* --- guest code ----------------------------------------------------------- */

/*
 * Real mode, DS = 0, at any entry below 64 KiB:
 *	lock incw 0x3000	(KVM_T_COUNTER: each vCPU counts itself)
 *	mov  $0x3f8, %dx
 *	mov  $'t', %al
 *	out  %al, (%dx)	(the exit the tests wait for)
 *	hlt
 * A vCPU that ran guest code leaves a trace in memory; one that was
 * stopped before its first instruction leaves none.
 */
#define KVM_T_ENTRY	0x1000
#define KVM_T_COUNTER	0x3000
#define KVM_T_PORT	0x3f8
static const uint8_t kvm_t_guest[] = {
	0xf0, 0xff, 0x06, 0x00, 0x30,
	0xba, 0xf8, 0x03,
	0xb0, 't',
	0xee,
	0xf4,
};

/* Real mode: out %al, (%dx) then jmp back to it, forever. */
static const uint8_t kvm_t_guest_out_loop[] = {
	0xba, 0xf8, 0x03,
	0xb0, 'l',
	0xee,
	0xeb, 0xfd,
};

/* --- the encodings, recomputed ---------------------------------------------- */

/* An event as tvm_kvm should log it: PCR, type and data. */
struct tk_event {
	uint32_t pcr, type;
	uint32_t len;
	uint8_t data[64];
};

static inline bool tk_zero_page(const uint8_t *p)
{
	size_t i;

	for (i = 0; i < TVM_PAGE_SIZE; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * struct tvm_ev_slot for @size bytes at @mem (ABI 13): SHA-256 over the
 * digests of its TVM_EV_SLOT_CHUNK-byte chunks, each 32 zero bytes when
 * the chunk is all zero, else SHA-256 of its bytes.  0 or -1.
 */
static inline int tk_ev_slot(uint32_t slot, uint32_t flags, uint64_t gpa,
			     const uint8_t *mem, uint64_t size,
			     struct tk_event *e)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t chunk[32];
	struct tvm_ev_slot ev;
	uint64_t off, p, len, pages = 0, nonzero;
	unsigned int n = 0;
	int ok;

	memset(&ev, 0, sizeof(ev));
	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (off = 0; ok && off < size; off += TVM_EV_SLOT_CHUNK) {
		len = size - off < TVM_EV_SLOT_CHUNK ? size - off
						     : TVM_EV_SLOT_CHUNK;
		nonzero = 0;
		for (p = 0; p < len; p += TVM_PAGE_SIZE)
			nonzero += !tk_zero_page(mem + off + p);
		memset(chunk, 0, sizeof(chunk));
		if (nonzero)
			ok = EVP_Digest(mem + off, len, chunk, NULL, EVP_sha256(),
					NULL);
		ok = ok && EVP_DigestUpdate(ctx, chunk, sizeof(chunk));
		pages += nonzero;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, ev.sha256, &n) && n == 32;
	EVP_MD_CTX_free(ctx);
	ev.slot = htole32(slot);
	ev.flags = htole32(flags);
	ev.gpa = htole64(gpa);
	ev.size = htole64(size);
	ev.pages = htole64(pages);
	e->pcr = TVM_PCR_OS;
	e->type = TVM_EV_SLOT;
	e->len = sizeof(ev);
	memcpy(e->data, &ev, sizeof(ev));
	return ok ? 0 : -1;
}

/* The TVM_EV_SLOT event of @vm's slot @i, from its current bytes. */
static inline int tk_ev_vm_slot(const struct kvm_vm *vm, int i,
				struct tk_event *e)
{
	const struct kvm_t_slot *s = &vm->slot[i];

	return tk_ev_slot(s->slot, s->flags, s->gpa, s->mem, s->size, e);
}

static inline void tk_ev_memslot(uint32_t slot, uint32_t flags, uint64_t gpa,
				 uint64_t size, struct tk_event *e)
{
	struct tvm_ev_memslot ev = {
		.slot = htole32(slot),
		.flags = htole32(flags),
		.gpa = htole64(gpa),
		.size = htole64(size),
	};

	e->pcr = TVM_PCR_CONFIG;
	e->type = TVM_EV_MEMSLOT;
	e->len = sizeof(ev);
	memcpy(e->data, &ev, sizeof(ev));
}

static inline void tk_ev_vcpu(uint32_t id, struct tk_event *e)
{
	struct tvm_ev_vcpu ev = { .vcpu_id = htole32(id) };

	e->pcr = TVM_PCR_CONFIG;
	e->type = TVM_EV_VCPU;
	e->len = sizeof(ev);
	memcpy(e->data, &ev, sizeof(ev));
}

/* struct tvm_ev_cpuid of @c as KVM_SET_CPUID2 was given it; 0 or -1. */
static inline int tk_ev_cpuid(uint32_t id, const struct kvm_cpuid2 *c,
			      struct tk_event *e)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	struct tvm_ev_cpuid ev;
	unsigned int n = 0;
	uint32_t w[7], i, k;
	int ok;

	memset(&ev, 0, sizeof(ev));
	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (i = 0; ok && i < c->nent; i++) {
		w[0] = c->entries[i].function;
		w[1] = c->entries[i].index;
		w[2] = c->entries[i].flags;
		w[3] = c->entries[i].eax;
		w[4] = c->entries[i].ebx;
		w[5] = c->entries[i].ecx;
		w[6] = c->entries[i].edx;
		for (k = 0; k < 7; k++)
			w[k] = htole32(w[k]);
		ok = EVP_DigestUpdate(ctx, w, sizeof(w));
	}
	ok = ok && EVP_DigestFinal_ex(ctx, ev.sha256, &n) && n == 32;
	EVP_MD_CTX_free(ctx);
	ev.vcpu_id = htole32(id);
	ev.nent = htole32(c->nent);
	e->pcr = TVM_PCR_CONFIG;
	e->type = TVM_EV_CPUID;
	e->len = sizeof(ev);
	memcpy(e->data, &ev, sizeof(ev));
	return ok ? 0 : -1;
}

/*
 * @pcr in bank @bank after extending it from zero with H_bank(data) of
 * each of @n events @ev that is for @pcr.  0 or -1.
 */
static inline int tk_replay(unsigned int bank, uint32_t pcr,
			    const struct tk_event *ev, int n, uint8_t *out)
{
	uint8_t d[TVM_DIGEST_MAX];
	int i;

	memset(out, 0, TVM_DIGEST_MAX);
	for (i = 0; i < n; i++) {
		if (ev[i].pcr != pcr)
			continue;
		if (md(bank, ev[i].data, ev[i].len, d) || extend(bank, out, d))
			return -1;
	}
	return 0;
}

/* --- netlink (ABI 5) --------------------------------------------------------- */

/* A VM as VM_GET shows it. */
struct tk_vm {
	uint32_t id, pid, banks, trust;
	bool kvm;
	char name[TVM_NAME_MAX + 1];
	int nreasons;
	char reasons[TVM_REASONS_MAX][TVM_REASON_MAX + 1];
	bool has_cids;		/* ABI 8: TVM_A_VM_CIDS was there */
	int ncids;
	uint32_t cids[TVM_VM_CIDS_MAX];
};

static inline void tk_vm_parse(const struct nlmsghdr *h, struct tk_vm *v)
{
	const struct nlattr *a, *r;

	memset(v, 0, sizeof(*v));
	if ((a = tmsg_attr(h, TVM_A_VM_ID)))
		v->id = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_PID)))
		v->pid = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_BANKS)))
		v->banks = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_TRUST)))
		v->trust = tattr_u32(a);
	v->kvm = tmsg_attr(h, TVM_A_VM_KVM);
	if ((a = tmsg_attr(h, TVM_A_VM_NAME)))
		snprintf(v->name, sizeof(v->name), "%.*s", tattr_len(a),
			 (const char *)tattr_data(a));
	if ((a = tmsg_attr(h, TVM_A_VM_REASONS)))
		tattr_for_each(r, tattr_data(a), tattr_len(a))
			if (tattr_type(r) == TVM_A_REASON &&
			    v->nreasons < TVM_REASONS_MAX)
				snprintf(v->reasons[v->nreasons++],
					 sizeof(v->reasons[0]), "%.*s",
					 tattr_len(r),
					 (const char *)tattr_data(r));
	if ((a = tmsg_attr(h, TVM_A_VM_CIDS))) {
		v->has_cids = true;
		tattr_for_each(r, tattr_data(a), tattr_len(a))
			if (tattr_type(r) == TVM_A_VM_CID &&
			    v->ncids < TVM_VM_CIDS_MAX)
				v->cids[v->ncids++] = tattr_u32(r);
	}
}

static inline int tk_vm_cb(const struct nlmsghdr *h, void *arg)
{
	tk_vm_parse(h, arg);
	return 0;
}

/* VM_GET of VM @id. */
static inline int tk_vm_get(struct tnl *nl, uint32_t id, struct tk_vm *v)
{
	memset(v, 0, sizeof(*v));
	return tvm_vm_call(nl, TVM_CMD_VM_GET, id, tk_vm_cb, v);
}

/* What a dump of every VM found, for @pid (0: any). */
struct tk_scan {
	uint32_t pid;
	int all, kvm, of_pid;	/* VMs; with VM_KVM; KVM ones of @pid */
	struct tk_vm last;	/* the KVM VM of @pid with the highest id */
};

static inline int tk_scan_cb(const struct nlmsghdr *h, void *arg)
{
	struct tk_scan *s = arg;
	struct tk_vm v;

	tk_vm_parse(h, &v);
	s->all++;
	if (!v.kvm)
		return 0;
	s->kvm++;
	if (s->pid && v.pid == s->pid) {
		s->of_pid++;
		if (v.id > s->last.id)
			s->last = v;
	}
	return 0;
}

static inline int tk_scan(struct tnl *nl, uint32_t pid, struct tk_scan *s)
{
	struct tmsg m;

	memset(s, 0, sizeof(*s));
	s->pid = pid;
	tmsg_init(&m, nl, TVM_CMD_VM_GET, NLM_F_DUMP);
	return tnl_call(nl, &m, tk_scan_cb, s);
}

/* The newest KVM VM of process @pid; -ENOENT when it has none. */
static inline int tk_vm_of(struct tnl *nl, uint32_t pid, struct tk_vm *v)
{
	static struct tk_scan s;
	int ret = tk_scan(nl, pid, &s);

	if (ret)
		return ret;
	if (!s.of_pid)
		return -ENOENT;
	*v = s.last;
	return 0;
}

/* VM_BIND: the next VM @pid creates is @name (a random UUID). */
static inline int tk_vm_bind(struct tnl *nl, uint32_t pid, const char *name)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, pid);
	tmsg_put_str(&m, TVM_A_VM_NAME, name);
	return tnl_call(nl, &m, NULL, NULL);
}

/* VM_MEASURE of VM @id; the VM as it replies in @v. */
static inline int tk_vm_measure(struct tnl *nl, uint32_t id, struct tk_vm *v)
{
	memset(v, 0, sizeof(*v));
	return tvm_vm_call(nl, TVM_CMD_VM_MEASURE, id, tk_vm_cb, v);
}

/* A runtime range of a policy. */
struct tk_range {
	uint64_t gpa, len;
	uint8_t sha256[32];
	uint32_t interval;
};

/* A POLICY_LOAD for the VM named @name in @mode, up to the open POLICY. */
static inline void tk_policy_begin(struct tmsg *m, struct tnl *nl,
				   const char *name, uint32_t mode)
{
	tmsg_init(m, nl, TVM_CMD_POLICY_LOAD, 0);
	tmsg_nest_start(m, TVM_A_POLICY);
	tmsg_put_u32(m, TVM_A_POLICY_VERSION, TVM_POLICY_VERSION);
	tmsg_put_str(m, TVM_A_POLICY_NAME, name);
	tmsg_put_u32(m, TVM_A_POLICY_MODE, mode);
}

/* A TVM_A_DIGEST of SHA-256 @value. */
static inline void tk_put_sha256(struct tmsg *m, const uint8_t *value)
{
	tmsg_nest_start(m, TVM_A_DIGEST);
	tmsg_put_u32(m, TVM_A_DIGEST_BANK, TVM_BANK_SHA256);
	tmsg_put(m, TVM_A_DIGEST_VALUE, value, 32);
	tmsg_nest_end(m);
}

/* A level of a policy that accepts only one SHA-256 value of its PCR. */
static inline void tk_policy_level_pcr(struct tmsg *m, uint32_t level,
				       const uint8_t *value)
{
	tmsg_nest_start(m, TVM_A_POLICY_LEVEL);
	tmsg_put_u32(m, TVM_A_LEVEL_NUM, level);
	tmsg_nest_start(m, TVM_A_LEVEL_PCR);
	tk_put_sha256(m, value);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
}

/*
 * POLICY_LOAD for the VM named @name: @mode; when @pcr9 (@pcr12) is not
 * NULL, level 1 (4) accepts only that SHA-256 value of PCR 9 (12); @nr
 * runtime ranges @r.
 */
static inline int tk_policy_load_pcrs(struct tnl *nl, const char *name,
				      uint32_t mode, const uint8_t *pcr9,
				      const uint8_t *pcr12,
				      const struct tk_range *r, int nr)
{
	struct tmsg *m = malloc(sizeof(*m));
	int i, ret;

	if (!m)
		return -ENOMEM;
	tk_policy_begin(m, nl, name, mode);
	if (pcr9)
		tk_policy_level_pcr(m, 1, pcr9);
	if (pcr12)
		tk_policy_level_pcr(m, 4, pcr12);
	for (i = 0; i < nr; i++) {
		tmsg_nest_start(m, TVM_A_POLICY_RUNTIME);
		tmsg_put_u64(m, TVM_A_RANGE_GPA, r[i].gpa);
		tmsg_put_u64(m, TVM_A_RANGE_LEN, r[i].len);
		tmsg_put(m, TVM_A_RANGE_SHA256, r[i].sha256, 32);
		if (r[i].interval)
			tmsg_put_u32(m, TVM_A_RANGE_INTERVAL, r[i].interval);
		tmsg_nest_end(m);
	}
	tmsg_nest_end(m);
	ret = tnl_call(nl, m, NULL, NULL);
	free(m);
	return ret;
}

/* tk_policy_load_pcrs() without a PCR 12 value. */
static inline int tk_policy_load(struct tnl *nl, const char *name,
				 uint32_t mode, const uint8_t *pcr9,
				 const struct tk_range *r, int nr)
{
	return tk_policy_load_pcrs(nl, name, mode, pcr9, NULL, r, nr);
}

static inline int tk_policy_delete(struct tnl *nl, const char *name)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_POLICY_DELETE, 0);
	tmsg_nest_start(&m, TVM_A_POLICY);
	tmsg_put_str(&m, TVM_A_POLICY_NAME, name);
	tmsg_nest_end(&m);
	return tnl_call(nl, &m, NULL, NULL);
}

/* "name: N" from securityfs tvm/stats, or -1. */
static inline long long tk_stat(const char *name)
{
	char line[128], key[64];
	long long v, ret = -1;
	FILE *f = fopen("/sys/kernel/security/" TVM_SECURITYFS_DIR "/stats",
			"r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %lld", key, &v) == 2 &&
		    !strcmp(key, name))
			ret = v;
	fclose(f);
	return ret;
}

#endif /* _TVM_SELFTEST_KVM_H */
