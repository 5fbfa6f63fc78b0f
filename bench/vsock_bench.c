// SPDX-License-Identifier: GPL-2.0
/*
 * What tvm_vsock costs traffic through vhost-vsock, in one run of the
 * emulated host.  This process is the VMM of a KVM VM and runs its guest
 * as the fake guest of selftests/tvm/vsock_guest.h (guest CID GUEST_CID,
 * bound to that VM by tvm_vsock, which the output confirms through
 * VM_GET); a forked child is the host side, an AF_VSOCK server.  Run it
 * in the tree's top directory as root (tvmctl on the PATH).
 *
 *  - Throughput, guest -> host: MIB MiB in 4 KiB and in 64 KiB packets,
 *    timed until the host has read them all;
 *  - throughput, host -> guest: MIB MiB written by the host in 4 KiB and
 *    in 64 KiB writes, timed until the guest has them all;
 *  - latency: PINGS round trips of a 64-byte message (the host echoes);
 *  - guest -> guest, with tvm_vsock only: MIB MiB in 64 KiB packets from
 *    the guest to the guest of a second VMM (a child with its own VM),
 *    timed until that guest has counted them, against the guest -> host
 *    figure, when a guest-to-guest path exists (a connect between them
 *    is answered); otherwise "g2g: not available" and why.  The VMs are
 *    named VM_A and VM_B, and each gets a policy whose dataflow section
 *    lists the other (and measures everything else, as no policy does),
 *    loaded with tvmctl: tvm_vsock forwards only between guests whose
 *    policies list each other.
 *
 * With --unload, each round measures everything with tvm_vsock loaded,
 * then after `rmmod tvm_vsock`, then loads it again with `modprobe
 * tvm_vsock` (interleaved rounds); each figure is the median of ROUNDS.
 *
 *	vsock_bench [--mib MIB] [--rounds ROUNDS] [--pings PINGS] [--unload]
 */

#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <linux/vm_sockets.h>

#include "../selftests/tvm/tvm_kvm.h"
#include "../selftests/tvm/vsock_guest.h"
#include "bench.h"

#define GUEST_CID	0x7e5b01U
#define PEER_CID	0x7e5b02U	/* the second guest, for g2g */
#define VM_A		"vsock-bench-a"	/* the VM of GUEST_CID */
#define VM_B		"vsock-bench-b"	/* and of PEER_CID */
#define PORT		0x7e5b
#define G2G_PORT	0x7e5c
#define T_MS		120000		/* no stream here takes this long */
#define G2G_PROBE_MS	2000
#define PING		64
#define ROUNDS_MAX	32

enum cmd { CMD_SINK = 1, CMD_SOURCE, CMD_ECHO };

/* The first bytes on each connection to the host server. */
struct order {
	uint32_t cmd;
	uint32_t msg;		/* bytes per write (CMD_SOURCE) */
	uint64_t len;		/* bytes (SINK, SOURCE) or round trips (ECHO) */
};

static bool read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (uint8_t *)buf + got, len - got);
		if (n <= 0)
			return false;
		got += n;
	}
	return true;
}

static bool write_full(int fd, const void *buf, size_t len)
{
	size_t put = 0;
	ssize_t n;

	while (put < len) {
		n = write(fd, (const uint8_t *)buf + put, len - put);
		if (n <= 0)
			return false;
		put += n;
	}
	return true;
}

/* One connection of the host server: what @o orders, then EOF. */
static void serve(int c, const struct order *o)
{
	static uint8_t buf[VG_MAX_PKT];
	uint64_t done = 0;
	ssize_t n;

	switch (o->cmd) {
	case CMD_SINK:		/* read len bytes, then say how many */
		while (done < o->len) {
			n = read(c, buf, sizeof(buf));
			if (n <= 0)
				break;
			done += n;
		}
		write_full(c, &done, sizeof(done));
		break;
	case CMD_SOURCE:	/* write len bytes, msg at a time */
		memset(buf, 0x5a, sizeof(buf));
		while (done < o->len && o->msg && o->msg <= sizeof(buf)) {
			n = o->len - done < o->msg ? o->len - done : o->msg;
			if (!write_full(c, buf, n))
				break;
			done += n;
		}
		break;
	case CMD_ECHO:
		for (; done < o->len; done++)
			if (!read_full(c, buf, PING) || !write_full(c, buf, PING))
				break;
		break;
	}
	/* the guest closes first */
	while (read(c, buf, sizeof(buf)) > 0)
		;
}

