// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl migrate: move a VM's trust state to another host
 * (Documentation/migration.rst).
 *
 * tvmctl only carries blobs: each is made, signed and checked in a
 * kernel.  A blob comes on standard input (or -i FILE) and goes to
 * standard output (or -o FILE, written whole under a temporary name, then
 * renamed: a peer polling a shared directory never reads half a blob), so
 * that any transport carries them: a pipe over ssh, files.  The EXPORT
 * blob, which holds the whole event log, goes through a file descriptor
 * rather than a netlink message: a memfd the kernel writes (EXPORT) or
 * reads (IMPORT) from offset 0.
 *
 * A blob is binary: tvmctl does not write one to a terminal (--tty to do
 * it anyway) nor read one from a terminal.  When the blob goes to standard
 * output, what tvmctl has to say goes to standard error (-v); when it goes
 * to a file, to standard output, as text or JSON (-j).
 *
 * `prepare --deep` has the host TPM quote the platform PCRs the PREPARE
 * blob names, for that blob, and writes the quote after the blob (the
 * deep quote, migration.rst); `export` passes what follows the PREPARE
 * blob to the kernel as TVM_A_MIG_DEEP, which checks it.
 *
 * `migrate peer` (the .tvm_migration keyring) is migrate_peer.c's: its
 * entry, TVMCTL_MIGRATE_PEER_CMD, is one of the verbs here.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "attest.h"
#include "mig_client.h"
#include "tpm.h"
#include "tvmctl.h"

#define MIG_ID_HEX	(2 * TVM_MIG_ID_SIZE + 1)
#define HOST_ID_HEX	(2 * TVM_MIG_HOST_ID_SIZE + 1)

/* Where a command's blobs come from and go to, and how it reports. */
struct mig_io {
	const char *in;		/* NULL: standard input */
	const char *out;	/* NULL: standard output */
	bool tty;		/* write a blob to a terminal all the same */
	bool verbose;
};

int tvmctl_parse_mig_id(const struct tvmctl *ctl, const char *arg,
			uint8_t id[TVM_MIG_ID_SIZE])
{
	if (strlen(arg) != 2 * TVM_MIG_ID_SIZE ||
	    parse_hex(arg, id, TVM_MIG_ID_SIZE))
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: bad migration id '%s' (%d hex digits, as 'tvmctl migrate list' shows it)",
				  ctl->name, arg, 2 * TVM_MIG_ID_SIZE);
	return 0;
}

/*
 * What an errno of a migration command means, past the kernel's own
 * message: the UAPI header's migration errors and the table's.
 */
static const char *mig_meaning(uint8_t cmd, int err, bool extack)
{
	switch (-err) {
	case EBADMSG:
		return "the blob is malformed or truncated, or of another kind";
	case EPROTONOSUPPORT:
		return "the blob's version is not one this tvm.ko takes";
	case ENOKEY:
		return "the signer is not a peer of this host ('tvmctl migrate peer add'), or this host has no attestation key ('tvmctl ak set')";
	case EKEYREJECTED:
		return "the signature does not verify: the blob was changed after it was signed";
	case EXDEV:
		if (cmd == TVM_CMD_MIGRATE_EXPORT)
			return "the PREPARE blob was made for another host, or its deep quote is not the TPM's quote of this blob's platform";
		return "the blob was made for another host, another VM or another migration";
	case EPERM:
		if (!extack)
			return "needs CAP_SYS_ADMIN";
		return cmd == TVM_CMD_MIGRATE_EXPORT ?
			"the VM's policy (its \"migration\" section) does not allow that destination, or wants a deep quote by a TPM key it lists (prepare --deep); nothing was frozen" :
			"not allowed";
	case ENOENT:
		switch (cmd) {
		case TVM_CMD_MIGRATE_IMPORT:
			return "out of order: no such prepared id on this host (PREPARE here first)";
		case TVM_CMD_VM_BIND:
			return "no such imported migration here (IMPORT first)";
		case TVM_CMD_MIGRATE_EXPORT:
			return "no such VM here";
		default:
			return "out of order: no such migration here, or not at that step yet";
		}
	case ESTALE:
		return "replayed or ended: that id was used or expired, or the migration ended";
	case EALREADY:
		return "done already";
	case EBUSY:
		return "busy: the VM is frozen in another migration, a VMM holds it already, or it is live and cannot be discarded";
	case EACCES:
		return "not allowed in the migration's state";
	case ENOSPC:
		return "this host holds as many migrations as it can; commit or abort some, or let prepared ids expire";
	case EEXIST:
		return "a VM with that name or UUID exists on this host already";
	default:
		return NULL;
	}
}

