// SPDX-License-Identifier: GPL-2.0
/*
 * gdbpoke: read or write a QEMU guest's physical memory through QEMU's
 * gdbstub (-gdb unix:PATH,server,nowait), for tests/host/guest.sh.  The
 * real host has no gdb, and QEMU's monitor (HMP) can read guest memory
 * (x, xp, pmemsave) but has no command that writes it.
 *
 *   gdbpoke SOCKET read ADDR LEN      LEN bytes at guest physical ADDR,
 *                                     raw, to stdout
 *   gdbpoke SOCKET write ADDR HEX     the bytes HEX (hex digits) there
 *
 * The GDB remote protocol: "$payload#cs" packets, cs the sum of the
 * payload's bytes mod 256 in two hex digits, each acknowledged with '+'.
 * "Qqemu.PhyMemMode:1" makes m/M take physical addresses; QEMU stops the
 * guest while a debugger is attached, and "D" (detach) lets it run on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CHUNK	1024		/* bytes per m/M packet: 2 KiB of hex */
#define PKT_MAX	8192

static int sock;

static void die(const char *what)
{
	fprintf(stderr, "gdbpoke: %s%s%s\n", what, errno ? ": " : "",
		errno ? strerror(errno) : "");
	exit(1);
}

static int get_byte(void)
{
	unsigned char c;
	ssize_t n;

	do
		n = read(sock, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1) {
		if (!n)
			errno = 0;
		die("reading from the gdbstub");
	}
	return c;
}

static void put(const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(sock, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("writing to the gdbstub");
		buf += n;
		len -= (size_t)n;
	}
}

/* Send @payload until it is acknowledged with '+'. */
static void send_pkt(const char *payload)
{
	static char pkt[PKT_MAX + 4];
	unsigned int sum = 0;
	size_t i, len = strlen(payload);
	int c, tries;

	if (len > PKT_MAX - 4) {
		errno = 0;
		die("packet too long");
	}
	for (i = 0; i < len; i++)
		sum += (unsigned char)payload[i];
	snprintf(pkt, sizeof(pkt), "$%s#%02x", payload, sum & 0xff);
	for (tries = 0; tries < 5; tries++) {
		put(pkt, strlen(pkt));
		do
			c = get_byte();
		while (c != '+' && c != '-');
		if (c == '+')
			return;
	}
	errno = 0;
	die("the gdbstub keeps refusing a packet");
}

/* The next packet's payload into @buf (NUL-terminated), acknowledged. */
static void recv_pkt(char *buf, size_t size)
{
	size_t n = 0;
	int c;

	do
		c = get_byte();
	while (c != '$');
	while ((c = get_byte()) != '#') {
		if (n + 1 >= size) {
			errno = 0;
			die("reply too long");
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	get_byte();		/* the checksum: TCP-like transport, trusted */
	get_byte();
	put("+", 1);
}

/* Send @payload; its reply must be @want ("" for any but an error). */
static void command(const char *payload, const char *want, char *reply,
		    size_t size)
{
	send_pkt(payload);
	recv_pkt(reply, size);
	if ((*want && strcmp(reply, want)) || (reply[0] == 'E' &&
					       strlen(reply) == 3)) {
		errno = 0;
		fprintf(stderr, "gdbpoke: '%s' got '%s'\n", payload, reply);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	static char reply[PKT_MAX], cmd[PKT_MAX];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned long long addr, len, off, n, i;
	int write_mode;
	char *end;

	if (argc != 5 || (strcmp(argv[2], "read") && strcmp(argv[2], "write"))) {
		fprintf(stderr, "usage: gdbpoke SOCKET read ADDR LEN | SOCKET write ADDR HEX\n");
		return 2;
	}
	write_mode = !strcmp(argv[2], "write");
	errno = 0;
	addr = strtoull(argv[3], &end, 0);
	if (errno || *end) {
		fprintf(stderr, "gdbpoke: bad address '%s'\n", argv[3]);
		return 2;
	}
	if (write_mode) {
		len = strlen(argv[4]) / 2;
		if (!len || strlen(argv[4]) % 2 || len > CHUNK ||
		    strspn(argv[4], "0123456789abcdefABCDEF") != 2 * len) {
			fprintf(stderr, "gdbpoke: bad hex '%s'\n", argv[4]);
			return 2;
		}
	} else {
		len = strtoull(argv[4], &end, 0);
		if (errno || *end || !len) {
			fprintf(stderr, "gdbpoke: bad length '%s'\n", argv[4]);
			return 2;
		}
	}

	if (strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "gdbpoke: socket path too long\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&sa, sizeof(sa)))
		die(argv[1]);

	command("Qqemu.PhyMemMode:1", "OK", reply, sizeof(reply));
	if (write_mode) {
		snprintf(cmd, sizeof(cmd), "M%llx,%llx:%s", addr, len,
			 argv[4]);
		command(cmd, "OK", reply, sizeof(reply));
	} else {
		for (off = 0; off < len; off += n) {
			n = len - off < CHUNK ? len - off : CHUNK;
			snprintf(cmd, sizeof(cmd), "m%llx,%llx", addr + off,
				 n);
			command(cmd, "", reply, sizeof(reply));
			if (strlen(reply) != 2 * n) {
				fprintf(stderr, "gdbpoke: '%s' got '%s'\n",
					cmd, reply);
				return 1;
			}
			for (i = 0; i < n; i++) {
				unsigned int b;

				sscanf(reply + 2 * i, "%2x", &b);
				putchar((int)b);
			}
		}
		if (fflush(stdout))
			die("stdout");
	}
	/* Detach: QEMU lets the guest run on. */
	command("D", "OK", reply, sizeof(reply));
	close(sock);
	return 0;
}
