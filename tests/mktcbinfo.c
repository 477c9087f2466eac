// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdx-mktcbinfo: TDX TCB Info documents signed by a test root, for the tests (never Intel's key:
 * the keys are made fresh on every run and live only in the output folder).
 *
 *   tdx-mktcbinfo OUTDIR
 *
 * Writes, dated around the clock's now (issued a day ago, next update in 30 days unless a
 * variant says otherwise):
 *   root.pem, root.hash       the test root certificate, SHA-256 of its public key (hex)
 *   chain.pem                 "Intel SGX TCB Signing" (test) + the test root, as PCS orders them
 *   other-chain.pem           the same names under another root (wrong-root.json's chain)
 *   NAME.json                 PCS's body {"tcbInfo":...,"signature":"..."} for each variant:
 *     uptodate outofdate revoked other notsupported   what they rate a module of SVN 1.8
 *                                                     (the 1.5.08 fixture): the status named;
 *                                                     SVN 3.x (2.0 fixtures): UpToDate in all
 *     prefer        SVN 1.10 OutOfDate, 1.9 UpToDate (what update --latest must prefer)
 *     advisories40  SVN 1.8 OutOfDate with 40 advisoryIDs, INTEL-SA-01000 to INTEL-SA-01039
 *     mismatch      no TDX_01 identity                hostile-id  mismatch, its id "T\e[2J\n\xff\xfe"
 *     expired       nextUpdate yesterday              future     issued tomorrow
 *     badsig        a byte of tcbInfo changed after signing
 *     unsigned      no "signature"                    wrong-root signed under other-chain.pem
 *     sgx           id "SGX"                          v2         version 2
 *     badlevel      TDX_01's tcbLevels[1] isvsvn 300  nostatus   its tcbLevels[1] no tcbStatus
 *     numstatus     its tcbLevels[1] tcbStatus 5      numadvisory  ... advisoryIDs [7]
 *     pretty        uptodate's tcbInfo re-indented after signing (same JSON, other bytes)
 *   uptodate.bundle           uptodate.json followed by chain.pem (the bundle form)
 *
 * Written independently of libtdxctl (OpenSSL only), so the library is tested against a second
 * implementation of the format, not against itself.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static const char *outdir;

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "tdx-mktcbinfo: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static FILE *out_open(const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "w");
	if (!f)
		die(path);
	return f;
}

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (!ext || !X509_add_ext(cert, ext, -1))
		die("extension");
	X509_EXTENSION_free(ext);
}

static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
		       bool ca, long serial)
{
	X509 *c = X509_new();
	X509_NAME *name = X509_NAME_new();

	if (!c || !name)
		die("memory");
	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
				   0);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
				   (const unsigned char *)"tdxctl tests", -1, -1, 0);
	X509_set_subject_name(c, name);
	X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
	X509_gmtime_adj(X509_getm_notBefore(c), -86400L * 2);
	X509_gmtime_adj(X509_getm_notAfter(c), 86400L * 3650);
	X509_set_pubkey(c, key);
	add_ext(c, issuer ? issuer : c, NID_basic_constraints, ca ? "critical,CA:TRUE" :
		"critical,CA:FALSE");
	add_ext(c, issuer ? issuer : c, NID_key_usage, ca ? "critical,keyCertSign,cRLSign" :
		"critical,digitalSignature,nonRepudiation");
	if (!X509_sign(c, issuer_key ? issuer_key : key, EVP_sha256()))
		die("sign certificate");
	X509_NAME_free(name);
	return c;
}

static void write_chain(const char *name, X509 *leaf, X509 *root)
{
	FILE *f = out_open(name);

	PEM_write_X509(f, leaf);
	PEM_write_X509(f, root);
	fclose(f);
}

/* ECDSA P-256 SHA-256 of @msg as 128 hex digits r || s. */
static void sign_hex(EVP_PKEY *key, const char *msg, char out[129])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[128], rs[64];
	const unsigned char *p = der;
	size_t len = sizeof(der);
	ECDSA_SIG *sig;

	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, der, &len, (const unsigned char *)msg, strlen(msg)) != 1)
		die("sign");
	sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	if (!sig || BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs, 32) != 32 ||
	    BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs + 32, 32) != 32)
		die("signature");
	for (int i = 0; i < 64; i++)
		sprintf(out + 2 * i, "%02x", rs[i]);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
}

