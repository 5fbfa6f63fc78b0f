// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory, hashed: the launch measurement of every memory slot into
 * PCR 9, and the runtime ranges of a VM's policy into PCR 13, on a
 * timer or when asked (Documentation/kvm.rst has both encodings).
 */

#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/hugetlb_inline.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/netlink.h>
#include <linux/pagemap.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "tvm_kvm.h"

/*
 * Whether the page at @addr has no page-table entry at all: in anonymous
 * memory, a page never touched (or given back with MADV_DONTNEED), which
 * reads as zeros.  Swapped-out pages, huge pages and anything else count
 * as touched.  Under mmap_read_lock; a fault racing with us only makes a
 * page read as the zeros it held a moment before.
 *
 * Open-coded because the kernel's walkers do not serve a module here.
 * walk_page_range() (mm/pagewalk.c, whose pte_hole callback would say
 * the same) is not exported in the target kernel, Debian 12's 6.1.  Of
 * what is exported, follow_pte() fails alike for an entry that is none
 * and one swapped out, which must count as touched, and
 * apply_to_existing_page_range() BUGs or WARNs on a huge page, which a
 * VMM's memory may hold.
 */
static bool tk_pte_none(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep;
	bool none;

	pgd = pgd_offset(mm, addr);
	if (pgd_none(READ_ONCE(*pgd)))
		return true;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(READ_ONCE(*p4d)))
		return true;
	pud = pud_offset(p4d, addr);
	if (pud_none(READ_ONCE(*pud)))
		return true;
	if (pud_leaf(READ_ONCE(*pud)))
		return false;
	pmdp = pmd_offset(pud, addr);
	pmd = READ_ONCE(*pmdp);
	if (pmd_none(pmd))
		return true;
	if (!pmd_present(pmd) || pmd_leaf(pmd) || pmd_bad(pmd))
		return false;
	ptep = pte_offset_map(pmdp, addr);
	none = pte_none(READ_ONCE(*ptep));
	pte_unmap(ptep);
	return none;
}

/*
 * Which of the @n pages from @addr of the current process must be read,
 * in @todo: bit i is clear when page i is anonymous memory never touched.
 * Such pages cost a page-table walk: no fault, no copy, no memory.
 */
static void tk_pages_to_read(unsigned long addr, unsigned int n,
			     unsigned long *todo)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma = NULL;
	unsigned long a;
	unsigned int i;

	bitmap_zero(todo, n);
	mmap_read_lock(mm);
	for (i = 0; i < n; i++) {
		a = addr + i * PAGE_SIZE;
		if (!vma || a >= vma->vm_end)
			vma = vma_lookup(mm, a);
		if (!vma || !vma_is_anonymous(vma) || !tk_pte_none(mm, a))
			__set_bit(i, todo);
	}
	mmap_read_unlock(mm);
}

/*
 * Whether any of [@hva, @hva + @size) of the current process maps device
 * memory (VM_IO, VM_PFNMAP).  Reading it could touch a device, so such a
 * slot's contents are never read.  A VMM that maps a device there after
 * this check only makes us read its own device, as it could itself.
 */
static bool tk_slot_is_device(unsigned long hva, u64 size)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long a = hva, end = hva + size;
	bool device = false;

	mmap_read_lock(mm);
	while (a < end) {
		vma = find_vma(mm, a);
		if (!vma || vma->vm_start >= end)
			break;
		if (vma->vm_flags & (VM_IO | VM_PFNMAP)) {
			device = true;
			break;
		}
		a = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return device;
}

/*
 * Launch hashing runs on all CPUs.  A slot is cut, from its start, into
 * chunks of TK_HASH_CHUNK bytes (the last may be shorter).  The measuring
 * thread, the VMM's own in its first KVM_RUN, takes each chunk's pages
 * with get_user_pages_fast(): every fault is the VMM's, in its context,
 * as a read of its memory would be, and pages never touched are not
 * taken (tk_pages_to_read()).  It queues the chunk on tk_wq, whose
 * workers hash the pages they are handed and never fault.  At most
 * tk_hasher.n chunks are out at once; the thread takes their digests
 * back in order and folds them into the slot's digest (struct
 * tvm_ev_slot: SHA-256 over the chunks' digests, 32 zero bytes for a
 * chunk whose bytes are all zero, else SHA-256 of its bytes).
 *
 * 2 MiB: a worker's hashing (milliseconds) dwarfs queueing it
 * (microseconds), 128 chunks of a 256 MiB guest keep any number of CPUs
 * busy to the end, a chunk is a huge page of a guest backed by them,
 * and the page array of one chunk is a page.  The zero pages of a chunk
 * that is not all zero are hashed too; for a VM at its first KVM_RUN,
 * mostly untouched, that is a few chunks.
 */
