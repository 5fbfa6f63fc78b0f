// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl migrate peer add|list|del: the hosts this host migrates VMs to and
 * from (Documentation/migration.rst).  A peer is the RSA public key of its
 * attestation key in tvm's keyring TVM_MIGRATION_KEYRING, filed under its
 * host id: the SHA-256 of its DER RSAPublicKey, in lower-case hex, as
 * owner keys are in TVM_OWNER_KEYRING.  What keyctl(1) would do, with the
 * same system calls: add_key(2) into the keyring, KEYCTL_READ it,
 * KEYCTL_UNLINK a key from it.
 *
 * The kernel's asymmetric key type takes X.509 certificates, not bare
 * public keys: a certificate is added as it is, and a bare key is first
 * wrapped into a certificate issued by a throwaway key.  The kernel checks
 * the signature of self-signed certificates only, and tvm uses the public
 * key alone: the wrapping adds no trust, and none is needed.
 *
 * The rest of `tvmctl migrate` lives in migrate.c; until it does, the
 * weak migrate_cmds[] below holds only "peer".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/keyctl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "attest.h"
#include "tvmctl.h"

#define HOST_HEX	(2 * TVM_MIG_HOST_ID_SIZE)

/* The serial of tvm's migration keyring, from /proc/keys; -1 if none. */
static long mig_keyring(void)
{
	char line[512], type[64], desc[256];
	long serial = -1, id;
	FILE *f = fopen("/proc/keys", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %*s %*s %*s %*s %*s %*s %63s %255[^:]",
			   &id, type, desc) == 3 && !strcmp(type, "keyring") &&
		    !strcmp(desc, TVM_MIGRATION_KEYRING))
			serial = id;
	fclose(f);
	return serial;
}

static int no_keyring(const struct tvmctl *ctl)
{
	return tvmctl_err(TVMCTL_ERR,
			  "%s: no %s keyring in /proc/keys (is tvm.ko loaded, "
			  "are you root?)", ctl->name, TVM_MIGRATION_KEYRING);
}

/* A 64-digit hex host id, lower-cased into @out; false if it is not one. */
static bool parse_host_id(const char *arg, char out[HOST_HEX + 1])
{
	size_t i;

	if (strlen(arg) != HOST_HEX)
		return false;
	for (i = 0; i < HOST_HEX; i++) {
		char c = arg[i];

		if (c >= 'A' && c <= 'F')
			c += 'a' - 'A';
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		out[i] = c;
	}
	out[HOST_HEX] = '\0';
	return true;
}

/*
 * A certificate issued by a throwaway key for @key: not self-signed
 * (issuer and subject differ), so that the kernel takes it without
 * checking its signature.  Its DER into *@der (OPENSSL_free()), its
 * length, or -1.
 */
static int wrap_key(EVP_PKEY *key, const char *id, unsigned char **der)
{
	EVP_PKEY *tmp = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	int len = -1;

	*der = NULL;
	if (!tmp || !x || !X509_set_version(x, 2) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), 1) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 0) ||
	    !X509_set_pubkey(x, key))
		goto out;
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)id, -1, -1, 0))
		goto out;
	name = X509_get_issuer_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)"tvmctl migrate peer add",
					-1, -1, 0) ||
	    !X509_sign(x, tmp, EVP_sha256()))
		goto out;
	len = i2d_X509(x, der);
out:
	X509_free(x);
	EVP_PKEY_free(tmp);
	return len;
}

/*
 * The file @path: a certificate (DER or PEM), or an RSA public key (PEM
 * SubjectPublicKeyInfo or RSAPublicKey, or their DER).  Into *@key, and
 * the certificate, if it was one, into *@cert.
 */