/* The host server, in a child: one connection at a time, forever. */
static void host_server(int ready)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_port = PORT,
				 .svm_cid = VMADDR_CID_ANY };
	struct timeval tv = { .tv_sec = T_MS / 1000 };
	int s, c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(s, 4)) {
		perror("vsock_bench: host server");
		_exit(1);
	}
	if (write(ready, "r", 1) != 1)
		_exit(1);
	close(ready);
	for (;;) {
		struct order o;

		c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (read_full(c, &o, sizeof(o)))
			serve(c, &o);
		close(c);
	}
}

static pid_t start_host(void)
{
	int p[2];
	pid_t pid;
	char r;

	if (pipe(p))
		die("pipe", errno);
	pid = fork();
	if (pid < 0)
		die("fork", errno);
	if (!pid) {
		close(p[0]);
		host_server(p[1]);
	}
	close(p[1]);
	if (read(p[0], &r, 1) != 1) {
		fprintf(stderr, "vsock_bench: the host server did not start\n");
		exit(1);
	}
	close(p[0]);
	return pid;
}

/* A guest connection to the host server, @o sent; dies if not. */
static struct vg_conn *order(struct vg_guest *g, const struct order *o)
{
	struct vg_conn *c;
	int ret = vg_connect(g, VMADDR_CID_HOST, PORT, T_MS, &c);

	if (ret)
		die("connect to the host", -ret);
	if (vg_send(c, o, sizeof(*o), T_MS) != sizeof(*o))
		die("order", EIO);
	return c;
}

static uint8_t payload[VG_MAX_PKT];
static char g2g_policy_why[256];	/* why the g2g policies did not load */

/* MB/s of @len bytes from the guest to the host, @msg per packet. */
static double g2h(struct vg_guest *g, uint64_t len, uint32_t msg)
{
	struct order o = { CMD_SINK, msg, len };
	struct vg_conn *c = order(g, &o);
	uint64_t sent, got = 0;
	ssize_t n;
	double t;

	t = now();
	for (sent = 0; sent < len; sent += n) {
		n = vg_send_pkts(c, payload, len - sent < msg ? len - sent : msg,
				 msg, T_MS);
		if (n < 0)
			die("guest -> host", -n);
	}
	n = vg_recv_all(c, &got, sizeof(got), T_MS);
	t = now() - t;
	if (n != sizeof(got) || got != len) {
		fprintf(stderr, "vsock_bench: the host read %llu of %llu bytes\n",
			(unsigned long long)got, (unsigned long long)len);
		exit(1);
	}
	vg_close(c, T_MS);
	return len / t / 1e6;
}

/* MB/s of @len bytes from the host to the guest, @msg per write. */
static double h2g(struct vg_guest *g, uint64_t len, uint32_t msg)
{
	struct order o = { CMD_SOURCE, msg, len };
	static uint8_t buf[VG_MAX_PKT];
	struct vg_conn *c;
	uint64_t got = 0;
	ssize_t n;
	double t;

	c = order(g, &o);
	t = now();
	while (got < len) {
		n = vg_recv(c, buf, sizeof(buf), T_MS);
		if (n <= 0)
			die("host -> guest", n ? -n : EPIPE);
		got += n;
	}
	t = now() - t;
	vg_close(c, T_MS);
	return len / t / 1e6;
}

/* Microseconds per round trip of a 64-byte message through the host. */
static double ping(struct vg_guest *g, unsigned int pings)
{
	struct order o = { CMD_ECHO, PING, pings };
	struct vg_conn *c = order(g, &o);
	uint8_t buf[PING];
	unsigned int i;
	double t;

	memset(buf, 0xa5, sizeof(buf));
	t = now();
	for (i = 0; i < pings; i++) {
		if (vg_send(c, buf, PING, T_MS) != PING ||
		    vg_recv_all(c, buf, PING, T_MS) != PING)
			die("ping", EIO);
	}
	t = now() - t;
	vg_close(c, T_MS);
	return t / pings * 1e6;
}

/*
 * Guest B, for guest -> guest: the guest of another VMM (a child, with its
 * own KVM VM named VM_B, as tvm_vsock's guest-to-guest path wants each
 * CID on its own VM), listening on G2G_PORT.  Per connection: an 8-byte
 * length, that many bytes, then the count back, as the host's sink does.
 * It stops when told 'q' on @cmd.
 */
