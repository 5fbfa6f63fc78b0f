// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl flows [VM]: the live vsock flows tvm_vsock measures
 * (Documentation/vsock.rst), one row each, or a JSON array.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tvmctl.h"

#define FLOW_ROW_FMT "%-6s %-16s %-16s %-6s %-6s %-12s %-7s %-8s %-6s %s"

struct flow_rows {
	struct tvmctl *ctl;
	bool headed;
};

static void flow_rows_head(struct flow_rows *r)
{
	char head[160];

	if (r->headed || r->ctl->json)
		return;
	snprintf(head, sizeof(head), FLOW_ROW_FMT, "ID", "FROM", "TO", "RX",
		 "TX", "BYTES", "EVENTS", "ACTION", "STATE", "MEASURED");
	out_str(r->ctl->out, NULL, NULL, head);
	r->headed = true;
}

/* An end of the flow: the VM's id, "host", or "-" (a CID no VM holds). */
static void who(char *buf, size_t len, bool vm, uint32_t id, bool host)
{
	if (vm)
		snprintf(buf, len, "%u", id);
	else
		snprintf(buf, len, "%s", host ? "host" : "-");
}

void flow_print(struct tvmctl *ctl, const struct flow_info *f)
{
	struct out *o = ctl->out;

	out_object_begin(o, NULL);
	out_int(o, "id", NULL, (int64_t)f->id);
	out_int(o, "src_cid", "src cid", f->src_cid);
	out_int(o, "src_port", "src port", f->src_port);
	out_int(o, "dst_cid", "dst cid", f->dst_cid);
	out_int(o, "dst_port", "dst port", f->dst_port);
	if (f->has_rx)
		out_int(o, "rx_vm", "rx vm", f->rx_vm);
	else
		out_null(o, "rx_vm", "rx vm", "host");
	if (f->has_tx)
		out_int(o, "tx_vm", "tx vm", f->tx_vm);
	else
		out_null(o, "tx_vm", "tx vm", f->tx_host ? "host" : "-");
	out_bool(o, "tx_host", "tx host", f->tx_host);
	out_int(o, "bytes", NULL, (int64_t)f->bytes);
	out_int(o, "events", NULL, (int64_t)f->events);
	out_str(o, "action", NULL, flow_action_name(f->action));
	out_str(o, "state", NULL, flow_state_name(f->state));
	out_bool(o, "measured", NULL, f->measured);
	out_object_end(o);
}

static int flow_row(const struct flow_info *f, void *arg)
{
	struct flow_rows *r = arg;
	char id[24], from[32], to[32], rx[12], tx[12], bytes[24], events[24];
	char row[256];

	if (r->ctl->json) {
		flow_print(r->ctl, f);
		return 0;
	}
	flow_rows_head(r);
	snprintf(id, sizeof(id), "%llu", (unsigned long long)f->id);
	snprintf(from, sizeof(from), "%u:%u", f->src_cid, f->src_port);
	snprintf(to, sizeof(to), "%u:%u", f->dst_cid, f->dst_port);
	who(rx, sizeof(rx), f->has_rx, f->rx_vm, true);
	who(tx, sizeof(tx), f->has_tx, f->tx_vm, f->tx_host);
	snprintf(bytes, sizeof(bytes), "%llu", (unsigned long long)f->bytes);
	snprintf(events, sizeof(events), "%llu", (unsigned long long)f->events);
	snprintf(row, sizeof(row), FLOW_ROW_FMT, id, from, to, rx, tx, bytes,
		 events, flow_action_name(f->action),
		 flow_state_name(f->state), f->measured ? "yes" : "no");
	out_str(r->ctl->out, NULL, NULL, row);
	return 0;
}

int flows_main(struct tvmctl *ctl, int argc, char **argv)
{
	struct flow_rows rows = { .ctl = ctl };
	struct vm_sel sel;
	const char *arg = NULL;
	struct tvm_nl *nl;
	int ret;

	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		if (c != 'j')
			return tvmctl_opt_default(ctl, c, argv);
		/* -j after the command, as `tvmctl -j flows` */
		if (!ctl->json) {
			ctl->json = true;
			out_free(ctl->out);
			ctl->out = out_new(stdout, true);
		}
	}
	if (argc - optind > 0) {
		ret = tvmctl_vm_args(ctl, argc, argv, 1, &sel, &arg);
		if (ret)
			return ret;
	} else {
		ret = tvmctl_args(ctl, argc, argv, 0, NULL);
		if (ret)
			return ret;
	}

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		return ret;
	/* A JSON array of flows; in text, a table whose rows are its items. */
	out_array_begin(ctl->out, NULL);
	ret = tvm_client_flow_list(nl, arg ? &sel : NULL, flow_row, &rows);
	if (ret) {
		ret = arg ? tvmctl_nl_err(ctl, nl, ret, "listing the flows of VM '%s'",
					  arg) :
		      tvmctl_nl_err(ctl, nl, ret, "listing flows");
	} else {
		flow_rows_head(&rows);
		out_array_end(ctl->out);
	}
	tvm_nl_close(nl);
	return ret;
}
