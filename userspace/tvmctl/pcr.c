// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl pcr read|extend|reset: a VM's PCRs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attest.h"
#include "tvm_log.h"
#include "tvmctl.h"

/*
 * Text: "sha256:" then "  9: <hex>" per PCR, as tpm2_pcrread does.  JSON:
 * the same banks inside {"id", "log_count", "banks"}; log_count says
 * which prefix of the log these values are the replay of.
 */
static void pcr_print(struct tvmctl *ctl, const struct pcr_values *pv)
{
	char hex[2 * TVM_DIGEST_MAX + 1], key[4];
	struct out *o = ctl->out;

	out_object_begin(o, NULL);
	if (ctl->json) {
		out_int(o, "id", NULL, pv->id);
		out_int(o, "log_count", NULL, (int64_t)pv->log_count);
		out_object_begin(o, "banks");
	}
	for (unsigned int b = 0; b < __TVM_BANK_MAX; b++) {
		if (!pv->have[b])
			continue;
		out_object_begin(o, bank_name(b));
		for (unsigned int i = 0; i < TVM_NUM_PCRS; i++) {
			if (!(pv->have[b] & (1U << i)))
				continue;
			snprintf(key, sizeof(key), "%u", i);
			format_hex(pv->digest[b][i], tvm_banks[b].size, hex);
			out_str(o, key, NULL, hex);
		}
		out_object_end(o);
	}
	if (ctl->json)
		out_object_end(o);
	out_object_end(o);
}

static int pcr_read(struct tvmctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bank", required_argument, NULL, 'b' },
		{ "pcrs", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pcr_sel ps = { .bank = -1 };
	struct pcr_values *pv;
	struct vm_sel sel;
	struct tvm_nl *nl;
	const char *arg;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (tvmctl_parse_bank(ctl, optarg, &ps.bank))
				return TVMCTL_USAGE;
			break;
		case 'p':
			if (tvmctl_parse_pcrs(ctl, optarg, false, &ps.mask))
				return TVMCTL_USAGE;
			ps.has_mask = true;
			break;
		default:
			return tvmctl_opt_default(ctl, c, argv);
		}
	}
	ret = tvmctl_vm_args(ctl, argc, argv, 1, &sel, &arg);
	if (ret)
		return ret;

	pv = malloc(sizeof(*pv));
	if (!pv)
		return tvmctl_err(TVMCTL_ERR, "out of memory");
	ret = tvmctl_nl_open(ctl, &nl);
	if (ret) {
		free(pv);
		return ret;
	}
	ret = tvm_client_pcr_read(nl, &sel, &ps, pv);
	if (ret)
		ret = tvmctl_nl_err(ctl, nl, ret,
				    "reading the PCRs of VM '%s'", arg);
	else
		pcr_print(ctl, pv);
	tvm_nl_close(nl);
	free(pv);
	return ret;
}

static void seq_print(struct tvmctl *ctl, uint64_t seq)
{
	out_object_begin(ctl->out, NULL);
	out_int(ctl->out, "seq", NULL, (int64_t)seq);
	out_object_end(ctl->out);
}

/*
 * Read event data from @path ("-": standard input) into @buf of
 * TVM_EVENT_DATA_MAX bytes.  -EFBIG when there is more.
 */
static int read_data_file(const char *path, uint8_t *buf, size_t *len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) :
				     STDIN_FILENO;
	uint8_t extra;
	ssize_t r;
	int ret = 0;

	if (fd < 0)
		return -errno;
	r = attest_read_full(fd, buf, TVM_EVENT_DATA_MAX);
	if (r < 0) {
		ret = (int)r;
		goto out;
	}
	*len = (size_t)r;
	if (*len == TVM_EVENT_DATA_MAX) {
		r = attest_read_full(fd, &extra, 1);
		if (r < 0)
			ret = (int)r;
		else if (r > 0)
			ret = -EFBIG;
	}
out:
	if (fd != STDIN_FILENO)
		close(fd);
	return ret;
}

/*
 * extend (@ev, its event) and reset (@ev NULL), after their options: on
 * their arguments "VM PCR", print the sequence number of the event
 * logged.  @what names it in messages.
 */
