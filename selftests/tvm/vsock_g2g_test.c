// SPDX-License-Identifier: GPL-2.0
/*
 * Guest to guest through tvm_vsock (Documentation/vsock.rst, "Guest to
 * guest"), with the fake guests of vsock_guest.h.  This process is the
 * VMM of guest A (its own KVM VM, named G2G_A); each test forks the VMM of
 * guest B (another KVM VM, G2G_B), so that each guest's CID is bound to
 * its own VM and judged by its own policy, and B's device has another
 * owner than A's.
 *
 *  - both policies allow it: bytes arrive intact both ways, and each
 *    receiver's PCR 14 log holds the digest of what it got;
 *  - either policy lacks the sender (or there is no dataflow section):
 *    no payload arrives, the connecting side gets an RST;
 *  - a receiver's policy blocking the sender mid-connection resets both
 *    ends; one that taints delivers, and the receiver's trust takes a
 *    mismatch naming the sender;
 *  - a spoofed source CID is dropped without an answer, and counted;
 *  - a sender that ignores B's credit while B takes nothing is capped:
 *    what tvm_vsock holds for B stays under g2g_queue_max (and the host's
 *    MemAvailable barely moves), the excess is dropped and counted, the
 *    connection reset;
 *  - B's device closing, or taking another CID, mid-connection resets
 *    A's end;
 *  - a CID reused by another VM inherits nothing of the old connections;
 *  - rmmod is refused while guest-to-guest connections are open;
 *  - after every test, nothing is left queued or open.
 */

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <openssl/sha.h>

#include "tvm_kvm.h"
#include "vsock_guest.h"
#include "../kselftest_harness.h"

#define CID_A		0x7e5791U
#define CID_B		0x7e5792U
#define CID_NONE	0x7e5793U	/* no device holds it */
#define PORT		0x7e58
#define G2G_A		"g2g-a"
#define G2G_B		"g2g-b"
#define G2G_C		"g2g-c"
#define T_MS		20000
#define QUEUE_MAX	"/sys/module/tvm_vsock/parameters/g2g_queue_max"

/*
 * What a peer (guest B, in a child) does.  Each reports on the result pipe
 * and then waits for 'q' before it exits, so that its VM (and log) is
 * still there for the parent to read.
 */
enum peer_mode {
	PEER_ECHO,	/* accept, take len bytes (pattern 1), send pattern 2 */
	PEER_NONE,	/* expect no connection and no packet at all */
	PEER_NO_DATA,	/* a connection may come, reset, but no payload */
	PEER_ONE,	/* accept, take 1 byte, then expect a reset only */
	PEER_STALL,	/* accept, then take nothing until told 'g' */
	PEER_DROP,	/* accept, then close the device ('x') or change its
			   CID ('c') when told */
	PEER_QUIET,	/* no listener; count every packet that comes */
};

struct peer {
	pid_t pid;
	int cmd, res;		/* to the child, from the child */
};

/* Drop what the child inherited of the parent's guests: never served. */
static void forget_parent_guests(void)
{
	struct vg_guest *g;
	int i;

	for (g = vg_guests; g; g = g->next) {
		close(g->fd);
		for (i = 0; i < 2; i++) {
			close(g->vq[i].kick);
			close(g->vq[i].call);
		}
	}
	vg_guests = NULL;
}

static void say(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		_exit(90);
}

/* The next command, serving the guests meanwhile unless @stall. */
static char hear(int fd, bool stall)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	for (;;) {
		if (poll(&p, 1, stall ? -1 : 10) == 1) {
			if (read(fd, &c, 1) != 1)
				_exit(91);
			return c;
		}
		vg_service(0);
	}
}

