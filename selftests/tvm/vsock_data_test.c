// SPDX-License-Identifier: GPL-2.0
/*
 * Bytes through vhost-vsock, driven by the fake guest of vsock_guest.h
 * (the guest's virtqueues in this process, no nested Linux guest), with
 * tvm_vsock loaded.  This process is the VMM: it holds a KVM VM, so the
 * guest CID is bound to it (checked), and a forked child is the host
 * side, an AF_VSOCK listener.  The tests prove the fake guest itself:
 *
 *  - 1 MiB each way between the guest and a host listener, checked byte
 *    by byte at both ends (and a host that corrupts one byte is caught);
 *  - a connection to a port nobody listens on is reset (ECONNRESET);
 *  - a packet with a spoofed source gets no answer at all;
 *  - a host process connects to a port the guest listens on;
 *  - a sender out of credit times out, asks for credit, and goes on
 *    once the host reads;
 *  - many connections open and close one after another;
 *  - two guests in one process, served by one loop.
 */

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/vm_sockets.h>

#include "tvm_kvm.h"
#include "vsock_guest.h"
#include "../kselftest_harness.h"

#define GUEST_CID	0x7e57d1U
#define PORT		0x7e57
#define DATA_LEN	(1 << 20)
#define T_MS		20000

/* The first byte of @b that is not pattern @seed, or -1 when none. */
static long first_wrong(const uint8_t *b, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != vg_pattern(seed, i))
			return i;
	return -1;
}

enum host_mode { HOST_ECHO, HOST_CORRUPT, HOST_ACCEPT_MANY, HOST_CONNECT,
		 HOST_SLOW_SINK };

/*
 * The host side, in a child: listen on @port (or, HOST_CONNECT, connect
 * to the guest), then per @mode.  Exit status 0 when all was right.
 */
static int host_side(enum host_mode mode, unsigned int port, int ready,
		     int count)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_port = port,
				 .svm_cid = VMADDR_CID_ANY };
	struct timeval tv = { .tv_sec = T_MS / 1000 };
	static uint8_t buf[DATA_LEN];
	int s, c, i, wrong = 0;
	size_t got = 0;
	ssize_t n;
	long bad;

	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0)
		return 10;
	if (mode == HOST_CONNECT) {
		a.svm_cid = GUEST_CID;
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (connect(s, (struct sockaddr *)&a, sizeof(a))) {
			fprintf(stderr, "host: connect: %m\n");
			return 11;
		}
		if (write(s, "hello", 5) != 5)
			return 12;
		n = read(s, buf, sizeof(buf));
		if (n != 5 || memcmp(buf, "world", 5))
			return 13;
		close(s);
		return 0;
	}
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 16))
		return 14;
	if (write(ready, "r", 1) != 1)
		return 15;
	for (i = 0; i < count; i++) {
		struct pollfd p = { .fd = s, .events = POLLIN };

		if (poll(&p, 1, T_MS) != 1)
			return 16;
		c = accept(s, NULL, NULL);
		if (c < 0)
			return 17;
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (mode == HOST_ACCEPT_MANY) {
			/* one byte each way, then the guest closes */
			if (read(c, buf, 1) != 1 || buf[0] != (uint8_t)i)
				wrong++;
			if (write(c, buf, 1) != 1)
				wrong++;
			n = read(c, buf, 1);	/* EOF when the guest closes */
			if (n != 0)
				wrong++;
			close(c);
			continue;
		}
		if (mode == HOST_SLOW_SINK) {
			/* nothing read for 2 s, then half a MiB, checked */
			sleep(2);
			while (got < DATA_LEN / 2) {
				n = read(c, buf + got, DATA_LEN / 2 - got);
				if (n <= 0)
					return 23;
				got += n;
			}
			bad = first_wrong(buf, DATA_LEN / 2, 1);
			n = read(c, buf, 1);
			close(c);
			return bad >= 0 ? 24 : n ? 25 : 0;
		}
		while (got < DATA_LEN) {
			n = read(c, buf + got, DATA_LEN - got);
			if (n <= 0) {
				fprintf(stderr, "host: read after %zu bytes: %zd %m\n",
					got, n);
				return 18;
			}
			got += n;
		}
		bad = first_wrong(buf, DATA_LEN, 1);
		if (bad >= 0) {
			fprintf(stderr, "host: byte %ld wrong\n", bad);
			return 19;
		}
		for (got = 0; got < DATA_LEN; got++)
			buf[got] = vg_pattern(2, got);
		if (mode == HOST_CORRUPT)
			buf[DATA_LEN / 2 + 3] ^= 0x40;
		for (got = 0; got < DATA_LEN; got += n) {
			n = write(c, buf + got, DATA_LEN - got);
			if (n <= 0) {
				fprintf(stderr, "host: write after %zu bytes: %m\n",
					got);
				return 20;
			}
		}
		/* the guest closes first; then no byte more */
		n = read(c, buf, 1);
		close(c);
		if (n != 0)
			return 21;
	}
	close(s);
	return wrong ? 22 : 0;
}