#define TK_HASH_CHUNK		TVM_EV_SLOT_CHUNK
#define TK_HASH_CHUNK_PAGES	(TK_HASH_CHUNK / TVM_PAGE_SIZE)
/* Chunks out at once, at most: 32 MiB of guest memory held, 68 KiB here. */
#define TK_HASH_INFLIGHT_MAX	16

/*
 * Chunks out at once: 0 (the default) twice the online CPUs, else this
 * many, at most TK_HASH_INFLIGHT_MAX; 1 hashes one chunk at a time in
 * the VMM's thread, no worker, as before chunks (bench/launch_bench.c
 * compares both).  Read at each launch.
 */
static unsigned int launch_hash_chunks;
module_param(launch_hash_chunks, uint, 0644);
MODULE_PARM_DESC(launch_hash_chunks,
		 "launch hashing: 2 MiB chunks hashed at once (0: twice the online CPUs, at most 16)");

/**
 * struct tk_chunk - one chunk of a slot, handed to a worker
 * @work: on tk_wq; queued by the measuring thread once @done is reset
 * @done: completed by the worker once it set @nonzero, @digest and @ret
 *	and gave back @page; the thread reads those only after waiting for it
 * @cancel: the hasher's, set by the thread when it gives up, read by the
 *	worker without a lock: seeing it late costs only time
 * @npages: pages in the chunk
 * @nonzero: pages of the chunk that are not all zero
 * @ret: 0 or the hash's error (-EINTR when cancelled)
 * @digest: 32 zero bytes for a chunk all zero, else SHA-256 of its bytes
 * @page: each page with a reference, or NULL where never touched; set
 *	by the thread before it queues the chunk, emptied by the worker
 */
struct tk_chunk {
	struct work_struct work;
	struct completion done;
	const bool *cancel;
	unsigned int npages;
	unsigned int nonzero;
	int ret;
	u8 digest[SHA256_DIGEST_SIZE];
	struct page *page[TK_HASH_CHUNK_PAGES];
};

/**
 * struct tk_hasher - the chunks of one launch, used slot after slot
 * @n: chunks out at once, at most; fixed
 * @cancel: see &struct tk_chunk; written by the measuring thread only
 * @chunk: @n of them, each in use from its queueing until it is taken back
 */
struct tk_hasher {
	unsigned int n;
	bool cancel;
	struct tk_chunk *chunk;
};

static void tk_chunk_put_pages(struct tk_chunk *c)
{
	unsigned int i;

	for (i = 0; i < c->npages; i++) {
		if (c->page[i])
			put_page(c->page[i]);
		c->page[i] = NULL;
	}
}

/* The worker: @c's pages, counted and hashed. */
static void tk_chunk_work(struct work_struct *work)
{
	struct tk_chunk *c = container_of(work, struct tk_chunk, work);
	struct crypto_shash *tfm = tvm_sha256_tfm();
	SHASH_DESC_ON_STACK(desc, tfm);
	unsigned int i;
	int ret = 0;
	void *p;

	c->nonzero = 0;
	for (i = 0; i < c->npages; i++) {
		if (!c->page[i])
			continue;
		p = kmap_local_page(c->page[i]);
		if (memchr_inv(p, 0, PAGE_SIZE))
			c->nonzero++;
		kunmap_local(p);
	}
	memset(c->digest, 0, sizeof(c->digest));
	if (c->nonzero) {
		desc->tfm = tfm;
		ret = crypto_shash_init(desc);
		for (i = 0; !ret && i < c->npages; i++) {
			if (READ_ONCE(*c->cancel)) {
				ret = -EINTR;
				break;
			}
			p = kmap_local_page(c->page[i] ?: ZERO_PAGE(0));
			ret = crypto_shash_update(desc, p, PAGE_SIZE);
			kunmap_local(p);
			cond_resched();
		}
		if (!ret)
			ret = crypto_shash_final(desc, c->digest);
		shash_desc_zero(desc);
	}
	c->ret = ret;
	tk_chunk_put_pages(c);
	complete(&c->done);
}

