// SPDX-License-Identifier: GPL-2.0
/*
 * Flows (tvm_vsock, Documentation/vsock.rst "Flows"): what a VM receives
 * over vsock is measured into its PCR 14, and TVM_CMD_FLOW_GET lists the
 * flows.  The guest is vsock_guest.h's fake guest, in this process, which
 * holds a KVM VM (so the guest CID is bound to that VM); the host side is
 * a forked child with an AF_VSOCK socket.  Event data is parsed from the
 * log read with raw netlink; digests are recomputed with OpenSSL.
 *
 *  - host to guest: the close event's digest is the SHA-256 of the bytes
 *    the host sent, and the event's own digest is H(its data);
 *  - with checkpoint_bytes small, a checkpoint every N bytes exactly,
 *    each with the digest of the stream's first N, 2N... bytes;
 *  - guest to host: listed with its bytes while open, never logged;
 *  - a CID released and bound again by another VMM: the new flow goes to
 *    the new VM's log, the old VM's gets nothing more;
 *  - the VMM killed mid-flow: its flows go, the host's socket is reset;
 *  - rmmod with a flow open is refused;
 *  - a flow past max_flows_per_vm is refused with a reset, and counted;
 *  - 1,000 connections leave no flow behind;
 *  - FLOW_GET's strict policy and privilege.
 *
 *  - with a dataflow policy (Documentation/policy.rst, "Dataflow") on the
 *    receiving VM: a block mid-flow drops the packet (no byte of it
 *    reaches the guest, which gets RST), the host sees EOF then EPIPE,
 *    the close event says block, and the events group hears it; a taint
 *    delivers, names the host in the VM's reasons and is heard; a
 *    per-message verdict logs one event per packet with its own digest.
 */

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/vm_sockets.h>

#include "tvm_kvm.h"
#include "vsock_guest.h"
#include "../kselftest_harness.h"

#define GUEST_CID	0xf10e1U
#define PORT		0xf10eU
#define T_MS		20000
#define PARAMS		"/sys/module/tvm_vsock/parameters/"

/* A module parameter's value, or -1. */
static long long param_get(const char *name)
{
	char path[128], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

static int param_set(const char *name, long long v)
{
	char path[128], buf[32];
	int fd, n, ok;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%lld", v);
	ok = write(fd, buf, n) == n;
	close(fd);
	return ok ? 0 : -1;
}

/* --- the host side ------------------------------------------------------- */

/*
 * In a child: connect to @cid:@port, write @len bytes of pattern @seed in
 * writes of @chunk, then wait for a byte on @hold (if >= 0) and close.
 * Exit 0 when all was written.
 */
static int host_sender(uint32_t cid, uint32_t port, size_t len, size_t chunk,
		       unsigned int seed, int hold)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_port = port,
				 .svm_cid = cid };
	struct timeval tv = { .tv_sec = T_MS / 1000 };
	uint8_t *buf = malloc(len + 1);
	size_t off;
	ssize_t n;
	char c;
	int s;

	vg_fill(buf, len, seed);
	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0)
		return 10;
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(s, (struct sockaddr *)&a, sizeof(a))) {
		fprintf(stderr, "host: connect: %m\n");
		return 11;
	}
	for (off = 0; off < len; off += n) {
		n = write(s, buf + off, len - off < chunk ? len - off : chunk);
		if (n <= 0) {
			fprintf(stderr, "host: write at %zu: %m\n", off);
			return 12;
		}
	}
	if (hold >= 0 && read(hold, &c, 1) < 0)
		return 13;
	close(s);
	return 0;
}

static pid_t fork_sender(uint32_t cid, uint32_t port, size_t len, size_t chunk,
			 unsigned int seed, int hold)
{
	pid_t pid = fork();

	if (!pid)
		_exit(host_sender(cid, port, len, chunk, seed, hold));
	return pid;
}

static int child_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* --- the log and the flows ----------------------------------------------- */

/* The TVM_EV_FLOW events of VM @id (PCR 14) into @ev; their count. */
static int flow_events(struct tnl *nl, uint32_t id, struct tvm_ev_flow *ev,
		       int max, struct tvm_log *keep)
{
	struct tvm_log log = { 0 };
	size_t i;
	int n = 0;

	if (tvm_log_dump(nl, id, 0, &log))
		return -1;
	for (i = 0; i < log.n; i++) {
		if (log.ev[i].type != TVM_EV_FLOW)
			continue;
		if (log.ev[i].pcr != TVM_PCR_DATAFLOW ||
		    log.ev[i].data_len != sizeof(*ev))
			return -2;
		if (n < max)
			memcpy(&ev[n], log.ev[i].data, sizeof(*ev));
		n++;
	}
	if (keep)
		*keep = log;
	else
		tvm_log_free(&log);
	return n;
}

/* Wait until VM @id's log has an event of @flags for port @port. */
static int wait_flow_event(struct tnl *nl, uint32_t id, uint32_t port,
			   uint32_t flags, struct tvm_ev_flow *out)
{
	static struct tvm_ev_flow ev[512];
	int n, i, tries;

	for (tries = 0; tries < 200; tries++) {
		n = flow_events(nl, id, ev, 512, NULL);
		for (i = 0; i < n && i < 512; i++)
			if (le32toh(ev[i].dst_port) == port &&
			    (le32toh(ev[i].flags) & flags) == flags) {
				*out = ev[i];
				return 0;
			}
		usleep(50 * 1000);
	}
	return -ETIMEDOUT;
}

