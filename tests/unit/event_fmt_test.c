// SPDX-License-Identifier: GPL-2.0
/*
 * userspace/lib/event_fmt.c: the names of tvm's event types and the
 * fields of each struct tvm_ev_*, built here byte by byte from the uapi's
 * layout (little-endian); data of the wrong size or magic stays raw.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event_fmt.h"

#define HEX8(c)		c c c c c c c c
#define HEX32(c)	HEX8(c) HEX8(c) HEX8(c) HEX8(c)
#define B8(b)		b, b, b, b, b, b, b, b
#define B32(b)		B8(b), B8(b), B8(b), B8(b)
#define LE32(v)		(v) & 0xff, ((v) >> 8) & 0xff, ((v) >> 16) & 0xff, \
			((v) >> 24) & 0xff
#define LE64(v)		LE32((uint64_t)(v) & 0xffffffffULL), LE32((uint64_t)(v) >> 32)

/* @data's fields as text. */
static const char *text(uint32_t type, const uint8_t *data, size_t len)
{
	static char buf[1024];
	struct event_field f[EVENT_FIELDS_MAX];
	unsigned int n = event_fields(type, data, len, f);

	assert_true(n <= EVENT_FIELDS_MAX);
	event_fields_text(f, n, buf, sizeof(buf));
	return buf;
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(event_type_name(TVM_EV_VMM_EXE), "VMM_EXE");
	assert_string_equal(event_type_name(TVM_EV_MEMSLOT), "MEMSLOT");
	assert_string_equal(event_type_name(TVM_EV_VCPU), "VCPU");
	assert_string_equal(event_type_name(TVM_EV_CPUID), "CPUID");
	assert_string_equal(event_type_name(TVM_EV_SLOT), "SLOT");
	assert_string_equal(event_type_name(TVM_EV_FILE), "FILE");
	assert_string_equal(event_type_name(TVM_EV_RUNTIME), "RUNTIME");
	assert_string_equal(event_type_name(TVM_EV_EXTEND), "EXTEND");
	assert_string_equal(event_type_name(TVM_EV_NO_ACTION), "EV_NO_ACTION");
	assert_string_equal(event_type_name(TVM_EV_POLICY), "POLICY");
	assert_null(event_type_name(0));
	assert_null(event_type_name(TVM_EV_BASE));
	assert_string_equal(event_type_name(TVM_EV_FLOW), "FLOW");
	assert_string_equal(event_type_name(TVM_EV_VSOCK_CID), "VSOCK_CID");
	assert_string_equal(event_type_name(TVM_EV_MIGRATION), "MIGRATION");
	assert_null(event_type_name(TVM_EV_MIGRATION + 1));
	assert_null(event_type_name(0x80000001));	/* EV_EFI_VARIABLE_DRIVER_CONFIG */
}