static void peer_main(int cmd, int res)
{
	static uint8_t buf[VG_MAX_PKT];
	struct pollfd p = { .fd = cmd, .events = POLLIN };
	struct vg_guest g;
	struct kvm_vm vm;
	struct tnl nl;
	int ret;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!tnl_open(&nl)) {
		tk_vm_bind(&nl, getpid(), VM_B);
		tnl_close(&nl);
	}
	ret = kvm_vm_create(&vm);
	if (!ret)
		ret = vg_guest_init(&g, PEER_CID);
	if (!ret)
		ret = vg_listen(&g, G2G_PORT);
	if (ret || write(res, "r", 1) != 1)
		_exit(1);
	g.quiet = true;
	while (poll(&p, 1, 0) != 1) {
		struct vg_conn *c;
		uint64_t len, got = 0;
		ssize_t n;

		if (vg_accept(&g, G2G_PORT, 100, &c))
			continue;
		if (vg_recv_all(c, &len, sizeof(len), T_MS) == sizeof(len)) {
			while (got < len) {
				n = vg_recv(c, buf, sizeof(buf), T_MS);
				if (n <= 0)
					break;
				got += n;
			}
			vg_send(c, &got, sizeof(got), T_MS);
		}
		/* the sender closes first */
		while (vg_recv(c, buf, sizeof(buf), T_MS) > 0)
			;
		vg_close(c, 1000);
	}
	vg_guest_fini(&g);
	kvm_vm_destroy(&vm);
	_exit(0);
}

struct peer {
	pid_t pid;
	int cmd;
};

