// SPDX-License-Identifier: GPL-2.0
/*
 * vsockvmm: a process that holds what a VMM with a vhost-vsock device
 * holds, for the shell tests (vsock_rmmod_test.sh): N KVM VMs (default 1),
 * then a /dev/vhost-vsock device it owns with guest CID CID.  Prints
 * "ready" once the CID is set, then waits for a signal to end it.
 *
 *   vsockvmm [-n N] CID
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tvm_kvm.h"
#include "vsock_guest.h"

int main(int argc, char **argv)
{
	static struct kvm_vm vm[4];
	int nvms = 1, i, fd, err;

	if (argc == 4 && !strcmp(argv[1], "-n")) {
		nvms = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 || nvms < 0 || nvms > 4) {
		fprintf(stderr, "usage: vsockvmm [-n 0-4] CID\n");
		return 2;
	}
	for (i = 0; i < nvms; i++) {
		err = kvm_vm_create(&vm[i]);
		if (err) {
			fprintf(stderr, "vsockvmm: KVM_CREATE_VM: %s\n",
				strerror(-err));
			return 1;
		}
	}
	fd = vg_open_cid(strtoull(argv[1], NULL, 0));
	if (fd < 0) {
		fprintf(stderr, "vsockvmm: vhost-vsock: %s\n", strerror(-fd));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