static int peer_main(enum peer_mode mode, const char *name, uint64_t cid,
		     size_t len, int cmd, int res)
{
	struct vg_guest g;
	struct kvm_vm vm;
	struct vg_conn *c = NULL;
	struct tnl nl;
	uint8_t *buf;
	ssize_t n;
	int ret = 0;

	forget_parent_guests();
	if (tnl_open(&nl) || tk_vm_bind(&nl, getpid(), name))
		return 10;
	if (kvm_vm_create(&vm))
		return 11;
	if (vg_guest_init(&g, cid))
		return 12;
	g.quiet = true;
	buf = malloc(len ? len : 16);
	if (mode != PEER_QUIET && vg_listen(&g, PORT))
		return 13;
	if (mode == PEER_QUIET || mode == PEER_NONE || mode == PEER_NO_DATA)
		g.rst_unclaimed = false;
	say(res, 'r');

	switch (mode) {
	case PEER_ECHO:
		if (vg_accept(&g, PORT, T_MS, &c))
			return 20;
		n = vg_recv_all(c, buf, len, T_MS);
		if (n != (ssize_t)len)
			return 21;
		for (n = 0; n < (ssize_t)len; n++)
			if (buf[n] != vg_pattern(1, n))
				return 22;
		vg_fill(buf, len, 2);
		if (vg_send(c, buf, len, T_MS) != (ssize_t)len)
			return 23;
		/* A closes: end of stream, then its RST */
		if (vg_recv(c, buf, 1, T_MS) != 0)
			return 24;
		vg_close(c, T_MS);
		break;
	case PEER_NONE:
		if (vg_accept(&g, PORT, 1500, &c) != -ETIMEDOUT)
			return 30;
		if (g.rx_pkts)
			ret = 31;
		break;
	case PEER_NO_DATA:
		if (vg_accept(&g, PORT, 1500, &c))
			break;
		while (vg_service(500) > 0)
			;
		if (!c->reset)
			ret = 32;
		if (c->rx_cnt)
			ret = 33;
		break;
	case PEER_ONE:
		if (vg_accept(&g, PORT, T_MS, &c))
			return 70;
		if (vg_recv_all(c, buf, 1, T_MS) != 1 || buf[0] != 'x')
			return 71;
		say(res, 'a');
		hear(cmd, false);	/* serving: the reset comes */
		while (vg_service(200) > 0)
			;
		if (!c->reset)
			ret = 72;
		if (c->rx_cnt != 1)
			ret = 73;
		break;
	case PEER_STALL:
		if (vg_accept(&g, PORT, T_MS, &c))
			return 40;
		say(res, 'a');
		if (hear(cmd, true) != 'g')
			return 41;
		/* take what is there: the connection was reset meanwhile */
		while (vg_service(200) > 0)
			;
		if (!c->reset)
			ret = 42;
		break;
	case PEER_DROP:
		if (vg_accept(&g, PORT, T_MS, &c))
			return 50;
		if (vg_recv_all(c, buf, len, T_MS) != (ssize_t)len)
			return 51;
		say(res, 'a');
		switch (hear(cmd, false)) {
		case 'x':	/* the device goes */
			vg_guest_fini(&g);
			break;
		case 'c':	/* the device takes another CID */
			if (vg_set_cid(g.fd, cid + 0x100))
				return 53;
			break;
		default:
			return 52;
		}
		break;
	case PEER_QUIET:
		say(res, 'a');
		hear(cmd, false);
		if (g.rx_pkts)
			ret = 60;
		say(res, (char)ret);
		hear(cmd, false);
		vg_guest_fini(&g);
		kvm_vm_destroy(&vm);
		return ret;
	}
	say(res, (char)ret);
	hear(cmd, false);
	vg_guest_fini(&g);
	kvm_vm_destroy(&vm);
	return ret;
}

/* Fork guest B's VMM; returns once B is up (and listens). */
static int peer_start(struct peer *p, enum peer_mode mode, const char *name,
		      uint64_t cid, size_t len)
{
	int cmd[2], res[2];
	char c;

	if (pipe(cmd) || pipe(res))
		return -errno;
	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (!p->pid) {
		close(cmd[1]);
		close(res[0]);
		_exit(peer_main(mode, name, cid, len, cmd[0], res[1]));
	}
	close(cmd[0]);
	close(res[1]);
	p->cmd = cmd[1];
	p->res = res[0];
	if (read(p->res, &c, 1) != 1 || c != 'r')
		return -EIO;
	return 0;
}

/* The child's next report, serving this process's guests meanwhile. */
static int peer_hear(struct peer *p, int timeout_ms)
{
	struct pollfd pf = { .fd = p->res, .events = POLLIN };
	int64_t deadline = vg_now_ms() + timeout_ms;
	char c;

	while (vg_now_ms() < deadline) {
		if (poll(&pf, 1, 10) == 1)
			return read(p->res, &c, 1) == 1 ? (unsigned char)c : -EIO;
		vg_service(0);
	}
	return -ETIMEDOUT;
}

static void peer_say(struct peer *p, char c)
{
	if (write(p->cmd, &c, 1) != 1)
		perror("peer_say");
}