/*
 * Take the @n pages of @c from @hva of the current process and hand
 * them to a worker, or hash them here if @inline_hash; a chunk with no
 * page to read is done at once.  On
 * error the pages taken so far are given back and nothing is queued.
 */
static int tk_chunk_start(struct tk_chunk *c, unsigned long hva,
			  unsigned int n, bool inline_hash)
{
	DECLARE_BITMAP(todo, TK_HASH_CHUNK_PAGES);
	unsigned int i, end;
	int got;

	c->npages = n;
	c->nonzero = 0;
	c->ret = 0;
	memset(c->page, 0, n * sizeof(c->page[0]));
	reinit_completion(&c->done);
	tk_pages_to_read(hva, n, todo);
	i = find_first_bit(todo, n);
	if (i >= n) {
		memset(c->digest, 0, sizeof(c->digest));
		complete(&c->done);
		return 0;
	}
	while (i < n) {
		end = find_next_zero_bit(todo, n, i);
		while (i < end) {
			got = get_user_pages_fast(hva + i * PAGE_SIZE, end - i,
						  0, &c->page[i]);
			if (got <= 0) {
				tk_chunk_put_pages(c);
				return got ? got : -EFAULT;
			}
			i += got;
		}
		i = find_next_bit(todo, n, end);
	}
	if (inline_hash)
		tk_chunk_work(&c->work);
	else
		queue_work(tk_wq, &c->work);
	return 0;
}

/*
 * Wait for @c, once (killably if @killable), and fold its digest into
 * @desc, unless @desc is NULL (giving up).  A wait cut short cancels the
 * other chunks and waits for this one to stop: a worker never outlives
 * the launch.
 */
static int tk_chunk_take(struct tk_hasher *h, struct tk_chunk *c,
			 struct shash_desc *desc, bool killable, u64 *pages)
{
	int ret = 0;

	if (!killable) {
		wait_for_completion(&c->done);
	} else if (wait_for_completion_killable(&c->done)) {
		WRITE_ONCE(h->cancel, true);
		ret = -EINTR;
		wait_for_completion(&c->done);
	}
	if (ret || !desc)
		return ret;
	if (c->ret)
		return c->ret;
	*pages += c->nonzero;
	return crypto_shash_update(desc, c->digest, sizeof(c->digest));
}

/*
 * The content digest of one slot (struct tvm_ev_slot), chunk by chunk
 * on tk_wq's workers (above).  Read from the VMM's mapping, so this runs
 * in the VMM's context; pages never touched are neither faulted in nor
 * taken, and read as zeros.  It waits for every chunk it queued.
 */
static int tk_hash_slot(const struct kvm_memory_slot *slot,
			struct tk_hasher *h, struct tvm_ev_slot *ev)
{
	struct crypto_shash *tfm = tvm_sha256_tfm();
	SHASH_DESC_ON_STACK(desc, tfm);
	u64 size = (u64)slot->npages << PAGE_SHIFT;
	u64 nchunks, queued, taken = 0, off, pages = 0;
	struct tk_chunk *c;
	unsigned int n;
	int ret, err;

	BUILD_BUG_ON(PAGE_SIZE != TVM_PAGE_SIZE);
	ev->slot = cpu_to_le32((u32)slot->as_id << 16 | (u16)slot->id);
	ev->flags = cpu_to_le32(slot->flags);
	ev->gpa = cpu_to_le64((u64)slot->base_gfn << PAGE_SHIFT);
	ev->size = cpu_to_le64(size);
	if (tk_slot_is_device(slot->userspace_addr, size)) {
		/* Configuration only: @pages and @sha256 stay zero. */
		ev->slot |= cpu_to_le32(TVM_EV_SLOT_DEVICE);
		return 0;
	}

