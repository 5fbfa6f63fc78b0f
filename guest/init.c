// SPDX-License-Identifier: GPL-2.0
/*
 * The init of tvm's tiny Linux guest (scripts/mkguest): PID 1 of an
 * initramfs holding nothing else, booted by the real host's tests and
 * `make demo` from Debian's kernel with QEMU's direct kernel boot.
 *
 * It mounts devtmpfs and proc, writes "tvm-guest: up" with the kernel's
 * uptime on the first serial port, then one "tvm-guest: tick N" line a
 * second, for ever.  With "tvmguest.poweroff" on the kernel command line
 * it powers the VM off after the "up" line instead.  Statically linked:
 * the initramfs has no loader and no libraries.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>

static int out = -1;

static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (out >= 0 && write(out, line, (size_t)n) < 0)
		out = -1;
}

/* The first line of @path, without its newline; "" when unreadable. */
static void read_line(const char *path, char *buf, size_t size)
{
	ssize_t n = -1;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, size - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

int main(void)
{
	char cmdline[4096], uptime[64];
	unsigned long tick;

	mkdir("/dev", 0755);
	mkdir("/proc", 0555);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	out = open("/dev/ttyS0", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (out < 0)
		out = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);

	read_line("/proc/uptime", uptime, sizeof(uptime));
	read_line("/proc/cmdline", cmdline, sizeof(cmdline));
	say("tvm-guest: up %s\n", uptime);

	if (strstr(cmdline, "tvmguest.poweroff")) {
		say("tvm-guest: power off\n");
		sync();
		reboot(RB_POWER_OFF);
	}
	for (tick = 1;; tick++) {
		sleep(1);
		say("tvm-guest: tick %lu\n", tick);
	}
}