/*
 * A failed migration request: "tvmctl: <cmd>: <what>: <extack>
 * (<strerror>): <meaning>".
 */
static int mig_err(const struct tvmctl *ctl, const struct tvm_nl *nl,
		   uint8_t cmd, int err, const char *what)
{
	const char *extack = nl ? tvm_nl_extack(nl) : NULL;
	const char *meaning;

	if (err >= 0)
		err = -EIO;
	meaning = mig_meaning(cmd, err, extack != NULL);
	if (err == -EPROTO && !extack)
		meaning = "unexpected reply from tvm.ko (older than ABI 10?)";
	if (err == -EOPNOTSUPP && !extack)
		meaning = "this tvm.ko has no migration (older than ABI 10)";
	return tvmctl_err(TVMCTL_ERR, "%s: %s: %s%s%s%s%s%s", ctl->name, what,
			  extack ? extack : strerror(-err),
			  extack ? " (" : "", extack ? strerror(-err) : "",
			  extack ? ")" : "", meaning ? ": " : "",
			  meaning ? meaning : "");
}

static int write_full(int fd, const uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read @fd to its end, at most @max bytes, into a malloc'ed *@buf. */
static int read_fd(int fd, size_t max, uint8_t **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	uint8_t *p = NULL, *q;
	ssize_t r;

	for (;;) {
		if (!p || n == cap) {
			cap = p ? 2 * cap : cap;
			q = realloc(p, cap);
			if (!q) {
				free(p);
				return -ENOMEM;
			}
			p = q;
		}
		r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			free(p);
			return (int)r;
		}
		if (!r)
			break;
		n += (size_t)r;
		if (n > max) {
			free(p);
			return -EFBIG;
		}
	}
	*buf = p;
	*len = n;
	return 0;
}

/* The blob a command takes, from -i FILE or standard input. */
static int blob_in(const struct tvmctl *ctl, const struct mig_io *io,
		   size_t max, unsigned int kind, uint8_t **buf, size_t *len)
{
	const char *from = io->in ? io->in : "standard input";
	unsigned int got;
	int fd = STDIN_FILENO, ret;

	if (io->in) {
		fd = open(io->in, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return tvmctl_err(TVMCTL_USAGE, "%s: %s: %s", ctl->name,
					  io->in, strerror(errno));
	} else if (isatty(fd)) {
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: standard input is a terminal; give %s on it (a pipe or '< FILE') or with -i FILE",
				  ctl->name, mig_kind_name(kind));
	}
	ret = read_fd(fd, max, buf, len);
	if (io->in)
		close(fd);
	if (ret == -EFBIG)
		return tvmctl_err(TVMCTL_ERR,
				  "%s: %s: larger than %s can be (%zu bytes)",
				  ctl->name, from, mig_kind_name(kind), max);
	if (ret)
		return tvmctl_err(TVMCTL_ERR, "%s: reading %s: %s", ctl->name,
				  from, strerror(-ret));
	/* Only to name a mix-up; the kernel checks the blob itself. */
	got = mig_blob_kind(*buf, *len);
	if (!*len || (got && got != kind)) {
		free(*buf);
		*buf = NULL;
		return tvmctl_err(TVMCTL_ERR, "%s: %s is %s, not %s",
				  ctl->name, from,
				  *len ? mig_kind_name(got) : "empty",
				  mig_kind_name(kind));
	}
	return 0;
}

/* Refuse a terminal for a blob on standard output, unless --tty. */
static int blob_out_check(const struct tvmctl *ctl, const struct mig_io *io)
{
	if (!io->out && !io->tty && isatty(STDOUT_FILENO))
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: not writing a binary blob to a terminal; redirect standard output, use -o FILE, or --tty",
				  ctl->name);
	return 0;
}

/*
 * Write @len bytes of @src (a buffer, or when @buf is NULL the file @fd
 * from offset 0) to -o FILE (FILE.tmp, then renamed) or standard output.
 */