struct flow {
	uint64_t id, bytes, events;
	uint32_t src_cid, src_port, dst_cid, dst_port;
	uint32_t rx_vm, tx_vm, action, state;
	bool has_rx, has_tx, tx_host, measured;
};

struct flows {
	int n;
	struct flow f[64];
};

static int flows_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *nest = tmsg_attr(h, TVM_A_FLOW), *a;
	struct flows *fl = arg;
	struct flow *f;

	if (!nest || fl->n == 64)
		return 0;
	f = &fl->f[fl->n++];
	memset(f, 0, sizeof(*f));
	tattr_for_each(a, tattr_data(nest), tattr_len(nest)) {
		switch (tattr_type(a)) {
		case TVM_A_FLOW_ID: f->id = tattr_u64(a); break;
		case TVM_A_FLOW_SRC_CID: f->src_cid = tattr_u32(a); break;
		case TVM_A_FLOW_SRC_PORT: f->src_port = tattr_u32(a); break;
		case TVM_A_FLOW_DST_CID: f->dst_cid = tattr_u32(a); break;
		case TVM_A_FLOW_DST_PORT: f->dst_port = tattr_u32(a); break;
		case TVM_A_FLOW_RX_VM:
			f->rx_vm = tattr_u32(a);
			f->has_rx = true;
			break;
		case TVM_A_FLOW_TX_VM:
			f->tx_vm = tattr_u32(a);
			f->has_tx = true;
			break;
		case TVM_A_FLOW_TX_HOST: f->tx_host = true; break;
		case TVM_A_FLOW_BYTES: f->bytes = tattr_u64(a); break;
		case TVM_A_FLOW_EVENTS: f->events = tattr_u64(a); break;
		case TVM_A_FLOW_ACTION: f->action = tattr_u32(a); break;
		case TVM_A_FLOW_STATE: f->state = tattr_u32(a); break;
		case TVM_A_FLOW_MEASURED: f->measured = true; break;
		}
	}
	return 0;
}

/* FLOW_GET dump, of VM @vm's flows (0: all). */
static int flows_get(struct tnl *nl, uint32_t vm, struct flows *fl)
{
	struct tmsg m;

	memset(fl, 0, sizeof(*fl));
	tmsg_init(&m, nl, TVM_CMD_FLOW_GET, NLM_F_DUMP);
	if (vm)
		tmsg_put_u32(&m, TVM_A_VM_ID, vm);
	return tnl_call(nl, &m, flows_cb, fl);
}

static const struct flow *find_flow(const struct flows *fl, uint32_t src,
				    uint32_t dst, uint32_t port)
{
	int i;

	for (i = 0; i < fl->n; i++)
		if (fl->f[i].src_cid == src && fl->f[i].dst_cid == dst &&
		    (fl->f[i].dst_port == port || fl->f[i].src_port == port))
			return &fl->f[i];
	return NULL;
}

/* The SHA-256 of pattern @seed's first @len bytes. */
static void prefix_sha256(unsigned int seed, size_t len, uint8_t *out)
{
	uint8_t *b = malloc(len ? len : 1);

	vg_fill(b, len, seed);
	md(TVM_BANK_SHA256, b, len, out);
	free(b);
}

/* --- dataflow policies ---------------------------------------------------- */

/*
 * Load, for VM @name, a policy whose only section is a dataflow section
 * with default @action (nothing else: every sender, the host too, gets
 * @action), per message if @per_message.
 */
static int df_policy(struct tnl *nl, const char *name, uint32_t action,
		     bool per_message)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_POLICY_LOAD, 0);
	tmsg_nest_start(&m, TVM_A_POLICY);
	tmsg_put_u32(&m, TVM_A_POLICY_VERSION, TVM_POLICY_VERSION);
	tmsg_put_str(&m, TVM_A_POLICY_NAME, name);
	tmsg_put_u32(&m, TVM_A_POLICY_MODE, TVM_POLICY_AUDIT);
	tmsg_nest_start(&m, TVM_A_POLICY_DATAFLOW);
	tmsg_put_u32(&m, TVM_A_DF_DEFAULT, action);
	if (per_message)
		tmsg_put(&m, TVM_A_DF_PER_MESSAGE, NULL, 0);
	tmsg_nest_end(&m);
	tmsg_nest_end(&m);
	return tnl_call(nl, &m, NULL, NULL);
}

static void df_policy_delete(struct tnl *nl, const char *name)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_POLICY_DELETE, 0);
	tmsg_nest_start(&m, TVM_A_POLICY);
	tmsg_put_str(&m, TVM_A_POLICY_NAME, name);
	tmsg_nest_end(&m);
	tnl_call(nl, &m, NULL, NULL);
}