FIXTURE(data) {
	struct tnl nl;
	bool have_nl;
	struct kvm_vm vm;
	struct vg_guest g;
	pid_t host;
};

FIXTURE_SETUP(data)
{
	const char *why;
	struct tk_vm v;
	int ret;

	self->vm.kvm = self->vm.fd = -1;
	self->g.fd = -1;
	self->host = -1;
	ret = tnl_open(&self->nl);
	if (ret == -ENOENT)
		SKIP(return, "tvm.ko is not loaded");
	ASSERT_EQ(0, ret);
	self->have_nl = true;
	why = vg_unavailable();
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, kvm_vm_create(&self->vm));
	ASSERT_EQ(0, vg_guest_init(&self->g, GUEST_CID));
	/* the guest is this VMM's VM's: tvm_vsock bound its CID */
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
	ASSERT_TRUE(v.has_cids);
	ASSERT_EQ(1, v.ncids);
	ASSERT_EQ(GUEST_CID, v.cids[0]);
}

FIXTURE_TEARDOWN(data)
{
	int st;

	if (self->host > 0) {
		kill(self->host, SIGKILL);
		waitpid(self->host, &st, 0);
	}
	vg_guest_fini(&self->g);
	if (self->vm.kvm >= 0)
		kvm_vm_destroy(&self->vm);
	if (self->have_nl)
		tnl_close(&self->nl);
}