static void test_structs(void **state)
{
	static const uint8_t memslot[] = {
		LE32(0x10003), LE32(2), LE64(0x100000000ULL), LE64(0x20000),
	};
	static const uint8_t slot[] = {
		LE32(0), LE32(0), LE64(0), LE64(65536), LE64(1), B32(0xab),
	};
	static const uint8_t dev[] = {
		LE32(0x80010004), LE32(2), LE64(0x200000), LE64(65536),
		LE64(0), B32(0),
	};
	static const uint8_t vcpu[] = { LE32(3) };
	static const uint8_t cpuid[] = { LE32(1), LE32(42), B32(0x01) };
	static const uint8_t runtime[] = {
		LE64(0xfee00000ULL), LE64(4096), B32(0xcd),
	};
	static const uint8_t host[] = {
		'T', 'V', 'M', 'H', 7, 1, 0, 0, B32(0x5a),
	};
	static const uint8_t reset[] = { 'T', 'V', 'M', 'R', TVM_PCR_DEBUG, 0,
					 0, 0 };
	static const uint8_t policy[] = {
		'T', 'V', 'M', 'P', LE32(3), B32(0x6f), B32(0x1b),
	};
	static const uint8_t flow[] = {
		'T', 'V', 'M', 'F', LE32(TVM_EV_FLOW_CLOSE | TVM_EV_FLOW_HOST),
		LE64(2), LE64(3), LE32(1024), LE32(5000), B8(0x11), B8(0x22),
		LE32(TVM_DF_TAINT), LE32(0), LE64(0), LE64(300000),
		B32(0xe3),
	};
	static const uint8_t cid[] = {
		'T', 'V', 'M', 'C', LE32(TVM_EV_CID_ADOPTED), LE64(0x7e57a1),
	};

	(void)state;
	assert_int_equal(sizeof(memslot), sizeof(struct tvm_ev_memslot));
	assert_int_equal(sizeof(slot), sizeof(struct tvm_ev_slot));
	assert_int_equal(sizeof(cpuid), sizeof(struct tvm_ev_cpuid));
	assert_int_equal(sizeof(runtime), sizeof(struct tvm_ev_runtime));
	assert_string_equal(text(TVM_EV_MEMSLOT, memslot, sizeof(memslot)),
			    "as 1 slot 3 gpa 0x100000000 size 131072 flags 0x2");
	assert_string_equal(text(TVM_EV_SLOT, slot, sizeof(slot)),
			    "slot 0 gpa 0x0 size 65536 flags 0x0 pages 1 sha256 " HEX32("ab"));
	assert_string_equal(text(TVM_EV_SLOT, dev, sizeof(dev)),
			    "as 1 slot 4 device 1 gpa 0x200000 size 65536 flags 0x2 pages 0 sha256 " HEX32("00"));
	assert_string_equal(text(TVM_EV_VCPU, vcpu, sizeof(vcpu)), "vcpu 3");
	assert_string_equal(text(TVM_EV_CPUID, cpuid, sizeof(cpuid)),
			    "vcpu 1 nent 42 sha256 " HEX32("01"));
	assert_string_equal(text(TVM_EV_RUNTIME, runtime, sizeof(runtime)),
			    "gpa 0xfee00000 length 4096 sha256 " HEX32("cd"));
	assert_string_equal(text(TVM_EV_HOST_PCR, host, sizeof(host)),
			    "host_pcr 7 tpm 1 sha256 " HEX32("5a"));
	assert_string_equal(text(TVM_EV_NO_ACTION, reset, sizeof(reset)),
			    "reset_pcr 16");
	assert_int_equal(sizeof(policy), sizeof(struct tvm_ev_policy));
	assert_string_equal(text(TVM_EV_POLICY, policy, sizeof(policy)),
			    "revision 3 digest " HEX32("6f") " key_id " HEX32("1b"));
	assert_int_equal(event_fields(TVM_EV_POLICY, policy, sizeof(policy) - 1,
				      (struct event_field[EVENT_FIELDS_MAX]){ 0 }), 0);
	assert_int_equal(sizeof(flow), sizeof(struct tvm_ev_flow));
	assert_string_equal(text(TVM_EV_FLOW, flow, sizeof(flow)),
			    "flags 10 src 2 sport 1024 dst 3 dport 5000 sender "
			    HEX8("11") HEX8("22") " action 1 offset 0 bytes 300000 sha256 "
			    HEX32("e3"));
	assert_int_equal(event_fields(TVM_EV_FLOW, flow, sizeof(flow) - 1,
				      (struct event_field[EVENT_FIELDS_MAX]){ 0 }), 0);
	assert_int_equal(sizeof(cid), sizeof(struct tvm_ev_vsock_cid));
	assert_string_equal(text(TVM_EV_VSOCK_CID, cid, sizeof(cid)),
			    "flags 1 cid 8279969");
	assert_int_equal(event_fields(TVM_EV_VSOCK_CID, cid, sizeof(cid) - 1,
				      (struct event_field[EVENT_FIELDS_MAX]){ 0 }), 0);
	assert_string_equal(text(TVM_EV_FILE, (const uint8_t *)"kernel", 6),
			    "name kernel");
	assert_string_equal(text(TVM_EV_VMM_EXE, (const uint8_t *)"/usr/bin/qemu", 13),
			    "path /usr/bin/qemu");
}

/* PCR 15: each step by its name, the ids and the platform digest in hex. */
static void test_migration(void **state)
{
	static uint8_t mig[] = {
		'T', 'V', 'M', 'G', LE32(TVM_EV_MIG_OVERRIDE),
		B8(0x1d), B8(0x1e), B32(0x5c), B32(0xde), B32(0x9f),
	};
	static const struct {
		uint32_t flags;
		const char *step;
	} steps[] = {
		{ TVM_EV_MIG_OUT, "out" }, { TVM_EV_MIG_IN, "in" },
		{ TVM_EV_MIG_COMMIT, "commit" }, { TVM_EV_MIG_ABORT, "abort" },
		{ TVM_EV_MIG_OVERRIDE, "override" },
	};
	struct event_field f[EVENT_FIELDS_MAX];
	char want[512];

	(void)state;
	assert_int_equal(sizeof(mig), sizeof(struct tvm_ev_migration));
	assert_string_equal(text(TVM_EV_MIGRATION, mig, sizeof(mig)),
			    "migration override id " HEX8("1d") HEX8("1e")
			    " source " HEX32("5c") " dest " HEX32("de")
			    " platform " HEX32("9f"));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		mig[4] = (uint8_t)steps[i].flags;
		snprintf(want, sizeof(want), "migration %s id", steps[i].step);
		assert_memory_equal(text(TVM_EV_MIGRATION, mig, sizeof(mig)),
				    want, strlen(want));
		assert_string_equal(event_mig_step(steps[i].flags),
				    steps[i].step);
	}
	/* Two flags at once, or none, is no step: the number shows. */
	mig[4] = TVM_EV_MIG_OUT | TVM_EV_MIG_IN;
	assert_memory_equal(text(TVM_EV_MIGRATION, mig, sizeof(mig)),
			    "flags 3 id", 10);
	assert_null(event_mig_step(0));
	assert_int_equal(event_fields(TVM_EV_MIGRATION, mig, sizeof(mig) - 1,
				      f), 0);
	mig[3] = 'X';
	assert_int_equal(event_fields(TVM_EV_MIGRATION, mig, sizeof(mig), f),
			 0);
}

