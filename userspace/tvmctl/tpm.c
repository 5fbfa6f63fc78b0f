// SPDX-License-Identifier: GPL-2.0
/*
 * The host's hardware TPM, through tpm2-tools (tpm.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tpm.h"

/* The deep quote key's attributes: restricted signing, fixed to the TPM. */
#define TPM_DEEP_ATTRS	"fixedtpm|fixedparent|sensitivedataorigin|" \
			"userwithauth|restricted|sign|noda"

/* Run @argv with stdout to /dev/null; 0 when it exits 0, else -EIO. */
static int run(char *const argv[])
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "tvmctl: running %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int tpm_deep_quote(const struct tvmctl *ctl, const char *pcr_list,
		   const uint8_t qual[32], const char *pem, const char *msg,
		   const char *sig, const char *pcrs)
{
	char work[] = "/tmp/tvmctl-deep.XXXXXX", ctx[64], hex[65];
	char *primary[] = { "tpm2_createprimary", "-Q", "-C", "e",
		"-G", "rsa2048:rsassa-sha256:null", "-g", "sha256",
		"-a", TPM_DEEP_ATTRS, "-c", ctx, "-f", "pem", "-o", (char *)pem,
		NULL };
	char *flush[] = { "tpm2_flushcontext", "-Q", "-t", NULL };
	char *quote[] = { "tpm2_quote", "-Q", "-c", ctx, "-l",
		(char *)pcr_list, "-q", hex, "-m", (char *)msg, "-s",
		(char *)sig, "-g", "sha256", NULL, NULL, NULL };
	const char *step;
	int ret;

	if (qual)
		format_hex(qual, 32, hex);
	if (pcrs) {
		quote[14] = "-o";
		quote[15] = (char *)pcrs;
	}
	if (!mkdtemp(work))
		return tvmctl_err(TVMCTL_ERR, "%s: temporary directory: %s",
				  ctl->name, strerror(errno));
	snprintf(ctx, sizeof(ctx), "%s/ak.ctx", work);
	step = "tpm2_createprimary";
	ret = run(primary);
	/* Without a resource manager the TPM keeps it loaded. */
	run(flush);
	if (!ret && msg) {
		step = "tpm2_quote";
		ret = run(quote);
		run(flush);
	}
	unlink(ctx);
	rmdir(work);
	if (ret)
		return tvmctl_err(TVMCTL_ERR, "%s: deep quote: %s failed "
				  "(TPM2TOOLS_TCTI=%s)", ctl->name, step,
				  getenv("TPM2TOOLS_TCTI") ?: "unset");
	return 0;
}
