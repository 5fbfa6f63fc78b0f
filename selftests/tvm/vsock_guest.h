/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMM side of a vhost-vsock device for the vsock selftests and the
 * bench, and a "fake guest" behind it.
 *
 * vg_open()/vg_set_cid()/vg_open_cid() only open a device and set its
 * guest CID, as QEMU does for a vhost-vsock-pci device: the binding of a
 * CID to a VM needs no more.
 *
 * struct vg_guest is a whole guest in the calling process: the device,
 * its two virtqueues in the process's own memory and the guest's side of
 * the virtio-vsock stream protocol (Documentation/vsock.rst, "Testing
 * without a guest"), so that tests move real bytes through vhost-vsock
 * without a nested Linux guest.  See "The fake guest" below.
 */
#ifndef _TVM_SELFTEST_VSOCK_GUEST_H
#define _TVM_SELFTEST_VSOCK_GUEST_H

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_vsock.h>

#define VSOCK_STATS "/sys/module/tvm_vsock/stats/"

/* A device owned by the caller, no CID yet: its fd, or -errno. */
static inline int vg_open(void)
{
	int fd = open("/dev/vhost-vsock", O_RDWR | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, VHOST_SET_OWNER, 0)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* VHOST_VSOCK_SET_GUEST_CID; 0 or -errno. */
static inline int vg_set_cid(int fd, uint64_t cid)
{
	return ioctl(fd, VHOST_VSOCK_SET_GUEST_CID, &cid) ? -errno : 0;
}

/* An owned device with guest CID @cid: its fd, or -errno. */
static inline int vg_open_cid(uint64_t cid)
{
	int fd = vg_open(), err;

	if (fd < 0)
		return fd;
	err = vg_set_cid(fd, cid);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/*
 * Why the vsock selftests cannot run here, for their SKIP(), or NULL when
 * they can: they need tvm_kvm and tvm_vsock loaded, /dev/kvm and
 * /dev/vhost-vsock.
 */
static inline const char *vg_unavailable(void)
{
	static char why[96];

	if (access("/sys/module/tvm_kvm", F_OK))
		return "tvm_kvm not loaded";
	if (access("/sys/module/tvm_vsock", F_OK))
		return "tvm_vsock not loaded";
	if (access("/dev/kvm", R_OK | W_OK)) {
		snprintf(why, sizeof(why), "/dev/kvm: %s", strerror(errno));
		return why;
	}
	if (access("/dev/vhost-vsock", R_OK | W_OK)) {
		snprintf(why, sizeof(why), "/dev/vhost-vsock: %s",
			 strerror(errno));
		return why;
	}
	return NULL;
}

/*
 * Byte @i of test stream @seed: never periodic on a power of two, so a
 * byte lost, doubled or moved shows.
 */
static inline uint8_t vg_pattern(unsigned int seed, size_t i)
{
	return (uint8_t)((i * 7 + seed + i / 251) % 251);
}

/* @b holds the first @len bytes of test stream @seed. */
static inline void vg_fill(uint8_t *b, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = vg_pattern(seed, i);
}

/* tvm_vsock's counter @name, or -1 when it cannot be read. */
static inline long long vg_stat(const char *name)
{
	char path[128], buf[32];
	long long v = -1;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), VSOCK_STATS "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		v = strtoll(buf, NULL, 10);
	}
	return v;
}

/*
 * The fake guest.
 *
 * vg_guest_init() brings up guest CID @cid on a new device the way a VMM
 * and its guest driver do (VSOCK.md (b)): owner, VIRTIO_F_VERSION_1 only,
 * one memory region whose guest-physical addresses are the process's own
 * virtual addresses, two rings of VG_QSIZE (RX, host to guest: VG_QSIZE
 * device-writable buffers of VG_RX_BUF bytes, all posted; TX: one
 * device-readable buffer per descriptor, header and payload together),
 * the guest CID, running.  vg_guest_fini() closes the device (its
 * release) and frees everything.
 *
 * Every guest of the process is on one list, and every wait services all
 * of them (vg_service(): poll on every call eventfd, drain the used rings,
 * answer what needs an answer), so one guest may connect to another in
 * the same thread.  A REQUEST to a port a guest listens on is answered at
 * once and waits for vg_accept().  A packet that matches no connection is
 * kept on the guest's raw queue (vg_raw_recv()) and, unless it is an RST
 * or rst_unclaimed is cleared, answered with RST as a Linux guest would.
 *
 * Streams follow the virtio-vsock credit rules: a sender sends at most
 * peer buf_alloc - (tx_cnt - peer fwd_cnt) bytes and, out of credit,
 * waits for a CREDIT_UPDATE, sending a CREDIT_REQUEST when none came
 * within credit_request_ms; a receiver advertises buf_alloc, keeps what
 * arrives in a buffer of that size and sends a CREDIT_UPDATE as the
 * caller consumes it, once the peer's view of the free space has fallen
 * below half.
 *
 * A peer's SHUTDOWN of both directions, with nothing left unread, is
 * answered with RST at once, as Linux does, so the peer's close does not
 * wait; reads then return the end of the stream, sends -EPIPE.
 *
 * Every wait has a deadline (the caller's timeout_ms) and returns
 * -ETIMEDOUT when it passes; errors are -errno, an RST as -ECONNRESET.
 * Not thread-safe: one thread drives all the guests of a process.
 */

#define VG_QSIZE		128
#define VG_RX_BUF		4096
#define VG_HDR			((uint32_t)sizeof(struct virtio_vsock_hdr))
#define VG_MAX_PKT		65536	/* vhost drops larger payloads */
#define VG_TX_BUF		(VG_HDR + VG_MAX_PKT)
#define VG_BUF_ALLOC		(256 * 1024)
#define VG_CTL_MS		2000	/* a control packet's wait for a TX slot */
#define VG_CREDIT_REQUEST_MS	1000
#define VG_RAW_MAX		64	/* unclaimed packets kept */
#define VG_LISTEN_MAX		16
#define VG_FIRST_PORT		49152
#define VG_SHUT_BOTH		(VIRTIO_VSOCK_SHUTDOWN_RCV | VIRTIO_VSOCK_SHUTDOWN_SEND)

struct vg_vq {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	int kick, call;		/* eventfds */
	uint16_t avail_idx;	/* the next avail->idx to publish */
	uint16_t used_seen;	/* used entries consumed */
	uint8_t *buf;		/* VG_QSIZE buffers of buf_size bytes */
	uint32_t buf_size;
	uint16_t free[VG_QSIZE];	/* TX: descriptors not in flight */
	int nfree;
};

/* A packet received: its header and (up to VG_RX_BUF) payload bytes. */
struct vg_pkt {
	struct vg_pkt *next;
	struct virtio_vsock_hdr hdr;
	uint32_t len;
	uint8_t data[];
};

enum vg_state { VG_CONNECTING, VG_ESTABLISHED, VG_CLOSED };

struct vg_conn {
	struct vg_conn *next;
	struct vg_guest *g;
	uint32_t port;			/* local */
	uint64_t peer_cid;
	uint32_t peer_port;
	enum vg_state state;
	bool accepted;			/* given to the caller */
	bool reset;			/* an RST came */
	bool overflow;			/* the peer sent past our credit */
	uint32_t peer_shut, local_shut;	/* VIRTIO_VSOCK_SHUTDOWN_* */
	/* sending: the peer's credit */
	uint32_t peer_buf_alloc, peer_fwd_cnt, tx_cnt;
	/* receiving: rx[] is a ring of buf_alloc bytes */
	uint32_t buf_alloc, rx_cnt, fwd_cnt;
	uint32_t fwd_adv;		/* the fwd_cnt the peer last saw */
	uint8_t *rx;
	unsigned long credit_requests;	/* sent, when out of credit */
};

struct vg_guest {
	struct vg_guest *next;		/* the process's guests */
	int fd;
	uint64_t cid;
	uint8_t *mem;
	size_t mem_size;
	struct vg_vq vq[2];		/* 0 RX, 1 TX */
	struct vg_pkt *inbox, **inbox_tail;	/* drained, not handled */
	struct vg_pkt *raw, **raw_tail;		/* unclaimed */
	int nraw;
	struct vg_conn *conns;
	uint32_t listen[VG_LISTEN_MAX];
	int nlisten;
	uint32_t next_port;
	bool handling;
	/* settable after init */
	bool rst_unclaimed;		/* default true */
	bool quiet;			/* no stderr on timeouts */
	bool trace;			/* every packet to stderr (VG_TRACE=1) */
	uint32_t buf_alloc;		/* for new connections */
	int credit_request_ms;
	/* counters */
	unsigned long long rx_pkts, tx_pkts, unclaimed;
};

static struct vg_guest *vg_guests;

static inline int64_t vg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline int vg_left(int64_t deadline)
{
	int64_t d = deadline - vg_now_ms();

	return d < 0 ? 0 : d > 60000 ? 60000 : (int)d;
}

static inline const char *vg_op_name(unsigned int op)
{
	static const char *const n[] = { "INVALID", "REQUEST", "RESPONSE",
		"RST", "SHUTDOWN", "RW", "CREDIT_UPDATE", "CREDIT_REQUEST" };

	return op < sizeof(n) / sizeof(n[0]) ? n[op] : "?";
}

static inline void vg_trace_hdr(const struct vg_guest *g, const char *dir,
				const struct virtio_vsock_hdr *h)
{
	fprintf(stderr, "vsock_guest: cid %llu %s %s %llu:%u -> %llu:%u len %u flags %u buf_alloc %u fwd_cnt %u\n",
		(unsigned long long)g->cid, dir,
		vg_op_name(le16toh(h->op)),
		(unsigned long long)le64toh(h->src_cid), le32toh(h->src_port),
		(unsigned long long)le64toh(h->dst_cid), le32toh(h->dst_port),
		le32toh(h->len), le32toh(h->flags), le32toh(h->buf_alloc),
		le32toh(h->fwd_cnt));
}

static inline void vg_kick(struct vg_vq *vq)
{
	uint64_t one = 1;

	/* avail->idx is published before used->flags is read */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!(__atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED) &
	      VRING_USED_F_NO_NOTIFY))
		if (write(vq->kick, &one, sizeof(one)) != sizeof(one))
			perror("vsock_guest: kick");
}