	desc->tfm = tfm;
	ret = crypto_shash_init(desc);
	h->cancel = false;
	nchunks = DIV_ROUND_UP(size, TK_HASH_CHUNK);
	for (queued = 0; !ret && queued < nchunks; queued++) {
		c = &h->chunk[queued % h->n];
		if (queued - taken == h->n) {
			/* Its previous chunk, the oldest out: taken even on error. */
			ret = tk_chunk_take(h, c, desc, true, &pages);
			taken++;
			if (ret)
				break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		off = queued * TK_HASH_CHUNK;
		n = min_t(u64, TK_HASH_CHUNK_PAGES, (size - off) >> PAGE_SHIFT);
		ret = tk_chunk_start(c, slot->userspace_addr + off, n,
				     h->n == 1);
		if (ret)
			break;
		cond_resched();
	}
	if (ret)
		WRITE_ONCE(h->cancel, true);
	for (; taken < queued; taken++) {
		err = tk_chunk_take(h, &h->chunk[taken % h->n],
				    ret ? NULL : desc, false, &pages);
		if (!ret)
			ret = err;
	}
	if (!ret)
		ret = crypto_shash_final(desc, ev->sha256);
	shash_desc_zero(desc);
	ev->pages = cpu_to_le64(pages);
	return ret;
}

static struct tk_hasher *tk_hasher_new(void)
{
	struct tk_hasher *h;
	unsigned int i;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return NULL;
	h->n = READ_ONCE(launch_hash_chunks);
	if (!h->n)
		h->n = 2 * num_online_cpus();
	h->n = min_t(unsigned int, h->n, TK_HASH_INFLIGHT_MAX);
	h->chunk = kvcalloc(h->n, sizeof(*h->chunk), GFP_KERNEL);
	if (!h->chunk) {
		kfree(h);
		return NULL;
	}
	for (i = 0; i < h->n; i++) {
		INIT_WORK(&h->chunk[i].work, tk_chunk_work);
		init_completion(&h->chunk[i].done);
		h->chunk[i].cancel = &h->cancel;
	}
	return h;
}

static void tk_hasher_free(struct tk_hasher *h)
{
	kvfree(h->chunk);
	kfree(h);
}

static int slot_cmp(const void *a, const void *b)
{
	const struct kvm_memory_slot *x = *(const struct kvm_memory_slot **)a;
	const struct kvm_memory_slot *y = *(const struct kvm_memory_slot **)b;

	return x->id - y->id;
}

/* The user slots of one address space, sorted by id; under kvm->srcu. */
static int tk_sorted_slots(struct kvm_memslots *slots,
			   struct kvm_memory_slot ***out)
{
	struct kvm_memory_slot *slot, **v;
	int bkt, n = 0, i = 0;

	kvm_for_each_memslot(slot, bkt, slots)
		if (slot->id < KVM_USER_MEM_SLOTS)
			n++;
	*out = NULL;
	if (!n)
		return 0;
	v = kvmalloc_array(n, sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return -ENOMEM;
	kvm_for_each_memslot(slot, bkt, slots)
		if (slot->id < KVM_USER_MEM_SLOTS && i < n)
			v[i++] = slot;
	sort(v, i, sizeof(*v), slot_cmp, NULL);
	*out = v;
	return i;
}

int tk_measure_slots(struct tk_vm *tk)
{
	struct kvm *kvm = tk->kvm;
	struct kvm_memory_slot **v;
	struct tvm_ev_slot ev;
	struct tk_hasher *h;
	int as, i, n, idx, ret = 0;

	h = tk_hasher_new();
	if (!h)
		return -ENOMEM;
	/* KVM may not change the slots under us; it waits for srcu. */
	idx = srcu_read_lock(&kvm->srcu);
	for (as = 0; !ret && as < KVM_ADDRESS_SPACE_NUM; as++) {
		n = tk_sorted_slots(__kvm_memslots(kvm, as), &v);
		if (n < 0) {
			ret = n;
			break;
		}
		for (i = 0; !ret && i < n; i++) {
			memset(&ev, 0, sizeof(ev));
			ret = tk_hash_slot(v[i], h, &ev) ?:
			      tvm_vm_extend_data(tk->vm, TVM_PCR_OS,
						 TVM_EV_SLOT, &ev, sizeof(ev));
		}
		kvfree(v);
	}
	srcu_read_unlock(&kvm->srcu, idx);
	tk_hasher_free(h);
	return ret;
}

/*
 * How long one run of the runtime work waits, in all, for guest pages
 * that are not resident.  A page behind a userfaultfd nobody serves, a
 * FUSE file whose daemon does not answer, or swap I/O is waited for this
 * long and no longer: VM_MEASURE and the VM's destruction, which wait
 * for the work, are never held up by a page fault that does not end.
 */
#define TK_RESIDENT_WAIT	(2 * HZ)

/*
 * Whether a fault on a page of @vma that has no page-table entry would
 * call into a filesystem: a file mapping other than shmem (tmpfs, memfd,
 * shared anonymous memory) and hugetlbfs.  Its ->fault, ->readahead and
 * ->read_folio may wait for anything, and FOLL_NOWAIT does not stop them:
 * filemap_fault() runs the readahead without dropping the mmap lock when
 * it may not retry, FUSE's ->readahead waits for the READ's answer unless
 * the daemon asked for FUSE_ASYNC_READ, and ->read_folio (used when there
 * is no readahead, e.g. under MADV_RANDOM) waits for every filesystem.
 * A kernel worker's wait for a FUSE answer is not interruptible by
 * anything but the daemon or an abort of the connection.
 */
static bool tk_fault_reads_file(struct vm_area_struct *vma)
{
	return vma->vm_file && !shmem_file(vma->vm_file) &&
	       !is_vm_hugetlb_page(vma);
}

/*
 * The page a read fault at @hva of file mapping @vma would map when the
 * page table has nothing there: the file's page at that offset, if the
 * page cache has it up to date (1), else none (0).  Under mmap_read_lock.
 */
static int tk_cached_page(struct vm_area_struct *vma, unsigned long hva,
			  struct page **page)
{
	pgoff_t index = linear_page_index(vma, hva);
	struct folio *folio;