/* A socket on tvm's "events" group, or -1. */
static int events_socket(struct tnl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint32_t grp;
	int fd;

	if (tvm_events_group(nl, &grp))
		return -1;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The first TVM_CMD_EVENT_FLOW on @fd (within 5 s) for port @port: its
 * action into *@action, its reason into @reason; 0 or -ETIMEDOUT.
 */
static int flow_notice(int fd, uint32_t port, uint32_t *action, char *reason,
		       size_t len)
{
	static char buf[16384];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int tries;
	ssize_t n;

	for (tries = 0; tries < 50; tries++) {
		struct nlmsghdr *h;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			poll(&p, 1, 100);
			continue;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			const struct nlattr *f, *a, *r;

			if (((struct genlmsghdr *)NLMSG_DATA(h))->cmd !=
			    TVM_CMD_EVENT_FLOW)
				continue;
			f = tmsg_attr(h, TVM_A_FLOW);
			r = tmsg_attr(h, TVM_A_REASON);
			if (!f || !r)
				continue;
			a = tattr_find(tattr_data(f), tattr_len(f),
				       TVM_A_FLOW_DST_PORT);
			if (!a || tattr_u32(a) != port)
				continue;
			a = tattr_find(tattr_data(f), tattr_len(f),
				       TVM_A_FLOW_ACTION);
			*action = a ? tattr_u32(a) : ~0u;
			snprintf(reason, len, "%.*s", tattr_len(r),
				 (const char *)tattr_data(r));
			return 0;
		}
	}
	return -ETIMEDOUT;
}

/* --- the fixture --------------------------------------------------------- */

FIXTURE(flow) {
	struct tnl nl;
	bool have_nl;
	struct kvm_vm vm;
	struct vg_guest g;
	uint32_t vm_id;
	char vm_name[TVM_NAME_MAX + 1];
	bool policy;
	long long cp_bytes, cp_ms;
};

FIXTURE_SETUP(flow)
{
	const char *why;
	struct tk_vm v;
	int ret;

	self->vm.kvm = self->vm.fd = -1;
	self->g.fd = -1;
	self->cp_bytes = self->cp_ms = -1;
	ret = tnl_open(&self->nl);
	if (ret == -ENOENT)
		SKIP(return, "tvm.ko is not loaded");
	ASSERT_EQ(0, ret);
	self->have_nl = true;
	why = vg_unavailable();
	if (why)
		SKIP(return, "%s", why);
	self->cp_bytes = param_get("checkpoint_bytes");
	self->cp_ms = param_get("checkpoint_ms");
	ASSERT_LT(0, self->cp_bytes);
	ASSERT_LT(0, self->cp_ms);
	ASSERT_EQ(0, kvm_vm_create(&self->vm));
	ASSERT_EQ(0, vg_guest_init(&self->g, GUEST_CID));
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
	ASSERT_EQ(1, v.ncids);
	self->vm_id = v.id;
	snprintf(self->vm_name, sizeof(self->vm_name), "%s", v.name);
}

FIXTURE_TEARDOWN(flow)
{
	if (self->policy)
		df_policy_delete(&self->nl, self->vm_name);
	if (self->cp_bytes > 0)
		param_set("checkpoint_bytes", self->cp_bytes);
	if (self->cp_ms > 0)
		param_set("checkpoint_ms", self->cp_ms);
	vg_guest_fini(&self->g);
	if (self->vm.kvm >= 0)
		kvm_vm_destroy(&self->vm);
	if (self->have_nl)
		tnl_close(&self->nl);
}

/*
 * The host sends @len bytes (pattern @seed) to the guest on @port; the
 * guest takes them all and closes after the host did.
 */
static void host_to_guest(struct __test_metadata *_metadata,
			  FIXTURE_DATA(flow) *self, uint32_t port, size_t len,
			  size_t chunk, unsigned int seed)
{
	uint8_t *in = malloc(len + 1), *want = malloc(len + 1);
	struct vg_conn *c = NULL;
	pid_t host;

	ASSERT_EQ(0, vg_listen(&self->g, port));
	host = fork_sender(GUEST_CID, port, len, chunk, seed, -1);
	ASSERT_LT(0, host);
	ASSERT_EQ(0, vg_accept(&self->g, port, T_MS, &c));
	EXPECT_EQ((ssize_t)len, vg_recv_all(c, in, len, T_MS));
	vg_fill(want, len, seed);
	EXPECT_EQ(0, memcmp(in, want, len));
	/* the host closes: end of stream */
	EXPECT_EQ(0, vg_recv(c, in, 1, T_MS));
	EXPECT_EQ(0, vg_close(c, T_MS));
	EXPECT_EQ(0, child_status(host));
	free(in);
	free(want);
}

/* The event's own digest in the SHA-256 bank is H(its data). */
static void check_close(struct __test_metadata *_metadata,
			const struct tvm_ev_flow *e, uint32_t port, size_t len,
			unsigned int seed)
{
	uint8_t want[32], zero[TVM_UUID_SIZE] = { 0 };

	EXPECT_EQ(0, memcmp(e->magic, "TVMF", 4));
	EXPECT_EQ((uint32_t)(TVM_EV_FLOW_CLOSE | TVM_EV_FLOW_HOST),
		  le32toh(e->flags) & ~TVM_EV_FLOW_RESET);
	EXPECT_EQ((uint64_t)VMADDR_CID_HOST, le64toh(e->src_cid));
	EXPECT_EQ((uint64_t)GUEST_CID, le64toh(e->dst_cid));
	EXPECT_EQ(port, le32toh(e->dst_port));
	EXPECT_EQ(0, memcmp(e->sender, zero, sizeof(zero)));
	EXPECT_EQ((uint32_t)TVM_DF_MEASURE, le32toh(e->action));
	EXPECT_EQ(0ULL, (unsigned long long)le64toh(e->offset));
	EXPECT_EQ((uint64_t)len, le64toh(e->bytes));
	prefix_sha256(seed, len, want);
	EXPECT_EQ(0, memcmp(e->sha256, want, 32));
}