static int read_peer(const char *path, EVP_PKEY **key, X509 **cert)
{
	const unsigned char *p;
	uint8_t *buf;
	size_t len;
	BIO *bio;
	int ret;

	*key = NULL;
	*cert = NULL;
	ret = attest_read_file(path, 1 << 20, &buf, &len);
	if (ret)
		return ret;
	p = buf;
	*cert = d2i_X509(NULL, &p, (long)len);
	if (!*cert) {
		p = buf;
		*key = d2i_PUBKEY(NULL, &p, (long)len);
	}
	if (!*cert && !*key) {
		p = buf;
		*key = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
	}
	bio = BIO_new_mem_buf(buf, (int)len);
	if (!*cert && !*key && bio)
		*cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (!*cert && !*key && bio) {
		(void)BIO_reset(bio);
		*key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	}
	if (!*cert && !*key && bio) {
		char *name = NULL, *header = NULL;
		unsigned char *data = NULL;
		long n = 0;

		(void)BIO_reset(bio);
		if (PEM_read_bio(bio, &name, &header, &data, &n) &&
		    !strcmp(name, "RSA PUBLIC KEY")) {
			p = data;
			*key = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, n);
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(data);
	}
	if (*cert)
		*key = X509_get_pubkey(*cert);
	BIO_free(bio);
	free(buf);
	return *key ? 0 : -EBADMSG;
}

static int peer_add(struct tvmctl *ctl, int argc, char **argv)
{
	char hex[HOST_HEX + 1];
	uint8_t id[TVM_MIG_HOST_ID_SIZE];
	unsigned char *der = NULL;
	const char *path;
	EVP_PKEY *key;
	X509 *cert;
	long ring, serial;
	int len, ret;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	ret = tvmctl_args(ctl, argc, argv, 1, &path);
	if (ret)
		return ret;
	ret = read_peer(path, &key, &cert);
	if (ret == -EBADMSG)
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: '%s': neither a certificate nor a public key",
				  ctl->name, path);
	if (ret)
		return tvmctl_err(TVMCTL_ERR, "%s: '%s': %s", ctl->name, path,
				  strerror(-ret));
	ret = attest_key_id(key, id);
	if (ret) {
		ret = tvmctl_err(TVMCTL_USAGE, "%s: '%s': %s", ctl->name, path,
				 ret == -EOPNOTSUPP ? "not an RSA key" :
						      "no key id");
		goto out;
	}
	format_hex(id, sizeof(id), hex);
	len = cert ? i2d_X509(cert, &der) : wrap_key(key, hex, &der);
	if (len <= 0) {
		ret = tvmctl_err(TVMCTL_ERR, "%s: '%s': cannot encode it",
				 ctl->name, path);
		goto out;
	}
	ring = mig_keyring();
	if (ring < 0) {
		ret = no_keyring(ctl);
		goto out;
	}
	serial = syscall(SYS_add_key, "asymmetric", hex, der, (size_t)len,
			 ring);
	if (serial < 0) {
		ret = tvmctl_err(TVMCTL_ERR, "%s: adding '%s' to %s: %s%s",
				 ctl->name, path, TVM_MIGRATION_KEYRING,
				 strerror(errno),
				 errno == EKEYREJECTED ?
				 " (a self-signed certificate whose signature "
				 "does not verify?)" : "");
		goto out;
	}
	out_object_begin(ctl->out, NULL);
	out_str(ctl->out, "host_id", "host id", hex);
	out_int(ctl->out, "serial", NULL, serial);
	out_object_end(ctl->out);
	ret = TVMCTL_OK;
out:
	OPENSSL_free(der);
	EVP_PKEY_free(key);
	X509_free(cert);
	return ret;
}

/* The serials of the keys in @ring, malloc'ed, into *@keys; their count. */
static long ring_keys(long ring, int32_t **keys)
{
	long n, size = 0;

	*keys = NULL;
	for (;;) {
		n = syscall(SYS_keyctl, KEYCTL_READ, ring, *keys, size);
		if (n < 0) {
			free(*keys);
			*keys = NULL;
			return -errno;
		}
		if (n <= size)
			return n / (long)sizeof(**keys);
		free(*keys);
		size = n;
		*keys = malloc(size);
		if (!*keys)
			return -ENOMEM;
	}
}

/* The description of key @key, in @buf, or NULL. */
static const char *key_desc(int32_t key, char *buf, size_t size)
{
	char *d = buf;

	if (syscall(SYS_keyctl, KEYCTL_DESCRIBE, key, buf, size) < 0)
		return NULL;
	buf[size - 1] = '\0';
	/* "type;uid;gid;perm;description" */
	for (int f = 0; f < 4 && d; f++) {
		d = strchr(d, ';');
		if (d)
			d++;
	}
	return d;
}

