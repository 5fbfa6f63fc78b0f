// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl ak set|show: the host's attestation key (AK), the private key in
 * a keyring that tvm signs quotes with: an RSA key (an asymmetric key), or
 * with --ecdsa a P-256 key (a logon key holding the private scalar).  tvm
 * hands out only its public part, the modulus and exponent or the point,
 * from which tvmctl builds the SubjectPublicKeyInfo a verifier needs.  The
 * AK's *name* is the SHA-256 of that SubjectPublicKeyInfo in DER, in hex:
 * what `openssl pkey -pubin -outform DER | sha256sum` prints
 * (Documentation/attestation.rst).  The *host id* migration peers know
 * this host by is the SHA-256 of its DER RSAPublicKey, as an owner key's
 * id (Documentation/migration.rst); an ECDSA AK has none (migration needs
 * an RSA one).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest.h"
#include "tvmctl.h"

/*
 * Text: description, bits, name and host id, then the PEM; JSON: the same
 * in one object with "pem"; --pem: the PEM alone, to redirect to a file.
 */
static int ak_print(struct tvmctl *ctl, const struct ak_info *ak, bool pem)
{
	char name[2 * ATTEST_NAME_SIZE + 1], host[2 * TVM_MIG_HOST_ID_SIZE + 1];
	uint8_t id[TVM_MIG_HOST_ID_SIZE];

	if (pem) {
		fputs(ak->pem, stdout);
		return TVMCTL_OK;
	}
	if (ak->alg == TVM_AK_ALG_RSASSA && attest_key_id(ak->key, id))
		return tvmctl_err(TVMCTL_ERR, "%s: cannot compute the host id",
				  ctl->name);
	format_hex(ak->name, ATTEST_NAME_SIZE, name);
	format_hex(id, sizeof(id), host);
	out_object_begin(ctl->out, NULL);
	out_str(ctl->out, "description", NULL, ak->desc);
	out_str(ctl->out, "algorithm", NULL,
		ak->alg == TVM_AK_ALG_ECDSA ? "ecdsa-p256" : "rsa");
	out_int(ctl->out, "bits", NULL, ak->bits);
	out_str(ctl->out, "name", NULL, name);
	if (ak->alg == TVM_AK_ALG_RSASSA)
		out_str(ctl->out, "host_id", "host id", host);
	if (ctl->json)
		out_str(ctl->out, "pem", NULL, ak->pem);
	out_object_end(ctl->out);
	if (!ctl->json)
		fputs(ak->pem, stdout);
	return TVMCTL_OK;
}

static int ak_cmd(struct tvmctl *ctl, int argc, char **argv, bool set)
{
	static const struct option opts[] = {
		{ "pem", no_argument, NULL, 'p' },
		{ "ecdsa", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ak_info ak;
	struct tvm_nl *nl;
	bool pem = false, ecdsa = false;
	const char *desc;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pem = true;
			break;
		case 'e':
			if (!set)
				return tvmctl_err(TVMCTL_USAGE,
						  "%s: --ecdsa is for ak set",
						  ctl->name);
			ecdsa = true;
			break;
		default:
			return tvmctl_opt_default(ctl, c, argv);
		}
	}
	ret = tvmctl_args(ctl, argc, argv, set ? 1 : 0, &desc);
	if (ret)
		return ret;
	if (desc && (!*desc || strlen(desc) > TVM_KEY_DESC_MAX))
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: bad key description '%s' (1-%d bytes)",
				  ctl->name, desc, TVM_KEY_DESC_MAX);
	/* The kernel's logon type wants "PREFIX:NAME"; say so before it does. */
	if (ecdsa && (desc[0] == ':' || !strchr(desc, ':')))
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: bad logon key description '%s' (PREFIX:NAME, e.g. tvm:ak-ec)",
				  ctl->name, desc);
	if (pem && ctl->json)
		return tvmctl_err(TVMCTL_USAGE, "%s: --pem and --json exclude "
				  "each other", ctl->name);

	ret = tvmctl_nl_open(ctl, &nl);
	if (ret)
		return ret;
	ret = set ? tvm_client_ak_set(nl, desc,
				      ecdsa ? TVM_AK_ALG_ECDSA : 0, &ak) :
		    tvm_client_ak_get(nl, &ak);
	if (ret) {
		if (set)
			ret = tvmctl_nl_err(ctl, nl, ret,
					    "setting the attestation key '%s'",
					    desc);
		else
			ret = tvmctl_nl_err(ctl, nl, ret,
					    "reading the attestation key");
		tvm_nl_close(nl);
		return ret;
	}
	tvm_nl_close(nl);
	ret = ak_print(ctl, &ak, pem);
	ak_info_free(&ak);
	return ret;
}

static int ak_set(struct tvmctl *ctl, int argc, char **argv)
{
	return ak_cmd(ctl, argc, argv, true);
}

static int ak_show(struct tvmctl *ctl, int argc, char **argv)
{
	return ak_cmd(ctl, argc, argv, false);
}

const struct tvmctl_cmd ak_cmds[] = {
	{ .name = "set", .fn = ak_set, .args = "DESCRIPTION",
	  .help = "sign quotes with the key DESCRIPTION from your keyrings",
	  .opts = "  --ecdsa  a P-256 key: a logon key holding its 32-byte private scalar\n"
		  "           (default: an RSA asymmetric key)\n"
		  "  --pem    print only the public key, as PEM\n" },
	{ .name = "show", .fn = ak_show, .args = "",
	  .help = "show the attestation key: its name, host id and public PEM",
	  .opts = "  --pem    print only the public key, as PEM\n" },
	{ .name = NULL },
};

int ak_main(struct tvmctl *ctl, int argc, char **argv)
{
	return tvmctl_dispatch(ctl, argc, argv);
}
