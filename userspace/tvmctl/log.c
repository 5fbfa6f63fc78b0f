// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl log: a VM's event log, as text lines, as JSON, or as the
 * TCG crypto-agile binary log that tpm2_eventlog reads.  The binary form
 * and --raw are those of kernel/lib/tvm_log.h, encoded by the same code
 * the kernel uses; the text lines name tvm's event types and decode the
 * data whose layout tvm defines (../lib/event_fmt.c).  --from SEQ fetches only the events from SEQ on, so a reader can
 * follow a log by asking for what is new since its last read.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event_fmt.h"
#include "tvm_log.h"
#include "tvmctl.h"

/* The longest ASCII line: event data shown in hex, and the rest. */
#define LOG_LINE_MAX	(2 * TVM_EVENT_DATA_MAX + 1024)

struct log_state {
	struct tvmctl *ctl;
	bool binary;
	bool raw;		/* the ASCII form, as securityfs has it */
	uint32_t banks;		/* binary: the VM's banks */
	uint8_t *bin;
	size_t bin_size;
	char *line;
};

static int write_all(const void *buf, size_t len)
{
	if (fwrite(buf, 1, len, stdout) != len)
		return errno ? -errno : -EIO;
	return 0;
}

/* One decoded field; @buf has room for the data in hex. */
static void field_json(struct out *o, const struct event_field *f, char *buf)
{
	switch (f->kind) {
	case EVF_NUM:
		/* Counts and small ids: never near 2^63. */
		out_int(o, f->key, NULL, (int64_t)f->num);
		break;
	case EVF_ADDR:
		sprintf(buf, "0x%llx", (unsigned long long)f->num);
		out_str(o, f->key, NULL, buf);
		break;
	case EVF_HEX:
		format_hex(f->bytes, f->len, buf);
		out_str(o, f->key, NULL, buf);
		break;
	case EVF_TEXT:
		memcpy(buf, f->bytes, f->len);
		buf[f->len] = '\0';
		out_str(o, f->key, NULL, buf);
		break;
	}
}

static void event_json(struct out *o, const struct tvm_event *ev)
{
	static char hex[2 * TVM_EVENT_DATA_MAX + 1];
	struct event_field f[EVENT_FIELDS_MAX];
	unsigned int n;

	out_object_begin(o, NULL);
	out_int(o, "seq", NULL, (int64_t)ev->seq);
	out_int(o, "pcr", NULL, ev->pcr);
	out_int(o, "type", NULL, ev->type);
	out_object_begin(o, "digests");
	for (unsigned int b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(ev->banks & (1U << b)))
			continue;
		format_hex(tvm_event_digest(ev, b), tvm_banks[b].size, hex);
		out_str(o, bank_name(b), NULL, hex);
	}
	out_object_end(o);
	format_hex(tvm_event_data(ev), ev->data_len, hex);
	out_str(o, "data_hex", NULL, hex);
	if (event_type_name(ev->type))
		out_str(o, "type_name", NULL, event_type_name(ev->type));
	n = event_fields(ev->type, tvm_event_data(ev), ev->data_len, f);
	if (n) {
		out_object_begin(o, "event");
		for (unsigned int i = 0; i < n; i++)
			field_json(o, &f[i], hex);
		out_object_end(o);
	}
	out_object_end(o);
}

static int on_event(const struct tvm_event *ev, void *arg)
{
	struct log_state *st = arg;
	size_t n;

	if (st->binary) {
		/* Every event carries the digests the Spec ID event lists. */
		if (ev->banks != st->banks)
			return -EPROTO;
		n = tvm_log_event_encode(ev, NULL);
		if (n > st->bin_size)
			return -EPROTO;
		tvm_log_event_encode(ev, st->bin);
		return write_all(st->bin, n);
	}
	if (st->ctl->json) {
		event_json(st->ctl->out, ev);
		return 0;
	}
	if (st->raw) {
		n = tvm_log_event_ascii(ev, st->line, LOG_LINE_MAX);
		if (n >= LOG_LINE_MAX || n == 0)
			return -EPROTO;
		st->line[n - 1] = '\0';	/* out_str() adds the newline */
	} else {
		n = event_line(ev, st->line, LOG_LINE_MAX);
		if (n >= LOG_LINE_MAX)
			return -EPROTO;
	}
	out_str(st->ctl->out, NULL, NULL, st->line);
	return 0;
}