static void iso(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A tcbInfo text in PCS's compact form; @tdx01 is the TDX_01 identity's tcbLevels array. */
static char *tcb_info(const char *id, int version, time_t issue, time_t next, const char *tdx01)
{
	char a[21], b[21], *s;
	char ident01[2048] = "";

	iso(issue, a);
	iso(next, b);
	if (tdx01)
		snprintf(ident01, sizeof(ident01), ",{\"id\":\"TDX_01\",\"mrsigner\":\"%096d\","
			 "\"attributes\":\"0000000000000000\",\"attributesMask\":"
			 "\"FFFFFFFFFFFFFFFF\",\"tcbLevels\":%s}", 0, tdx01);
	if (asprintf(&s, "{\"id\":\"%s\",\"version\":%d,\"issueDate\":\"%s\",\"nextUpdate\":\"%s\","
		     "\"fmspc\":\"00806F050000\",\"pceId\":\"0000\",\"tcbType\":0,"
		     "\"tcbEvaluationDataNumber\":17,\"tdxModule\":{\"mrsigner\":\"%096d\","
		     "\"attributes\":\"0000000000000000\",\"attributesMask\":\"FFFFFFFFFFFFFFFF\"},"
		     "\"tdxModuleIdentities\":[{\"id\":\"TDX_03\",\"mrsigner\":\"%096d\","
		     "\"attributes\":\"0000000000000000\",\"attributesMask\":\"FFFFFFFFFFFFFFFF\","
		     "\"tcbLevels\":[{\"tcb\":{\"isvsvn\":2},\"tcbDate\":\"2024-03-13T00:00:00Z\","
		     "\"tcbStatus\":\"UpToDate\"}]}%s],\"tcbLevels\":[{\"tcb\":{\"sgxtcbcomponents\":"
		     "[],\"pcesvn\":13,\"tdxtcbcomponents\":[]},\"tcbDate\":\"2024-03-13T00:00:00Z\","
		     "\"tcbStatus\":\"UpToDate\"}]}", id, version, a, b, 0, 0, ident01) < 0)
		die("memory");
	return s;
}

static void write_doc(const char *name, const char *tcb, const char *sig, const char *chain)
{
	char fname[256];
	FILE *f;

	snprintf(fname, sizeof(fname), "%s.json", name);
	f = out_open(fname);
	if (sig)
		fprintf(f, "{\"tcbInfo\":%s,\"signature\":\"%s\"}", tcb, sig);
	else
		fprintf(f, "{\"tcbInfo\":%s}", tcb);
	if (chain)
		fputs(chain, f);
	fclose(f);
}

/* Signs and writes @tcb, then frees it (tcb_info()'s text): the ASan suites count leaks. */
static void signed_doc(const char *name, EVP_PKEY *key, char *tcb)
{
	char sig[129];

	sign_hex(key, tcb, sig);
	write_doc(name, tcb, sig, NULL);
	free(tcb);
}

#define LEVEL(svn, status, extra) \
	"{\"tcb\":{\"isvsvn\":" #svn "},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"" \
	status "\"" extra "}"
#define ADV	",\"advisoryIDs\":[\"INTEL-SA-01036\",\"INTEL-SA-01099\"]"

int main(int argc, char **argv)
{
	EVP_PKEY *root_key, *leaf_key, *other_key;
	X509 *root, *leaf, *other_root, *other_leaf;
	time_t now = time(NULL), day = 86400;
	unsigned char *der = NULL, h[32];
	unsigned int hl = 0;
	char *tcb, sig[129], hex[65];
	FILE *f;
	int len;

	if (argc != 2) {
		fprintf(stderr, "usage: tdx-mktcbinfo OUTDIR\n");
		return 64;
	}
	outdir = argv[1];
	root_key = EVP_EC_gen("P-256");
	leaf_key = EVP_EC_gen("P-256");
	other_key = EVP_EC_gen("P-256");
	if (!root_key || !leaf_key || !other_key)
		die("keys");
	root = make_cert("Test SGX Root CA", root_key, NULL, NULL, true, 1);
	leaf = make_cert("Intel SGX TCB Signing", leaf_key, root, root_key, false, 2);
	other_root = make_cert("Test SGX Root CA", other_key, NULL, NULL, true, 1);
	other_leaf = make_cert("Intel SGX TCB Signing", leaf_key, other_root, other_key, false, 2);

	f = out_open("root.pem");
	PEM_write_X509(f, root);
	fclose(f);
	len = i2d_PUBKEY(X509_get0_pubkey(root), &der);
	if (len <= 0 || !EVP_Digest(der, (size_t)len, h, &hl, EVP_sha256(), NULL))
		die("root hash");
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", h[i]);
	f = out_open("root.hash");
	fprintf(f, "%s\n", hex);
	fclose(f);
	write_chain("chain.pem", leaf, root);
	write_chain("other-chain.pem", other_leaf, other_root);

	signed_doc("uptodate", leaf_key, tcb_info("TDX", 3, now - day, now + 30 * day,
		   "[" LEVEL(8, "UpToDate", "") "," LEVEL(4, "OutOfDate", ADV) "]"));
	signed_doc("outofdate", leaf_key, tcb_info("TDX", 3, now - day, now + 30 * day,
		   "[" LEVEL(9, "UpToDate", "") "," LEVEL(8, "OutOfDate", ADV) "]"));
	signed_doc("revoked", leaf_key, tcb_info("TDX", 3, now - day, now + 30 * day,
		   "[" LEVEL(9, "UpToDate", "") "," LEVEL(8, "Revoked", ADV) "]"));
	signed_doc("other", leaf_key, tcb_info("TDX", 3, now - day, now + 30 * day,
		   "[" LEVEL(9, "UpToDate", "") "," LEVEL(8, "ConfigurationNeeded", "") "]"));
	signed_doc("notsupported", leaf_key, tcb_info("TDX", 3, now - day, now + 30 * day,
		   "[" LEVEL(9, "UpToDate", "") "]"));
	/* A newer module (SVN 1.10) rated below an older one (1.9): --latest takes the older. */
	signed_doc("prefer", leaf_key, tcb_info("TDX", 3, now - day, now + 30 * day,
		   "[" LEVEL(10, "OutOfDate", ADV) "," LEVEL(9, "UpToDate", "") "]"));
	/* A level with more advisories than a list fact holds. */
	{
		char levels[1024];
		int n = snprintf(levels, sizeof(levels), "[" LEVEL(9, "UpToDate", "") ","
				 "{\"tcb\":{\"isvsvn\":8},\"tcbDate\":\"2024-03-13T00:00:00Z\","
				 "\"tcbStatus\":\"OutOfDate\",\"advisoryIDs\":[");

		for (int i = 0; i < 40; i++)
			n += snprintf(levels + n, sizeof(levels) - (size_t)n, "%s\"INTEL-SA-%05d\"",
				      i ? "," : "", 1000 + i);
		snprintf(levels + n, sizeof(levels) - (size_t)n, "]}]");
		signed_doc("advisories40", leaf_key, tcb_info("TDX", 3, now - day, now + 30 * day,
			   levels));
	}
	signed_doc("mismatch", leaf_key, tcb_info("TDX", 3, now - day, now + 30 * day, NULL));
	{
		/*
		 * mismatch, its one id an ESC sequence, a newline and two bytes that are not
		 * UTF-8: signed as it is, so only tdxctl's escaping stands between it and a
		 * terminal.
		 */
		char *doc = tcb_info("TDX", 3, now - day, now + 30 * day, NULL);
		char *at = strstr(doc, "\"TDX_03\"");
		char *evil;

		if (!at || asprintf(&evil, "%.*s\"T\\u001b[2J\\n\xff\xfe\"%s", (int)(at - doc), doc,
				    at + strlen("\"TDX_03\"")) < 0)
			die("memory");
		free(doc);
		signed_doc("hostile-id", leaf_key, evil);
	}
	signed_doc("expired", leaf_key, tcb_info("TDX", 3, now - 31 * day, now - day,
		   "[" LEVEL(8, "UpToDate", "") "]"));
	signed_doc("future", leaf_key, tcb_info("TDX", 3, now + day, now + 31 * day,
		   "[" LEVEL(8, "UpToDate", "") "]"));
	signed_doc("wrong-root", leaf_key, tcb_info("TDX", 3, now - day, now + 30 * day,
		   "[" LEVEL(8, "UpToDate", "") "]"));
	signed_doc("sgx", leaf_key, tcb_info("SGX", 3, now - day, now + 30 * day,
		   "[" LEVEL(8, "UpToDate", "") "]"));
	signed_doc("v2", leaf_key, tcb_info("TDX", 2, now - day, now + 30 * day,
		   "[" LEVEL(8, "UpToDate", "") "]"));
	/* Faults with a place: TDX_01's second level has an isvsvn out of range, or no status. */
	signed_doc("badlevel", leaf_key, tcb_info("TDX", 3, now - day, now + 30 * day,
		   "[" LEVEL(8, "UpToDate", "") "," LEVEL(300, "UpToDate", "") "]"));
	signed_doc("nostatus", leaf_key, tcb_info("TDX", 3, now - day, now + 30 * day,
		   "[" LEVEL(8, "UpToDate", "") ",{\"tcb\":{\"isvsvn\":4},\"tcbDate\":"
		   "\"2024-03-13T00:00:00Z\"}]"));
	/* Wrong kinds there: a tcbStatus that is a number, an advisory id that is a number. */
	signed_doc("numstatus", leaf_key, tcb_info("TDX", 3, now - day, now + 30 * day,
		   "[" LEVEL(8, "UpToDate", "") ",{\"tcb\":{\"isvsvn\":4},\"tcbDate\":"
		   "\"2024-03-13T00:00:00Z\",\"tcbStatus\":5}]"));
	signed_doc("numadvisory", leaf_key, tcb_info("TDX", 3, now - day, now + 30 * day,
		   "[" LEVEL(8, "UpToDate", "") ",{\"tcb\":{\"isvsvn\":4},\"tcbDate\":"
		   "\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"OutOfDate\",\"advisoryIDs\":[7]}]"));

	tcb = tcb_info("TDX", 3, now - day, now + 30 * day, "[" LEVEL(8, "UpToDate", "") "]");
	sign_hex(leaf_key, tcb, sig);
	write_doc("unsigned", tcb, NULL, NULL);
	tcb[strlen(tcb) - 5] ^= 1;	/* "UpToDate" -> "UpToDatd": still JSON, other bytes */
	write_doc("badsig", tcb, sig, NULL);
	tcb[strlen(tcb) - 5] ^= 1;
	{
		/* The same JSON with a space after every comma: what a re-serialiser might do. */
		char *pretty = malloc(2 * strlen(tcb) + 1), *p = pretty;

		for (const char *c = tcb; *c; c++) {
			*p++ = *c;
			if (*c == ',')
				*p++ = ' ';
		}
		*p = '\0';
		write_doc("pretty", pretty, sig, NULL);
		free(pretty);
	}
	{
		char *chain = NULL;
		size_t n = 0;
		FILE *m = open_memstream(&chain, &n);

		PEM_write_X509(m, leaf);
		PEM_write_X509(m, root);
		fclose(m);
		sign_hex(leaf_key, tcb, sig);
		f = out_open("uptodate.bundle");
		fprintf(f, "{\"tcbInfo\":%s,\"signature\":\"%s\"}\n%s", tcb, sig, chain);
		fclose(f);
		free(chain);
	}
	free(tcb);
	OPENSSL_free(der);
	X509_free(other_leaf);
	X509_free(other_root);
	X509_free(leaf);
	X509_free(root);
	EVP_PKEY_free(other_key);
	EVP_PKEY_free(leaf_key);
	EVP_PKEY_free(root_key);
	return 0;
}