static int blob_out(const struct tvmctl *ctl, const struct mig_io *io,
		    const uint8_t *buf, int fd, uint64_t len)
{
	char tmp[4096];
	uint8_t chunk[65536];
	uint64_t off = 0;
	int out = STDOUT_FILENO, ret = 0;
	ssize_t n;

	if (io->out) {
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", io->out) >=
		    sizeof(tmp))
			return tvmctl_err(TVMCTL_USAGE, "%s: %s: name too long",
					  ctl->name, io->out);
		out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			   0600);
		if (out < 0)
			return tvmctl_err(TVMCTL_ERR, "%s: %s: %s", ctl->name,
					  tmp, strerror(errno));
	}
	if (buf)
		ret = write_full(out, buf, (size_t)len);
	while (!buf && !ret && off < len) {
		n = pread(fd, chunk, len - off < sizeof(chunk) ?
			  (size_t)(len - off) : sizeof(chunk), (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		ret = write_full(out, chunk, (size_t)n);
		off += (uint64_t)n;
	}
	if (io->out) {
		if (!ret && fsync(out))
			ret = -errno;
		if (close(out) && !ret)
			ret = -errno;
		if (!ret && rename(tmp, io->out))
			ret = -errno;
		if (ret)
			unlink(tmp);
	}
	if (ret)
		return tvmctl_err(TVMCTL_ERR, "%s: writing %s: %s", ctl->name,
				  io->out ? io->out : "standard output",
				  strerror(-ret));
	return 0;
}

/*
 * Where the report goes: standard output when the blob went to a file or
 * there is none, else standard error with -v, else nowhere (NULL).
 */
static struct out *report_out(struct tvmctl *ctl, const struct mig_io *io,
			      bool blob)
{
	if (!blob || io->out)
		return ctl->out;
	if (io->verbose)
		return out_new(stderr, ctl->json);
	return NULL;
}

static void report_done(struct tvmctl *ctl, struct out *o)
{
	if (o && o != ctl->out)
		out_free(o);
}

static void out_hex(struct out *o, const char *key, const char *label,
		    const uint8_t *p, size_t n)
{
	char hex[2 * 64 + 1];

	format_hex(p, n, hex);
	out_str(o, key, label, hex);
}

/* The options every verb shares; @opts the verb's own ("" for none). */
static const struct option mig_opts[] = {
	{ "in", required_argument, NULL, 'i' },
	{ "out", required_argument, NULL, 'o' },
	{ "tty", no_argument, NULL, 'T' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "ttl", required_argument, NULL, 'L' },
	{ "force", no_argument, NULL, 'F' },
	{ "deep", no_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/*
 * Parse the options of a verb that takes those in @allowed (their short
 * letters); true when done (help, or a usage error), with the status.
 */
struct mig_args {
	struct mig_io io;
	uint32_t ttl;
	bool force;
	bool deep;
};

static bool mig_parse(struct tvmctl *ctl, int argc, char **argv,
		      const char *allowed, struct mig_args *a, int *status)
{
	unsigned long long v;
	char *end;
	int c;

	memset(a, 0, sizeof(*a));
	optind = 0;
	while ((c = getopt_long(argc, argv, ":hi:o:v", mig_opts, NULL)) != -1) {
		if (c != 'h' && c != '?' && c != ':' && !strchr(allowed, c)) {
			const struct option *lo = mig_opts;

			while (lo->name && lo->val != c)
				lo++;
			*status = tvmctl_err(TVMCTL_USAGE,
					     "%s: option '--%s' is not one of this command's (see 'tvmctl %s -h')",
					     ctl->name, lo->name ? lo->name : "?",
					     ctl->name);
			return true;
		}
		switch (c) {
		case 'i':
			a->io.in = optarg;
			break;
		case 'o':
			a->io.out = optarg;
			break;
		case 'T':
			a->io.tty = true;
			break;
		case 'v':
			a->io.verbose = true;
			break;
		case 'F':
			a->force = true;
			break;
		case 'D':
			a->deep = true;
			break;
		case 'L':
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-' ||
			    v < TVM_MIG_TTL_MIN || v > TVM_MIG_TTL_MAX) {
				*status = tvmctl_err(TVMCTL_USAGE,
						     "%s: bad --ttl '%s' (%d-%d seconds)",
						     ctl->name, optarg,
						     TVM_MIG_TTL_MIN,
						     TVM_MIG_TTL_MAX);
				return true;
			}
			a->ttl = (uint32_t)v;
			break;
		default:
			*status = tvmctl_opt_default(ctl, c, argv);
			return true;
		}
	}
	return false;
}

/* The PREPARE blob's platform mask (migration.rst, "Blobs"). */
#define PREPARE_MASK_AT		(MIG_BLOB_HDR + 116)

/* Read @path whole (at most TVM_MIG_DEEP_MAX bytes). */
static int read_small(const char *path, uint8_t **buf, size_t *len)
{
	return attest_read_file(path, TVM_MIG_DEEP_MAX, buf, len);
}

/*
 * The deep quote of PREPARE blob @blob (@len bytes) into @deep
 * (TVM_MIG_DEEP_MAX bytes): the host TPM quotes the platform PCRs the blob
 * names (SHA-256 bank) with SHA-256 of the blob as qualifying data; its
 * key's id into @key_id.
 */
static int deep_make(const struct tvmctl *ctl, const uint8_t *blob,
		     size_t len, uint8_t *deep, size_t *deep_len,
		     uint8_t key_id[32])
{
	char work[] = "/tmp/tvmctl-mig.XXXXXX", pem[64], msg[64], sig[64];
	char list[64] = "sha256:";
	uint8_t digest[32], *attest = NULL, *sigbuf = NULL;
	unsigned char *der = NULL;
	size_t attest_len, sig_len;
	EVP_PKEY *key = NULL;
	uint32_t mask;
	int der_len, ret;

	if (len < PREPARE_MASK_AT + 4)
		return tvmctl_err(TVMCTL_ERR, "%s: the PREPARE blob is too short",
				  ctl->name);
	mask = (uint32_t)blob[PREPARE_MASK_AT] << 24 |
	       (uint32_t)blob[PREPARE_MASK_AT + 1] << 16 |
	       (uint32_t)blob[PREPARE_MASK_AT + 2] << 8 |
	       blob[PREPARE_MASK_AT + 3];
	if (!mask || mask > 0xff)
		return tvmctl_err(TVMCTL_ERR, "%s: --deep: this host's PREPARE blob names no platform PCRs (no TPM?): nothing to quote",
				  ctl->name);
	for (unsigned int i = 0; i < 8; i++)
		if (mask & (1U << i))
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 "%s%u", list[7] ? "," : "", i);
	if (qf_hash(TVM_BANK_SHA256, blob, len, digest))
		return tvmctl_err(TVMCTL_ERR, "%s: hashing the PREPARE blob failed",
				  ctl->name);
	if (!mkdtemp(work))
		return tvmctl_err(TVMCTL_ERR, "%s: temporary directory: %s",
				  ctl->name, strerror(errno));
	snprintf(pem, sizeof(pem), "%s/key.pem", work);
	snprintf(msg, sizeof(msg), "%s/quote.msg", work);
	snprintf(sig, sizeof(sig), "%s/quote.sig", work);
	ret = tpm_deep_quote(ctl, list, digest, pem, msg, sig, NULL);
	if (ret)
		goto out;
	ret = TVMCTL_ERR;
	if (attest_read_pub(pem, &key) || read_small(msg, &attest, &attest_len) ||
	    read_small(sig, &sigbuf, &sig_len)) {
		tvmctl_err(0, "%s: reading the TPM's quote failed", ctl->name);
		goto out;
	}
	der_len = i2d_PublicKey(key, &der);
	if (der_len <= 0 || attest_key_id(key, key_id) ||
	    mig_deep_encode(der, (size_t)der_len, attest, attest_len, sigbuf,
			    sig_len, deep, deep_len)) {
		tvmctl_err(0, "%s: encoding the deep quote failed", ctl->name);
		goto out;
	}
	ret = 0;
out:
	unlink(pem);
	unlink(msg);
	unlink(sig);
	rmdir(work);
	OPENSSL_free(der);
	EVP_PKEY_free(key);
	free(attest);
	free(sigbuf);
	return ret;
}

static int mig_prepare(struct tvmctl *ctl, int argc, char **argv)
{
	uint8_t id[TVM_MIG_ID_SIZE], *blob, key_id[32];
	size_t len, deep_len = 0;
	struct tvm_nl *nl;
	struct mig_args a;
	struct out *o;
	int ret;

	if (mig_parse(ctl, argc, argv, "oLTvD", &a, &ret))
		return ret;
	ret = tvmctl_args(ctl, argc, argv, 0, NULL);
	if (!ret)
		ret = blob_out_check(ctl, &a.io);
	if (ret)
		return ret;
	/* The blob, then room for its deep quote. */
	blob = malloc(TVM_MIG_BLOB_MAX + TVM_MIG_DEEP_MAX);
	if (!blob)
		return tvmctl_err(TVMCTL_ERR, "out of memory");
	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		goto out;
	ret = tvm_client_mig_prepare(nl, a.ttl, id, blob, &len);
	if (ret)
		ret = mig_err(ctl, nl, TVM_CMD_MIGRATE_PREPARE, ret,
			      "preparing a migration");
	tvm_nl_close(nl);
	if (!ret && a.deep) {
		ret = deep_make(ctl, blob, len, blob + len, &deep_len, key_id);
		if (ret)
			tvmctl_err(0, "%s: migration id prepared, but without its deep quote: it expires unused",
				   ctl->name);
	}
	if (!ret)
		ret = blob_out(ctl, &a.io, blob, -1, len + deep_len);
	if (ret)
		goto out;
	o = report_out(ctl, &a.io, true);
	if (o) {
		out_object_begin(o, NULL);
		out_hex(o, "id", NULL, id, sizeof(id));
		out_int(o, "ttl", NULL, a.ttl ? a.ttl : TVM_MIG_TTL_DEFAULT);
		out_int(o, "bytes", NULL, (int64_t)(len + deep_len));
		out_bool(o, "deep", "deep quote", a.deep);
		if (a.deep)
			out_hex(o, "tpm_key", "tpm key", key_id,
				sizeof(key_id));
		out_object_end(o);
	}
	report_done(ctl, o);
out:
	free(blob);
	return ret;
}

static int mig_export(struct tvmctl *ctl, int argc, char **argv)
{
	uint8_t id[TVM_MIG_ID_SIZE], *blob = NULL, *deep = NULL;
	size_t plen;
	struct tvm_nl *nl = NULL;
	struct mig_args a;
	const char *vm;
	struct vm_sel sel;
	struct out *o;
	char what[TVM_NAME_MAX + 32];
	uint64_t size = 0;
	size_t len;
	int ret, fd = -1;

	if (mig_parse(ctl, argc, argv, "ioTv", &a, &ret))
		return ret;
	ret = tvmctl_vm_args(ctl, argc, argv, 1, &sel, &vm);
	if (!ret)
		ret = blob_out_check(ctl, &a.io);
	if (!ret)
		ret = blob_in(ctl, &a.io, TVM_MIG_BLOB_MAX + TVM_MIG_DEEP_MAX,
			      MIG_KIND_PREPARE, &blob, &len);
	if (ret)
		return ret;
	/*
	 * What follows the PREPARE blob is its deep quote; when its frame
	 * does not add up, all goes to the kernel, which says why.
	 */
	plen = mig_blob_len(blob, len);
	if (!plen || plen == len)
		plen = len;
	else
		deep = blob + plen;
	fd = memfd_create("tvm-export", MFD_CLOEXEC);
	if (fd < 0) {
		ret = tvmctl_err(TVMCTL_ERR, "%s: memfd: %s", ctl->name,
				 strerror(errno));
		goto out;
	}
	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		goto out;
	snprintf(what, sizeof(what), "exporting VM '%s'", vm);
	ret = tvm_client_mig_export(nl, &sel, blob, plen, deep,
				    deep ? len - plen : 0, fd, id, &size);
	if (ret) {
		ret = mig_err(ctl, nl, TVM_CMD_MIGRATE_EXPORT, ret, what);
		goto out;
	}
	/*
	 * The VM is frozen now, and the blob is its one way out: should it
	 * not be written, the destination can still ABORT the id (or the
	 * administrator override).
	 */
	ret = blob_out(ctl, &a.io, NULL, fd, size);
	if (ret) {
		tvmctl_err(0, "%s: VM '%s' is frozen; without its EXPORT blob, only 'tvmctl migrate abort' on the destination (or 'abort --force' here) unfreezes it",
			   ctl->name, vm);
		goto out;
	}
	o = report_out(ctl, &a.io, true);
	if (o) {
		out_object_begin(o, NULL);
		out_hex(o, "id", NULL, id, sizeof(id));
		out_str(o, "vm", NULL, vm);
		out_int(o, "bytes", NULL, (int64_t)size);
		out_bool(o, "deep", "deep quote", deep != NULL);
		out_object_end(o);
	}
	report_done(ctl, o);
out:
	if (fd >= 0)
		close(fd);
	tvm_nl_close(nl);
	free(blob);
	return ret;
}

static int mig_import(struct tvmctl *ctl, int argc, char **argv)
{
	uint8_t id[TVM_MIG_ID_SIZE], *blob = NULL;
	struct tvm_nl *nl = NULL;
	struct vm_info vm;
	struct mig_args a;
	size_t len;
	int ret, fd = -1;

	if (mig_parse(ctl, argc, argv, "i", &a, &ret))
		return ret;
	ret = tvmctl_args(ctl, argc, argv, 0, NULL);
	if (!ret)
		ret = blob_in(ctl, &a.io, TVM_MIG_EXPORT_MAX, MIG_KIND_EXPORT,
			      &blob, &len);
	if (ret)
		return ret;
	fd = memfd_create("tvm-import", MFD_CLOEXEC);
	if (fd < 0 || write_full(fd, blob, len)) {
		ret = tvmctl_err(TVMCTL_ERR, "%s: memfd: %s", ctl->name,
				 strerror(errno));
		goto out;
	}
	free(blob);
	blob = NULL;
	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		goto out;
	ret = tvm_client_mig_import(nl, fd, id, &vm);
	if (ret) {
		ret = mig_err(ctl, nl, TVM_CMD_MIGRATE_IMPORT, ret,
			      "importing a VM");
		goto out;
	}
	out_object_begin(ctl->out, NULL);
	out_hex(ctl->out, "id", NULL, id, sizeof(id));
	out_object_end(ctl->out);
	vm_print(ctl, &vm);
out:
	if (fd >= 0)
		close(fd);
	tvm_nl_close(nl);
	free(blob);
	return ret;
}

/*
 * COMMIT and ABORT: with an ID, the destination's (the receipt out); with
 * none, the source's (the receipt in); abort --force VM: the override.
 */
static int mig_end(struct tvmctl *ctl, int argc, char **argv, uint8_t cmd)
{
	bool commit = cmd == TVM_CMD_MIGRATE_COMMIT;
	uint8_t id[TVM_MIG_ID_SIZE], *in = NULL, *rcpt = NULL;
	const char *arg = NULL;
	struct tvm_nl *nl = NULL;
	struct mig_args a;
	struct vm_sel sel;
	size_t len = 0, rlen = 0;
	struct out *o;
	char what[TVM_NAME_MAX + 64];
	int ret, n;

	if (mig_parse(ctl, argc, argv, commit ? "ioTv" : "ioTvF", &a, &ret))
		return ret;
	n = argc - optind;
	if (a.force) {
		ret = tvmctl_vm_args(ctl, argc, argv, 1, &sel, &arg);
		if (ret)
			return ret;
		if (a.io.in || a.io.out)
			return tvmctl_err(TVMCTL_USAGE,
					  "%s: --force takes no blob: it unfreezes the VM without a receipt",
					  ctl->name);
	} else {
		ret = tvmctl_args(ctl, argc, argv, n ? 1 : 0, &arg);
		if (ret)
			return ret;
		if (arg && tvmctl_parse_mig_id(ctl, arg, id))
			return TVMCTL_USAGE;
		if (arg && a.io.in)
			return tvmctl_err(TVMCTL_USAGE,
					  "%s: -i is the source's: with an ID, this is the destination, which makes the receipt",
					  ctl->name);
		if (!arg && a.io.out)
			return tvmctl_err(TVMCTL_USAGE,
					  "%s: -o is the destination's: without an ID, this is the source, which takes a receipt",
					  ctl->name);
		if (arg && (ret = blob_out_check(ctl, &a.io)))
			return ret;
		if (!arg && (ret = blob_in(ctl, &a.io, TVM_MIG_BLOB_MAX,
					   commit ? MIG_KIND_COMMIT :
						    MIG_KIND_ABORT,
					   &in, &len)))
			return ret;
	}
	rcpt = malloc(TVM_MIG_BLOB_MAX);
	if (!rcpt) {
		ret = tvmctl_err(TVMCTL_ERR, "out of memory");
		goto out;
	}
	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		goto out;
	if (a.force) {
		snprintf(what, sizeof(what), "overriding VM '%s''s migration",
			 arg);
		ret = tvm_client_mig_override(nl, &sel, id);
	} else if (arg) {
		snprintf(what, sizeof(what), "%s migration %s",
			 commit ? "committing" : "aborting", arg);
		ret = tvm_client_mig_end(nl, cmd, id, NULL, 0, rcpt, &rlen);
	} else {
		snprintf(what, sizeof(what), "taking the %s receipt",
			 commit ? "COMMIT" : "ABORT");
		ret = tvm_client_mig_end(nl, cmd, id, in, len, NULL, NULL);
	}
	if (ret) {
		ret = mig_err(ctl, nl, cmd, ret, what);
		goto out;
	}
	if (arg && !a.force) {
		ret = blob_out(ctl, &a.io, rcpt, -1, rlen);
		if (ret)
			goto out;
	}
	if (a.force)
		tvmctl_err(0, "%s: VM '%s' runs here again without a receipt: the destination may hold a live copy; PCR 15 logs an OVERRIDE event that verifiers see",
			   ctl->name, arg);
	o = report_out(ctl, &a.io, arg && !a.force);
	if (o) {
		out_object_begin(o, NULL);
		out_hex(o, "id", NULL, id, sizeof(id));
		out_str(o, "role", NULL, arg && !a.force ? "destination" :
			"source");
		out_str(o, "done", NULL, a.force ? "override" :
			commit ? "commit" : "abort");
		if (a.force)
			out_str(o, "vm", NULL, arg);
		if (arg && !a.force)
			out_int(o, "bytes", NULL, (int64_t)rlen);
		out_object_end(o);
	}
	report_done(ctl, o);
out:
	tvm_nl_close(nl);
	free(in);
	free(rcpt);
	return ret;
}

static int mig_commit(struct tvmctl *ctl, int argc, char **argv)
{
	return mig_end(ctl, argc, argv, TVM_CMD_MIGRATE_COMMIT);
}

static int mig_abort(struct tvmctl *ctl, int argc, char **argv)
{
	return mig_end(ctl, argc, argv, TVM_CMD_MIGRATE_ABORT);
}

#define MIG_ROW_FMT "%-32s %-11s %-8s %-16s %-5s %s\n"

struct mig_rows {
	struct tvmctl *ctl;
	bool headed;
};

static int mig_row(const struct mig_info *m, void *arg)
{
	struct mig_rows *r = arg;
	struct out *o = r->ctl->out;
	char id[MIG_ID_HEX], peer[HOST_ID_HEX], vm[16], exp[16];

	format_hex(m->id, sizeof(m->id), id);
	if (r->ctl->json) {
		out_object_begin(o, NULL);
		out_str(o, "id", NULL, id);
		out_str(o, "role", NULL, mig_role_name(m->role));
		out_str(o, "state", NULL, mig_state_name(m->state));
		if (m->has_peer)
			out_hex(o, "peer", NULL, m->peer, sizeof(m->peer));
		else
			out_null(o, "peer", NULL, "-");
		if (m->has_vm)
			out_int(o, "vm", NULL, m->vm_id);
		else
			out_null(o, "vm", NULL, "-");
		if (m->has_expires)
			out_int(o, "expires", NULL, m->expires);
		else
			out_null(o, "expires", NULL, "-");
		out_object_end(o);
		return 0;
	}
	if (!r->headed) {
		printf(MIG_ROW_FMT, "ID", "ROLE", "STATE", "PEER", "VM",
		       "EXPIRES");
		r->headed = true;
	}
	/* The peer's id shortened, as git shortens commits. */
	if (m->has_peer) {
		format_hex(m->peer, sizeof(m->peer), peer);
		peer[16] = '\0';
	} else {
		snprintf(peer, sizeof(peer), "-");
	}
	snprintf(vm, sizeof(vm), m->has_vm ? "%u" : "-", m->vm_id);
	snprintf(exp, sizeof(exp), m->has_expires ? "%us" : "-", m->expires);
	printf(MIG_ROW_FMT, id, mig_role_name(m->role),
	       mig_state_name(m->state), peer, vm, exp);
	return 0;
}

static int mig_list(struct tvmctl *ctl, int argc, char **argv)
{
	struct mig_rows r = { .ctl = ctl };
	struct tvm_nl *nl;
	int ret;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	ret = tvmctl_args(ctl, argc, argv, 0, NULL);
	if (ret)
		return ret;
	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		return ret;
	if (ctl->json)
		out_array_begin(ctl->out, NULL);
	ret = tvm_client_mig_list(nl, mig_row, &r);
	if (ctl->json)
		out_array_end(ctl->out);
	if (ret)
		ret = mig_err(ctl, nl, TVM_CMD_MIGRATE_GET, ret,
			      "listing migrations");
	tvm_nl_close(nl);
	return ret;
}

/*
 * The id of this host's deep quote key (tpm.h): what a VM's policy lists
 * in its migration section's "tpm_keys" to trust this host's TPM.
 */
static int mig_tpm_key(struct tvmctl *ctl, int argc, char **argv)
{
	char work[] = "/tmp/tvmctl-mig.XXXXXX", pem[64];
	EVP_PKEY *key = NULL;
	uint8_t id[32];
	int ret;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	ret = tvmctl_args(ctl, argc, argv, 0, NULL);
	if (ret)
		return ret;
	if (!mkdtemp(work))
		return tvmctl_err(TVMCTL_ERR, "%s: temporary directory: %s",
				  ctl->name, strerror(errno));
	snprintf(pem, sizeof(pem), "%s/key.pem", work);
	ret = tpm_deep_quote(ctl, NULL, NULL, pem, NULL, NULL, NULL);
	if (!ret && (attest_read_pub(pem, &key) || attest_key_id(key, id)))
		ret = tvmctl_err(TVMCTL_ERR, "%s: reading the TPM key failed",
				 ctl->name);
	unlink(pem);
	rmdir(work);
	EVP_PKEY_free(key);
	if (ret)
		return ret;
	out_object_begin(ctl->out, NULL);
	out_hex(ctl->out, "tpm_key", "tpm key", id, sizeof(id));
	out_object_end(ctl->out);
	return TVMCTL_OK;
}

#define BLOB_OUT_OPTS \
	"  -o, --out FILE  write the blob to FILE (whole, then renamed)\n" \
	"                  instead of standard output\n" \
	"  --tty           write the blob to a terminal all the same\n" \
	"  -v, --verbose   what was done, on standard error\n"
#define BLOB_IN_OPTS \
	"  -i, --in FILE   read the blob from FILE, not standard input\n"

const struct tvmctl_cmd migrate_cmds[] = {
	{ .name = "prepare", .fn = mig_prepare, .args = "",
	  .help = "destination: a migration id; its PREPARE blob to stdout",
	  .opts = "  --ttl S         seconds the id waits for its EXPORT blob\n"
		  "                  (default 300, 1-3600)\n"
		  "  --deep          append this host TPM's quote of its\n"
		  "                  platform PCRs for the blob (deep quote)\n"
		  BLOB_OUT_OPTS },
	{ .name = "export", .fn = mig_export, .args = "VM",
	  .help = "source: PREPARE blob (and deep quote) in, freeze VM, EXPORT blob out",
	  .opts = BLOB_IN_OPTS BLOB_OUT_OPTS },
	{ .name = "import", .fn = mig_import, .args = "",
	  .help = "destination: EXPORT blob in; show the incoming VM",
	  .opts = BLOB_IN_OPTS },
	{ .name = "commit", .fn = mig_commit, .args = "[ID]",
	  .help = "activate ID here, receipt out; no ID: receipt in, wipe",
	  .opts = BLOB_IN_OPTS BLOB_OUT_OPTS },
	{ .name = "abort", .fn = mig_abort, .args = "[ID|--force VM]",
	  .help = "discard ID here, receipt out; no ID: receipt in, resume",
	  .opts = "  --force VM      source: unfreeze VM without a receipt\n"
		  "                  (logged: PCR 15 OVERRIDE, IMA)\n"
		  BLOB_IN_OPTS BLOB_OUT_OPTS },
	{ .name = "list", .fn = mig_list, .args = "",
	  .help = "the migrations this host takes part in (-j: JSON)" },
	{ .name = "tpm-key", .fn = mig_tpm_key, .args = "",
	  .help = "the id of this host TPM's deep quote key (for tpm_keys)" },
	TVMCTL_MIGRATE_PEER_CMD,
	{ NULL },
};

int migrate_main(struct tvmctl *ctl, int argc, char **argv)
{
	return tvmctl_dispatch(ctl, argc, argv);
}