TEST_F(flow, host_to_guest_close_digest)
{
	struct tvm_ev_flow e;
	struct tvm_log log;
	uint8_t d[32];
	size_t len = 300000, i;
	int n;

	host_to_guest(_metadata, self, PORT, len, 65536, 3);
	ASSERT_EQ(0, wait_flow_event(&self->nl, self->vm_id, PORT,
				     TVM_EV_FLOW_CLOSE, &e));
	check_close(_metadata, &e, PORT, len, 3);

	/* A verifier recomputes the event's digest from its data. */
	n = flow_events(&self->nl, self->vm_id, &e, 1, &log);
	ASSERT_LT(0, n);
	for (i = 0; i < log.n; i++) {
		if (log.ev[i].type != TVM_EV_FLOW)
			continue;
		md(TVM_BANK_SHA256, log.ev[i].data, log.ev[i].data_len, d);
		EXPECT_EQ(0, memcmp(d, log.ev[i].digest[TVM_BANK_SHA256], 32));
	}
	tvm_log_free(&log);
}

/* A byte more or less sent changes the digest: the check can fail. */
TEST_F(flow, the_digest_check_can_fail)
{
	struct tvm_ev_flow e;
	uint8_t want[32];

	host_to_guest(_metadata, self, PORT + 1, 1000, 1000, 4);
	ASSERT_EQ(0, wait_flow_event(&self->nl, self->vm_id, PORT + 1,
				     TVM_EV_FLOW_CLOSE, &e));
	prefix_sha256(4, 999, want);
	EXPECT_NE(0, memcmp(e.sha256, want, 32));
	prefix_sha256(5, 1000, want);
	EXPECT_NE(0, memcmp(e.sha256, want, 32));
	prefix_sha256(4, 1000, want);
	EXPECT_EQ(0, memcmp(e.sha256, want, 32));
}

/* checkpoint_bytes 4096: a checkpoint at 4096, 8192, ... exactly. */
TEST_F(flow, checkpoints_every_n_bytes)
{
	static struct tvm_ev_flow ev[64];
	size_t len = 5 * 4096 + 1234;
	uint64_t next = 4096, b;
	uint8_t want[32];
	int n, i, cps = 0;
	struct tvm_ev_flow e;

	ASSERT_EQ(0, param_set("checkpoint_bytes", 4096));
	/* no time checkpoint in between */
	ASSERT_EQ(0, param_set("checkpoint_ms", 3600000));
	/* writes not aligned to 4 KiB: checkpoints fall inside packets */
	host_to_guest(_metadata, self, PORT + 2, len, 3000, 6);
	ASSERT_EQ(0, wait_flow_event(&self->nl, self->vm_id, PORT + 2,
				     TVM_EV_FLOW_CLOSE, &e));
	n = flow_events(&self->nl, self->vm_id, ev, 64, NULL);
	ASSERT_LT(0, n);
	for (i = 0; i < n && i < 64; i++) {
		if (le32toh(ev[i].dst_port) != PORT + 2)
			continue;
		b = le64toh(ev[i].bytes);
		if (le32toh(ev[i].flags) & TVM_EV_FLOW_CHECKPOINT) {
			EXPECT_EQ(next, b);
			next += 4096;
			cps++;
		} else {
			EXPECT_EQ((uint64_t)len, b);
		}
		prefix_sha256(6, b, want);
		EXPECT_EQ(0, memcmp(ev[i].sha256, want, 32)) TH_LOG("at %llu",
			(unsigned long long)b);
	}
	EXPECT_EQ(5, cps);
}

/*
 * Guest to host: the flow is listed with its bytes, the VM as its
 * sender, not measured; nothing is logged for it.
 */
