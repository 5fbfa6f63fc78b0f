// SPDX-License-Identifier: GPL-2.0
/*
 * vsockflow: a VMM whose fake guest (vsock_guest.h) holds a vsock flow
 * open, for the shell tests (vsock_flows_test.sh): a KVM VM, guest CID
 * CID listening on PORT, and a forked host process that connects to it
 * and sends BYTES.  Prints "ready" once the guest has them all, then
 * serves the guest until SIGTERM or SIGINT, and exits (the device's
 * release closes the flows).  On SIGUSR1 the host sends 5 bytes more
 * (a packet for a policy loaded meanwhile to judge); on SIGUSR2 the guest
 * sends 5 bytes to the host (a guest packet, which adopts a CID set
 * before tvm_vsock was loaded).
 *
 *   vsockflow CID PORT BYTES
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/vm_sockets.h>

#include "tvm_kvm.h"
#include "vsock_guest.h"

static volatile sig_atomic_t stop, more, back;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		more = 1;
	else if (sig == SIGUSR2)
		back = 1;
	else
		stop = 1;
}

/* The host side: connect, send @len bytes, hold the connection open. */
static int host(uint32_t cid, uint32_t port, size_t len)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_port = port,
				 .svm_cid = cid };
	char buf[4096];
	size_t off;
	ssize_t n;
	int s;

	memset(buf, 'x', sizeof(buf));
	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)))
		return 1;
	for (off = 0; off < len; off += n) {
		n = write(s, buf, len - off < sizeof(buf) ? len - off :
			  sizeof(buf));
		if (n <= 0)
			return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		pause();
		if (more) {
			more = 0;
			if (write(s, "more!", 5) != 5)
				return 0;	/* reset meanwhile */
		}
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct kvm_vm vm = { .kvm = -1, .fd = -1 };
	struct vg_guest g = { .fd = -1 };
	struct vg_conn *c;
	uint32_t cid, port;
	size_t len, got = 0;
	char buf[4096];
	ssize_t n;
	pid_t pid;
	int err;

	if (argc != 4) {
		fprintf(stderr, "usage: vsockflow CID PORT BYTES\n");
		return 2;
	}
	cid = strtoul(argv[1], NULL, 0);
	port = strtoul(argv[2], NULL, 0);
	len = strtoul(argv[3], NULL, 0);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	err = kvm_vm_create(&vm);
	if (!err)
		err = vg_guest_init(&g, cid);
	if (!err)
		err = vg_listen(&g, port);
	if (err) {
		fprintf(stderr, "vsockflow: %s\n", strerror(-err));
		return 1;
	}
	pid = fork();
	if (!pid)
		_exit(host(cid, port, len));
	err = vg_accept(&g, port, 20000, &c);
	while (!err && got < len) {
		n = vg_recv(c, buf, sizeof(buf), 20000);
		if (n <= 0)
			err = n ? (int)n : -EPIPE;
		else
			got += n;
	}
	if (err) {
		fprintf(stderr, "vsockflow: after %zu bytes: %s\n", got,
			strerror(-err));
		kill(pid, SIGKILL);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		if (more) {
			more = 0;
			kill(pid, SIGUSR1);
		}
		if (back) {
			back = 0;
			n = vg_send(c, "back!", 5, 5000);
			if (n != 5)
				fprintf(stderr, "vsockflow: guest send: %s\n",
					strerror(n < 0 ? (int)-n : EIO));
		}
		vg_service(200);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	vg_guest_fini(&g);
	kvm_vm_destroy(&vm);
	return 0;
}