/* One byte short or long, a wrong magic, binary names: not decoded. */
static void test_malformed(void **state)
{
	static const uint8_t big[sizeof(struct tvm_ev_slot) + 1];
	static const uint8_t host[] = {
		'T', 'V', 'M', 'X', 7, 1, 0, 0, B32(0x5a),
	};
	struct event_field f[EVENT_FIELDS_MAX];

	(void)state;
	assert_int_equal(event_fields(TVM_EV_SLOT, big, sizeof(big), f), 0);
	assert_int_equal(event_fields(TVM_EV_SLOT, big, sizeof(big) - 2, f), 0);
	assert_int_equal(event_fields(TVM_EV_MEMSLOT, big, 23, f), 0);
	assert_int_equal(event_fields(TVM_EV_VCPU, big, 0, f), 0);
	assert_int_equal(event_fields(TVM_EV_CPUID, big, 41, f), 0);
	assert_int_equal(event_fields(TVM_EV_RUNTIME, big, 47, f), 0);
	assert_int_equal(event_fields(TVM_EV_HOST_PCR, host, sizeof(host), f), 0);
	assert_int_equal(event_fields(TVM_EV_NO_ACTION, big, 8, f), 0);
	assert_int_equal(event_fields(TVM_EV_FILE, (const uint8_t *)"a\nb", 3, f), 0);
	assert_int_equal(event_fields(TVM_EV_VMM_EXE, big, 0, f), 0);
	assert_int_equal(event_fields(TVM_EV_EXTEND, big, 8, f), 0);
	assert_int_equal(event_fields(0x12345678, big, 8, f), 0);
}

/* A whole line: the name, the digests, the fields; else as tvm_log.h. */
static void test_line(void **state)
{
	static const uint8_t vcpu[] = { LE32(0) };
	struct {
		struct tvm_event ev;
		uint8_t payload[32 + 64];
	} e = { 0 };
	char buf[512];
	size_t n;

	(void)state;
	e.ev.seq = 12;
	e.ev.pcr = TVM_PCR_CONFIG;
	e.ev.type = TVM_EV_VCPU;
	e.ev.banks = 1U << TVM_BANK_SHA256;
	memset(e.ev.payload, 0x11, 32);
	memcpy(e.ev.payload + 32, vcpu, sizeof(vcpu));
	e.ev.data_len = sizeof(vcpu);
	n = event_line(&e.ev, buf, sizeof(buf));
	assert_string_equal(buf, "12 12 VCPU sha256:" HEX32("11") " vcpu 0");
	assert_int_equal(n, strlen(buf));

	/* A path shows as itself. */
	e.ev.type = TVM_EV_VMM_EXE;
	memcpy(e.ev.payload + 32, "/bin/vmm", 8);
	e.ev.data_len = 8;
	event_line(&e.ev, buf, sizeof(buf));
	assert_string_equal(buf, "12 12 VMM_EXE sha256:" HEX32("11") " /bin/vmm");

	/* An unknown type, binary data: in hex, as ascii_measurements has. */
	e.ev.type = 0x0000000d;
	memcpy(e.ev.payload + 32, "\x01\x02", 2);
	e.ev.data_len = 2;
	event_line(&e.ev, buf, sizeof(buf));
	assert_string_equal(buf, "12 12 0x0000000d sha256:" HEX32("11") " hex:0102");

	/* A VCPU event of the wrong size stays raw. */
	e.ev.type = TVM_EV_VCPU;
	event_line(&e.ev, buf, sizeof(buf));
	assert_string_equal(buf, "12 12 VCPU sha256:" HEX32("11") " hex:0102");

	/* Too small a buffer: cut short, terminated, the whole length told. */
	n = strlen("12 12 VCPU sha256:" HEX32("11") " hex:0102");
	assert_int_equal(event_line(&e.ev, buf, 10), n);
	assert_string_equal(buf, "12 12 VCP");
	assert_int_equal(event_line(&e.ev, NULL, 0), n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_structs),
		cmocka_unit_test(test_migration),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_line),
	};

	return cmocka_run_group_tests_name("event_fmt", tests, NULL, NULL);
}