static int pcr_event(struct tvmctl *ctl, int argc, char **argv,
		     const char *what, const struct pcr_event *ev)
{
	const char *arg, *pcr_arg;
	struct vm_sel sel;
	struct tvm_nl *nl;
	unsigned int pcr;
	uint64_t seq;
	int ret;

	ret = tvmctl_vm_args(ctl, argc, argv, 2, &sel, &arg);
	if (ret)
		return ret;
	pcr_arg = argv[optind + 1];
	if (parse_pcr(pcr_arg, &pcr))
		return tvmctl_err(TVMCTL_USAGE, "%s: bad PCR index '%s' (0-%d)",
				  ctl->name, pcr_arg, TVM_NUM_PCRS - 1);

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		return ret;
	ret = ev ? tvm_client_pcr_extend(nl, &sel, pcr, ev, &seq) :
		   tvm_client_pcr_reset(nl, &sel, pcr, &seq);
	if (ret)
		ret = tvmctl_nl_err(ctl, nl, ret, "%s PCR %u of VM '%s'", what,
				    pcr, arg);
	else
		seq_print(ctl, seq);
	tvm_nl_close(nl);
	return ret;
}

/*
 * The options of an extend, from argv[1] on, into @ev, its data into
 * @data (TVM_EVENT_DATA_MAX bytes); argv[optind..] are then "VM PCR".
 * Returns 0, -1 when it printed the usage (-h), or an exit status having
 * said what is wrong.
 */
static int extend_opts(struct tvmctl *ctl, int argc, char **argv,
		       struct pcr_event *ev, uint8_t *data)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "data", required_argument, NULL, 'd' },
		{ "data-hex", required_argument, NULL, 'x' },
		{ "data-file", required_argument, NULL, 'f' },
		{ "digest", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t digest[TVM_DIGEST_MAX];
	const char *data_opt = NULL;
	unsigned int bank;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_u32(optarg, &ev->type))
				return tvmctl_err(TVMCTL_USAGE,
						  "%s: bad event type '%s'",
						  ctl->name, optarg);
			ev->has_type = true;
			break;
		case 'd':
		case 'x':
		case 'f':
			if (data_opt)
				return tvmctl_err(TVMCTL_USAGE,
						  "%s: only one of --data, --data-hex and --data-file",
						  ctl->name);
			data_opt = optarg;
			if (c == 'd') {
				ev->data_len = strlen(optarg);
				if (ev->data_len > TVM_EVENT_DATA_MAX)
					return tvmctl_err(TVMCTL_USAGE,
							  "%s: --data is %zu bytes, more than %d",
							  ctl->name,
							  ev->data_len,
							  TVM_EVENT_DATA_MAX);
				memcpy(data, optarg, ev->data_len);
			} else if (c == 'x') {
				if (strlen(optarg) / 2 > TVM_EVENT_DATA_MAX)
					return tvmctl_err(TVMCTL_USAGE,
							  "%s: --data-hex is %zu bytes, more than %d",
							  ctl->name,
							  strlen(optarg) / 2,
							  TVM_EVENT_DATA_MAX);
				if (parse_hex_var(optarg, data, TVM_EVENT_DATA_MAX,
						  &ev->data_len))
					return tvmctl_err(TVMCTL_USAGE,
							  "%s: bad hex data '%s' (an even number of hex digits, at most %d bytes)",
							  ctl->name, optarg,
							  TVM_EVENT_DATA_MAX);
			} else {
				ret = read_data_file(optarg, data,
						     &ev->data_len);
				/* As --data and --data-hex: bad input. */
				if (ret == -EFBIG)
					return tvmctl_err(TVMCTL_USAGE,
							  "%s: --data-file '%s' is more than %d bytes",
							  ctl->name, optarg,
							  TVM_EVENT_DATA_MAX);
				if (ret)
					return tvmctl_err(TVMCTL_ERR,
							  "%s: reading '%s': %s",
							  ctl->name, optarg,
							  strerror(-ret));
			}
			break;
		case 'D':
			if (parse_digest(optarg, &bank, digest))
				return tvmctl_err(TVMCTL_USAGE,
						  "%s: bad digest '%s' (BANK=HEX, HEX the bank's digest size)",
						  ctl->name, optarg);
			if (ev->digest_banks & (1U << bank))
				return tvmctl_err(TVMCTL_USAGE,
						  "%s: digest '%s': a second one for %s",
						  ctl->name, optarg,
						  bank_name(bank));
			memcpy(ev->digests[bank], digest, tvm_banks[bank].size);
			ev->digest_banks |= 1U << bank;
			break;
		default:
			ret = tvmctl_opt_default(ctl, c, argv);
			return ret ? ret : -1;
		}
	}
	return 0;
}

