# SPDX-License-Identifier: GPL-2.0
#
# tvm: per-VM virtual PCR banks for KVM guests.
#
#   make            build the modules, tvmctl, the selftests and unit tests
#   make check      install what is missing, build, run every test
#   make e2e        only the two-host migration test (two emulated hosts)
#   make host-check only the tests of the real host (tests/host/), building
#                   its image first when missing
#   make host-image build the real host's image (scripts/mkhostimage)
#   make demo       install what is missing, build, walk through tvm in the
#                   emulated hypervisor host
#   make bench      run the benchmarks in the emulated host
#   make doc-examples  remake Documentation/'s worked examples from real
#                   output in the emulated host (Documentation/testing.rst)
#   make mig-table  remake kernel/lib/mig_table.h and tests/model/mig_table.pml
#                   from the transition table in Documentation/migration.rst
#   make model      check the migration model with spin (tests/model/)
#   make fuzz       run each fuzz target (tests/fuzz/) for FUZZ_SECONDS (60)
#   make install    install the modules, tvmctl, its man page, tvm.service
#                   and /etc/tvm (Documentation/install.rst)
#   make dkms       the same, with the modules built and kept by DKMS
#   make C=1        the same build, with sparse over the kernel code
#
# KDIR: kernel build tree (default: the running kernel's, else the newest
# Debian linux-headers-*-amd64).  See README.

KDIR ?= $(shell $(CURDIR)/scripts/kver kdir)
BUILD := $(CURDIR)/build
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/lib/tvm
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= /lib/systemd/system
VERSION := $(shell sed -n 's/^\#define TVM_VERSION "\(.*\)"/\1/p' kernel/core/version.h)
DKMS_SRC = $(DESTDIR)/usr/src/tvm-$(VERSION)
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60

all: modules tvmctl selftests unit bench-build guest

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tvmctl:
	$(MAKE) -C userspace/tvmctl

$(BUILD)/ksft/kselftest_harness.h:
	scripts/ksft-headers $(BUILD)/ksft

# The selftests, and their test-only modules (never installed).
selftests: $(BUILD)/ksft/kselftest_harness.h
	$(MAKE) -C selftests/tvm
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/tvm/kmod modules
	install -D -m 644 selftests/tvm/kmod/tvm_test_symclash.ko \
		$(BUILD)/selftests/kmod/tvm_test_symclash.ko
	install -D -m 644 selftests/tvm/kmod/tvm_test_p256.ko \
		$(BUILD)/selftests/kmod/tvm_test_p256.ko

# The fuzz targets need clang (and its libFuzzer); without, only a note.
unit:
	$(MAKE) -C tests/unit
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then \
		$(MAKE) -C tests/fuzz FUZZ_CC=$(FUZZ_CC); \
	else \
		echo "NOTE: no $(FUZZ_CC); fuzz targets (tests/fuzz/) not built"; \
	fi

fuzz:
	$(MAKE) -C tests/fuzz run FUZZ_CC=$(FUZZ_CC) FUZZ_SECONDS=$(FUZZ_SECONDS)

# The migration transition table: Documentation/migration.rst is the one
# source; scripts/mig-table --check (in tests/model/run, so in `make check`)
# fails when these differ from it.
mig-table:
	scripts/mig-table

# The migration model and its mutants, with spin (tests/model/run).
model: deps
	tests/model/run

# The tiny Linux guest's initramfs (scripts/mkguest): the real host's
# tests and `make demo` boot it with Debian's kernel.
guest: $(BUILD)/guest/initrd.img

$(BUILD)/guest/initrd.img: guest/init.c scripts/mkguest
	scripts/mkguest $@

bench-build:
	$(MAKE) -C bench

# Benchmarks run in the emulated host; Documentation/performance.md.
bench: deps
	$(MAKE) all
	scripts/vm-run -- scripts/bench.sh

deps:
	scripts/deps.sh

# deps first, then a new make: KDIR may only exist once deps has run.
check: deps
	$(MAKE) all
	scripts/check

# The two-host trusted migration test alone (scripts/check runs it too).
e2e: deps
	$(MAKE) all
	tests/e2e/migrate.sh

.PHONY: e2e

# The real hypervisor host: a Debian 12 image with systemd, libvirt, QEMU
# and DKMS, built once under build/host-image/ (scripts/mkhostimage) and
# booted by scripts/vm-run --host; scripts/check runs its tests too.
host-image: deps

host-check: deps
	$(MAKE) all
	tests/host/run

.PHONY: host-image host-check