	folio = filemap_get_folio(vma->vm_file->f_mapping, index);
	if (!folio)
		return 0;
	if (!folio_test_uptodate(folio)) {
		folio_put(folio);
		return 0;
	}
	*page = folio_file_page(folio, index);
	return 1;
}

/*
 * One try at the page at @hva of @mm, with a reference: 1, 0 when it is
 * not in memory now, or -errno.  Anonymous, shmem and hugetlbfs memory
 * are faulted in with FOLL_NOWAIT: a fault that would sleep (userfaultfd,
 * swap-in) starts what it needs and returns at once.  A file's pages are
 * never faulted in (tk_fault_reads_file()): taken as mapped, or from the
 * page cache when the page table has nothing there; a page that is in
 * neither, or that is swapped out from a private mapping, is not in
 * memory.  Device memory (VM_IO, VM_PFNMAP) is refused with -EFAULT,
 * never read.
 */
static long tk_try_page(struct mm_struct *mm, unsigned long hva,
			struct page **page)
{
	struct vm_area_struct *vma;
	long n;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, hva);
	if (!vma || (vma->vm_flags & (VM_IO | VM_PFNMAP))) {
		n = -EFAULT;
	} else if (!tk_fault_reads_file(vma)) {
		n = get_user_pages_remote(mm, hva, 1, FOLL_NOWAIT, page, NULL,
					  NULL);
	} else {
		/*
		 * -EFAULT from FOLL_NOFAULT: not mapped, or not present.  A
		 * write fault that fills the entry after tk_pte_none() only
		 * makes us read the bytes from just before the write.
		 */
		n = get_user_pages_remote(mm, hva, 1, FOLL_NOFAULT, page, NULL,
					  NULL);
		if (n == -EFAULT)
			n = tk_pte_none(mm, hva) ? tk_cached_page(vma, hva, page)
						 : 0;
	}
	mmap_read_unlock(mm);
	return n;
}

/*
 * The page at @hva of @mm, with a reference (tk_try_page()), tried again
 * every 10 ms until @deadline, then -EAGAIN.
 */
static int tk_get_page(struct mm_struct *mm, unsigned long hva,
		       unsigned long deadline, struct page **page)
{
	long n;

	for (;;) {
		n = tk_try_page(mm, hva, page);
		if (n == 1)
			return 0;
		if (n < 0)
			return n;
		if (time_after(jiffies, deadline))
			return -EAGAIN;
		usleep_range(10000, 20000);
	}
}

/*
 * SHA-256 of guest memory [gpa, gpa + len), through the VMM's mm (which
 * the caller holds with mmget), page by page.
 */
static int tk_hash_range(struct kvm *kvm, u64 gpa, u64 len,
			 unsigned long deadline, u8 *out)
{
	struct crypto_shash *tfm = tvm_sha256_tfm();
	SHASH_DESC_ON_STACK(desc, tfm);
	unsigned long hva;
	struct page *page;
	size_t chunk;
	void *p;
	u64 off, a;
	int idx, ret;

	desc->tfm = tfm;
	ret = crypto_shash_init(desc);
	idx = srcu_read_lock(&kvm->srcu);
	for (off = 0; !ret && off < len; off += chunk) {
		a = gpa + off;
		chunk = min_t(u64, len - off, PAGE_SIZE - offset_in_page(a));
		hva = gfn_to_hva(kvm, gpa_to_gfn(a));
		if (kvm_is_error_hva(hva)) {
			ret = -EFAULT;
			break;
		}
		ret = tk_get_page(kvm->mm, hva, deadline, &page);
		if (ret)
			break;
		p = kmap_local_page(page);
		ret = crypto_shash_update(desc, p + offset_in_page(a), chunk);
		kunmap_local(p);
		put_page(page);
		cond_resched();
	}
	srcu_read_unlock(&kvm->srcu, idx);
	if (!ret)
		ret = crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	return ret;
}

/* What tk_vm knows of the range @gpa+@len, or NULL; under runtime_lock. */
static struct tk_range_state *tk_range_find(struct tk_vm *tk, u64 gpa,
					    u64 len)
{
	unsigned int i;

	for (i = 0; i < tk->nranges; i++)
		if (tk->ranges[i].gpa == gpa && tk->ranges[i].len == len)
			return &tk->ranges[i];
	return NULL;
}

/*
 * The state of range @r for this run, in @next: kept from the last run
 * when the policy still has the range, else new and due now.
 */
static struct tk_range_state *tk_range_state(struct tk_vm *tk,
					     const struct tvm_range *r,
					     struct tk_range_state *next,
					     unsigned int *nnext)
{
	struct tk_range_state *st = &next[(*nnext)++];
	struct tk_range_state *old = tk_range_find(tk, r->gpa, r->len);

	if (old) {
		*st = *old;
		return st;
	}
	memset(st, 0, sizeof(*st));
	st->gpa = r->gpa;
	st->len = r->len;
	st->due = jiffies;
	return st;
}

static void tk_measure_range(struct tk_vm *tk, const struct tvm_range *r,
			     struct tk_range_state *st, unsigned long deadline)
{
	char reason[TVM_REASON_MAX + 1];
	struct tvm_ev_runtime ev;
	bool changed;
	int ret;