static int pcr_extend(struct tvmctl *ctl, int argc, char **argv)
{
	static uint8_t data[TVM_EVENT_DATA_MAX];
	struct pcr_event ev = { .type = TVM_EV_EXTEND, .data = data };
	int ret;

	ret = extend_opts(ctl, argc, argv, &ev, data);
	if (ret)
		return ret < 0 ? TVMCTL_OK : ret;
	return pcr_event(ctl, argc, argv, "extending", &ev);
}

/* --- extend-batch ---------------------------------------------------------- */

/* Most words on one line of a batch file. */
#define BATCH_WORDS	64
/*
 * Most bytes one request carries: under wmem_default (208 KiB), the least
 * send buffer a socket has, which a larger request would exceed.
 */
#define BATCH_BYTES	(128 * 1024)

/* The events of one request, and the line each came from. */
struct batch {
	struct pcr_batch_event ev[TVM_BATCH_MAX];
	struct pcr_batch_done done[TVM_BATCH_MAX];
	unsigned long line[TVM_BATCH_MAX];
	char vm[TVM_BATCH_MAX][TVM_NAME_MAX + 1];
	uint8_t data[TVM_BATCH_MAX][TVM_EVENT_DATA_MAX];
	size_t n, bytes;
	unsigned long total;	/* events done by earlier requests */
};

/*
 * Parse line @lineno, "VM PCR [OPTIONS]" as `pcr extend` takes them, into
 * the next event of @b.  Returns 0, or an exit status having said what
 * is wrong with the line.
 */
static int batch_line(struct tvmctl *ctl, struct batch *b, char *text,
		      unsigned long lineno)
{
	struct pcr_batch_event *e = &b->ev[b->n];
	struct tvmctl lc = *ctl;
	char *argv[BATCH_WORDS + 2];
	const char *pcr_arg;
	int argc, ret;

	/* Messages say "pcr extend-batch: line N: ..." */
	snprintf(lc.name, sizeof(lc.name), "pcr extend-batch: line %u",
		 (unsigned int)lineno);
	lc.cmd = &pcr_cmds[1];		/* "extend": its VM PCR usage */
	argv[0] = lc.name;
	argc = parse_words(text, argv + 1, BATCH_WORDS);
	if (argc < 0)
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: an unclosed quote, a quote inside a word or more than %d words",
				  lc.name, BATCH_WORDS);
	argv[++argc] = NULL;

	memset(e, 0, sizeof(*e));
	e->ev.type = TVM_EV_EXTEND;
	e->ev.data = b->data[b->n];
	ret = extend_opts(&lc, argc, argv, &e->ev, b->data[b->n]);
	if (ret < 0)
		return tvmctl_err(TVMCTL_USAGE, "%s: -h is not an event",
				  lc.name);
	if (ret)
		return ret;
	ret = tvmctl_vm_args(&lc, argc, argv, 2, &e->sel, NULL);
	if (ret)
		return ret;
	pcr_arg = argv[optind + 1];
	if (parse_pcr(pcr_arg, &e->pcr))
		return tvmctl_err(TVMCTL_USAGE, "%s: bad PCR index '%s' (0-%d)",
				  lc.name, pcr_arg, TVM_NUM_PCRS - 1);
	snprintf(b->vm[b->n], sizeof(b->vm[0]), "%s", argv[optind]);
	b->line[b->n] = lineno;
	b->bytes += 256 + e->ev.data_len;
	b->n++;
	return 0;
}

/*
 * Send the events of @b, connecting *@nlp first if need be; print where
 * each went; empty @b.
 */
static int batch_flush(struct tvmctl *ctl, struct tvm_nl **nlp,
		       struct batch *b)
{
	struct tvm_nl *nl;
	long failed;
	int ret;

	if (!b->n)
		return 0;
	if (!*nlp) {
		ret = tvmctl_nl_open(ctl, nlp);
		if (ret)
			return ret;
	}
	nl = *nlp;
	ret = tvm_client_pcr_extend_batch(nl, b->ev, b->n, b->done, &failed);
	if (ret && failed >= 0)
		ret = tvmctl_nl_err(ctl, nl, ret,
				    "line %lu, VM '%s' PCR %u, event %lu of the batch "
				    "(the %lu before it are logged, none after it)",
				    b->line[failed], b->vm[failed],
				    b->ev[failed].pcr, b->total + failed,
				    b->total + failed);
	else if (ret)
		ret = tvmctl_nl_err(ctl, nl, ret,
				    "lines %lu-%lu (none of them logged; %lu before them are)",
				    b->line[0], b->line[b->n - 1], b->total);
	for (size_t i = 0; !ret && i < b->n; i++) {
		out_object_begin(ctl->out, NULL);
		out_int(ctl->out, "line", NULL, (int64_t)b->line[i]);
		out_int(ctl->out, "id", NULL, b->done[i].id);
		out_int(ctl->out, "seq", NULL, (int64_t)b->done[i].seq);
		out_object_end(ctl->out);
	}
	b->total += b->n;
	b->n = 0;
	b->bytes = 0;
	return ret;
}