static inline void vg_publish(struct vg_vq *vq, uint16_t id)
{
	vq->avail->ring[vq->avail_idx % VG_QSIZE] = htole16(id);
	vq->avail_idx++;
	__atomic_store_n(&vq->avail->idx, htole16(vq->avail_idx),
			 __ATOMIC_RELEASE);
}

/*
 * Take what the device finished: TX descriptors back on the free list,
 * RX packets copied to the inbox and their buffers posted again.  Never
 * sends, so it is safe anywhere (packets are handled by vg_handle_all()).
 */
static inline void vg_drain(struct vg_guest *g)
{
	struct vg_vq *rx = &g->vq[0], *tx = &g->vq[1];
	uint64_t cnt;
	int reposted = 0;

	if (read(rx->call, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		perror("vsock_guest: read call");
	if (read(tx->call, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		perror("vsock_guest: read call");

	while (tx->used_seen !=
	       le16toh(__atomic_load_n(&tx->used->idx, __ATOMIC_ACQUIRE))) {
		uint32_t id = le32toh(tx->used->ring[tx->used_seen % VG_QSIZE].id);

		if (id < VG_QSIZE && tx->nfree < VG_QSIZE)
			tx->free[tx->nfree++] = id;
		tx->used_seen++;
	}

	while (rx->used_seen !=
	       le16toh(__atomic_load_n(&rx->used->idx, __ATOMIC_ACQUIRE))) {
		struct vring_used_elem *e = &rx->used->ring[rx->used_seen % VG_QSIZE];
		uint32_t id = le32toh(e->id), len = le32toh(e->len);
		const uint8_t *b = rx->buf + (size_t)id * rx->buf_size;
		struct vg_pkt *p;
		uint32_t plen;

		rx->used_seen++;
		if (id >= VG_QSIZE) {
			fprintf(stderr, "vsock_guest: cid %llu: used id %u out of range\n",
				(unsigned long long)g->cid, id);
			continue;
		}
		if (len < VG_HDR || len > rx->buf_size) {
			fprintf(stderr, "vsock_guest: cid %llu: RX used length %u\n",
				(unsigned long long)g->cid, len);
			vg_publish(rx, id);
			reposted++;
			continue;
		}
		plen = len - VG_HDR;
		p = malloc(sizeof(*p) + plen);
		if (p) {
			memcpy(&p->hdr, b, VG_HDR);
			if (le32toh(p->hdr.len) < plen)
				plen = le32toh(p->hdr.len);
			p->len = plen;
			memcpy(p->data, b + VG_HDR, plen);
			p->next = NULL;
			*g->inbox_tail = p;
			g->inbox_tail = &p->next;
		} else {
			fprintf(stderr, "vsock_guest: cid %llu: packet lost: no memory\n",
				(unsigned long long)g->cid);
		}
		g->rx_pkts++;
		vg_publish(rx, id);
		reposted++;
	}
	if (reposted)
		vg_kick(rx);
}

/* Wait for a free TX descriptor; its id, or -ETIMEDOUT. */
static inline int vg_tx_slot(struct vg_guest *g, int64_t deadline)
{
	struct vg_vq *tx = &g->vq[1];

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = g->vq[0].call, .events = POLLIN },
			{ .fd = tx->call, .events = POLLIN },
		};

		/* RX drained too: vhost stops TX while replies queue up */
		vg_drain(g);
		if (tx->nfree)
			return tx->free[--tx->nfree];
		if (vg_now_ms() >= deadline) {
			fprintf(stderr, "vsock_guest: cid %llu: no TX descriptor came back in time\n",
				(unsigned long long)g->cid);
			return -ETIMEDOUT;
		}
		poll(p, 2, vg_left(deadline));
	}
}

/*
 * Queue one packet, header @h as given (the source is not checked: tests
 * spoof it) and @len payload bytes; 0 or -errno.
 */
static inline int vg_send_pkt(struct vg_guest *g,
			      const struct virtio_vsock_hdr *h,
			      const void *payload, uint32_t len, int64_t deadline)
{
	struct vg_vq *tx = &g->vq[1];
	uint8_t *b;
	int id;

	if (len > VG_MAX_PKT)
		return -EMSGSIZE;
	id = vg_tx_slot(g, deadline);
	if (id < 0)
		return id;
	b = tx->buf + (size_t)id * tx->buf_size;
	memcpy(b, h, VG_HDR);
	if (len)
		memcpy(b + VG_HDR, payload, len);
	tx->desc[id].addr = htole64((uint64_t)(uintptr_t)b);
	tx->desc[id].len = htole32(VG_HDR + len);
	tx->desc[id].flags = 0;
	tx->desc[id].next = 0;
	if (g->trace)
		vg_trace_hdr(g, "sends", h);
	vg_publish(tx, id);
	vg_kick(tx);
	g->tx_pkts++;
	return 0;
}

/* vg_send_pkt() for tests: a crafted packet, within @timeout_ms. */
static inline int vg_send_raw(struct vg_guest *g,
			      const struct virtio_vsock_hdr *h,
			      const void *payload, uint32_t len, int timeout_ms)
{
	return vg_send_pkt(g, h, payload, len, vg_now_ms() + timeout_ms);
}

/* A stream header from @g's CID, filled but for what the caller sets. */
static inline void vg_hdr(const struct vg_guest *g, struct virtio_vsock_hdr *h,
			  uint32_t src_port, uint64_t dst_cid, uint32_t dst_port,
			  uint16_t op)
{
	memset(h, 0, sizeof(*h));
	h->src_cid = htole64(g->cid);
	h->dst_cid = htole64(dst_cid);
	h->src_port = htole32(src_port);
	h->dst_port = htole32(dst_port);
	h->type = htole16(VIRTIO_VSOCK_TYPE_STREAM);
	h->op = htole16(op);
	h->buf_alloc = htole32(g->buf_alloc);
}

static inline int vg_conn_send(struct vg_conn *c, uint16_t op, uint32_t flags,
			       const void *payload, uint32_t len,
			       int64_t deadline)
{
	struct virtio_vsock_hdr h;
	int ret;

	vg_hdr(c->g, &h, c->port, c->peer_cid, c->peer_port, op);
	h.flags = htole32(flags);
	h.len = htole32(len);
	h.buf_alloc = htole32(c->buf_alloc);
	h.fwd_cnt = htole32(c->fwd_cnt);
	ret = vg_send_pkt(c->g, &h, payload, len, deadline);
	if (!ret)
		c->fwd_adv = c->fwd_cnt;
	return ret;
}

static inline int vg_conn_ctl(struct vg_conn *c, uint16_t op, uint32_t flags)
{
	return vg_conn_send(c, op, flags, NULL, 0, vg_now_ms() + VG_CTL_MS);
}

static inline struct vg_conn *vg_conn_new(struct vg_guest *g, uint32_t port,
					  uint64_t peer_cid, uint32_t peer_port)
{
	struct vg_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->buf_alloc = g->buf_alloc;
	c->rx = malloc(c->buf_alloc);
	if (!c->rx) {
		free(c);
		return NULL;
	}
	c->g = g;
	c->port = port;
	c->peer_cid = peer_cid;
	c->peer_port = peer_port;
	c->next = g->conns;
	g->conns = c;
	return c;
}

static inline void vg_conn_free(struct vg_conn *c)
{
	struct vg_conn **pp;

	for (pp = &c->g->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	free(c->rx);
	free(c);
}

/* Bytes received and not yet read. */
static inline uint32_t vg_pending(const struct vg_conn *c)
{
	return c->rx_cnt - c->fwd_cnt;
}

static inline bool vg_listening(const struct vg_guest *g, uint32_t port)
{
	int i;

	for (i = 0; i < g->nlisten; i++)
		if (g->listen[i] == port)
			return true;
	return false;
}

static inline void vg_unclaimed(struct vg_guest *g, struct vg_pkt *p)
{
	struct virtio_vsock_hdr h;
	uint16_t op = le16toh(p->hdr.op);

	g->unclaimed++;
	if (g->rst_unclaimed && op != VIRTIO_VSOCK_OP_RST &&
	    le16toh(p->hdr.type) == VIRTIO_VSOCK_TYPE_STREAM) {
		vg_hdr(g, &h, le32toh(p->hdr.dst_port),
		       le64toh(p->hdr.src_cid), le32toh(p->hdr.src_port),
		       VIRTIO_VSOCK_OP_RST);
		vg_send_pkt(g, &h, NULL, 0, vg_now_ms() + VG_CTL_MS);
	}
	if (g->nraw == VG_RAW_MAX) {
		struct vg_pkt *old = g->raw;

		g->raw = old->next;
		if (!g->raw)
			g->raw_tail = &g->raw;
		free(old);
		g->nraw--;
	}
	p->next = NULL;
	*g->raw_tail = p;
	g->raw_tail = &p->next;
	g->nraw++;
}

/* One packet from the inbox: the protocol's guest side. */
static inline void vg_handle(struct vg_guest *g, struct vg_pkt *p)
{
	const struct virtio_vsock_hdr *h = &p->hdr;
	uint64_t src = le64toh(h->src_cid);
	uint32_t sport = le32toh(h->src_port), dport = le32toh(h->dst_port);
	uint16_t op = le16toh(h->op);
	struct vg_conn *c;
	uint32_t space, off, n;

	if (g->trace)
		vg_trace_hdr(g, "got", h);
	if (le16toh(h->type) != VIRTIO_VSOCK_TYPE_STREAM)
		goto unclaimed;
	for (c = g->conns; c; c = c->next)
		if (c->port == dport && c->peer_cid == src && c->peer_port == sport &&
		    c->state != VG_CLOSED)
			break;
	if (!c) {
		if (op != VIRTIO_VSOCK_OP_REQUEST || !vg_listening(g, dport))
			goto unclaimed;
		c = vg_conn_new(g, dport, src, sport);
		if (!c) {
			fprintf(stderr, "vsock_guest: cid %llu: no memory for a connection\n",
				(unsigned long long)g->cid);
			goto unclaimed;
		}
		c->peer_buf_alloc = le32toh(h->buf_alloc);
		c->peer_fwd_cnt = le32toh(h->fwd_cnt);
		c->state = VG_ESTABLISHED;
		vg_conn_ctl(c, VIRTIO_VSOCK_OP_RESPONSE, 0);
		free(p);
		return;
	}

	c->peer_buf_alloc = le32toh(h->buf_alloc);
	c->peer_fwd_cnt = le32toh(h->fwd_cnt);
	switch (op) {
	case VIRTIO_VSOCK_OP_RESPONSE:
		if (c->state == VG_CONNECTING)
			c->state = VG_ESTABLISHED;
		break;
	case VIRTIO_VSOCK_OP_RST:
		c->reset = true;
		c->state = VG_CLOSED;
		break;
	case VIRTIO_VSOCK_OP_SHUTDOWN:
		c->peer_shut |= le32toh(h->flags) & VG_SHUT_BOTH;
		/*
		 * As Linux: a peer gone both ways with nothing left unread
		 * is answered with RST at once, which ends its close; reads
		 * still see the end of the stream.
		 */
		if (c->peer_shut == VG_SHUT_BOTH && !vg_pending(c) &&
		    c->state == VG_ESTABLISHED) {
			vg_conn_ctl(c, VIRTIO_VSOCK_OP_RST, 0);
			c->state = VG_CLOSED;
		}
		break;
	case VIRTIO_VSOCK_OP_RW:
		if (c->state != VG_ESTABLISHED)
			break;
		space = c->buf_alloc - (c->rx_cnt - c->fwd_cnt);
		if (p->len > space) {
			fprintf(stderr, "vsock_guest: cid %llu port %u: peer %llu:%u sent %u bytes with %u of credit: reset\n",
				(unsigned long long)g->cid, c->port,
				(unsigned long long)src, sport, p->len, space);
			c->overflow = c->reset = true;
			vg_conn_ctl(c, VIRTIO_VSOCK_OP_RST, 0);
			c->state = VG_CLOSED;
			break;
		}
		off = c->rx_cnt % c->buf_alloc;
		n = c->buf_alloc - off < p->len ? c->buf_alloc - off : p->len;
		memcpy(c->rx + off, p->data, n);
		memcpy(c->rx, p->data + n, p->len - n);
		c->rx_cnt += p->len;
		break;
	case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
		if (c->state == VG_ESTABLISHED)
			vg_conn_ctl(c, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0);
		break;
	default:	/* CREDIT_UPDATE: the credit above is all */
		break;
	}
	free(p);
	return;

unclaimed:
	vg_unclaimed(g, p);
}

/* Drain every guest and handle what came, until nothing is left. */
static inline int vg_pump(void)
{
	struct vg_guest *g;
	int handled = 0;

	for (g = vg_guests; g; g = g->next)
		vg_drain(g);
	for (g = vg_guests; g; g = g->next) {
		if (g->handling)
			continue;
		g->handling = true;
		while (g->inbox) {
			struct vg_pkt *p = g->inbox;

			g->inbox = p->next;
			if (!g->inbox)
				g->inbox_tail = &g->inbox;
			vg_handle(g, p);
			handled++;
		}
		g->handling = false;
	}
	return handled;
}

/*
 * The event loop of every guest of the process: handle what is there, or
 * else wait up to @timeout_ms for a call eventfd and handle what came.
 * The number of packets handled.
 */
static inline int vg_service(int timeout_ms)
{
	struct pollfd p[64];
	struct vg_guest *g;
	int n = 0, handled = vg_pump();

	if (handled || timeout_ms <= 0)
		return handled;
	for (g = vg_guests; g && n + 2 <= 64; g = g->next) {
		p[n].fd = g->vq[0].call;
		p[n++].events = POLLIN;
		p[n].fd = g->vq[1].call;
		p[n++].events = POLLIN;
	}
	if (poll(p, n, timeout_ms) > 0)
		handled = vg_pump();
	return handled;
}

/*
 * Bring up guest @cid on a new device; 0 or -errno (with a message),
 * nothing left behind on failure.
 */
static inline int vg_guest_init(struct vg_guest *g, uint64_t cid)
{
	size_t ring = 4096, rxb = (size_t)VG_QSIZE * VG_RX_BUF;
	size_t txb = (size_t)VG_QSIZE * VG_TX_BUF;
	struct vhost_memory *mt;
	uint64_t features;
	int i, running = 1, err;
	const char *step;
	const char *tr = getenv("VG_TRACE");

	memset(g, 0, sizeof(*g));
	g->fd = -1;
	g->vq[0].kick = g->vq[0].call = g->vq[1].kick = g->vq[1].call = -1;
	g->cid = cid;
	g->inbox_tail = &g->inbox;
	g->raw_tail = &g->raw;
	g->next_port = VG_FIRST_PORT;
	g->rst_unclaimed = true;
	g->trace = tr && *tr == '1';
	g->buf_alloc = VG_BUF_ALLOC;
	g->credit_request_ms = VG_CREDIT_REQUEST_MS;

	step = "open /dev/vhost-vsock";
	g->fd = vg_open();
	if (g->fd < 0) {
		err = g->fd;
		goto fail;
	}
	step = "VHOST_GET_FEATURES";
	if (ioctl(g->fd, VHOST_GET_FEATURES, &features))
		goto fail_errno;
	step = "VIRTIO_F_VERSION_1 offered";
	if (!(features & (1ULL << VIRTIO_F_VERSION_1))) {
		err = -EOPNOTSUPP;
		goto fail;
	}
	features = 1ULL << VIRTIO_F_VERSION_1;
	step = "VHOST_SET_FEATURES";
	if (ioctl(g->fd, VHOST_SET_FEATURES, &features))
		goto fail_errno;

	step = "mmap";
	g->mem_size = 2 * ring + rxb + txb;
	g->mem = mmap(NULL, g->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (g->mem == MAP_FAILED) {
		g->mem = NULL;
		goto fail_errno;
	}
	step = "VHOST_SET_MEM_TABLE";
	mt = calloc(1, sizeof(*mt) + sizeof(mt->regions[0]));
	if (!mt) {
		err = -ENOMEM;
		goto fail;
	}
	mt->nregions = 1;
	mt->regions[0].guest_phys_addr = (uint64_t)(uintptr_t)g->mem;
	mt->regions[0].memory_size = g->mem_size;
	mt->regions[0].userspace_addr = (uint64_t)(uintptr_t)g->mem;
	err = ioctl(g->fd, VHOST_SET_MEM_TABLE, mt) ? -errno : 0;
	free(mt);
	if (err)
		goto fail;

	for (i = 0; i < 2; i++) {
		struct vg_vq *vq = &g->vq[i];
		uint8_t *r = g->mem + i * ring;
		struct vhost_vring_state num = { .index = i, .num = VG_QSIZE };
		struct vhost_vring_state base = { .index = i, .num = 0 };
		struct vhost_vring_addr addr = { .index = i };
		struct vhost_vring_file f = { .index = i };

		/* desc 16 B each at 0, avail at 2048, used 4-aligned after */
		vq->desc = (struct vring_desc *)r;
		vq->avail = (struct vring_avail *)(r + 16 * VG_QSIZE);
		vq->used = (struct vring_used *)(r + 16 * VG_QSIZE +
						 ((6 + 2 * VG_QSIZE + 3) & ~3));
		vq->buf = i ? g->mem + 2 * ring + rxb : g->mem + 2 * ring;
		vq->buf_size = i ? VG_TX_BUF : VG_RX_BUF;
		addr.desc_user_addr = (uint64_t)(uintptr_t)vq->desc;
		addr.avail_user_addr = (uint64_t)(uintptr_t)vq->avail;
		addr.used_user_addr = (uint64_t)(uintptr_t)vq->used;

		step = "eventfd";
		vq->kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		vq->call = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (vq->kick < 0 || vq->call < 0)
			goto fail_errno;
		step = "VHOST_SET_VRING_NUM";
		if (ioctl(g->fd, VHOST_SET_VRING_NUM, &num))
			goto fail_errno;
		step = "VHOST_SET_VRING_BASE";
		if (ioctl(g->fd, VHOST_SET_VRING_BASE, &base))
			goto fail_errno;
		step = "VHOST_SET_VRING_ADDR";
		if (ioctl(g->fd, VHOST_SET_VRING_ADDR, &addr))
			goto fail_errno;
		step = "VHOST_SET_VRING_KICK";
		f.fd = vq->kick;
		if (ioctl(g->fd, VHOST_SET_VRING_KICK, &f))
			goto fail_errno;
		step = "VHOST_SET_VRING_CALL";
		f.fd = vq->call;
		if (ioctl(g->fd, VHOST_SET_VRING_CALL, &f))
			goto fail_errno;
	}
	for (i = 0; i < VG_QSIZE; i++) {
		struct vg_vq *rx = &g->vq[0], *tx = &g->vq[1];

		rx->desc[i].addr = htole64((uint64_t)(uintptr_t)
					   (rx->buf + (size_t)i * VG_RX_BUF));
		rx->desc[i].len = htole32(VG_RX_BUF);
		rx->desc[i].flags = htole16(VRING_DESC_F_WRITE);
		rx->avail->ring[i] = htole16(i);
		tx->free[tx->nfree++] = VG_QSIZE - 1 - i;
	}
	g->vq[0].avail_idx = VG_QSIZE;
	__atomic_store_n(&g->vq[0].avail->idx, htole16(VG_QSIZE),
			 __ATOMIC_RELEASE);

	step = "VHOST_VSOCK_SET_GUEST_CID";
	err = vg_set_cid(g->fd, cid);
	if (err)
		goto fail;
	step = "VHOST_VSOCK_SET_RUNNING";
	if (ioctl(g->fd, VHOST_VSOCK_SET_RUNNING, &running))
		goto fail_errno;

	g->next = vg_guests;
	vg_guests = g;
	return 0;

fail_errno:
	err = -errno;
fail:
	fprintf(stderr, "vsock_guest: cid %llu: %s: %s\n",
		(unsigned long long)cid, step, strerror(-err));
	if (g->fd >= 0)
		close(g->fd);
	for (i = 0; i < 2; i++) {
		if (g->vq[i].kick >= 0)
			close(g->vq[i].kick);
		if (g->vq[i].call >= 0)
			close(g->vq[i].call);
	}
	if (g->mem)
		munmap(g->mem, g->mem_size);
	memset(g, 0, sizeof(*g));
	g->fd = -1;
	return err;
}

static inline void vg_pkt_list_free(struct vg_pkt *p)
{
	while (p) {
		struct vg_pkt *n = p->next;

		free(p);
		p = n;
	}
}

/*
 * Close the device (vhost releases the CID, and resets host sockets
 * connected to it) and free the guest.  Safe on a guest whose init
 * failed, and twice.
 */
static inline void vg_guest_fini(struct vg_guest *g)
{
	struct vg_guest **pp;
	int i;

	for (pp = &vg_guests; *pp; pp = &(*pp)->next)
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	if (g->fd < 0)
		return;
	close(g->fd);
	while (g->conns)
		vg_conn_free(g->conns);
	vg_pkt_list_free(g->inbox);
	vg_pkt_list_free(g->raw);
	for (i = 0; i < 2; i++) {
		close(g->vq[i].kick);
		close(g->vq[i].call);
	}
	munmap(g->mem, g->mem_size);
	memset(g, 0, sizeof(*g));
	g->fd = -1;
}

/* Accept connections to @port from now on; 0 or -errno. */
static inline int vg_listen(struct vg_guest *g, uint32_t port)
{
	if (vg_listening(g, port))
		return -EADDRINUSE;
	if (g->nlisten == VG_LISTEN_MAX)
		return -ENOSPC;
	g->listen[g->nlisten++] = port;
	return 0;
}

/* The next connection made to @port, in *@cp; 0 or -errno. */
static inline int vg_accept(struct vg_guest *g, uint32_t port, int timeout_ms,
			    struct vg_conn **cp)
{
	int64_t deadline = vg_now_ms() + timeout_ms;
	struct vg_conn *c;

	if (!vg_listening(g, port))
		return -EINVAL;
	for (;;) {
		/* the oldest waiting: the list is newest first */
		struct vg_conn *found = NULL;

		for (c = g->conns; c; c = c->next)
			if (c->port == port && !c->accepted)
				found = c;
		if (found) {
			found->accepted = true;
			*cp = found;
			return 0;
		}
		if (vg_now_ms() >= deadline) {
			if (!g->quiet)
				fprintf(stderr, "vsock_guest: cid %llu: no connection to port %u within %d ms\n",
					(unsigned long long)g->cid, port, timeout_ms);
			return -ETIMEDOUT;
		}
		vg_service(vg_left(deadline));
	}
}

static inline bool vg_port_used(const struct vg_guest *g, uint32_t port)
{
	const struct vg_conn *c;

	for (c = g->conns; c; c = c->next)
		if (c->port == port)
			return true;
	return vg_listening(g, port);
}

/*
 * Connect to @cid:@port (REQUEST, then RESPONSE) from a fresh local port;
 * the connection in *@cp.  -ECONNRESET when the peer answers RST (no
 * listener), -ETIMEDOUT when nothing answers (a dropped packet).
 */
static inline int vg_connect(struct vg_guest *g, uint64_t cid, uint32_t port,
			     int timeout_ms, struct vg_conn **cp)
{
	int64_t deadline = vg_now_ms() + timeout_ms;
	struct vg_conn *c;
	uint32_t lport;
	int ret, tries;

	for (tries = 0; tries < 16384; tries++) {
		lport = g->next_port++;
		if (g->next_port == 0 || g->next_port < VG_FIRST_PORT)
			g->next_port = VG_FIRST_PORT;
		if (!vg_port_used(g, lport))
			break;
	}
	if (tries == 16384)
		return -EADDRNOTAVAIL;
	c = vg_conn_new(g, lport, cid, port);
	if (!c)
		return -ENOMEM;
	c->accepted = true;
	c->state = VG_CONNECTING;
	ret = vg_conn_send(c, VIRTIO_VSOCK_OP_REQUEST, 0, NULL, 0, deadline);
	while (!ret && c->state == VG_CONNECTING) {
		if (vg_now_ms() >= deadline) {
			ret = -ETIMEDOUT;
			break;
		}
		vg_service(vg_left(deadline));
	}
	if (!ret && c->state != VG_ESTABLISHED)
		ret = -ECONNRESET;
	if (ret) {
		if (!g->quiet || ret != -ETIMEDOUT)
			fprintf(stderr, "vsock_guest: cid %llu: connect to %llu:%u: %s\n",
				(unsigned long long)g->cid,
				(unsigned long long)cid, port, strerror(-ret));
		if (ret == -ETIMEDOUT)	/* a late RESPONSE finds no one */
			vg_conn_ctl(c, VIRTIO_VSOCK_OP_RST, 0);
		vg_conn_free(c);
		return ret;
	}
	*cp = c;
	return 0;
}

/* The bytes @c may send now. */
static inline uint32_t vg_credit(const struct vg_conn *c)
{
	uint32_t used = c->tx_cnt - c->peer_fwd_cnt;

	return used >= c->peer_buf_alloc ? 0 : c->peer_buf_alloc - used;
}

/*
 * Send @len bytes in packets of at most @pkt bytes (0: VG_MAX_PKT), as
 * credit allows; @len or -errno (-ECONNRESET after an RST, -EPIPE after
 * a shutdown, -ETIMEDOUT; c->tx_cnt tells how far it got).
 */
static inline ssize_t vg_send_pkts(struct vg_conn *c, const void *buf,
				   size_t len, uint32_t pkt, int timeout_ms)
{
	int64_t deadline = vg_now_ms() + timeout_ms, starved = 0;
	const uint8_t *b = buf;
	size_t sent = 0;
	int ret;

	if (!pkt || pkt > VG_MAX_PKT)
		pkt = VG_MAX_PKT;
	while (sent < len) {
		uint32_t n, credit;

		vg_pump();
		if (c->reset)
			return -ECONNRESET;
		if ((c->local_shut & VIRTIO_VSOCK_SHUTDOWN_SEND) ||
		    (c->peer_shut & VIRTIO_VSOCK_SHUTDOWN_RCV))
			return -EPIPE;
		if (c->state != VG_ESTABLISHED)
			return -ENOTCONN;
		credit = vg_credit(c);
		if (!credit) {
			int64_t now = vg_now_ms();

			if (now >= deadline) {
				if (!c->g->quiet)
					fprintf(stderr, "vsock_guest: cid %llu port %u: no credit from %llu:%u within %d ms (%zu of %zu bytes sent)\n",
						(unsigned long long)c->g->cid, c->port,
						(unsigned long long)c->peer_cid,
						c->peer_port, timeout_ms, sent, len);
				return -ETIMEDOUT;
			}
			if (!starved) {
				starved = now;
			} else if (now - starved >= c->g->credit_request_ms) {
				ret = vg_conn_ctl(c, VIRTIO_VSOCK_OP_CREDIT_REQUEST, 0);
				if (ret)
					return ret;
				c->credit_requests++;
				starved = now;
			}
			vg_service(vg_left(starved + c->g->credit_request_ms) ?:
				   1);
			continue;
		}
		starved = 0;
		n = len - sent < pkt ? len - sent : pkt;
		if (n > credit)
			n = credit;
		ret = vg_conn_send(c, VIRTIO_VSOCK_OP_RW, 0, b + sent, n, deadline);
		if (ret)
			return ret;
		c->tx_cnt += n;
		sent += n;
	}
	return sent;
}

static inline ssize_t vg_send(struct vg_conn *c, const void *buf, size_t len,
			      int timeout_ms)
{
	return vg_send_pkts(c, buf, len, 0, timeout_ms);
}

/*
 * Up to @len bytes that have arrived, waiting up to @timeout_ms for the
 * first: their count, 0 at the end of the stream (the peer shut down
 * sending), or -errno (-ECONNRESET, -ETIMEDOUT).
 */
static inline ssize_t vg_recv(struct vg_conn *c, void *buf, size_t len,
			      int timeout_ms)
{
	int64_t deadline = vg_now_ms() + timeout_ms;
	uint32_t n, off, first, seen;

	for (;;) {
		vg_pump();
		if (vg_pending(c) || !len)
			break;
		if (c->peer_shut & VIRTIO_VSOCK_SHUTDOWN_SEND)
			return 0;
		if (c->reset)
			return -ECONNRESET;
		if (c->state != VG_ESTABLISHED)
			return -ENOTCONN;
		if (vg_now_ms() >= deadline) {
			if (!c->g->quiet)
				fprintf(stderr, "vsock_guest: cid %llu port %u: nothing from %llu:%u within %d ms (%u bytes so far)\n",
					(unsigned long long)c->g->cid, c->port,
					(unsigned long long)c->peer_cid,
					c->peer_port, timeout_ms, c->rx_cnt);
			return -ETIMEDOUT;
		}
		vg_service(vg_left(deadline));
	}
	n = vg_pending(c) < len ? vg_pending(c) : len;
	off = c->fwd_cnt % c->buf_alloc;
	first = c->buf_alloc - off < n ? c->buf_alloc - off : n;
	memcpy(buf, c->rx + off, first);
	memcpy((uint8_t *)buf + first, c->rx, n - first);
	c->fwd_cnt += n;
	/* the free space the peer knows of: update it once below half */
	seen = c->buf_alloc - (c->rx_cnt - c->fwd_adv);
	if (c->state == VG_ESTABLISHED && !c->reset &&
	    seen < c->buf_alloc / 2)
		vg_conn_ctl(c, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0);
	return n;
}

/*
 * Exactly @len bytes, or fewer if the stream ends first: the count, or
 * -errno (the bytes already read are in @buf, c->fwd_cnt counts them).
 */
static inline ssize_t vg_recv_all(struct vg_conn *c, void *buf, size_t len,
				  int timeout_ms)
{
	int64_t deadline = vg_now_ms() + timeout_ms;
	size_t got = 0;

	while (got < len) {
		ssize_t n = vg_recv(c, (uint8_t *)buf + got, len - got,
				    vg_left(deadline));

		if (n < 0)
			return n;
		if (!n)
			break;
		got += n;
	}
	return got;
}

/* SHUTDOWN with @flags (VIRTIO_VSOCK_SHUTDOWN_RCV/_SEND); 0 or -errno. */
static inline int vg_shutdown(struct vg_conn *c, uint32_t flags)
{
	if (c->reset)
		return -ECONNRESET;
	if (c->state != VG_ESTABLISHED)
		return -ENOTCONN;
	c->local_shut |= flags & VG_SHUT_BOTH;
	return vg_conn_ctl(c, VIRTIO_VSOCK_OP_SHUTDOWN, flags);
}

/*
 * Close @c and free it: an RST when the peer has shut down both ways,
 * else SHUTDOWN(RCV|SEND) and a wait for the peer's RST (a Linux host
 * sends it at once when it has nothing unread).  0, or -ETIMEDOUT when
 * no RST came (an RST is sent then, so the peer forgets it too).
 */
static inline int vg_close(struct vg_conn *c, int timeout_ms)
{
	int64_t deadline = vg_now_ms() + timeout_ms;
	int ret = 0;

	if (c->state == VG_ESTABLISHED && !c->reset) {
		if (c->peer_shut == VG_SHUT_BOTH) {
			ret = vg_conn_ctl(c, VIRTIO_VSOCK_OP_RST, 0);
		} else {
			ret = vg_conn_ctl(c, VIRTIO_VSOCK_OP_SHUTDOWN,
					  VG_SHUT_BOTH);
			/*
			 * Done at the peer's RST, or when the peer's own
			 * SHUTDOWN crossed ours and vg_handle() answered it
			 * with RST (VG_CLOSED): then no RST of the peer's
			 * will match this connection any more.
			 */
			while (!ret && !c->reset && c->state != VG_CLOSED &&
			       vg_now_ms() < deadline)
				vg_service(vg_left(deadline));
			if (!ret && !c->reset && c->state != VG_CLOSED) {
				vg_conn_ctl(c, VIRTIO_VSOCK_OP_RST, 0);
				ret = -ETIMEDOUT;
			}
		}
	}
	vg_conn_free(c);
	return ret;
}

/*
 * The oldest packet that matched no connection (header in *@h, up to
 * @cap payload bytes in @buf): its payload length, or -ETIMEDOUT when
 * none came within @timeout_ms.
 */
static inline ssize_t vg_raw_recv(struct vg_guest *g, struct virtio_vsock_hdr *h,
				  void *buf, size_t cap, int timeout_ms)
{
	int64_t deadline = vg_now_ms() + timeout_ms;
	struct vg_pkt *p;
	ssize_t n;

	for (;;) {
		vg_pump();
		if (g->raw)
			break;
		if (vg_now_ms() >= deadline)
			return -ETIMEDOUT;
		vg_service(vg_left(deadline));
	}
	p = g->raw;
	g->raw = p->next;
	if (!g->raw)
		g->raw_tail = &g->raw;
	g->nraw--;
	if (h)
		*h = p->hdr;
	n = p->len;
	if (buf)
		memcpy(buf, p->data, (size_t)n < cap ? (size_t)n : cap);
	free(p);
	return n;
}

/*
 * Serve every guest for @ms: 0 when no packet at all reached @g in that
 * time, 1 when one did (handled as usual).
 */
static inline int vg_wait_quiet(struct vg_guest *g, int ms)
{
	int64_t deadline = vg_now_ms() + ms;
	unsigned long long before = g->rx_pkts;

	while (vg_now_ms() < deadline) {
		vg_service(vg_left(deadline));
		if (g->rx_pkts != before)
			return 1;
	}
	vg_pump();
	return g->rx_pkts != before;
}

#endif /* _TVM_SELFTEST_VSOCK_GUEST_H */