TEST_F(flow, guest_to_host_listed_not_logged)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_port = PORT + 3,
				 .svm_cid = VMADDR_CID_ANY };
	static struct tvm_ev_flow ev[64];
	uint8_t buf[3000];
	const struct flow *f;
	struct vg_conn *c;
	struct flows fl;
	int s, hold[2], before, after;
	pid_t host;
	char x;

	vg_fill(buf, sizeof(buf), 7);
	before = flow_events(&self->nl, self->vm_id, ev, 64, NULL);
	ASSERT_LE(0, before);
	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, bind(s, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(s, 1));
	ASSERT_EQ(0, pipe(hold));
	host = fork();
	ASSERT_LE(0, host);
	if (!host) {
		int cs = accept(s, NULL, NULL);
		size_t got = 0;
		ssize_t n;

		while (cs >= 0 && got < sizeof(buf) &&
		       (n = read(cs, buf, sizeof(buf))) > 0)
			got += n;
		close(hold[1]);
		read(hold[0], &x, 1);	/* until the parent has looked */
		_exit(got == sizeof(buf) ? 0 : 1);
	}
	close(hold[0]);
	close(s);
	ASSERT_EQ(0, vg_connect(&self->g, VMADDR_CID_HOST, PORT + 3, T_MS, &c));
	ASSERT_EQ((ssize_t)sizeof(buf), vg_send(c, buf, sizeof(buf), T_MS));
	vg_wait_quiet(&self->g, 300);

	ASSERT_EQ(0, flows_get(&self->nl, self->vm_id, &fl));
	f = find_flow(&fl, GUEST_CID, VMADDR_CID_HOST, PORT + 3);
	ASSERT_NE(NULL, f);
	EXPECT_EQ((uint64_t)sizeof(buf), f->bytes);
	EXPECT_FALSE(f->has_rx);
	EXPECT_TRUE(f->has_tx);
	EXPECT_EQ(self->vm_id, f->tx_vm);
	EXPECT_FALSE(f->measured);
	EXPECT_FALSE(f->tx_host);
	EXPECT_EQ(0ULL, (unsigned long long)f->events);
	EXPECT_EQ((uint32_t)TVM_FLOW_OPEN, f->state);
	/* and its other direction, host to guest, measured, no byte yet */
	f = find_flow(&fl, VMADDR_CID_HOST, GUEST_CID, PORT + 3);
	ASSERT_NE(NULL, f);
	EXPECT_TRUE(f->measured);
	EXPECT_TRUE(f->tx_host);
	EXPECT_EQ(self->vm_id, f->rx_vm);
	EXPECT_EQ(0ULL, (unsigned long long)f->bytes);

	write(hold[1], "x", 1);
	close(hold[1]);
	EXPECT_EQ(0, vg_close(c, T_MS));
	EXPECT_EQ(0, child_status(host));
	/* closed: gone from the list, and nothing was logged */
	ASSERT_EQ(0, flows_get(&self->nl, self->vm_id, &fl));
	EXPECT_EQ(NULL, find_flow(&fl, GUEST_CID, VMADDR_CID_HOST, PORT + 3));
	EXPECT_EQ(NULL, find_flow(&fl, VMADDR_CID_HOST, GUEST_CID, PORT + 3));
	after = flow_events(&self->nl, self->vm_id, ev, 64, NULL);
	EXPECT_EQ(before, after);
}

/*
 * The CID released, then set by another VMM: the new VM receives the
 * next flow, the old VM's log gets nothing of it.
 */
TEST_F(flow, cid_reuse_goes_to_the_new_vm)
{
	static struct tvm_ev_flow ev[64];
	int go[2], ready[2], before, i;
	struct tvm_ev_flow e;
	struct tk_vm v;
	pid_t vmm, host;
	char x;

	before = flow_events(&self->nl, self->vm_id, ev, 64, NULL);
	ASSERT_LE(0, before);
	vg_guest_fini(&self->g);
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	vmm = fork();
	ASSERT_LE(0, vmm);
	if (!vmm) {
		struct kvm_vm vm2 = { .kvm = -1, .fd = -1 };

		vg_guests = NULL;	/* the parent's, not served here */
		{
		struct vg_guest g2 = { .fd = -1 };
		struct vg_conn *c;
		uint8_t buf[5000];
		int bad = 0;

		if (kvm_vm_create(&vm2) || vg_guest_init(&g2, GUEST_CID) ||
		    vg_listen(&g2, PORT + 4))
			_exit(2);
		write(ready[1], "r", 1);
		if (vg_accept(&g2, PORT + 4, T_MS, &c) ||
		    vg_recv_all(c, buf, sizeof(buf), T_MS) != sizeof(buf))
			bad = 3;
		vg_recv(c, buf, 1, T_MS);
		vg_close(c, T_MS);
		write(ready[1], "d", 1);
		read(go[0], &x, 1);	/* the parent reads our log first */
		vg_guest_fini(&g2);
		kvm_vm_destroy(&vm2);
		_exit(bad);
		}
	}
	ASSERT_EQ(1, read(ready[0], &x, 1));
	ASSERT_EQ(0, tk_vm_of(&self->nl, vmm, &v));
	ASSERT_NE(self->vm_id, v.id);
	host = fork_sender(GUEST_CID, PORT + 4, 5000, 5000, 8, -1);
	ASSERT_LT(0, host);
	EXPECT_EQ(0, child_status(host));
	ASSERT_EQ(1, read(ready[0], &x, 1));
	EXPECT_EQ(0, wait_flow_event(&self->nl, v.id, PORT + 4,
				     TVM_EV_FLOW_CLOSE, &e));
	EXPECT_EQ(5000ULL, (unsigned long long)le64toh(e.bytes));
	write(go[1], "g", 1);
	EXPECT_EQ(0, child_status(vmm));
	/* the first VM, still alive, got nothing of port PORT + 4 */
	ASSERT_EQ(before, flow_events(&self->nl, self->vm_id, ev, 64, NULL));
	for (i = 0; i < before && i < 64; i++)
		EXPECT_NE(PORT + 4, le32toh(ev[i].dst_port));
	ASSERT_EQ(0, vg_guest_init(&self->g, GUEST_CID));
}

/*
 * The VMM killed while the host still sends: its flows go (closed at the
 * device's release), none of its VM is listed, the host sees its
 * connection end.
 */