/* Start guest B's VMM; returns once B listens.  Dies if it cannot. */
static void peer_start(struct peer *p)
{
	int cmd[2], res[2];
	char r;

	if (pipe(cmd) || pipe(res))
		die("pipe", errno);
	p->pid = fork();
	if (p->pid < 0)
		die("fork", errno);
	if (!p->pid) {
		close(cmd[1]);
		close(res[0]);
		peer_main(cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	if (read(res[0], &r, 1) != 1)
		die("the second guest's VMM did not start", EIO);
	close(res[0]);
	p->cmd = cmd[1];
}

static void peer_stop(struct peer *p)
{
	if (write(p->cmd, "q", 1) != 1)
		kill(p->pid, SIGKILL);
	/* serve our guests while B closes, so nothing waits on us */
	while (waitpid(p->pid, NULL, WNOHANG) == 0)
		vg_service(10);
	close(p->cmd);
}

/*
 * MB/s of @len bytes from guest @g to guest B in 64 KiB packets, timed
 * until B has counted them all; or 0 with the reason in @why when a
 * connect to B gets no RESPONSE within G2G_PROBE_MS.
 */
static double g2g(struct vg_guest *g, uint64_t len, char *why, size_t size)
{
	uint64_t sent, got = 0;
	struct vg_conn *c;
	ssize_t n;
	double t;
	int ret;

	g->quiet = true;
	ret = vg_connect(g, PEER_CID, G2G_PORT, G2G_PROBE_MS, &c);
	g->quiet = false;
	if (ret) {
		snprintf(why, size, "a connect from CID %u to CID %u: %s",
			 GUEST_CID, PEER_CID, ret == -ETIMEDOUT ?
			 "no answer within 2 s: no guest-to-guest path" :
			 strerror(-ret));
		return 0;
	}
	if (vg_send(c, &len, sizeof(len), T_MS) != sizeof(len))
		die("guest -> guest", EIO);
	t = now();
	for (sent = 0; sent < len; sent += n) {
		n = vg_send_pkts(c, payload, len - sent < VG_MAX_PKT ?
				 len - sent : VG_MAX_PKT, VG_MAX_PKT, T_MS);
		if (n < 0)
			die("guest -> guest", -n);
	}
	n = vg_recv_all(c, &got, sizeof(got), T_MS);
	t = now() - t;
	if (n != sizeof(got) || got != len) {
		fprintf(stderr, "vsock_bench: guest B read %llu of %llu bytes\n",
			(unsigned long long)got, (unsigned long long)len);
		exit(1);
	}
	vg_close(c, T_MS);
	return len / t / 1e6;
}

/*
 * Let VM_A and VM_B send to each other (and everyone else in, as with no
 * policy): a policy with a dataflow section for each, through tvmctl
 * (the section exists from ABI 9).  0, or -1 with tvmctl's complaint in
 * @why.
 */
static int g2g_policies(bool load, char *why, size_t size)
{
	static const char *const vm[2] = { VM_A, VM_B };
	char cmd[512], path[64];
	int i, ret = 0;
	FILE *f;

	for (i = 0; i < 2; i++) {
		if (!load) {
			snprintf(cmd, sizeof(cmd), "tvmctl policy delete "
				 "name=%s >/dev/null 2>&1", vm[i]);
			if (system(cmd))
				ret = -1;
			continue;
		}
		snprintf(path, sizeof(path), "/tmp/vsock_bench-%s.json", vm[i]);
		f = fopen(path, "w");
		if (!f)
			die(path, errno);
		fprintf(f, "{\"version\": 1, \"selector\": {\"name\": \"%s\"}, "
			"\"dataflow\": {\"default\": \"measure\", \"rules\": "
			"[{\"from\": \"%s\"}]}}\n", vm[i], vm[1 - i]);
		fclose(f);
		snprintf(cmd, sizeof(cmd), "tvmctl policy load %s "
			 ">/dev/null 2>/tmp/vsock_bench.err", path);
		if (system(cmd)) {
			f = fopen("/tmp/vsock_bench.err", "r");
			snprintf(why, size, "no policy: ");
			if (!f || !fgets(why + strlen(why), size - strlen(why),
					 f))
				snprintf(why, size, "no policy: tvmctl failed");
			why[strcspn(why, "\n")] = '\0';
			if (f)
				fclose(f);
			ret = -1;
		}
		unlink(path);
	}
	unlink("/tmp/vsock_bench.err");
	return ret;
}

struct figures {
	double g2h4[ROUNDS_MAX], g2h64[ROUNDS_MAX];
	double h2g4[ROUNDS_MAX], h2g64[ROUNDS_MAX];
	double rtt[ROUNDS_MAX];
	double g2g[ROUNDS_MAX], g2h_ref[ROUNDS_MAX];
	int ng2g;
	char g2g_why[256];
};

/* Whether tvm_vsock bound guest @cid to this process's VM (VM_GET). */
static void check_bound(struct tnl *nl, bool loaded, bool say)
{
	struct tk_vm v;
	int i, ret;

	if (!loaded) {
		if (say)
			printf("without tvm_vsock: guest CID %u on no tvm VM "
			       "(nothing binds it)\n", GUEST_CID);
		return;
	}
	ret = tk_vm_of(nl, getpid(), &v);
	if (ret)
		die("VM_GET of this process's VM", -ret);
	for (i = 0; i < v.ncids; i++)
		if (v.cids[i] == GUEST_CID)
			break;
	if (i == v.ncids) {
		fprintf(stderr, "vsock_bench: tvm_vsock did not bind CID %u to "
			"VM %u (bound counter %lld)\n", GUEST_CID, v.id,
			vg_stat("bound"));
		exit(1);
	}
	if (say)
		printf("with tvm_vsock: guest CID %u bound to tvm VM %u (%s, "
		       "pid %u) per VM_GET; tvm_vsock stats/bound = %lld\n",
		       GUEST_CID, v.id, v.name, v.pid, vg_stat("bound"));
}

/*
 * One round of every figure, in a fresh VM with fresh guests; guest ->
 * guest only with tvm_vsock, the only path there is.
 */
static void round_of(struct figures *f, int r, struct tnl *nl, bool loaded,
		     uint64_t len, unsigned int pings)
{
	struct peer peer = { .pid = -1, .cmd = -1 };
	struct vg_guest g;
	struct kvm_vm vm;
	double mbs;
	int ret;

	/* B first: its VMM must not inherit A's device */
	if (loaded)
		peer_start(&peer);
	ret = tk_vm_bind(nl, getpid(), VM_A);
	if (ret)
		die("VM_BIND", -ret);
	ret = kvm_vm_create(&vm);
	if (ret)
		die("creating a KVM VM", -ret);
	ret = vg_guest_init(&g, GUEST_CID);
	if (ret)
		die("guest", -ret);
	check_bound(nl, loaded, !r);

	f->g2h4[r] = g2h(&g, len, 4096);
	f->g2h64[r] = g2h(&g, len, VG_MAX_PKT);
	f->h2g4[r] = h2g(&g, len, 4096);
	f->h2g64[r] = h2g(&g, len, VG_MAX_PKT);
	f->rtt[r] = ping(&g, pings);

	if (loaded) {
		char why[sizeof(f->g2g_why)];

		mbs = g2g(&g, len, why, sizeof(why));
		if (mbs > 0) {
			f->g2g[f->ng2g] = mbs;
			f->g2h_ref[f->ng2g++] = f->g2h64[r];
		} else if (!f->g2g_why[0]) {
			snprintf(f->g2g_why, sizeof(f->g2g_why), "%s", why);
		}
		peer_stop(&peer);
	} else {
		snprintf(f->g2g_why, sizeof(f->g2g_why), "not tried: "
			 "without tvm_vsock, vhost-vsock has no guest-to-guest "
			 "path");
	}
	vg_guest_fini(&g);
	kvm_vm_destroy(&vm);
}

static void print(const char *label, struct figures *f, int rounds,
		  bool with)
{
	printf("%s: g2h 4 KiB %.2f MB/s, 64 KiB %.2f MB/s; h2g 4 KiB %.2f "
	       "MB/s, 64 KiB %.2f MB/s; 64 B round trip %.1f us\n", label,
	       median(f->g2h4, rounds), median(f->g2h64, rounds),
	       median(f->h2g4, rounds), median(f->h2g64, rounds),
	       median(f->rtt, rounds));
	if (!f->ng2g)
		printf("%s: g2g: not available (%s%s%s)\n", label, f->g2g_why,
		       with && g2g_policy_why[0] ? "; " : "",
		       with ? g2g_policy_why : "");
	else
		printf("%s: g2g 64 KiB %.2f MB/s vs g2h 64 KiB %.2f MB/s: "
		       "ratio g2g / g2h %.2fx\n", label,
		       median(f->g2g, f->ng2g), median(f->g2h_ref, f->ng2g),
		       median(f->g2g, f->ng2g) / median(f->g2h_ref, f->ng2g));
}

static void ratio(const char *what, double *w, double *wo, int rounds)
{
	double a = median(w, rounds), b = median(wo, rounds);

	printf("ratio %s with / without tvm_vsock: %.2fx (%.2f vs %.2f)\n",
	       what, a / b, a, b);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mib", required_argument, NULL, 'm' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "pings", required_argument, NULL, 'p' },
		{ "unload", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int mib = 32, pings = 500;
	int rounds = 5, unload = 0, c, r;
	static struct figures with, without;
	bool loaded;
	struct tnl nl;
	pid_t host;
	double a, b;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			mib = atoi(optarg);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'p':
			pings = atoi(optarg);
			break;
		case 'u':
			unload = 1;
			break;
		default:
			fprintf(stderr, "usage: vsock_bench [--mib MIB] "
				"[--rounds ROUNDS] [--pings PINGS] [--unload]\n");
			return 2;
		}
	}
	if (mib < 1 || mib > 1024 || rounds < 1 || rounds > ROUNDS_MAX ||
	    pings < 1) {
		fprintf(stderr, "vsock_bench: MIB 1-1024, ROUNDS 1-%d, PINGS >= 1\n",
			ROUNDS_MAX);
		return 2;
	}
	loaded = !access("/sys/module/tvm_vsock", F_OK);
	if (tnl_open(&nl))
		die("tvm's netlink family", ENOENT);
	if (loaded)
		g2g_policies(true, g2g_policy_why, sizeof(g2g_policy_why));
	memset(payload, 0x3c, sizeof(payload));
	printf("%u MiB per stream, %d rounds (medians), %u pings; "
	       "tvm_vsock %s%s\n", mib, rounds, pings,
	       loaded ? "loaded" : "not loaded",
	       loaded && unload ? ", unloaded and loaded again each round" : "");
	host = start_host();

	for (r = 0; r < rounds; r++) {
		round_of(loaded ? &with : &without, r, &nl, loaded,
			 (uint64_t)mib << 20, pings);
		if (!loaded || !unload)
			continue;
		if (system("rmmod tvm_vsock")) {
			fprintf(stderr, "vsock_bench: rmmod tvm_vsock failed\n");
			return 1;
		}
		round_of(&without, r, &nl, false, (uint64_t)mib << 20, pings);
		if (system("modprobe tvm_vsock")) {
			fprintf(stderr, "vsock_bench: modprobe tvm_vsock failed\n");
			return 1;
		}
	}
	kill(host, SIGKILL);
	waitpid(host, NULL, 0);
	if (loaded)
		g2g_policies(false, NULL, 0);

	if (loaded)
		print("with tvm_vsock", &with, rounds, true);
	if (!loaded || unload)
		print("without tvm_vsock", &without, rounds, false);
	if (!loaded || !unload) {
		tnl_close(&nl);
		return 0;
	}
	ratio("g2h 4 KiB throughput", with.g2h4, without.g2h4, rounds);
	ratio("g2h 64 KiB throughput", with.g2h64, without.g2h64, rounds);
	ratio("h2g 4 KiB throughput", with.h2g4, without.h2g4, rounds);
	ratio("h2g 64 KiB throughput", with.h2g64, without.h2g64, rounds);
	a = median(with.rtt, rounds);
	b = median(without.rtt, rounds);
	printf("ratio 64 B round trip with / without tvm_vsock: %.2fx "
	       "(%.1f us vs %.1f us: %+.1f us per round trip)\n", a / b, a, b,
	       a - b);
	tnl_close(&nl);
	return 0;
}