	ret = tk_hash_range(tk->kvm, r->gpa, r->len, deadline, ev.sha256);
	if (ret) {
		snprintf(reason, sizeof(reason),
			 "runtime: range 0x%llx+%llu could not be read (%d%s)",
			 r->gpa, r->len, ret,
			 ret == -EAGAIN ? ": a page stayed out of memory" : "");
		tvm_vm_mismatch(tk->vm, reason);
		st->known = false;
		return;
	}
	/*
	 * Logged only when the digest changes, so that an unchanged guest
	 * does not fill its log; compared again whenever either it or the
	 * policy's digest changed (a new policy may expect another value).
	 */
	changed = !st->known || memcmp(st->sha256, ev.sha256, 32);
	if (!changed && !memcmp(st->want, r->sha256, 32))
		return;
	memcpy(st->sha256, ev.sha256, 32);
	memcpy(st->want, r->sha256, 32);
	st->known = true;
	if (changed) {
		ev.gpa = cpu_to_le64(r->gpa);
		ev.len = cpu_to_le64(r->len);
		ret = tvm_vm_extend_data(tk->vm, TVM_PCR_RUNTIME,
					 TVM_EV_RUNTIME, &ev, sizeof(ev));
		if (ret && ret != -ENOSPC && ret != -ENOENT) {
			/* Not logged: measured again next time. */
			st->known = false;
			snprintf(reason, sizeof(reason),
				 "runtime: range 0x%llx+%llu could not be logged (%d)",
				 r->gpa, r->len, ret);
			tvm_vm_mismatch(tk->vm, reason);
		}
	}
	if (memcmp(ev.sha256, r->sha256, 32)) {
		snprintf(reason, sizeof(reason),
			 "runtime: range 0x%llx+%llu does not match its digest",
			 r->gpa, r->len);
		tvm_vm_mismatch(tk->vm, reason);
	}
}

/* Measure the due ranges (all of them when forced); under runtime_lock. */
static int tk_measure_ranges(struct tk_vm *tk, const struct tvm_range *r,
			     unsigned int n, bool force)
{
	unsigned long deadline = jiffies + TK_RESIDENT_WAIT;
	struct tk_range_state *next, *st;
	struct kvm *kvm = tk->kvm;
	unsigned int i, nnext = 0;

	next = kmalloc_array(TVM_POLICY_RANGES_MAX, sizeof(*next), GFP_KERNEL);
	if (!next)
		return -ENOMEM;
	if (!mmget_not_zero(kvm->mm)) {
		kfree(next);
		return -ENOENT;
	}
	for (i = 0; i < n; i++) {
		st = tk_range_state(tk, &r[i], next, &nnext);
		if (!force && (!r[i].interval_ms || time_before(jiffies, st->due)))
			continue;
		tk_measure_range(tk, &r[i], st, deadline);
		if (r[i].interval_ms)
			st->due = jiffies + msecs_to_jiffies(r[i].interval_ms);
	}
	mmput(kvm->mm);

	/* Ranges the policy no longer has are forgotten. */
	memcpy(tk->ranges, next, nnext * sizeof(next[0]));
	tk->nranges = nnext;
	kfree(next);
	return 0;
}

/*
 * Queue the runtime work for the first of @r's @n ranges with an interval
 * to come due (ranges not measured yet are due now), if any.
 */
static void tk_runtime_arm_ranges(struct tk_vm *tk, const struct tvm_range *r,
				  unsigned int n)
{
	unsigned long next = MAX_JIFFY_OFFSET, now = jiffies, due;
	struct tk_range_state *st;
	unsigned int i;

	mutex_lock(&tk->runtime_lock);
	for (i = 0; i < n; i++) {
		if (!r[i].interval_ms)
			continue;
		st = tk_range_find(tk, r[i].gpa, r[i].len);
		due = st && time_after(st->due, now) ? st->due : now;
		next = min(next, due - now);
	}
	mutex_unlock(&tk->runtime_lock);
	if (next != MAX_JIFFY_OFFSET)
		tk_runtime_queue(tk, next);
}

void tk_runtime_work(struct work_struct *work)
{
	struct tk_vm *tk = container_of(to_delayed_work(work), struct tk_vm,
					runtime_work);
	struct tvm_range *r;
	unsigned int n = 0;
	bool force;
	int ret;

	r = kmalloc_array(TVM_POLICY_RANGES_MAX, sizeof(*r), GFP_KERNEL);
	mutex_lock(&tk->runtime_lock);
	force = tk->runtime_force;
	tk->runtime_force = false;
	ret = -ENOMEM;
	if (r) {
		n = tvm_vm_ranges(tk->vm, r);
		ret = -ENOENT;
		if (tk_kvm_get(tk)) {
			ret = tk_measure_ranges(tk, r, n, force);
			kvm_put_kvm(tk->kvm);
		}
	}
	tk->runtime_err = ret;
	mutex_unlock(&tk->runtime_lock);
	if (r)
		tk_runtime_arm_ranges(tk, r, n);
	else
		tk_runtime_arm(tk);
	kfree(r);
}

void tk_runtime_arm(struct tk_vm *tk)
{
	struct tvm_range *r;

	r = kmalloc_array(TVM_POLICY_RANGES_MAX, sizeof(*r), GFP_KERNEL);
	if (!r)
		return;
	tk_runtime_arm_ranges(tk, r, tvm_vm_ranges(tk->vm, r));
	kfree(r);
}

int tk_measure(struct tvm_vm *vm, struct netlink_ext_ack *extack)
{
	struct tk_vm *tk;
	int ret;

	tk = tk_lookup_vm(vm);
	if (!tk || READ_ONCE(tk->dead)) {
		NL_SET_ERR_MSG(extack, "the KVM VM is gone");
		if (tk)
			tk_put(tk);
		return -ENOENT;
	}
	mutex_lock(&tk->runtime_lock);
	tk->runtime_force = true;
	mutex_unlock(&tk->runtime_lock);
	/* Guest memory is read in a kthread that borrows the VMM's mm. */
	tk_runtime_queue(tk, 0);
	flush_delayed_work(&tk->runtime_work);
	mutex_lock(&tk->runtime_lock);
	ret = tk->runtime_err;
	mutex_unlock(&tk->runtime_lock);
	if (ret == -ENOENT)
		NL_SET_ERR_MSG(extack, "the KVM VM is being destroyed");
	else if (ret)
		NL_SET_ERR_MSG(extack, "measuring the runtime ranges failed");
	tk_put(tk);
	return ret;
}