TEST_F(flow, vmm_killed_mid_flow)
{
	int ready[2], i, wrote = 0;
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_port = PORT + 5,
				 .svm_cid = GUEST_CID + 1 };
	struct timeval tv = { .tv_sec = 5 };
	uint8_t buf[4096] = { 0 };
	struct flows fl;
	struct tk_vm v;
	pid_t vmm;
	int s;
	char x;

	ASSERT_EQ(0, pipe(ready));
	vmm = fork();
	ASSERT_LE(0, vmm);
	if (!vmm) {
		struct kvm_vm vm2 = { .kvm = -1, .fd = -1 };

		vg_guests = NULL;	/* the parent's, not served here */
		{
		struct vg_guest g2 = { .fd = -1 };
		struct vg_conn *c;

		if (kvm_vm_create(&vm2) || vg_guest_init(&g2, GUEST_CID + 1) ||
		    vg_listen(&g2, PORT + 5))
			_exit(2);
		write(ready[1], "r", 1);
		if (vg_accept(&g2, PORT + 5, T_MS, &c))
			_exit(3);
		vg_recv_all(c, buf, 1000, T_MS);
		write(ready[1], "d", 1);
		for (;;)
			vg_service(1000);
		}
	}
	ASSERT_EQ(1, read(ready[0], &x, 1));
	ASSERT_EQ(0, tk_vm_of(&self->nl, vmm, &v));
	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	ASSERT_LE(0, s);
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	ASSERT_EQ(0, connect(s, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(1000, write(s, buf, 1000));
	ASSERT_EQ(1, read(ready[0], &x, 1));
	ASSERT_EQ(0, flows_get(&self->nl, v.id, &fl));
	EXPECT_EQ(2, fl.n);

	kill(vmm, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, child_status(vmm));
	/* its flows are gone, at once: the release closed them */
	ASSERT_EQ(0, flows_get(&self->nl, 0, &fl));
	for (i = 0; i < fl.n; i++) {
		EXPECT_NE(GUEST_CID + 1, fl.f[i].dst_cid);
		EXPECT_NE(GUEST_CID + 1, fl.f[i].src_cid);
	}
	/* the host's socket was reset: a write fails soon */
	for (i = 0; i < 50 && !wrote; i++) {
		if (write(s, buf, sizeof(buf)) < 0)
			wrote = 1;
		else
			usleep(100 * 1000);
	}
	EXPECT_TRUE(wrote);
	close(s);
	/* and the VM is gone with its process */
	EXPECT_EQ(-ENOENT, tk_vm_of(&self->nl, vmm, &v));
}

/* With a flow open (its CID bound), rmmod tvm_vsock is refused. */
TEST_F(flow, rmmod_with_a_flow_open_is_refused)
{
	struct vg_conn *c;
	struct flows fl;
	int hold[2];
	pid_t host;
	uint8_t b[10];

	ASSERT_EQ(0, pipe(hold));
	ASSERT_EQ(0, vg_listen(&self->g, PORT + 6));
	host = fork_sender(GUEST_CID, PORT + 6, 10, 10, 9, hold[0]);
	ASSERT_LT(0, host);
	ASSERT_EQ(0, vg_accept(&self->g, PORT + 6, T_MS, &c));
	ASSERT_EQ(10, vg_recv_all(c, b, 10, T_MS));
	ASSERT_EQ(0, flows_get(&self->nl, self->vm_id, &fl));
	ASSERT_NE(NULL, find_flow(&fl, VMADDR_CID_HOST, GUEST_CID, PORT + 6));
	EXPECT_EQ(-1, syscall(__NR_delete_module, "tvm_vsock", O_NONBLOCK));
	EXPECT_TRUE(errno == EBUSY || errno == EWOULDBLOCK) TH_LOG("%m");
	EXPECT_EQ(0, access("/sys/module/tvm_vsock", F_OK));
	write(hold[1], "x", 1);
	EXPECT_EQ(0, vg_recv(c, b, 1, T_MS));
	EXPECT_EQ(0, vg_close(c, T_MS));
	EXPECT_EQ(0, child_status(host));
}

/* 1,000 connections opened and closed leave no flow behind. */
TEST_F(flow, a_thousand_connections_leave_nothing)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_port = PORT + 7,
				 .svm_cid = VMADDR_CID_ANY };
	long long opened = vg_stat("flows_opened");
	int s, i, n = 1000;
	struct flows fl;
	pid_t host;

	ASSERT_LE(0, opened);
	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, bind(s, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(s, 16));
	host = fork();
	ASSERT_LE(0, host);
	if (!host) {
		uint8_t b;

		for (i = 0; i < n; i++) {
			int c = accept(s, NULL, NULL);

			if (c < 0 || read(c, &b, 1) != 1 ||
			    write(c, &b, 1) != 1)
				_exit(1);
			read(c, &b, 1);	/* EOF */
			close(c);
		}
		_exit(0);
	}
	close(s);
	for (i = 0; i < n; i++) {
		struct vg_conn *c;
		uint8_t b = i;

		ASSERT_EQ(0, vg_connect(&self->g, VMADDR_CID_HOST, PORT + 7,
					T_MS, &c)) TH_LOG("connection %d", i);
		ASSERT_EQ(1, vg_send(c, &b, 1, T_MS));
		ASSERT_EQ(1, vg_recv_all(c, &b, 1, T_MS));
		ASSERT_EQ(0, vg_close(c, T_MS));
	}
	EXPECT_EQ(0, child_status(host));
	EXPECT_LE(opened + 2 * n, vg_stat("flows_opened"));
	EXPECT_EQ(0, vg_stat("flows"));
	ASSERT_EQ(0, flows_get(&self->nl, 0, &fl));
	EXPECT_EQ(0, fl.n);
}

