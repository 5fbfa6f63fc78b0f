// SPDX-License-Identifier: GPL-2.0
/*
 * Flows: each direction of a vsock connection, measured into the PCR 14
 * of the VM that receives it (Documentation/vsock.rst).  This first
 * version only fixes the interface (tvm_vsock.h): packets are judged by
 * the receiver's policy, nothing is measured yet.
 */

#include <linux/skbuff.h>
#include <linux/virtio_vsock.h>

#include "api.h"
#include "tvm_vsock.h"

enum tvm_df_action tv_flow_deliver(struct sk_buff *skb, struct tvm_vm *rx,
				   struct tvm_vm *tx)
{
	struct virtio_vsock_hdr *hdr = virtio_vsock_hdr(skb);
	struct tvm_df_verdict v;

	tvm_vm_dataflow(rx, tx, le32_to_cpu(hdr->dst_port), &v);
	return v.action;
}

void tv_flow_close_cid(u32 cid, struct tvm_vm *vm)
{
}

int tv_flow_init(void)
{
	return 0;
}

void tv_flow_uninit(void)
{
}
