// SPDX-License-Identifier: GPL-2.0
/*
 * Measuring a file into a VM (api.h: tvm_vm_measure_file()): the VMM's
 * executable on PCR 8, and files handed over with TVM_CMD_MEASURE_FILE on
 * PCR 9.  Each bank's digest is the file's hash in that bank; IMA's
 * SHA-256 is reused when IMA has one, and the file is read only for the
 * banks that are left.  A binding's files (TVM_A_VM_BIND_FILES) are hashed
 * the same way when bound, and logged by tvm_vm_log_file() when their VM
 * is created.
 */

#include <linux/fs.h>
#include <linux/ima.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "api.h"
#include "bank.h"
#include "tvm_log.h"
#include "vm.h"

/* Bytes read at a time: large enough to hash at full speed. */
#define CHUNK	(64 * 1024)

/* IMA's SHA-256 of @file into @out: whether IMA had (or made) one. */
static bool ima_sha256(struct file *file, u8 *out)
{
	char buf[TVM_DIGEST_MAX];

	if (ima_file_hash(file, buf, sizeof(buf)) != HASH_ALGO_SHA256)
		return false;
	memcpy(out, buf, tvm_banks[TVM_BANK_SHA256].size);
	return true;
}

/* Read @file from its start and hash it in every bank of @banks. */
static int hash_file(struct file *file, u32 banks, u8 out[][TVM_DIGEST_MAX])
{
	struct tvm_multihash *h;
	loff_t pos = 0;
	ssize_t n;
	void *buf;
	int ret;

	buf = kvmalloc(CHUNK, GFP_KERNEL);
	h = tvm_multihash_alloc(banks);
	ret = -ENOMEM;
	if (!buf || !h)
		goto out;
	for (;;) {
		ret = -EINTR;
		if (fatal_signal_pending(current))
			goto out;
		n = kernel_read(file, buf, CHUNK, &pos);
		ret = n;
		if (n < 0)
			goto out;
		if (!n)
			break;
		ret = tvm_multihash_update(h, buf, n);
		if (ret)
			goto out;
		cond_resched();
	}
	ret = tvm_multihash_final(h, out);
out:
	tvm_multihash_free(h);
	kvfree(buf);
	return ret;
}

int tvm_file_digests(struct file *file, u32 banks,
		     u8 out[][TVM_DIGEST_MAX])
{
	if (!S_ISREG(file_inode(file)->i_mode) ||
	    !(file->f_mode & FMODE_READ))
		return -EINVAL;
	if ((banks & BIT(TVM_BANK_SHA256)) &&
	    ima_sha256(file, out[TVM_BANK_SHA256]))
		banks &= ~BIT(TVM_BANK_SHA256);
	return banks ? hash_file(file, banks, out) : 0;
}

int tvm_vm_log_file(struct tvm_vm *vm, u32 pcr, u32 type, const char *name,
		    size_t name_len, const u8 digests[][TVM_DIGEST_MAX],
		    u64 *seq)
{
	struct tvm_event *ev;
	unsigned int b;
	int ret;

	if (!name_len || name_len > TVM_EVENT_NAME_MAX ||
	    pcr >= TVM_NUM_PCRS || type == TVM_EV_NO_ACTION)
		return -EINVAL;
	ev = tvm_event_alloc(vm, pcr, type, name_len);
	if (!ev)
		return -ENOMEM;
	memcpy((u8 *)tvm_event_data(ev), name, name_len);
	for (b = 0; b < __TVM_BANK_MAX; b++)
		if (vm->banks & BIT(b))
			memcpy(tvm_event_digest_mut(ev, b), digests[b],
			       tvm_banks[b].size);
	ret = tvm_vm_extend(vm, ev);	/* takes @ev */
	/* Once logged, @ev lives as long as @vm, which the caller holds. */
	if (!ret && seq)
		*seq = ev->seq;
	return ret;
}

int tvm_vm_measure_file(struct tvm_vm *vm, u32 pcr, u32 type,
			struct file *file, const char *name, size_t name_len,
			u64 *seq)
{
	u8 digests[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	int ret;

	if (!name_len || name_len > TVM_EVENT_NAME_MAX ||
	    pcr >= TVM_NUM_PCRS || type == TVM_EV_NO_ACTION)
		return -EINVAL;
	ret = tvm_file_digests(file, vm->banks, digests);
	if (ret)
		return ret;
	return tvm_vm_log_file(vm, pcr, type, name, name_len, digests, seq);
}
EXPORT_SYMBOL_GPL(tvm_vm_measure_file);