/*
 * One event a line, "VM PCR [OPTIONS]" with `pcr extend`'s options, from
 * FILE or standard input; blank lines and lines starting with '#' are
 * skipped.  The events go TVM_BATCH_MAX (or 128 KiB) to a request, each
 * request sent once its last line parsed: a line that does not parse
 * stops before its request is sent (those sent before it stay done).
 */
static int pcr_extend_batch(struct tvmctl *ctl, int argc, char **argv)
{
	unsigned long lineno = 0;
	const char *path = "-";
	struct tvm_nl *nl = NULL;
	char *line = NULL;
	struct batch *b;
	size_t cap = 0;
	FILE *fp;
	int ret;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	ret = 0;
	if (argc - optind > 1)
		return tvmctl_err(TVMCTL_USAGE, "%s: unexpected argument '%s'",
				  ctl->name, argv[optind + 1]);
	if (argc - optind == 1)
		path = argv[optind];
	fp = strcmp(path, "-") ? fopen(path, "re") : stdin;
	if (!fp)
		return tvmctl_err(TVMCTL_USAGE, "%s: cannot open '%s': %s",
				  ctl->name, path, strerror(errno));
	b = calloc(1, sizeof(*b));
	if (!b) {
		ret = tvmctl_err(TVMCTL_ERR, "out of memory");
		goto out_file;
	}
	out_array_begin(ctl->out, NULL);
	while (!ret && getline(&line, &cap, fp) >= 0) {
		char *p = line;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n' || *p == '\r' || *p == '#')
			continue;
		if (b->n == TVM_BATCH_MAX ||
		    b->bytes + 256 + TVM_EVENT_DATA_MAX > BATCH_BYTES)
			ret = batch_flush(ctl, &nl, b);
		if (!ret)
			ret = batch_line(ctl, b, p, lineno);
	}
	if (!ret && ferror(fp))
		ret = tvmctl_err(TVMCTL_ERR, "%s: reading '%s': %s", ctl->name,
				 path, strerror(errno));
	if (!ret && !b->total && !b->n)
		ret = tvmctl_err(TVMCTL_USAGE, "%s: no events in '%s'",
				 ctl->name, path);
	if (!ret)
		ret = batch_flush(ctl, &nl, b);
	out_array_end(ctl->out);
	free(line);
	if (nl)
		tvm_nl_close(nl);
	free(b);
out_file:
	if (fp != stdin)
		fclose(fp);
	return ret;
}

static int pcr_reset(struct tvmctl *ctl, int argc, char **argv)
{
	int ret;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	return pcr_event(ctl, argc, argv, "resetting", NULL);
}

const struct tvmctl_cmd pcr_cmds[] = {
	{ .name = "read", .fn = pcr_read, .args = "VM",
	  .help = "print a VM's PCRs",
	  .opts = "  --bank BANK    only this bank (default: all the VM's)\n"
		  "  --pcrs LIST    only these PCRs: all, or e.g. 0,1,9-12\n" },
	{ .name = "extend", .fn = pcr_extend, .args = "VM PCR",
	  .help = "extend a PCR with a logged event",
	  .opts = "  --type T           event type (default 0x544d0003, tvm's extend)\n"
		  "  --data STRING      event data (default: none)\n"
		  "  --data-hex HEX     event data, in hex\n"
		  "  --data-file FILE   event data, read from FILE ('-': stdin)\n"
		  "  --digest BANK=HEX  extend BANK with HEX, not the hash of the\n"
		  "                     data; for every bank of the VM or none\n" },
	{ .name = "extend-batch", .fn = pcr_extend_batch, .args = "[FILE|-]",
	  .help = "extend PCRs, one event a line (VM PCR [extend's options])" },
	{ .name = "reset", .fn = pcr_reset, .args = "VM PCR",
	  .help = "reset PCR 16 or 23 (logged)" },
	{ .name = NULL },
};

int pcr_main(struct tvmctl *ctl, int argc, char **argv)
{
	return tvmctl_dispatch(ctl, argc, argv);
}
