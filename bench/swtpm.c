// SPDX-License-Identifier: GPL-2.0
/*
 * swtpm in socket mode, driven as QEMU's tpm-emulator backend drives it
 * (swtpm.h).  The control protocol, from swtpm_ioctls(3) and swtpm's
 * tpm_ioctl.h: every message starts with the command code, big-endian,
 * followed by the request part of the command's structure, all fields
 * big-endian; the reply is the response part.  The layouts used here:
 *
 *	CMD_INIT		req  u32 init_flags	resp u32 result
 *	CMD_STOP, CMD_SHUTDOWN	req  (none)		resp u32 result
 *	CMD_GET_STATEBLOB	req  u32 state_flags, u32 type, u32 offset
 *				resp u32 result, u32 state_flags,
 *				     u32 totlength, u32 length, then
 *				     length bytes of the blob
 *	CMD_SET_STATEBLOB	req  u32 state_flags, u32 type, u32 length,
 *				     then length bytes of the blob
 *				resp u32 result
 *
 * Over a socket the blob is not cut to the CUSE ioctl's buffer: swtpm
 * sends all of it after the header (length == totlength).  A reply that
 * carried less is continued by asking again at the next offset.
 */
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "swtpm.h"

/* A reply that takes longer than this means swtpm is stuck. */
#define SWTPM_TIMEOUT_S	120
/* How long swtpm may take to open its sockets (it manufactures a TPM). */
#define SWTPM_START_MS	30000

/* The TPM's non-fatal results (TPM 1.2's TPM_NON_FATAL bit, which swtpm's
 * state calls use): e.g. no blob of that type exists. */
#define TPM_NON_FATAL	0x800

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* All of @iov out, across short writes; 0 or -errno. */
static int send_all(int fd, struct iovec *iov, int cnt)
{
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = cnt };
	ssize_t n;

	while (msg.msg_iovlen) {
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		while (msg.msg_iovlen && (size_t)n >= msg.msg_iov->iov_len) {
			n -= msg.msg_iov->iov_len;
			msg.msg_iov++;
			msg.msg_iovlen--;
		}
		if (msg.msg_iovlen) {
			msg.msg_iov->iov_base = (uint8_t *)msg.msg_iov->iov_base + n;
			msg.msg_iov->iov_len -= n;
		}
	}
	return 0;
}

/* Exactly @len bytes in; 0, -errno, -EPIPE when the peer closed. */
static int recv_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		if (!n)
			return -EPIPE;
		p += n;
		len -= n;
	}
	return 0;
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = SWTPM_TIMEOUT_S };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/* swtpm's log, on stderr: why it did not start or answer. */
static void show_log(const struct swtpm *t)
{
	char path[sizeof(t->dir) + 16], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/swtpm.log", t->dir);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "swtpm: %s", line);
	fclose(f);
}

static void reap(struct swtpm *t, int timeout_ms)
{
	int i;

	if (!t->pid)
		return;
	for (i = 0; i < timeout_ms / 10; i++) {
		if (waitpid(t->pid, NULL, WNOHANG) == t->pid) {
			t->pid = 0;
			return;
		}
		usleep(10000);
	}
	kill(t->pid, SIGKILL);
	waitpid(t->pid, NULL, 0);
	t->pid = 0;
}