/*
 * max_flows_per_vm reached: a connection that would open one more flow
 * is refused with a reset (the guest sees RST, the host never gets it),
 * counted, and the connection already open goes on.
 */
TEST_F(flow, a_flow_past_the_bound_is_reset)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_port = PORT + 8,
				 .svm_cid = VMADDR_CID_ANY };
	long long refused = vg_stat("flows_refused");
	long long per_vm = param_get("max_flows_per_vm");
	struct vg_conn *c1, *c2 = NULL;
	struct flows fl;
	uint8_t b = 7;
	int s, h;

	ASSERT_LE(0, refused);
	ASSERT_LT(0, per_vm);
	s = socket(AF_VSOCK, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, bind(s, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(s, 4));
	ASSERT_EQ(0, vg_connect(&self->g, VMADDR_CID_HOST, PORT + 8, T_MS, &c1));
	ASSERT_EQ(0, flows_get(&self->nl, self->vm_id, &fl));
	ASSERT_EQ(2, fl.n);
	ASSERT_EQ(0, param_set("max_flows_per_vm", 2));
	EXPECT_EQ(-ECONNRESET, vg_connect(&self->g, VMADDR_CID_HOST, PORT + 8,
					  T_MS, &c2));
	EXPECT_EQ(refused + 1, vg_stat("flows_refused"));
	param_set("max_flows_per_vm", per_vm);
	ASSERT_EQ(0, flows_get(&self->nl, self->vm_id, &fl));
	EXPECT_EQ(2, fl.n);
	/* the host got the first connection only */
	h = accept(s, NULL, NULL);
	ASSERT_LE(0, h);
	EXPECT_EQ(-1, accept(s, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	/* and the first still carries bytes */
	EXPECT_EQ(1, vg_send(c1, &b, 1, T_MS));
	usleep(200 * 1000);
	EXPECT_EQ(1, read(h, &b, 1));
	close(h);
	EXPECT_EQ(0, vg_close(c1, T_MS));
	close(s);
}

/*
 * The host in a child for the block test: connect, send "hello", wait
 * for the parent, send "DROPME" (blocked), then expect EOF and EPIPE.
 */
static int host_blocked(uint32_t port, int go)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_port = port,
				 .svm_cid = GUEST_CID };
	struct timeval tv = { .tv_sec = 10 };
	char b[8], c;
	int s, i;

	signal(SIGPIPE, SIG_IGN);
	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)))
		return 10;
	if (write(s, "hello", 5) != 5)
		return 11;
	if (read(go, &c, 1) != 1)
		return 12;
	/* the write "succeeds": the packet is dropped after it was queued */
	if (write(s, "DROPME", 6) != 6)
		return 13;
	if (read(s, b, sizeof(b)) != 0) {
		fprintf(stderr, "host: no EOF: %m\n");
		return 14;
	}
	for (i = 0; i < 50; i++) {
		if (write(s, "x", 1) < 0)
			return errno == EPIPE ? 0 : 15;
		usleep(100 * 1000);
	}
	return 16;
}

/*
 * A dataflow policy that blocks the host, loaded mid-flow: the next
 * packet is dropped (the guest gets RST, not a byte of it), both ends
 * are reset, the close event says block, the events group hears it.
 */
TEST_F(flow, block_mid_flow_resets_both_ends)
{
	long long blocked = vg_stat("blocked");
	struct tvm_ev_flow e;
	struct vg_conn *c;
	char b[16], reason[TVM_REASON_MAX + 1];
	uint32_t action;
	int go[2], ev;
	pid_t host;

	ev = events_socket(&self->nl);
	ASSERT_LE(0, ev);
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, vg_listen(&self->g, PORT + 9));
	host = fork();
	ASSERT_LE(0, host);
	if (!host)
		_exit(host_blocked(PORT + 9, go[0]));
	ASSERT_EQ(0, vg_accept(&self->g, PORT + 9, T_MS, &c));
	ASSERT_EQ(5, vg_recv_all(c, b, 5, T_MS));
	ASSERT_EQ(0, memcmp(b, "hello", 5));

	ASSERT_EQ(0, df_policy(&self->nl, self->vm_name, TVM_DF_BLOCK, false))
		TH_LOG("%s", self->nl.extack);
	self->policy = true;
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(-ECONNRESET, vg_recv(c, b, sizeof(b), T_MS));
	EXPECT_EQ(0U, vg_pending(c));
	EXPECT_EQ(0, child_status(host));
	EXPECT_LT(blocked, vg_stat("blocked"));

	ASSERT_EQ(0, wait_flow_event(&self->nl, self->vm_id, PORT + 9,
				     TVM_EV_FLOW_CLOSE | TVM_EV_FLOW_RESET, &e));
	EXPECT_EQ((uint32_t)TVM_DF_BLOCK, le32toh(e.action));
	/* the stream is what was delivered: "hello" only */
	EXPECT_EQ(5ULL, (unsigned long long)le64toh(e.bytes));
	ASSERT_EQ(0, flow_notice(ev, PORT + 9, &action, reason,
				 sizeof(reason)));
	EXPECT_EQ((uint32_t)TVM_DF_BLOCK, action);
	EXPECT_NE(NULL, strstr(reason, "the host")) TH_LOG("%s", reason);
	close(ev);
}