/* Tell the child to go, and its exit status (0 all right). */
static int peer_end(struct peer *p)
{
	int st;

	if (p->pid <= 0)
		return -1;
	peer_say(p, 'q');
	while (waitpid(p->pid, &st, WNOHANG) == 0)
		vg_service(10);
	p->pid = 0;
	close(p->cmd);
	close(p->res);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A dataflow rule: from the VM named @from, on any port. */
struct df_rule {
	const char *from;
	uint32_t min_trust;	/* 0: any */
	uint32_t action;	/* when the sender falls short */
};

/*
 * POLICY_LOAD for the VM named @rx: audit mode, a dataflow section whose
 * default is block and whose rules are @r (none: a section that lists no
 * one).  0 or -errno.
 */
static int df_load(struct tnl *nl, const char *rx, const struct df_rule *r,
		   int n)
{
	struct tmsg *m = malloc(sizeof(*m));
	int i, ret;

	if (!m)
		return -ENOMEM;
	tk_policy_begin(m, nl, rx, TVM_POLICY_AUDIT);
	tmsg_nest_start(m, TVM_A_POLICY_DATAFLOW);
	tmsg_put_u32(m, TVM_A_DF_DEFAULT, TVM_DF_BLOCK);
	for (i = 0; i < n; i++) {
		tmsg_nest_start(m, TVM_A_DF_RULE);
		tmsg_put_str(m, TVM_A_DFR_FROM_NAME, r[i].from);
		if (r[i].min_trust)
			tmsg_put_u32(m, TVM_A_DFR_MIN_TRUST, r[i].min_trust);
		tmsg_put_u32(m, TVM_A_DFR_ACTION, r[i].action);
		tmsg_nest_end(m);
	}
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	ret = tnl_call(nl, m, NULL, NULL);
	free(m);
	return ret;
}

/* VM @rx accepts data from VM @tx (and no one else), measured. */
static int g2g_allow(struct tnl *nl, const char *rx, const char *tx)
{
	struct df_rule r = { .from = tx, .action = TVM_DF_MEASURE };

	return df_load(nl, rx, &r, 1);
}

#define ALLOW(rx, tx) ASSERT_EQ(0, g2g_allow(&self->nl, rx, tx))

static long long stat_of(const char *name)
{
	return vg_stat(name);
}

/* Wait until counter @name is @want (serving guests): its last value. */
static long long stat_wait(const char *name, long long want, int ms)
{
	int64_t deadline = vg_now_ms() + ms;
	long long v;

	while ((v = stat_of(name)) != want && vg_now_ms() < deadline)
		vg_service(20);
	return v;
}

/* MemAvailable from /proc/meminfo, in bytes, or -1. */
static long long mem_available(void)
{
	char line[128];
	long long kb = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

FIXTURE(g2g) {
	struct tnl nl;
	bool have_nl;
	struct kvm_vm vm;
	struct vg_guest g;
	struct peer peer;
	char queue_max[32];
};

FIXTURE_SETUP(g2g)
{
	const char *why;
	struct tk_vm v;
	int ret, fd;
	ssize_t n;

	self->vm.kvm = self->vm.fd = -1;
	self->g.fd = -1;
	self->peer.pid = 0;
	ret = tnl_open(&self->nl);
	if (ret == -ENOENT)
		SKIP(return, "tvm.ko is not loaded");
	ASSERT_EQ(0, ret);
	self->have_nl = true;
	why = vg_unavailable();
	if (why)
		SKIP(return, "%s", why);
	fd = open(QUEUE_MAX, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	n = read(fd, self->queue_max, sizeof(self->queue_max) - 1);
	close(fd);
	ASSERT_LT(0, n);
	self->queue_max[n] = '\0';
	ASSERT_EQ(0, tk_vm_bind(&self->nl, getpid(), G2G_A));
	ASSERT_EQ(0, kvm_vm_create(&self->vm));
	ASSERT_EQ(0, vg_guest_init(&self->g, CID_A));
	self->g.quiet = true;
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
	ASSERT_EQ(1, v.ncids);
	ASSERT_EQ(CID_A, v.cids[0]);
	ASSERT_STREQ(G2G_A, v.name);
}

FIXTURE_TEARDOWN(g2g)
{
	if (self->peer.pid > 0) {
		kill(self->peer.pid, SIGKILL);
		waitpid(self->peer.pid, NULL, 0);
	}
	vg_guest_fini(&self->g);
	if (self->vm.kvm >= 0)
		kvm_vm_destroy(&self->vm);
	if (self->queue_max[0])
		write_str(QUEUE_MAX, self->queue_max);
	if (!self->have_nl)
		return;
	tk_policy_delete(&self->nl, G2G_A);
	tk_policy_delete(&self->nl, G2G_B);
	tk_policy_delete(&self->nl, G2G_C);
	/* nothing left behind: no connection, no skb queued */
	EXPECT_EQ(0, stat_wait("g2g_conns", 0, 5000));
	EXPECT_EQ(0, stat_wait("g2g_queued_skbs", 0, 5000));
	EXPECT_EQ(0, stat_wait("g2g_queued_bytes", 0, 5000));
	tnl_close(&self->nl);
}

/*
 * The last TVM_EV_FLOW of VM @id's log for the flow @src -> @dst, in *@f;
 * 0, or -ENOENT.
 */
static int flow_event(struct tnl *nl, uint32_t id, uint64_t src,
		      uint64_t dst, struct tvm_ev_flow *f)
{
	struct tvm_log log = { 0 };
	int ret = -ENOENT;
	size_t i;

	if (tvm_log_dump(nl, id, 0, &log))
		return -EIO;
	for (i = 0; i < log.n; i++) {
		const struct tvm_ev *ev = &log.ev[i];
		struct tvm_ev_flow e;

		if (ev->type != TVM_EV_FLOW || ev->data_len != sizeof(e))
			continue;
		memcpy(&e, ev->data, sizeof(e));
		if (le64toh(e.src_cid) == src && le64toh(e.dst_cid) == dst) {
			*f = e;
			ret = 0;
		}
	}
	tvm_log_free(&log);
	return ret;
}

/* Bytes arrive intact both ways, and are measured by each receiver. */
TEST_F(g2g, delivered_both_ways_and_measured)
{
	size_t len = 300000;
	uint8_t *out = malloc(len), *in = malloc(len), md[32];
	long long fwd = stat_of("g2g_forwarded");
	struct tvm_ev_flow f;
	struct vg_conn *c;
	struct tk_vm va, vb;

	ALLOW(G2G_B, G2G_A);
	ALLOW(G2G_A, G2G_B);
	ASSERT_EQ(0, peer_start(&self->peer, PEER_ECHO, G2G_B, CID_B, len));
	vg_fill(out, len, 1);
	ASSERT_EQ(0, vg_connect(&self->g, CID_B, PORT, T_MS, &c));
	EXPECT_EQ((ssize_t)len, vg_send(c, out, len, T_MS));
	EXPECT_EQ((ssize_t)len, vg_recv_all(c, in, len, T_MS));
	vg_fill(out, len, 2);
	EXPECT_EQ(0, memcmp(in, out, len));
	EXPECT_EQ(0, vg_close(c, T_MS));
	EXPECT_EQ(0, peer_hear(&self->peer, T_MS));
	EXPECT_LT(fwd + 10, stat_of("g2g_forwarded"));

	/* B's PCR 14: the stream from A, closed, its SHA-256 */
	ASSERT_EQ(0, tk_vm_of(&self->nl, self->peer.pid, &vb));
	ASSERT_EQ(0, flow_event(&self->nl, vb.id, CID_A, CID_B, &f));
	vg_fill(out, len, 1);
	SHA256(out, len, md);
	EXPECT_EQ(len, le64toh(f.bytes));
	EXPECT_EQ(0, memcmp(md, f.sha256, 32));
	EXPECT_NE(0U, le32toh(f.flags) & TVM_EV_FLOW_CLOSE);
	/* and A's: the stream from B */
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &va));
	ASSERT_EQ(0, flow_event(&self->nl, va.id, CID_B, CID_A, &f));
	vg_fill(out, len, 2);
	SHA256(out, len, md);
	EXPECT_EQ(len, le64toh(f.bytes));
	EXPECT_EQ(0, memcmp(md, f.sha256, 32));
	EXPECT_EQ(0, peer_end(&self->peer));
	free(out);
	free(in);
}

/*
 * No policy at all (no dataflow section): not forwarded.  The REQUEST is
 * answered with an RST from B's address; B sees nothing.
 */
TEST_F(g2g, refused_without_policy)
{
	long long refused = stat_of("g2g_refused");
	struct vg_conn *c = NULL;

	ASSERT_EQ(0, peer_start(&self->peer, PEER_NONE, G2G_B, CID_B, 0));
	EXPECT_EQ(-ECONNRESET, vg_connect(&self->g, CID_B, PORT, T_MS, &c));
	EXPECT_EQ(0, peer_hear(&self->peer, T_MS));
	EXPECT_LT(refused, stat_of("g2g_refused"));
	EXPECT_EQ(0, peer_end(&self->peer));
}

/* B's section does not list A: A's REQUEST never reaches B, A gets an RST. */
TEST_F(g2g, refused_by_receiver_policy)
{
	struct df_rule other = { .from = G2G_C, .action = TVM_DF_MEASURE };
	long long refused = stat_of("g2g_refused");
	struct vg_conn *c = NULL;

	ASSERT_EQ(0, df_load(&self->nl, G2G_B, &other, 1));
	ALLOW(G2G_A, G2G_B);
	ASSERT_EQ(0, peer_start(&self->peer, PEER_NONE, G2G_B, CID_B, 0));
	EXPECT_EQ(-ECONNRESET, vg_connect(&self->g, CID_B, PORT, T_MS, &c));
	EXPECT_EQ(0, peer_hear(&self->peer, T_MS));
	EXPECT_LT(refused, stat_of("g2g_refused"));
	EXPECT_EQ(0, peer_end(&self->peer));
}

/*
 * B allows A, but A's section lists no one: B's answer is refused, so
 * both ends are reset and no payload byte reaches B.
 */
TEST_F(g2g, refused_by_sender_policy)
{
	long long refused = stat_of("g2g_refused");
	struct virtio_vsock_hdr h;
	struct vg_conn *c = NULL;

	ALLOW(G2G_B, G2G_A);
	ASSERT_EQ(0, df_load(&self->nl, G2G_A, NULL, 0));
	ASSERT_EQ(0, peer_start(&self->peer, PEER_NO_DATA, G2G_B, CID_B, 0));
	EXPECT_EQ(-ECONNRESET, vg_connect(&self->g, CID_B, PORT, T_MS, &c));
	/* payload on the port pair anyway: refused too (no connection) */
	vg_hdr(&self->g, &h, self->g.next_port - 1, CID_B, PORT,
	       VIRTIO_VSOCK_OP_RW);
	h.len = htole32(4);
	self->g.rst_unclaimed = false;
	ASSERT_EQ(0, vg_send_raw(&self->g, &h, "data", 4, T_MS));
	EXPECT_EQ(0, peer_hear(&self->peer, T_MS));
	EXPECT_LT(refused, stat_of("g2g_refused"));
	EXPECT_EQ(0, peer_end(&self->peer));
}

/*
 * B's policy turns to blocking A mid-connection (A is not trusted: it
 * never launched): A's next packet is dropped and both ends are reset.
 */
TEST_F(g2g, blocked_mid_connection_resets_both)
{
	struct df_rule block = { .from = G2G_A,
				 .min_trust = TVM_TRUST_TRUSTED,
				 .action = TVM_DF_BLOCK };
	long long blocked = stat_of("g2g_blocked");
	struct vg_conn *c;
	char b[8];

	ALLOW(G2G_B, G2G_A);
	ALLOW(G2G_A, G2G_B);
	ASSERT_EQ(0, peer_start(&self->peer, PEER_ONE, G2G_B, CID_B, 0));
	ASSERT_EQ(0, vg_connect(&self->g, CID_B, PORT, T_MS, &c));
	ASSERT_EQ(1, vg_send(c, "x", 1, T_MS));
	ASSERT_EQ('a', peer_hear(&self->peer, T_MS));
	ASSERT_EQ(0, df_load(&self->nl, G2G_B, &block, 1));
	EXPECT_EQ(4, vg_send(c, "more", 4, T_MS));
	EXPECT_EQ(-ECONNRESET, vg_recv(c, b, sizeof(b), T_MS));
	EXPECT_LT(blocked, stat_of("g2g_blocked"));
	vg_close(c, 100);
	peer_say(&self->peer, 'n');
	EXPECT_EQ(0, peer_hear(&self->peer, T_MS));	/* reset, 1 byte */
	EXPECT_EQ(0, peer_end(&self->peer));
}

/*
 * B's policy taints on data from an untrusted A: delivered, and B's trust
 * takes the mismatch, naming A.  B never launched, so it is PENDING and
 * the mismatch is noted (B turns UNTRUSTED when it launches: the core's
 * rule for a PENDING VM, Documentation/policy.rst).
 */
TEST_F(g2g, tainted_delivered_and_noted_naming_sender)
{
	struct df_rule taint = { .from = G2G_A,
				 .min_trust = TVM_TRUST_TRUSTED,
				 .action = TVM_DF_TAINT };
	size_t len = 1000;
	uint8_t *out = malloc(len), *in = malloc(len);
	struct vg_conn *c;
	struct tk_vm vb;
	int i, named = 0;

	ASSERT_EQ(0, df_load(&self->nl, G2G_B, &taint, 1));
	ALLOW(G2G_A, G2G_B);
	ASSERT_EQ(0, peer_start(&self->peer, PEER_ECHO, G2G_B, CID_B, len));
	ASSERT_EQ(0, tk_vm_of(&self->nl, self->peer.pid, &vb));
	EXPECT_EQ(0, vb.nreasons);
	vg_fill(out, len, 1);
	ASSERT_EQ(0, vg_connect(&self->g, CID_B, PORT, T_MS, &c));
	EXPECT_EQ((ssize_t)len, vg_send(c, out, len, T_MS));
	EXPECT_EQ((ssize_t)len, vg_recv_all(c, in, len, T_MS));
	EXPECT_EQ(0, vg_close(c, T_MS));
	EXPECT_EQ(0, peer_hear(&self->peer, T_MS));	/* all arrived */
	ASSERT_EQ(0, tk_vm_of(&self->nl, self->peer.pid, &vb));
	EXPECT_NE((uint32_t)TVM_TRUST_TRUSTED, vb.trust);
	for (i = 0; i < vb.nreasons; i++) {
		TH_LOG("B: %s", vb.reasons[i]);
		if (strstr(vb.reasons[i], "'" G2G_A "'"))
			named = 1;
	}
	EXPECT_EQ(1, named);
	EXPECT_EQ(0, peer_end(&self->peer));
	free(out);
	free(in);
}

/*
 * Sources A's device does not hold: B's CID (another process's device)
 * and a CID no device holds.  Dropped without an answer, counted, and
 * nothing reaches B.
 */
TEST_F(g2g, spoofed_source_dropped_and_counted)
{
	long long spoofed = stat_of("g2g_spoofed");
	struct virtio_vsock_hdr h, r;
	uint64_t srcs[] = { CID_B, CID_NONE, CID_A | (1ULL << 32) };
	unsigned int i;

	ASSERT_EQ(0, peer_start(&self->peer, PEER_QUIET, G2G_B, CID_B, 0));
	ASSERT_EQ('a', peer_hear(&self->peer, T_MS));
	self->g.rst_unclaimed = false;
	for (i = 0; i < 3; i++) {
		vg_hdr(&self->g, &h, 40000 + i, CID_B, PORT,
		       VIRTIO_VSOCK_OP_REQUEST);
		h.src_cid = htole64(srcs[i]);
		ASSERT_EQ(0, vg_send_raw(&self->g, &h, NULL, 0, T_MS));
	}
	EXPECT_EQ(0, vg_wait_quiet(&self->g, 1000));
	EXPECT_EQ(-ETIMEDOUT, vg_raw_recv(&self->g, &r, NULL, 0, 0));
	EXPECT_EQ(spoofed + 3, stat_of("g2g_spoofed"));
	peer_say(&self->peer, 'n');
	EXPECT_EQ(0, peer_hear(&self->peer, T_MS));	/* B got nothing */
	EXPECT_EQ(0, peer_end(&self->peer));
}

/*
 * A ignores B's credit and B takes nothing: what tvm_vsock queues for B
 * stays under g2g_queue_max; past it packets are dropped and counted, and
 * the connection is reset at both ends.
 */
TEST_F(g2g, flooding_sender_is_capped)
{
	long long capped = stat_of("g2g_capped"), peak = 0, q;
	long long avail, low;
	size_t cap = 1 << 20, pkt = 65536;
	struct virtio_vsock_hdr h;
	struct vg_conn *c;
	uint8_t *buf = malloc(pkt);
	int i, sent = 0;

	ASSERT_EQ(0, write_str(QUEUE_MAX, "1048576"));
	ALLOW(G2G_B, G2G_A);
	ALLOW(G2G_A, G2G_B);
	ASSERT_EQ(0, peer_start(&self->peer, PEER_STALL, G2G_B, CID_B, 0));
	ASSERT_EQ(0, vg_connect(&self->g, CID_B, PORT, T_MS, &c));
	ASSERT_EQ('a', peer_hear(&self->peer, T_MS));
	vg_fill(buf, pkt, 1);
	avail = low = mem_available();
	ASSERT_LT(0, avail);
	/* 400 packets of 64 KiB: 25 MiB, 100 times B's credit */
	for (i = 0; i < 400 && !c->reset; i++) {
		vg_hdr(&self->g, &h, c->port, CID_B, PORT, VIRTIO_VSOCK_OP_RW);
		h.len = htole32(pkt);
		if (vg_send_raw(&self->g, &h, buf, pkt, T_MS))
			break;
		sent++;
		vg_service(0);
		q = stat_of("g2g_queued_bytes");
		if (q > peak)
			peak = q;
		q = mem_available();
		if (q < low)
			low = q;
	}
	/*
	 * A's worker may still be forwarding what A queued.  (What B's
	 * ring took is in B's memory, not the host's: once the connection
	 * is reset, the queue may drain into the ring, so it may be 0.)
	 */
	vg_wait_quiet(&self->g, 500);
	if (mem_available() < low)
		low = mem_available();
	q = stat_of("g2g_queued_bytes");
	if (q > peak)
		peak = q;
	TH_LOG("%d packets sent, %lld bytes queued after, peak %lld, MemAvailable fell by %lld KiB at most",
	       sent, q, peak, (avail - low) / 1024);
	EXPECT_LT(0, sent);
	/* the cap, and an RST that closes the connection past it */
	EXPECT_GE((long long)cap + 4096, peak);
	/* and the host agrees: not the 25 MiB (twice that in truesize) */
	EXPECT_GT(16LL << 20, avail - low);
	EXPECT_LT(capped, stat_of("g2g_capped"));
	/* A's end is reset */
	EXPECT_TRUE(c->reset);
	/* B's end too, once it takes what was queued */
	peer_say(&self->peer, 'g');
	EXPECT_EQ(0, peer_hear(&self->peer, T_MS));
	EXPECT_EQ(0, stat_wait("g2g_queued_bytes", 0, 5000));
	EXPECT_EQ(0, peer_end(&self->peer));
	free(buf);
}

/* B's device closes mid-connection: A's end gets an RST at once. */
TEST_F(g2g, receiver_gone_resets_sender)
{
	long long resets = stat_of("g2g_resets");
	struct vg_conn *c;
	uint8_t b[16];
	int64_t t;

	ALLOW(G2G_B, G2G_A);
	ALLOW(G2G_A, G2G_B);
	ASSERT_EQ(0, peer_start(&self->peer, PEER_DROP, G2G_B, CID_B, 4));
	ASSERT_EQ(0, vg_connect(&self->g, CID_B, PORT, T_MS, &c));
	ASSERT_EQ(4, vg_send(c, "ping", 4, T_MS));
	ASSERT_EQ('a', peer_hear(&self->peer, T_MS));
	EXPECT_EQ(1, stat_of("g2g_conns"));
	peer_say(&self->peer, 'x');
	EXPECT_EQ(0, peer_hear(&self->peer, T_MS));	/* closed */
	t = vg_now_ms();
	EXPECT_EQ(-ECONNRESET, vg_recv(c, b, sizeof(b), T_MS));
	TH_LOG("RST after %lld ms", (long long)(vg_now_ms() - t));
	EXPECT_LT(resets, stat_of("g2g_resets"));
	EXPECT_EQ(0, stat_of("g2g_conns"));
	vg_close(c, 100);
	EXPECT_EQ(0, peer_end(&self->peer));
}

/*
 * B's device takes another CID mid-connection (B's CID is unbound): A's
 * end gets an RST, and nothing is forwarded on the old connection.
 */
TEST_F(g2g, receiver_cid_changed_resets_sender)
{
	struct vg_conn *c;
	uint8_t b[16];

	ALLOW(G2G_B, G2G_A);
	ALLOW(G2G_A, G2G_B);
	ASSERT_EQ(0, peer_start(&self->peer, PEER_DROP, G2G_B, CID_B, 4));
	ASSERT_EQ(0, vg_connect(&self->g, CID_B, PORT, T_MS, &c));
	ASSERT_EQ(4, vg_send(c, "ping", 4, T_MS));
	ASSERT_EQ('a', peer_hear(&self->peer, T_MS));
	EXPECT_EQ(1, stat_of("g2g_conns"));
	peer_say(&self->peer, 'c');
	EXPECT_EQ(0, peer_hear(&self->peer, T_MS));
	EXPECT_EQ(-ECONNRESET, vg_recv(c, b, sizeof(b), T_MS));
	EXPECT_EQ(0, stat_of("g2g_conns"));
	vg_close(c, 100);
	EXPECT_EQ(0, peer_end(&self->peer));
}

/*
 * B goes; another VM (C) takes B's CID and allows A too.  What A sends on
 * its old connection never reaches C: A gets an RST instead.
 */
TEST_F(g2g, reused_cid_inherits_nothing)
{
	struct virtio_vsock_hdr h, r;
	struct vg_conn *c;
	uint32_t lport;
	struct df_rule bc[] = {
		{ .from = G2G_B, .action = TVM_DF_MEASURE },
		{ .from = G2G_C, .action = TVM_DF_MEASURE },
	};

	ALLOW(G2G_B, G2G_A);
	ALLOW(G2G_C, G2G_A);
	ASSERT_EQ(0, df_load(&self->nl, G2G_A, bc, 2));
	ASSERT_EQ(0, peer_start(&self->peer, PEER_DROP, G2G_B, CID_B, 4));
	ASSERT_EQ(0, vg_connect(&self->g, CID_B, PORT, T_MS, &c));
	ASSERT_EQ(4, vg_send(c, "ping", 4, T_MS));
	ASSERT_EQ('a', peer_hear(&self->peer, T_MS));
	peer_say(&self->peer, 'x');
	EXPECT_EQ(0, peer_hear(&self->peer, T_MS));
	EXPECT_EQ(0, peer_end(&self->peer));
	lport = c->port;
	vg_wait_quiet(&self->g, 200);
	vg_close(c, 100);	/* A forgets it (the RST came) */

	ASSERT_EQ(0, peer_start(&self->peer, PEER_QUIET, G2G_C, CID_B, 0));
	ASSERT_EQ('a', peer_hear(&self->peer, T_MS));
	self->g.rst_unclaimed = false;
	vg_hdr(&self->g, &h, lport, CID_B, PORT, VIRTIO_VSOCK_OP_RW);
	h.len = htole32(4);
	ASSERT_EQ(0, vg_send_raw(&self->g, &h, "pong", 4, T_MS));
	ASSERT_EQ(0, vg_raw_recv(&self->g, &r, NULL, 0, T_MS));
	EXPECT_EQ(VIRTIO_VSOCK_OP_RST, (int)le16toh(r.op));
	EXPECT_EQ((uint64_t)CID_B, le64toh(r.src_cid));
	EXPECT_EQ(lport, le32toh(r.dst_port));
	peer_say(&self->peer, 'n');
	EXPECT_EQ(0, peer_hear(&self->peer, T_MS));	/* C got nothing */
	EXPECT_EQ(0, peer_end(&self->peer));
}

/* rmmod tvm_vsock is refused while a connection is open, which goes on. */
TEST_F(g2g, rmmod_refused_while_open)
{
	size_t len = 4096;
	uint8_t *out = malloc(len), *in = malloc(len);
	struct vg_conn *c;

	ALLOW(G2G_B, G2G_A);
	ALLOW(G2G_A, G2G_B);
	ASSERT_EQ(0, peer_start(&self->peer, PEER_ECHO, G2G_B, CID_B, len));
	ASSERT_EQ(0, vg_connect(&self->g, CID_B, PORT, T_MS, &c));
	EXPECT_EQ(-1, syscall(__NR_delete_module, "tvm_vsock", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	vg_fill(out, len, 1);
	EXPECT_EQ((ssize_t)len, vg_send(c, out, len, T_MS));
	EXPECT_EQ((ssize_t)len, vg_recv_all(c, in, len, T_MS));
	vg_fill(out, len, 2);
	EXPECT_EQ(0, memcmp(in, out, len));
	free(out);
	free(in);
	EXPECT_EQ(0, vg_close(c, T_MS));
	EXPECT_EQ(0, peer_hear(&self->peer, T_MS));
	EXPECT_EQ(0, peer_end(&self->peer));
}

TEST_HARNESS_MAIN
