/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tvm: per-VM virtual PCR banks for KVM guests.
 *
 * This is the one user-space ABI of tvm.  Everything a program needs to
 * talk to the tvm modules, over generic netlink or through securityfs, is
 * defined here and nowhere else.
 *
 * ABI versioning
 * --------------
 * %TVM_ABI_VERSION is an integer that grows by one each time the interface
 * gains something a program may want to probe for (a command, an attribute,
 * a securityfs file).  Existing meanings never change.  The running module
 * reports its version in securityfs as ``tvm/version``: a decimal integer
 * followed by a newline.  Documentation/abi.rst lists what each version
 * added and when.
 */
#ifndef _UAPI_LINUX_TVM_H
#define _UAPI_LINUX_TVM_H

/**
 * TVM_ABI_VERSION - version of the interface described by this header
 *
 * 1: securityfs ``tvm/version`` (2026-11).
 */
#define TVM_ABI_VERSION 1

/**
 * TVM_SECURITYFS_DIR - name of tvm's directory under securityfs
 *
 * securityfs is usually mounted at /sys/kernel/security, so the ABI version
 * is read from /sys/kernel/security/tvm/version.
 */
#define TVM_SECURITYFS_DIR "tvm"

#endif /* _UAPI_LINUX_TVM_H */