/*
 * A taint: delivered and measured; the receiver's reasons name the host,
 * the events group hears it once, the close event says taint.
 */
TEST_F(flow, taint_delivers_and_names_the_sender)
{
	long long tainted = vg_stat("tainted");
	char reason[TVM_REASON_MAX + 1];
	struct tvm_ev_flow e;
	struct tk_vm v;
	uint32_t action;
	bool named = false;
	int ev, i;

	ev = events_socket(&self->nl);
	ASSERT_LE(0, ev);
	ASSERT_EQ(0, df_policy(&self->nl, self->vm_name, TVM_DF_TAINT, false))
		TH_LOG("%s", self->nl.extack);
	self->policy = true;
	host_to_guest(_metadata, self, PORT + 10, 20000, 4096, 11);
	EXPECT_EQ(tainted + 1, vg_stat("tainted"));
	ASSERT_EQ(0, wait_flow_event(&self->nl, self->vm_id, PORT + 10,
				     TVM_EV_FLOW_CLOSE, &e));
	EXPECT_EQ((uint32_t)TVM_DF_TAINT, le32toh(e.action));
	EXPECT_EQ(20000ULL, (unsigned long long)le64toh(e.bytes));
	ASSERT_EQ(0, tk_vm_get(&self->nl, self->vm_id, &v));
	for (i = 0; i < v.nreasons; i++)
		if (strstr(v.reasons[i], "dataflow from the host"))
			named = true;
	EXPECT_TRUE(named);
	ASSERT_EQ(0, flow_notice(ev, PORT + 10, &action, reason,
				 sizeof(reason)));
	EXPECT_EQ((uint32_t)TVM_DF_TAINT, action);
	close(ev);
}

/*
 * per_message: one MESSAGE event per packet, each with the digest of its
 * own bytes at its offset; they tile the stream; the close covers it all.
 */
TEST_F(flow, per_message_events_tile_the_stream)
{
	static struct tvm_ev_flow ev[256];
	static uint8_t all[30000];
	uint64_t next = 0, off, len;
	uint8_t want[32];
	int n, i, msgs = 0;
	struct tvm_ev_flow e;

	ASSERT_EQ(0, df_policy(&self->nl, self->vm_name, TVM_DF_MEASURE, true))
		TH_LOG("%s", self->nl.extack);
	self->policy = true;
	host_to_guest(_metadata, self, PORT + 11, sizeof(all), 7000, 12);
	ASSERT_EQ(0, wait_flow_event(&self->nl, self->vm_id, PORT + 11,
				     TVM_EV_FLOW_CLOSE, &e));
	vg_fill(all, sizeof(all), 12);
	n = flow_events(&self->nl, self->vm_id, ev, 256, NULL);
	for (i = 0; i < n && i < 256; i++) {
		if (le32toh(ev[i].dst_port) != PORT + 11 ||
		    !(le32toh(ev[i].flags) & TVM_EV_FLOW_MESSAGE))
			continue;
		EXPECT_EQ(0U, le32toh(ev[i].flags) & TVM_EV_FLOW_CHECKPOINT);
		off = le64toh(ev[i].offset);
		len = le64toh(ev[i].bytes);
		EXPECT_EQ(next, off);
		ASSERT_LE(off + len, sizeof(all));
		md(TVM_BANK_SHA256, all + off, len, want);
		EXPECT_EQ(0, memcmp(ev[i].sha256, want, 32)) TH_LOG("at %llu",
			(unsigned long long)off);
		next = off + len;
		msgs++;
	}
	EXPECT_EQ(sizeof(all), next);
	/* writes of 7000: at least one packet each */
	EXPECT_LE(5, msgs);
	prefix_sha256(12, sizeof(all), want);
	EXPECT_EQ(0, memcmp(e.sha256, want, 32));
}

/* FLOW_GET: strict policy, a VM that does not exist, dump only. */
TEST_F(flow, flow_get_is_checked)
{
	struct flows fl;
	struct tmsg m;

	tmsg_init(&m, &self->nl, TVM_CMD_FLOW_GET, NLM_F_DUMP);
	tmsg_put_u32(&m, TVM_A_PCR_INDEX, 14);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	tmsg_init(&m, &self->nl, TVM_CMD_FLOW_GET, NLM_F_DUMP);
	tmsg_put_u32(&m, TVM_A_FLOW, 1);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	EXPECT_EQ(-ENOENT, flows_get(&self->nl, 0x7fffffff, &fl));
	EXPECT_STRNE("", self->nl.extack);
	tmsg_init(&m, &self->nl, TVM_CMD_FLOW_GET, 0);
	EXPECT_EQ(-EOPNOTSUPP, tnl_call(&self->nl, &m, NULL, NULL));
	EXPECT_EQ(0, flows_get(&self->nl, self->vm_id, &fl));
}

TEST_HARNESS_MAIN