/* Fork the host side; returns once it listens (or connects at once). */
static pid_t start_host(enum host_mode mode, unsigned int port, int count)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		close(p[0]);
		_exit(host_side(mode, port, p[1], count));
	}
	close(p[1]);
	if (pid > 0 && mode != HOST_CONNECT && read(p[0], &c, 1) != 1) {
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

/* The host side's exit status (0 all right), or -1. */
static int host_status(pid_t *pid)
{
	int st;

	if (waitpid(*pid, &st, 0) != *pid)
		return -1;
	*pid = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * 1 MiB to the host and 1 MiB back; both checked byte by byte.  The
 * offset of the first wrong byte back, or -1.
 */
static long echo(struct __test_metadata *_metadata, FIXTURE_DATA(data) *self,
		 unsigned int port, uint32_t pkt)
{
	uint8_t *out = malloc(DATA_LEN), *in = malloc(DATA_LEN);
	struct vg_conn *c = NULL;
	long bad;
	size_t i;

	for (i = 0; i < DATA_LEN; i++)
		out[i] = vg_pattern(1, i);
	memset(in, 0, DATA_LEN);
	EXPECT_EQ(0, vg_connect(&self->g, VMADDR_CID_HOST, port, T_MS, &c));
	if (!c)
		return -2;
	EXPECT_EQ(DATA_LEN, vg_send_pkts(c, out, DATA_LEN, pkt, T_MS));
	EXPECT_EQ(DATA_LEN, vg_recv_all(c, in, DATA_LEN, T_MS));
	/* the host sends nothing more: the stream is still open */
	EXPECT_EQ(0U, vg_pending(c));
	EXPECT_EQ(0, vg_close(c, T_MS));
	bad = first_wrong(in, DATA_LEN, 2);
	free(out);
	free(in);
	return bad;
}

TEST_F_TIMEOUT(data, one_mib_each_way, 120)
{
	self->host = start_host(HOST_ECHO, PORT, 1);
	ASSERT_LT(0, self->host);
	EXPECT_EQ(-1, echo(_metadata, self, PORT, 0));
	EXPECT_EQ(0, host_status(&self->host));
}

/* The same in 4 KiB packets: 256 of them each way, through credit. */
TEST_F_TIMEOUT(data, one_mib_in_small_packets, 120)
{
	self->host = start_host(HOST_ECHO, PORT + 1, 1);
	ASSERT_LT(0, self->host);
	EXPECT_EQ(-1, echo(_metadata, self, PORT + 1, 4096));
	EXPECT_EQ(0, host_status(&self->host));
}

/* The check above can fail: one byte flipped by the host is found. */
TEST_F_TIMEOUT(data, a_wrong_byte_is_caught, 120)
{
	self->host = start_host(HOST_CORRUPT, PORT + 2, 1);
	ASSERT_LT(0, self->host);
	EXPECT_EQ(DATA_LEN / 2 + 3, echo(_metadata, self, PORT + 2, 0));
	EXPECT_EQ(0, host_status(&self->host));
}

/* Nobody listens: the host answers RST, the caller sees ECONNRESET. */
TEST_F(data, no_listener_is_reset)
{
	struct vg_conn *c = NULL;

	EXPECT_EQ(-ECONNRESET, vg_connect(&self->g, VMADDR_CID_HOST,
					  PORT + 3, T_MS, &c));
	EXPECT_EQ(NULL, c);
}

/*
 * A REQUEST whose source is not the device's CID: vhost drops it
 * (VSOCK.md (b)), so nothing comes back, where the same REQUEST from the
 * right CID is answered.
 */
TEST_F(data, spoofed_source_gets_no_answer)
{
	struct virtio_vsock_hdr h, r = { 0 };

	self->g.rst_unclaimed = false;
	vg_hdr(&self->g, &h, 40000, VMADDR_CID_HOST, PORT + 4,
	       VIRTIO_VSOCK_OP_REQUEST);
	h.src_cid = htole64(GUEST_CID + 1);
	ASSERT_EQ(0, vg_send_raw(&self->g, &h, NULL, 0, T_MS));
	EXPECT_EQ(0, vg_wait_quiet(&self->g, 500));
	EXPECT_EQ(-ETIMEDOUT, vg_raw_recv(&self->g, &r, NULL, 0, 0));

	/* control: the true source gets the RST of a port nobody has */
	h.src_cid = htole64(GUEST_CID);
	ASSERT_EQ(0, vg_send_raw(&self->g, &h, NULL, 0, T_MS));
	ASSERT_EQ(0, vg_raw_recv(&self->g, &r, NULL, 0, T_MS));
	EXPECT_EQ(VIRTIO_VSOCK_OP_RST, (int)le16toh(r.op));
	EXPECT_EQ((uint64_t)VMADDR_CID_HOST, le64toh(r.src_cid));
	EXPECT_EQ((uint64_t)GUEST_CID, le64toh(r.dst_cid));
	EXPECT_EQ(40000U, le32toh(r.dst_port));
}

/* A host process connects to the guest: listen, accept, both ways. */
TEST_F(data, host_connects_to_the_guest)
{
	struct vg_conn *c;
	char buf[8];

	ASSERT_EQ(0, vg_listen(&self->g, PORT + 5));
	self->host = start_host(HOST_CONNECT, PORT + 5, 1);
	ASSERT_LT(0, self->host);
	ASSERT_EQ(0, vg_accept(&self->g, PORT + 5, T_MS, &c));
	EXPECT_EQ((uint64_t)VMADDR_CID_HOST, c->peer_cid);
	EXPECT_EQ(5, vg_recv_all(c, buf, 5, T_MS));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_EQ(5, vg_send(c, "world", 5, T_MS));
	/*
	 * The host closes: end of stream, answered with RST at once (the
	 * host's close does not wait for ours), then sends fail.
	 */
	EXPECT_EQ(0, vg_recv(c, buf, sizeof(buf), T_MS));
	EXPECT_EQ((int)VG_CLOSED, (int)c->state);
	EXPECT_EQ(-EPIPE, vg_send(c, "x", 1, T_MS));
	EXPECT_EQ(0, vg_close(c, T_MS));
	EXPECT_EQ(0, host_status(&self->host));
}

/*
 * A host that reads nothing for 2 s: the guest's send stops at the
 * host's buf_alloc, times out, asks for credit (CREDIT_REQUEST), and
 * completes once the host reads; the host checks every byte.
 */
TEST_F_TIMEOUT(data, out_of_credit_waits_asks_and_goes_on, 60)
{
	uint8_t *out = malloc(DATA_LEN / 2);
	struct vg_conn *c;
	size_t i;

	for (i = 0; i < DATA_LEN / 2; i++)
		out[i] = vg_pattern(1, i);
	self->g.credit_request_ms = 300;
	self->host = start_host(HOST_SLOW_SINK, PORT + 8, 1);
	ASSERT_LT(0, self->host);
	ASSERT_EQ(0, vg_connect(&self->g, VMADDR_CID_HOST, PORT + 8, T_MS, &c));
	EXPECT_EQ(-ETIMEDOUT, vg_send(c, out, DATA_LEN / 2, 700));
	/* exactly the credit the host gave: its buf_alloc */
	EXPECT_EQ(c->peer_buf_alloc, c->tx_cnt);
	EXPECT_LT(0U, c->tx_cnt);
	EXPECT_LE(1UL, c->credit_requests);
	EXPECT_EQ((ssize_t)(DATA_LEN / 2 - c->tx_cnt),
		  vg_send(c, out + c->tx_cnt, DATA_LEN / 2 - c->tx_cnt, T_MS));
	EXPECT_EQ(0, vg_close(c, T_MS));
	EXPECT_EQ(0, host_status(&self->host));
	free(out);
}

/* 1,000 connections, one after another, each closed by the guest. */
TEST_F_TIMEOUT(data, a_thousand_connections, 300)
{
	int i, n = 1000;

	self->host = start_host(HOST_ACCEPT_MANY, PORT + 6, n);
	ASSERT_LT(0, self->host);
	for (i = 0; i < n; i++) {
		struct vg_conn *c;
		uint8_t b = i;

		ASSERT_EQ(0, vg_connect(&self->g, VMADDR_CID_HOST, PORT + 6,
					T_MS, &c)) TH_LOG("connection %d", i);
		ASSERT_EQ(1, vg_send(c, &b, 1, T_MS));
		ASSERT_EQ(1, vg_recv_all(c, &b, 1, T_MS));
		ASSERT_EQ((uint8_t)i, b);
		ASSERT_EQ(0, vg_close(c, T_MS));
	}
	EXPECT_EQ(NULL, self->g.conns);
	EXPECT_EQ(0, host_status(&self->host));
}

/*
 * Two guests of one VMM (both CIDs its VM's), both connected before
 * either is used: one loop serves both while the host takes them in turn.
 */
TEST_F(data, two_guests_one_loop)
{
	struct vg_guest g2;
	struct vg_conn *c[2];
	struct tk_vm v;
	int i;

	ASSERT_EQ(0, vg_guest_init(&g2, GUEST_CID + 1));
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
	EXPECT_EQ(2, v.ncids);
	self->host = start_host(HOST_ACCEPT_MANY, PORT + 7, 2);
	ASSERT_LT(0, self->host);
	ASSERT_EQ(0, vg_connect(&self->g, VMADDR_CID_HOST, PORT + 7, T_MS, &c[0]));
	ASSERT_EQ(0, vg_connect(&g2, VMADDR_CID_HOST, PORT + 7, T_MS, &c[1]));
	for (i = 0; i < 2; i++) {
		uint8_t b = i;

		EXPECT_EQ(1, vg_send(c[i], &b, 1, T_MS));
		EXPECT_EQ(1, vg_recv_all(c[i], &b, 1, T_MS));
		EXPECT_EQ(i, b);
		EXPECT_EQ(0, vg_close(c[i], T_MS));
	}
	EXPECT_EQ(0, host_status(&self->host));
	vg_guest_fini(&g2);
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
	EXPECT_EQ(1, v.ncids);
}

TEST_HARNESS_MAIN
