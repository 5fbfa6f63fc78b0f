// SPDX-License-Identifier: GPL-2.0
/*
 * securityfs interface of tvm: the read-only, root-only files under
 * /sys/kernel/security/tvm/.  Documentation/securityfs.rst is the ABI.
 *
 *   version                  ABI version
 *   stats                    host-wide counters
 *   vms/<id>/pcrs_<bank>     the VM's PCRs in one bank, one file per bank
 *   vms/<id>/ascii_measurements, binary_measurements   its event log
 *   vms/<id>/state           its state
 *   vms/<id>/trust           its trust state, policy generation, reasons
 *
 * A VM's files hold its id, not a pointer: open() looks the VM up and keeps
 * a reference until release(), so a file opened before the VM is deleted
 * reads the VM as it was, and one opened after fails with ENOENT.
 */

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <linux/tvm.h>

#include "migrate.h"
#include "registry.h"
#include "securityfs.h"
#include "trust.h"
#include "tvm_log.h"
#include "vm.h"

/*
 * Created at module init and removed at exit; between the two nothing
 * writes these pointers, so they need no lock.
 */
static struct dentry *tvm_dir;
static struct dentry *version_file;
static struct dentry *stats_file;
static struct dentry *vms_dir;

static ssize_t version_read(struct file *file, char __user *buf, size_t count,
			    loff_t *ppos)
{
	char tmp[16];
	int len;

	len = scnprintf(tmp, sizeof(tmp), "%d\n", TVM_ABI_VERSION);
	return simple_read_from_buffer(buf, count, ppos, tmp, len);
}

static const struct file_operations version_fops = {
	.owner = THIS_MODULE,
	.read = version_read,
	.llseek = generic_file_llseek,
};

static int stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "vms: %u\n", tvm_vm_count());
	seq_printf(m, "max_vms: %u\n", tvm_max_vms);
	seq_printf(m, "max_vms_per_user: %u\n", tvm_max_vms_per_user);
	seq_printf(m, "vms_created: %lld\n",
		   atomic64_read(&tvm_stats.vms_created));
	seq_printf(m, "vms_deleted: %lld\n",
		   atomic64_read(&tvm_stats.vms_deleted));
	seq_printf(m, "vms_refused: %lld\n",
		   atomic64_read(&tvm_stats.vms_refused));
	seq_printf(m, "extends: %lld\n", atomic64_read(&tvm_stats.extends));
	seq_printf(m, "resets: %lld\n", atomic64_read(&tvm_stats.resets));
	seq_printf(m, "log_max: %u\n", tvm_log_max);
	seq_printf(m, "log_max_bytes: %lu\n", tvm_log_max_bytes);
	seq_printf(m, "log_full: %lld\n", atomic64_read(&tvm_stats.log_full));
	seq_printf(m, "log_refused: %lld\n",
		   atomic64_read(&tvm_stats.log_refused));
	seq_printf(m, "migrations: %u\n", tvm_mig_count());
	seq_printf(m, "max_migrations: %u\n", TVM_MIG_MAX);
	seq_printf(m, "migrations_evicted: %lld\n",
		   atomic64_read(&tvm_stats.mig_evicted));
	seq_printf(m, "migrations_refused: %lld\n",
		   atomic64_read(&tvm_stats.mig_refused));
	seq_printf(m, "vm_object_bytes: %u\n", tvm_vm_object_size());
	seq_printf(m, "memory_vms: %lld\n", atomic64_read(&tvm_stats.mem_vms));
	seq_printf(m, "memory_log: %lld\n", atomic64_read(&tvm_stats.mem_log));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/* The VM a per-VM file belongs to, with a reference. */
static struct tvm_vm *inode_vm(struct inode *inode)
{
	return tvm_vm_get_by_id((u32)(uintptr_t)inode->i_private);
}

/* --- pcrs_<bank> and state: one-shot files ------------------------------ */

/*
 * The bank of a pcrs_<bank> file is in the dentry's name; the VM in the
 * inode.  Each line: "PCR-NN: <hex>".
 */
static int pcrs_show(struct seq_file *m, void *v)
{
	struct tvm_vm *vm = m->private;
	const char *name = m->file->f_path.dentry->d_name.name;
	struct tvm_pcr_snapshot *snap;
	unsigned int b, i;

	for (b = 0; b < __TVM_BANK_MAX; b++)
		if (!strcmp(name + strlen("pcrs_"), tvm_banks[b].name))
			break;
	if (b == __TVM_BANK_MAX)
		return -ENOENT;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	tvm_vm_snapshot(vm, snap);
	for (i = 0; i < TVM_NUM_PCRS; i++)
		seq_printf(m, "PCR-%02u: %*phN\n", i, tvm_banks[b].size,
			   snap->pcrs[b][i]);
	kfree(snap);
	return 0;
}

static const char *const state_names[__TVM_VM_STATE_MAX] = {
	[TVM_VM_UNSPEC] = "unknown",
	[TVM_VM_ACTIVE] = "active",
	[TVM_VM_LOG_FULL] = "log-full",
};