# The walk through tvm in the emulated host, then tvm on the real host:
# DKMS, tvm.service, libvirt starting a trusted and a tampered guest, a
# quote verified (the image is built first when missing).
demo: deps
	$(MAKE) all
	scripts/vm-run -- scripts/demo.sh
	scripts/vm-run --host --timeout 1800 -- scripts/demo-host.sh

# The worked examples: played in the emulated host, then put into the
# documents; selftests/tvm/doc_examples_test.sh checks they still agree.
doc-examples: deps
	$(MAKE) all
	rm -rf $(BUILD)/doc-examples
	scripts/vm-run --strict -- scripts/doc-examples $(BUILD)/doc-examples
	rm -f Documentation/examples/*.txt
	cp $(BUILD)/doc-examples/*.txt Documentation/examples/
	scripts/doc-sync Documentation/examples

# checkpatch.pl --strict and kernel-doc over the kernel code, from Debian's linux-source;
# the known false positives are listed in scripts/checkpatch.
checkpatch: deps
	scripts/checkpatch

# Debian's kernel signs modules at install only with its own key, which a
# host does not have: without that key they go unsigned (DKMS signs its
# builds with its own key instead).  depmod, so modprobe finds them.
modules_install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		$(if $(wildcard $(KDIR)/certs/signing_key.pem),,CONFIG_MODULE_SIG_ALL=) \
		modules_install
	$(if $(DESTDIR),,depmod -a $(shell scripts/kver kver))

install: modules_install install-userspace

# tvmctl, its man page, tvm.service and what it reads, and the libvirt
# hook (in libvirt's directory form, beside any other hook).
# /etc/tvm/tvm.conf is the administrator's: an existing one is kept.
install-userspace: tvmctl
	install -D -m 755 $(BUILD)/tvmctl $(DESTDIR)$(SBINDIR)/tvmctl
	install -D -m 644 Documentation/tvmctl.8 $(DESTDIR)$(MANDIR)/man8/tvmctl.8
	install -D -m 755 packaging/tvm-start $(DESTDIR)$(LIBEXECDIR)/tvm-start
	install -d $(DESTDIR)$(UNITDIR)
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
		-e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' packaging/tvm.service.in \
		> $(DESTDIR)$(UNITDIR)/tvm.service
	chmod 644 $(DESTDIR)$(UNITDIR)/tvm.service
	install -D -m 644 packaging/modprobe-tvm.conf \
		$(DESTDIR)$(SYSCONFDIR)/modprobe.d/tvm.conf
	install -D -m 755 packaging/libvirt-hook \
		$(DESTDIR)$(SYSCONFDIR)/libvirt/hooks/qemu.d/tvm
	install -d -m 755 $(DESTDIR)$(SYSCONFDIR)/tvm/policies \
		$(DESTDIR)$(SYSCONFDIR)/tvm/owner-keys \
		$(DESTDIR)$(SYSCONFDIR)/tvm/migration-peers
	[ -e $(DESTDIR)$(SYSCONFDIR)/tvm/tvm.conf ] || \
		install -m 644 packaging/tvm.conf $(DESTDIR)$(SYSCONFDIR)/tvm/tvm.conf
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
		systemctl daemon-reload && systemctl enable tvm.service && \
		echo "tvm.service enabled: 'systemctl start tvm' or reboot"; \
	fi

# The module sources DKMS builds from: /usr/src/tvm-$(VERSION).
dkms-src:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)
	cp dkms.conf Kbuild $(DKMS_SRC)/
	find kernel include \( -name '*.[ch]' ! -name '*.mod.c' -o -name Kbuild \) \
		-exec cp --parents {} $(DKMS_SRC)/ \;

# DKMS builds the modules for each installed kernel and for each new one.
# make install's copies go first: DKMS will not replace a module of the
# same version already in the kernel's tree (it would keep those).
dkms: dkms-src install-userspace
	-dkms remove -m tvm -v $(VERSION) --all > /dev/null 2>&1
	rm -f $(foreach m,core/tvm kvm/tvm_kvm vsock/tvm_vsock,/lib/modules/*/extra/kernel/$(m).ko)
	dkms add -m tvm -v $(VERSION)
	dkms install -m tvm -v $(VERSION)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/tvm/kmod clean
	rm -rf $(BUILD)

.PHONY: install install-userspace modules_install dkms dkms-src all modules tvmctl selftests unit fuzz bench-build guest bench deps check demo doc-examples checkpatch \
	mig-table model \
	modules_install install clean