int swtpm_start(struct swtpm *t, const char *dir)
{
	char state[sizeof(t->dir) + 8], ctrl[sizeof(t->dir) + 32];
	char data[sizeof(t->dir) + 32], log[sizeof(t->dir) + 32];
	int i, err = -ETIMEDOUT;

	memset(t, 0, sizeof(*t));
	t->ctrl = t->data = -1;
	if (strlen(dir) >= sizeof(t->dir))
		return -ENAMETOOLONG;
	strcpy(t->dir, dir);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	snprintf(state, sizeof(state), "dir=%s", dir);
	snprintf(ctrl, sizeof(ctrl), "type=unixio,path=%s/ctrl.sock", dir);
	snprintf(data, sizeof(data), "type=unixio,path=%s/data.sock", dir);
	snprintf(log, sizeof(log), "file=%s/swtpm.log", dir);
	/* A socket left from an earlier instance would be connected to. */
	unlink(ctrl + strlen("type=unixio,path="));
	unlink(data + strlen("type=unixio,path="));

	t->pid = fork();
	if (t->pid < 0) {
		t->pid = 0;
		return -errno;
	}
	if (!t->pid) {
		execlp("swtpm", "swtpm", "socket", "--tpm2", "--tpmstate", state,
		       "--ctrl", ctrl, "--server", data,
		       "--flags", "startup-clear", "--log", log, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < SWTPM_START_MS / 10; i++) {
		if (waitpid(t->pid, NULL, WNOHANG) == t->pid) {
			t->pid = 0;
			err = -ECHILD;
			break;
		}
		if (t->ctrl < 0)
			t->ctrl = connect_unix(ctrl + strlen("type=unixio,path="));
		if (t->ctrl >= 0 && t->data < 0)
			t->data = connect_unix(data + strlen("type=unixio,path="));
		if (t->ctrl >= 0 && t->data >= 0)
			return 0;
		usleep(10000);
	}
	fprintf(stderr, "swtpm: %s: did not start (%s)\n", dir, strerror(-err));
	show_log(t);
	if (t->ctrl >= 0)
		close(t->ctrl);
	if (t->data >= 0)
		close(t->data);
	t->ctrl = t->data = -1;
	if (t->pid)
		kill(t->pid, SIGKILL);
	reap(t, 0);
	return err;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

void swtpm_remove_dir(const char *dir)
{
	nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

int swtpm_stop(struct swtpm *t)
{
	uint8_t res[4];
	int ret = 0;

	if (t->ctrl >= 0) {
		ret = swtpm_ctrl(t, SWTPM_CMD_SHUTDOWN, NULL, 0, res, sizeof(res));
		if (!ret && get32(res))
			ret = get32(res);
		close(t->ctrl);
	}
	if (t->data >= 0)
		close(t->data);
	t->ctrl = t->data = -1;
	reap(t, 10000);
	return ret;
}

int swtpm_ctrl(struct swtpm *t, uint32_t cmd, const void *req, size_t req_len,
	       void *resp, size_t resp_len)
{
	uint8_t code[4];
	struct iovec iov[2] = {
		{ code, sizeof(code) }, { (void *)req, req_len },
	};
	int ret;

	put32(code, cmd);
	ret = send_all(t->ctrl, iov, req_len ? 2 : 1);
	return ret ? ret : recv_all(t->ctrl, resp, resp_len);
}

ssize_t swtpm_transceive(struct swtpm *t, const void *cmd, size_t len,
			 void *resp, size_t size)
{
	struct iovec iov = { (void *)cmd, len };
	uint8_t *r = resp;
	uint32_t rlen;
	int ret;

	if (size < 10)
		return -EINVAL;
	ret = send_all(t->data, &iov, 1);
	if (!ret)
		ret = recv_all(t->data, r, 10);
	if (ret)
		return ret;
	rlen = get32(r + 2);
	if (rlen < 10)
		return -EPROTO;
	if (rlen > size)
		return -EMSGSIZE;
	ret = recv_all(t->data, r + 10, rlen - 10);
	return ret ? ret : (ssize_t)rlen;
}

/* A control command whose reply is the result alone. */
static int ctrl_result(struct swtpm *t, uint32_t cmd, const void *req,
		       size_t req_len)
{
	uint8_t res[4];
	int ret = swtpm_ctrl(t, cmd, req, req_len, res, sizeof(res));

	return ret ? ret : (int)get32(res);
}

int swtpm_init(struct swtpm *t, uint32_t flags)
{
	uint8_t req[4];

	put32(req, flags);
	return ctrl_result(t, SWTPM_CMD_INIT, req, sizeof(req));
}

int swtpm_stop_tpm(struct swtpm *t)
{
	return ctrl_result(t, SWTPM_CMD_STOP, NULL, 0);
}

int swtpm_get_blob(struct swtpm *t, uint32_t type, struct swtpm_blob *b)
{
	uint8_t req[12], hdr[16];
	uint32_t res, total = 0, got = 0, len;
	int ret;

	memset(b, 0, sizeof(*b));
	b->type = type;
	do {
		put32(req, SWTPM_STATE_DECRYPTED);
		put32(req + 4, type);
		put32(req + 8, got);
		ret = swtpm_ctrl(t, SWTPM_CMD_GET_STATEBLOB, req, sizeof(req),
				 hdr, sizeof(hdr));
		if (ret)
			goto fail;
		res = get32(hdr);
		if (res) {
			/* No such blob (nothing follows the header): empty. */
			if (res & TPM_NON_FATAL && !got)
				return 0;
			ret = res;
			goto fail;
		}
		len = get32(hdr + 12);
		if (!got) {
			total = get32(hdr + 8);
			b->flags = get32(hdr + 4);
			b->data = malloc(total ? total : 1);
			if (!b->data)
				return -ENOMEM;
		}
		if (len > total - got || (!len && got < total)) {
			ret = -EPROTO;
			goto fail;
		}
		ret = recv_all(t->ctrl, b->data + got, len);
		if (ret)
			goto fail;
		got += len;
	} while (got < total);
	b->len = total;
	return 0;
fail:
	free(b->data);
	b->data = NULL;
	return ret;
}

int swtpm_set_blob(struct swtpm *t, const struct swtpm_blob *b)
{
	uint8_t code[4], hdr[12], res[4];
	struct iovec iov[3] = {
		{ code, sizeof(code) }, { hdr, sizeof(hdr) },
		{ b->data, b->len },
	};
	int ret;

	put32(code, SWTPM_CMD_SET_STATEBLOB);
	/* Given back as read: encrypted only if it came so. */
	put32(hdr, b->flags & SWTPM_STATE_ENCRYPTED);
	put32(hdr + 4, b->type);
	put32(hdr + 8, b->len);
	ret = send_all(t->ctrl, iov, 3);
	if (!ret)
		ret = recv_all(t->ctrl, res, sizeof(res));
	return ret ? ret : (int)get32(res);
}

int swtpm_get_state(struct swtpm *t, struct swtpm_state *s)
{
	int i, ret;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < SWTPM_BLOBS; i++) {
		ret = swtpm_get_blob(t, SWTPM_BLOB_PERMANENT + i, &s->blob[i]);
		if (ret) {
			swtpm_state_free(s);
			return ret;
		}
	}
	return 0;
}

int swtpm_set_state(struct swtpm *t, const struct swtpm_state *s)
{
	int i, ret = swtpm_stop_tpm(t);

	for (i = 0; !ret && i < SWTPM_BLOBS; i++)
		if (s->blob[i].len)
			ret = swtpm_set_blob(t, &s->blob[i]);
	return ret;
}

size_t swtpm_state_bytes(const struct swtpm_state *s)
{
	size_t n = 0;
	int i;

	for (i = 0; i < SWTPM_BLOBS; i++)
		n += s->blob[i].len;
	return n;
}

void swtpm_state_free(struct swtpm_state *s)
{
	int i;

	for (i = 0; i < SWTPM_BLOBS; i++) {
		free(s->blob[i].data);
		s->blob[i].data = NULL;
		s->blob[i].len = 0;
	}
}

/* TPM 2.0 command building (Part 1 and 3: big-endian, header first). */
#define TPM_ST_NO_SESSIONS	0x8001
#define TPM_ST_SESSIONS		0x8002
#define TPM_RS_PW		0x40000009
#define TPM_RH_OWNER		0x40000001
#define TPM_ALG_SHA256		0x000b
#define TPM_ALG_AES		0x0006
#define TPM_ALG_CFB		0x0043
#define TPM_ALG_NULL		0x0010
#define TPM_ALG_ECC		0x0023
#define TPM_ALG_RSA		0x0001
#define TPM_ALG_RSASSA		0x0014
#define TPM_ALG_ECDSA		0x0018
#define TPM_CC_QUOTE		0x00000158
#define TPM_ECC_NIST_P256	0x0003
#define TPM_CC_EVICT_CONTROL	0x00000120
#define TPM_CC_CREATE_PRIMARY	0x00000131
#define TPM_CC_READ_PUBLIC	0x00000173
#define TPM_CC_PCR_READ		0x0000017e
#define TPM_CC_PCR_EXTEND	0x00000182

struct tpm_cmd {
	uint8_t b[1024];
	size_t n;
};

static void c16(struct tpm_cmd *c, uint16_t v)
{
	put16(c->b + c->n, v);
	c->n += 2;
}

static void c32(struct tpm_cmd *c, uint32_t v)
{
	put32(c->b + c->n, v);
	c->n += 4;
}

static void cmd_start(struct tpm_cmd *c, uint16_t tag, uint32_t cc)
{
	c->n = 0;
	c16(c, tag);
	c32(c, 0);		/* commandSize, set by cmd_run() */
	c32(c, cc);
}

/* The authorization area: one password session, the empty password. */
static void cmd_pw_session(struct tpm_cmd *c)
{
	c32(c, 9);		/* authorizationSize */
	c32(c, TPM_RS_PW);
	c16(c, 0);		/* nonceCaller */
	c->b[c->n++] = 0;	/* sessionAttributes */
	c16(c, 0);		/* hmac */
}

/* Send @c; the response into @r; its responseCode, or -errno. */
static int cmd_run(struct swtpm *t, struct tpm_cmd *c, uint8_t *r,
		   size_t size, size_t *rlen)
{
	ssize_t n;

	put32(c->b + 2, c->n);
	n = swtpm_transceive(t, c->b, c->n, r, size);
	if (n < 0)
		return n;
	if (rlen)
		*rlen = n;
	return get32(r + 6);
}

int swtpm_pcr_extend(struct swtpm *t, uint32_t pcr, const uint8_t digest[32])
{
	struct tpm_cmd c;
	uint8_t r[64];

	cmd_start(&c, TPM_ST_SESSIONS, TPM_CC_PCR_EXTEND);
	c32(&c, pcr);
	cmd_pw_session(&c);
	c32(&c, 1);		/* TPML_DIGEST_VALUES: one */
	c16(&c, TPM_ALG_SHA256);
	memcpy(c.b + c.n, digest, 32);
	c.n += 32;
	return cmd_run(t, &c, r, sizeof(r), NULL);
}

int swtpm_pcr_read(struct swtpm *t, uint32_t pcr, uint8_t digest[32])
{
	struct tpm_cmd c;
	uint8_t r[256];
	size_t len, off;
	int ret;

	if (pcr >= 24)
		return -EINVAL;
	cmd_start(&c, TPM_ST_NO_SESSIONS, TPM_CC_PCR_READ);
	c32(&c, 1);		/* TPML_PCR_SELECTION: one bank */
	c16(&c, TPM_ALG_SHA256);
	c.b[c.n++] = 3;		/* sizeofSelect */
	c.b[c.n++] = pcr < 8 ? 1u << pcr : 0;
	c.b[c.n++] = pcr >= 8 && pcr < 16 ? 1u << (pcr - 8) : 0;
	c.b[c.n++] = pcr >= 16 ? 1u << (pcr - 16) : 0;
	ret = cmd_run(t, &c, r, sizeof(r), &len);
	if (ret)
		return ret;
	/* pcrUpdateCounter, pcrSelectionOut (count, then hash, size,
	 * select each), pcrValues (count, then TPM2B_DIGEST each) */
	off = 10 + 4;
	if (len < off + 4 || get32(r + off) != 1)
		return -EPROTO;
	off += 4 + 2;
	if (len < off + 1)
		return -EPROTO;
	off += 1 + r[off];
	if (len < off + 4 + 2 + 32 || get32(r + off) != 1 ||
	    get16(r + off + 4) != 32)
		return -EPROTO;
	memcpy(digest, r + off + 6, 32);
	return 0;
}

/* The object attributes of TPMA_OBJECT (Part 2, 8.3) used below. */
#define TPMA_FIXED_TPM		(1u << 1)
#define TPMA_FIXED_PARENT	(1u << 4)
#define TPMA_SENSITIVE_ORIGIN	(1u << 5)
#define TPMA_USER_WITH_AUTH	(1u << 6)
#define TPMA_NO_DA		(1u << 10)
#define TPMA_RESTRICTED		(1u << 16)
#define TPMA_DECRYPT		(1u << 17)
#define TPMA_SIGN		(1u << 18)

/* The publicArea of a primary key (TPMT_PUBLIC, empty unique): a storage
 * key (ECC P-256, AES-128-CFB) or a restricted signing key (RSA-2048
 * RSASSA or ECC P-256 ECDSA, SHA-256), as an attestation key is. */
static void key_template(struct tpm_cmd *c, uint16_t type, bool sign)
{
	c16(c, type);
	c16(c, TPM_ALG_SHA256);			/* nameAlg */
	c32(c, TPMA_FIXED_TPM | TPMA_FIXED_PARENT | TPMA_SENSITIVE_ORIGIN |
	       TPMA_USER_WITH_AUTH | TPMA_NO_DA | TPMA_RESTRICTED |
	       (sign ? TPMA_SIGN : TPMA_DECRYPT));
	c16(c, 0);				/* authPolicy */
	if (sign) {
		c16(c, TPM_ALG_NULL);		/* symmetric */
		c16(c, type == TPM_ALG_RSA ? TPM_ALG_RSASSA : TPM_ALG_ECDSA);
		c16(c, TPM_ALG_SHA256);		/* scheme's hashAlg */
	} else {
		c16(c, TPM_ALG_AES);		/* symmetric */
		c16(c, 128);
		c16(c, TPM_ALG_CFB);
		c16(c, TPM_ALG_NULL);		/* scheme */
	}
	if (type == TPM_ALG_RSA) {
		c16(c, 2048);			/* keyBits */
		c32(c, 0);			/* exponent: 65537 */
		c16(c, 0);			/* unique.rsa */
	} else {
		c16(c, TPM_ECC_NIST_P256);	/* curveID */
		c16(c, TPM_ALG_NULL);		/* kdf */
		c16(c, 0);			/* unique.x */
		c16(c, 0);			/* unique.y */
	}
}

static int create_primary(struct swtpm *t, uint16_t type, bool sign,
			  uint32_t *handle)
{
	struct tpm_cmd c;
	uint8_t r[1024];
	size_t len, pub;
	int ret;

	cmd_start(&c, TPM_ST_SESSIONS, TPM_CC_CREATE_PRIMARY);
	c32(&c, TPM_RH_OWNER);
	cmd_pw_session(&c);
	/* inSensitive: no userAuth, no data */
	c16(&c, 4);
	c16(&c, 0);
	c16(&c, 0);
	/* inPublic: TPM2B_PUBLIC, its size set below */
	pub = c.n;
	c16(&c, 0);
	key_template(&c, type, sign);
	put16(c.b + pub, c.n - pub - 2);
	c16(&c, 0);				/* outsideInfo */
	c32(&c, 0);				/* creationPCR: none */
	ret = cmd_run(t, &c, r, sizeof(r), &len);
	if (ret)
		return ret;
	if (len < 14)
		return -EPROTO;
	*handle = get32(r + 10);
	return 0;
}

int swtpm_create_primary(struct swtpm *t, uint32_t *handle)
{
	return create_primary(t, TPM_ALG_ECC, false, handle);
}

int swtpm_create_ak(struct swtpm *t, bool ecc, uint32_t *handle)
{
	return create_primary(t, ecc ? TPM_ALG_ECC : TPM_ALG_RSA, true, handle);
}

int swtpm_quote(struct swtpm *t, uint32_t handle, const uint8_t *nonce,
		size_t nonce_len, uint16_t *sig_alg)
{
	struct tpm_cmd c;
	uint8_t r[2048];
	size_t len, off, end;
	int ret;

	if (nonce_len > 64)
		return -EINVAL;
	cmd_start(&c, TPM_ST_SESSIONS, TPM_CC_QUOTE);
	c32(&c, handle);
	cmd_pw_session(&c);
	c16(&c, nonce_len);			/* qualifyingData */
	memcpy(c.b + c.n, nonce, nonce_len);
	c.n += nonce_len;
	c16(&c, TPM_ALG_NULL);			/* inScheme: the key's */
	c32(&c, 1);				/* PCRselect: SHA-256, 0-23 */
	c16(&c, TPM_ALG_SHA256);
	c.b[c.n++] = 3;
	c.b[c.n++] = 0xff;
	c.b[c.n++] = 0xff;
	c.b[c.n++] = 0xff;
	ret = cmd_run(t, &c, r, sizeof(r), &len);
	if (ret)
		return ret;
	/* parameterSize, quoted (TPM2B_ATTEST: magic, type, qualifiedSigner,
	 * extraData, ...), then signature (TPMT_SIGNATURE: sigAlg first) */
	off = 10 + 4;
	if (len < off + 2)
		return -EPROTO;
	end = off + 2 + get16(r + off);
	off += 2 + 4 + 2;
	if (end + 2 > len || off + 2 > end || off + 2 + get16(r + off) + 2 > end)
		return -EPROTO;
	off += 2 + get16(r + off);
	if (get16(r + off) != nonce_len || off + 2 + nonce_len > end ||
	    memcmp(r + off + 2, nonce, nonce_len))
		return -EPROTO;
	if (sig_alg)
		*sig_alg = get16(r + end);
	return 0;
}

int swtpm_evict_control(struct swtpm *t, uint32_t handle, uint32_t persistent)
{
	struct tpm_cmd c;
	uint8_t r[64];

	cmd_start(&c, TPM_ST_SESSIONS, TPM_CC_EVICT_CONTROL);
	c32(&c, TPM_RH_OWNER);
	c32(&c, handle);
	cmd_pw_session(&c);
	c32(&c, persistent);
	return cmd_run(t, &c, r, sizeof(r), NULL);
}

int swtpm_read_name(struct swtpm *t, uint32_t handle, uint8_t *name,
		    size_t *len)
{
	struct tpm_cmd c;
	uint8_t r[1024];
	size_t rlen, off = 10;
	int ret;

	cmd_start(&c, TPM_ST_NO_SESSIONS, TPM_CC_READ_PUBLIC);
	c32(&c, handle);
	ret = cmd_run(t, &c, r, sizeof(r), &rlen);
	if (ret)
		return ret;
	/* outPublic (TPM2B), then name (TPM2B) */
	if (rlen < off + 2)
		return -EPROTO;
	off += 2 + get16(r + off);
	if (rlen < off + 2 || rlen < off + 2 + get16(r + off))
		return -EPROTO;
	if (get16(r + off) > *len)
		return -EMSGSIZE;
	*len = get16(r + off);
	memcpy(name, r + off + 2, *len);
	return 0;
}