/* The Spec ID event, for the VM's banks, which the binary log opens with. */
static int write_specid(struct log_state *st, uint32_t banks)
{
	size_t n = tvm_log_specid_encode(banks, NULL);

	if (n > st->bin_size)
		return -EPROTO;
	tvm_log_specid_encode(banks, st->bin);
	return write_all(st->bin, n);
}

static int log_dump(struct log_state *st, struct tvm_nl *nl,
		    const struct vm_sel *sel, uint64_t from)
{
	struct vm_sel by_id = { .type = VM_SEL_ID };
	struct vm_info vm;
	int ret;

	if (st->binary) {
		/*
		 * The Spec ID event needs the VM's banks.  Then dump that VM
		 * by id, not by name: a VM created with the name meanwhile
		 * is another VM.
		 */
		ret = tvm_client_vm_get(nl, sel, &vm);
		if (ret)
			return ret;
		st->banks = vm.banks & TVM_BANKS_ALL;
		by_id.id = vm.id;
		sel = &by_id;
		if (from == 0) {
			ret = write_specid(st, st->banks);
			if (ret)
				return ret;
		}
	}
	return tvm_client_log_dump(nl, sel, from, on_event, st);
}

int log_main(struct tvmctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "binary", no_argument, NULL, 'b' },
		{ "raw", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct log_state st = { .ctl = ctl };
	struct vm_sel sel;
	struct tvm_nl *nl;
	uint64_t from = 0;
	const char *arg;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_u64(optarg, &from))
				return tvmctl_err(TVMCTL_USAGE,
						  "%s: bad sequence number '%s'",
						  ctl->name, optarg);
			break;
		case 'b':
			st.binary = true;
			break;
		case 'r':
			st.raw = true;
			break;
		default:
			return tvmctl_opt_default(ctl, c, argv);
		}
	}
	ret = tvmctl_vm_args(ctl, argc, argv, 1, &sel, &arg);
	if (ret)
		return ret;
	if (st.binary && ctl->json)
		return tvmctl_err(TVMCTL_USAGE, "%s: --binary and --json "
				  "exclude each other", ctl->name);
	if (st.raw && (st.binary || ctl->json))
		return tvmctl_err(TVMCTL_USAGE, "%s: --raw is a text form; not "
				  "with --binary or --json", ctl->name);
	if (st.binary && isatty(STDOUT_FILENO))
		return tvmctl_err(TVMCTL_USAGE, "%s: not writing the binary "
				  "log to a terminal; redirect standard output",
				  ctl->name);

	/* Encodings add headers and algorithm ids to what an event holds. */
	st.bin_size = sizeof(struct tvm_event) +
		      tvm_banks_digest_size(TVM_BANKS_ALL) +
		      TVM_EVENT_DATA_MAX + 256;
	st.bin = malloc(st.bin_size);
	st.line = malloc(LOG_LINE_MAX);
	if (!st.bin || !st.line) {
		ret = tvmctl_err(TVMCTL_ERR, "out of memory");
		goto out;
	}

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		goto out;
	/* A JSON array of events; in text, its items are the lines. */
	out_array_begin(ctl->out, NULL);
	ret = log_dump(&st, nl, &sel, from);
	if (ret) {
		ret = tvmctl_nl_err(ctl, nl, ret, "reading the log of VM '%s'",
				    arg);
	} else {
		out_array_end(ctl->out);
		ret = TVMCTL_OK;
	}
	tvm_nl_close(nl);
out:
	free(st.line);
	free(st.bin);
	return ret;
}