static int peer_list(struct tvmctl *ctl, int argc, char **argv)
{
	char buf[512], hex[HOST_HEX + 1];
	const char *d;
	int32_t *keys;
	long ring, n, i;
	int ret;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	ret = tvmctl_args(ctl, argc, argv, 0, NULL);
	if (ret)
		return ret;
	ring = mig_keyring();
	if (ring < 0)
		return no_keyring(ctl);
	n = ring_keys(ring, &keys);
	if (n < 0)
		return tvmctl_err(TVMCTL_ERR, "%s: reading %s: %s", ctl->name,
				  TVM_MIGRATION_KEYRING, strerror((int)-n));
	out_array_begin(ctl->out, NULL);
	for (i = 0; i < n; i++) {
		d = key_desc(keys[i], buf, sizeof(buf));
		if (!d)
			continue;
		out_object_begin(ctl->out, NULL);
		out_str(ctl->out, "host_id", "host id", d);
		out_int(ctl->out, "serial", NULL, keys[i]);
		/* tvm looks up only ids of 64 lower-case hex digits. */
		if (!parse_host_id(d, hex) || strcmp(hex, d))
			out_bool(ctl->out, "valid", NULL, false);
		out_object_end(ctl->out);
	}
	out_array_end(ctl->out);
	free(keys);
	return TVMCTL_OK;
}

static int peer_del(struct tvmctl *ctl, int argc, char **argv)
{
	char hex[HOST_HEX + 1];
	const char *arg;
	char buf[512];
	const char *d;
	long ring, n, i;
	int32_t *keys, key = 0;
	int ret;

	if (tvmctl_only_help(ctl, argc, argv, &ret))
		return ret;
	ret = tvmctl_args(ctl, argc, argv, 1, &arg);
	if (ret)
		return ret;
	if (!parse_host_id(arg, hex))
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: bad host id '%s' (64 hex digits)",
				  ctl->name, arg);
	ring = mig_keyring();
	if (ring < 0)
		return no_keyring(ctl);
	/*
	 * Not KEYCTL_SEARCH: the keys are root's, searchable by possessors
	 * only, and the keyring is in no one's keyrings but tvm's.
	 */
	n = ring_keys(ring, &keys);
	if (n < 0)
		return tvmctl_err(TVMCTL_ERR, "%s: reading %s: %s", ctl->name,
				  TVM_MIGRATION_KEYRING, strerror((int)-n));
	for (i = 0; i < n && !key; i++) {
		d = key_desc(keys[i], buf, sizeof(buf));
		if (d && !strcmp(d, hex))
			key = keys[i];
	}
	free(keys);
	if (!key)
		return tvmctl_err(TVMCTL_ERR, "%s: no peer '%s' in %s",
				  ctl->name, arg, TVM_MIGRATION_KEYRING);
	if (syscall(SYS_keyctl, KEYCTL_UNLINK, key, ring) < 0)
		return tvmctl_err(TVMCTL_ERR, "%s: removing '%s': %s",
				  ctl->name, arg, strerror(errno));
	out_object_begin(ctl->out, NULL);
	out_str(ctl->out, "host_id", "removed", hex);
	out_object_end(ctl->out);
	return TVMCTL_OK;
}

const struct tvmctl_cmd migrate_peer_cmds[] = {
	{ .name = "add", .fn = peer_add, .args = "FILE",
	  .help = "trust the host whose AK (certificate, public key) is FILE" },
	{ .name = "list", .fn = peer_list, .args = "",
	  .help = "list the trusted hosts' ids" },
	{ .name = "del", .fn = peer_del, .args = "HOST_ID",
	  .help = "stop trusting the host HOST_ID" },
	{ .name = NULL },
};

int migrate_peer_main(struct tvmctl *ctl, int argc, char **argv)
{
	return tvmctl_dispatch(ctl, argc, argv);
}

/*
 * `tvmctl migrate`: until migrate.c defines its table (with
 * TVMCTL_MIGRATE_PEER_CMD in it) and migrate_main(), these stand in.
 */
__attribute__((weak)) const struct tvmctl_cmd migrate_cmds[] = {
	TVMCTL_MIGRATE_PEER_CMD,
	{ .name = NULL },
};

__attribute__((weak)) int migrate_main(struct tvmctl *ctl, int argc,
				       char **argv)
{
	return tvmctl_dispatch(ctl, argc, argv);
}
