// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl monitor: print tvm's notifications (trust changes, policy loads
 * and deletions, vsock flows blocked or tainted) from the "events"
 * multicast group as they come, one line
 * or one JSON object each, until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "policy_json.h"
#include "tvmctl.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Print one event; -EPIPE (to stop) when stdout is gone. */
static int emit(struct tvmctl *ctl, json_object *obj, const char *line)
{
	if (ctl->json)
		printf("%s\n", json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		printf("%s\n", line);
	json_object_put(obj);
	if (fflush(stdout) || ferror(stdout))
		return -EPIPE;
	return 0;
}

static void add_str(json_object *obj, const char *key, const char *val)
{
	json_object_object_add(obj, key, json_object_new_string(val));
}

/* A trust change: the VM, its trust before and now, why, its policy. */
static int trust_event(struct tvmctl *ctl, const struct tvm_notice *n)
{
	char uuid[PARSE_UUID_STR_LEN] = "", line[512];
	const char *old, *new;
	json_object *obj;

	if (n->has_uuid)
		format_uuid(n->uuid, uuid);
	old = vm_trust_name(n->trust_old);
	new = vm_trust_name(n->trust);

	snprintf(line, sizeof(line), "vm %u '%s' %s -> %s%s%s (policy gen %llu)",
		 n->id, n->name, old, new, n->reason[0] ? ": " : "", n->reason,
		 (unsigned long long)n->policy_gen);
	obj = json_object_new_object();
	if (!obj)
		return -ENOMEM;
	add_str(obj, "event", "trust");
	json_object_object_add(obj, "id", json_object_new_int64(n->id));
	add_str(obj, "name", n->name);
	add_str(obj, "uuid", uuid);
	add_str(obj, "trust_old", old);
	add_str(obj, "trust", new);
	add_str(obj, "reason", n->reason);
	json_object_object_add(obj, "policy_gen",
			       json_object_new_int64((int64_t)n->policy_gen));
	return emit(ctl, obj, line);
}

/* A policy loaded or deleted: its selector, generation, and which. */
static int policy_event(struct tvmctl *ctl, const struct tvm_notice *n)
{
	char sel[PARSE_UUID_STR_LEN + TVM_NAME_MAX + 8], line[256];
	const struct policy *p = &n->policy;

	json_object *obj;

	policy_format_sel(&p->sel, sel, sizeof(sel));
	/* A longer line is cut short, as it always was. */
	if (snprintf(line, sizeof(line), "policy %s gen %llu %s", sel,
		     (unsigned long long)p->gen, n->reason) < 0)
		line[0] = '\0';
	obj = json_object_new_object();
	if (!obj)
		return -ENOMEM;
	add_str(obj, "event", "policy");
	json_object_object_add(obj, "selector", policy_sel_to_json(&p->sel));
	json_object_object_add(obj, "generation",
			       json_object_new_int64((int64_t)p->gen));
	add_str(obj, "action", n->reason);
	return emit(ctl, obj, line);
}

/* An end of a flow, for the line: "vm 3", "host", or "cid 5" (unbound). */
static void flow_end(char *buf, size_t len, bool vm, uint32_t id, bool host,
		     uint32_t cid)
{
	if (vm)
		snprintf(buf, len, "vm %u", id);
	else if (host)
		snprintf(buf, len, "host");
	else
		snprintf(buf, len, "cid %u", cid);
}

/* A flow blocked or tainted: its ends, what was done, why. */
static int flow_event(struct tvmctl *ctl, const struct tvm_notice *n)
{
	const struct flow_info *f = &n->flow;
	char tx[32], rx[32], line[512];
	json_object *obj;

	flow_end(tx, sizeof(tx), f->has_tx, f->tx_vm, f->tx_host, f->src_cid);
	flow_end(rx, sizeof(rx), f->has_rx, f->rx_vm, !f->has_rx, f->dst_cid);
	snprintf(line, sizeof(line),
		 "flow %llu %s %u:%u -> %u:%u (%s -> %s) after %llu bytes%s%s",
		 (unsigned long long)f->id, flow_action_name(f->action),
		 f->src_cid, f->src_port, f->dst_cid, f->dst_port, tx, rx,
		 (unsigned long long)f->bytes, n->reason[0] ? ": " : "",
		 n->reason);
	obj = json_object_new_object();
	if (!obj)
		return -ENOMEM;
	add_str(obj, "event", "flow");
	add_str(obj, "action", flow_action_name(f->action));
	json_object_object_add(obj, "id", json_object_new_int64((int64_t)f->id));
	json_object_object_add(obj, "src_cid", json_object_new_int64(f->src_cid));
	json_object_object_add(obj, "src_port",
			       json_object_new_int64(f->src_port));
	json_object_object_add(obj, "dst_cid", json_object_new_int64(f->dst_cid));
	json_object_object_add(obj, "dst_port",
			       json_object_new_int64(f->dst_port));
	json_object_object_add(obj, "rx_vm", f->has_rx ?
			       json_object_new_int64(f->rx_vm) : NULL);
	json_object_object_add(obj, "tx_vm", f->has_tx ?
			       json_object_new_int64(f->tx_vm) : NULL);
	json_object_object_add(obj, "tx_host",
			       json_object_new_boolean(f->tx_host));
	json_object_object_add(obj, "bytes",
			       json_object_new_int64((int64_t)f->bytes));
	add_str(obj, "state", flow_state_name(f->state));
	add_str(obj, "reason", n->reason);
	return emit(ctl, obj, line);
}

static int on_notice(const struct tvm_notice *n, void *arg)
{
	struct tvmctl *ctl = arg;

	if (n->cmd == TVM_CMD_EVENT_TRUST)
		return trust_event(ctl, n);
	if (n->cmd == TVM_CMD_EVENT_FLOW)
		return flow_event(ctl, n);
	return policy_event(ctl, n);
}

int monitor_main(struct tvmctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, orig;
	struct pollfd pfd;
	struct tvm_nl *nl;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		if (c == 'j')
			ctl->json = true;
		else
			return tvmctl_opt_default(ctl, c, argv);
	}
	ret = tvmctl_args(ctl, argc, argv, 0, NULL);
	if (ret)
		return ret;

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		return ret;
	ret = tvm_client_subscribe(nl);
	if (ret == -ENOENT) {
		tvm_nl_close(nl);
		return tvmctl_err(TVMCTL_ERR,
				  "%s: tvm.ko has no \"%s\" group (ABI 3 or later needed)",
				  ctl->name, TVM_MCGRP_EVENTS);
	}
	if (ret) {
		tvm_nl_close(nl);
		return tvmctl_nl_err(ctl, NULL, ret, "joining \"%s\"",
				     TVM_MCGRP_EVENTS);
	}

	/*
	 * The signals stay blocked but while ppoll() waits, so that one that
	 * comes between the check of @stop and the wait is not missed.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigdelset(&orig, SIGINT);
	sigdelset(&orig, SIGTERM);

	pfd.fd = tvm_nl_fd(nl);
	pfd.events = POLLIN;
	ret = 0;
	while (!stop) {
		if (ppoll(&pfd, 1, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			ret = tvmctl_err(TVMCTL_ERR, "%s: poll: %s", ctl->name,
					 strerror(errno));
			break;
		}
		ret = tvm_client_notices(nl, on_notice, ctl);
		if (ret == -ENOBUFS) {
			tvmctl_err(0, "%s: events were lost (the socket's buffer overflowed)",
				   ctl->name);
			ret = 0;
			continue;
		}
		if (ret == -EPIPE) {
			ret = TVMCTL_ERR;
			break;
		}
		if (ret) {
			ret = tvmctl_err(TVMCTL_ERR, "%s: receiving: %s",
					 ctl->name, strerror(-ret));
			break;
		}
	}
	tvm_nl_close(nl);
	return ret;
}