static int state_show(struct seq_file *m, void *v)
{
	struct tvm_vm *vm = m->private;
	enum tvm_vm_state state;

	mutex_lock(&vm->lock);
	state = vm->state;
	mutex_unlock(&vm->lock);
	seq_printf(m, "%s\n", state_names[state]);
	return 0;
}

/* "<state>\npolicy_gen: <n>\nreason: <r>\n..." */
static int trust_show(struct seq_file *m, void *v)
{
	struct tvm_vm *vm = m->private;
	unsigned int i;

	mutex_lock(&vm->lock);
	seq_printf(m, "%s\npolicy_gen: %llu\n", tvm_trust_names[vm->trust],
		   vm->policy_gen);
	for (i = 0; i < vm->nreasons; i++)
		seq_printf(m, "reason: %s\n", vm->reasons[i]);
	mutex_unlock(&vm->lock);
	return 0;
}

static int vm_single_open(struct inode *inode, struct file *file,
			  int (*show)(struct seq_file *, void *))
{
	struct tvm_vm *vm = inode_vm(inode);
	int ret;

	if (!vm)
		return -ENOENT;
	ret = single_open(file, show, vm);
	if (ret)
		tvm_vm_put(vm);
	return ret;
}

static int vm_single_release(struct inode *inode, struct file *file)
{
	tvm_vm_put(((struct seq_file *)file->private_data)->private);
	return single_release(inode, file);
}

/* <name>_fops: a per-VM seq_file that <name>_open() opens. */
#define DEFINE_VM_FOPS(__name, __release)				\
static const struct file_operations __name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = __name##_open,						\
	.read = seq_read,						\
	.llseek = seq_lseek,						\
	.release = __release,						\
}

/* DEFINE_SHOW_ATTRIBUTE() for a per-VM file: <name>_show() shows it. */
#define DEFINE_VM_SHOW_ATTRIBUTE(__name)				\
static int __name##_open(struct inode *inode, struct file *file)	\
{									\
	return vm_single_open(inode, file, __name##_show);		\
}									\
DEFINE_VM_FOPS(__name, vm_single_release)

DEFINE_VM_SHOW_ATTRIBUTE(pcrs);
DEFINE_VM_SHOW_ATTRIBUTE(state);
DEFINE_VM_SHOW_ATTRIBUTE(trust);

/* --- the event log: one iterator, two forms ------------------------------ */

/* Large enough for one event in either form (tvm_log.h). */
#define LOG_SCRATCH_SIZE	(3 * TVM_EVENT_DATA_MAX)

/**
 * struct log_iter - state of an open log file
 * @vm: the VM, referenced
 * @binary: the binary form, where position 0 is the Spec ID event and
 *	n + 1 event n; else the ASCII form, where n is event n
 * @scratch: where show() encodes one record
 */
struct log_iter {
	struct tvm_vm *vm;
	bool binary;
	char scratch[LOG_SCRATCH_SIZE];
};

static void *log_at(struct seq_file *m, loff_t pos)
{
	struct log_iter *it = m->private;

	if (it->binary && pos == 0)
		return SEQ_START_TOKEN;
	/* Entries are immutable once counted; no lock (see struct tvm_vm). */
	return (void *)tvm_vm_event(it->vm, pos - it->binary);
}

static void *log_start(struct seq_file *m, loff_t *pos)
{
	return log_at(m, *pos);
}

static void *log_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return log_at(m, *pos);
}

static void log_stop(struct seq_file *m, void *v)
{
}

static int ascii_show(struct seq_file *m, void *v)
{
	struct log_iter *it = m->private;
	size_t len;

	len = tvm_log_event_ascii(v, it->scratch, sizeof(it->scratch));
	if (WARN_ON_ONCE(len >= sizeof(it->scratch)))
		return -EOVERFLOW;
	seq_write(m, it->scratch, len);
	return 0;
}

static int binary_show(struct seq_file *m, void *v)
{
	struct log_iter *it = m->private;
	u8 *buf = (u8 *)it->scratch;
	size_t len;

	if (v == SEQ_START_TOKEN) {
		if (WARN_ON_ONCE(tvm_log_specid_encode(it->vm->banks, NULL) >
				 sizeof(it->scratch)))
			return -EOVERFLOW;
		len = tvm_log_specid_encode(it->vm->banks, buf);
	} else {
		if (WARN_ON_ONCE(tvm_log_event_encode(v, NULL) >
				 sizeof(it->scratch)))
			return -EOVERFLOW;
		len = tvm_log_event_encode(v, buf);
	}
	seq_write(m, buf, len);
	return 0;
}

static int log_show(struct seq_file *m, void *v)
{
	struct log_iter *it = m->private;

	return it->binary ? binary_show(m, v) : ascii_show(m, v);
}

static const struct seq_operations log_seqops = {
	.start = log_start,
	.next = log_next,
	.stop = log_stop,
	.show = log_show,
};

static int log_open(struct inode *inode, struct file *file, bool binary)
{
	struct log_iter *it;
	struct tvm_vm *vm;

	vm = inode_vm(inode);
	if (!vm)
		return -ENOENT;
	it = __seq_open_private(file, &log_seqops, sizeof(*it));
	if (!it) {
		tvm_vm_put(vm);
		return -ENOMEM;
	}
	it->vm = vm;
	it->binary = binary;
	return 0;
}

static int ascii_open(struct inode *inode, struct file *file)
{
	return log_open(inode, file, false);
}

static int binary_open(struct inode *inode, struct file *file)
{
	return log_open(inode, file, true);
}

static int log_release(struct inode *inode, struct file *file)
{
	struct log_iter *it = ((struct seq_file *)file->private_data)->private;

	tvm_vm_put(it->vm);
	return seq_release_private(inode, file);
}

DEFINE_VM_FOPS(ascii, log_release);
DEFINE_VM_FOPS(binary, log_release);

/* --- per-VM directories ------------------------------------------------- */

/* A VM's files after its pcrs_<bank>, in this order. */
static const struct {
	const char *name;
	const struct file_operations *fops;
} vm_files[] = {
	{ "ascii_measurements", &ascii_fops },
	{ "binary_measurements", &binary_fops },
	{ "state", &state_fops },
	{ "trust", &trust_fops },
};

int tvm_securityfs_add_vm(struct tvm_vm *vm)
{
	void *id = (void *)(uintptr_t)vm->id;
	struct dentry **d = vm->dentries;
	unsigned int b, i;
	char name[32];
	int ret;

	BUILD_BUG_ON(__TVM_BANK_MAX + ARRAY_SIZE(vm_files) > TVM_VM_MAX_FILES);
	snprintf(name, sizeof(name), "%u", vm->id);
	*d = securityfs_create_dir(name, vms_dir);
	if (IS_ERR(*d))
		goto err;

	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(vm->banks & BIT(b)))
			continue;
		snprintf(name, sizeof(name), "pcrs_%s", tvm_banks[b].name);
		*++d = securityfs_create_file(name, 0400, vm->dentries[0], id,
					      &pcrs_fops);
		if (IS_ERR(*d))
			goto err;
	}
	for (i = 0; i < ARRAY_SIZE(vm_files); i++) {
		*++d = securityfs_create_file(vm_files[i].name, 0400,
					      vm->dentries[0], id,
					      vm_files[i].fops);
		if (IS_ERR(*d))
			goto err;
	}
	return 0;

err:
	ret = PTR_ERR(*d);
	*d = NULL;
	tvm_securityfs_remove_vm(vm);
	return ret;
}

/*
 * On 6.1, securityfs_remove() of a file someone holds open leaves its
 * dentry hashed until the last close: its directory would not be empty and
 * would stay behind for good, and the directory, pinned by the open file,
 * would stay visible.  So unhash each entry ourselves, holding a reference
 * across the removal; an open file keeps working, and its dentries go at
 * the last close.
 */
static void remove_unhash(struct dentry *d)
{
	if (!d)
		return;
	dget(d);
	securityfs_remove(d);
	d_drop(d);
	dput(d);
}

/* Files first, then the directory; NULL entries are skipped. */
void tvm_securityfs_remove_vm(struct tvm_vm *vm)
{
	int i;

	for (i = TVM_VM_MAX_FILES; i >= 0; i--) {
		remove_unhash(vm->dentries[i]);
		vm->dentries[i] = NULL;
	}
}

int tvm_securityfs_init(void)
{
	int ret;

	tvm_dir = securityfs_create_dir(TVM_SECURITYFS_DIR, NULL);
	if (IS_ERR(tvm_dir)) {
		ret = PTR_ERR(tvm_dir);
		goto err;
	}

	/*
	 * The ABI version is anyone's (tvmctl version); the rest is root's
	 * only: stats and the per-VM files carry measurements.
	 */
	version_file = securityfs_create_file("version", 0444, tvm_dir, NULL,
					      &version_fops);
	if (IS_ERR(version_file)) {
		ret = PTR_ERR(version_file);
		goto err_dir;
	}
	stats_file = securityfs_create_file("stats", 0400, tvm_dir, NULL,
					    &stats_fops);
	if (IS_ERR(stats_file)) {
		ret = PTR_ERR(stats_file);
		goto err_version;
	}
	vms_dir = securityfs_create_dir("vms", tvm_dir);
	if (IS_ERR(vms_dir)) {
		ret = PTR_ERR(vms_dir);
		goto err_stats;
	}
	return 0;

err_stats:
	securityfs_remove(stats_file);
err_version:
	securityfs_remove(version_file);
err_dir:
	securityfs_remove(tvm_dir);
err:
	tvm_dir = NULL;
	version_file = NULL;
	stats_file = NULL;
	vms_dir = NULL;
	return ret;
}

void tvm_securityfs_uninit(void)
{
	securityfs_remove(vms_dir);
	securityfs_remove(stats_file);
	securityfs_remove(version_file);
	securityfs_remove(tvm_dir);
}
