// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The three forms a module update comes in (image-formats.md §1-§3, kernel-update-path.md §2):
 * locating the sigstruct and the module inside a blob (0x100) or kernel image (0x200), or taking
 * them from a .bin/.sigstruct pair, with one check per container rule; and building either
 * container from any form. Pure: no I/O.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>

#include "image-private.h"

#define BLOB_MAGIC		"TDX-BLOB"
#define BLOB_MAGIC_LEN		8u
/* 0x100 header */
#define B100_OFFSET_OF_MODULE	4u
#define B100_MAGIC		8u
#define B100_LENGTH		16u
#define B100_RESERVED		20u
/* 0x200 header */
#define I200_MAGIC		4u
#define I200_SIGSTRUCT_PAGES	12u
#define I200_MODULE_PAGES	16u
#define I200_RESERVED		20u

TDX_EXPORT
const char *tdx_image_form_name(enum tdx_image_form form)
{
	switch (form) {
	case TDX_FORM_BLOB:	return "blob";
	case TDX_FORM_IMAGE:	return "image";
	case TDX_FORM_PAIR:	return "pair";
	}
	return "unknown";
}

/* Eight-byte loads per fold of the checksum's lanes: below 2^15, see tdx_checksum16(). */
#define SUM_FOLD_LOADS	(1u << 14)

/*
 * The 16-bit little-endian word sum, carries dropped (image-formats.md §2), eight bytes at a
 * time: it runs over the whole file, so word by word it cost as much as the SHA-384. Each
 * 64-bit load holds four words; the even and the odd ones are masked into the two 32-bit lanes
 * of the accumulator, each lane gaining at most 2 x 0xffff a load. Only a lane's low 16 bits
 * count, so masking them off every SUM_FOLD_LOADS loads keeps a lane from carrying into the
 * next one.
 */
TDX_EXPORT
uint16_t tdx_checksum16(const uint8_t *buf, size_t len)
{
	const uint64_t lanes = 0x0000ffff0000ffffull;
	uint64_t acc = 0, w;
	uint16_t sum;
	size_t i = 0, end;

	while (len - i >= 8) {
		end = len - i >= 8 * (size_t)SUM_FOLD_LOADS ? i + 8 * (size_t)SUM_FOLD_LOADS :
							       len - (len - i) % 8;
		for (; i < end; i += 8) {
			memcpy(&w, buf + i, sizeof(w));
			w = le64toh(w);
			acc += (w & lanes) + (w >> 16 & lanes);
		}
		acc &= lanes;
	}
	sum = (uint16_t)(acc + (acc >> 32));
	for (; i + 1 < len; i += 2)
		sum = (uint16_t)(sum + get_le16(buf + i));
	if (i < len)
		sum = (uint16_t)(sum + buf[i]);
	return sum;
}

/* The container could not be located: skip what is left of it and every image check. */
static int image_skip_rest(struct tdx_report *report, const enum tdx_check_id *container,
			   size_t n, enum tdx_finding cause)
{
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++)
		rc = tdx_report_skip_range(report, container[i], container[i], cause);
	if (!rc)
		rc = tdx_report_skip_range(report, TDX_CHK_SIGSTRUCT_HEADER_TYPE,
					   TDX_CHK_ELF_RELOCATIONS, cause);
	return rc ? rc : -EBADMSG;
}

/* Record a container check; a failure marks the image so that verify reports it too. */
static int result_factv(struct tdx_image *img, struct tdx_report *r, enum tdx_check_id id,
			bool ok, enum tdx_finding finding, const struct tdx_fact *facts, size_t n)
{
	if (tdx_report_grade(r, id, ok ? TDX_CHECK_PASS : TDX_CHECK_FAIL) == TDX_CHECK_FAIL)
		img->container_failed = true;
	return tdx_report_factv(r, id, ok ? TDX_CHECK_PASS : TDX_CHECK_FAIL, finding, facts, n);
}

/* result_factv() with the facts counted, as tdx_report_fact() does. */
#define result(img, r, id, ok, finding, ...)						\
	result_factv((img), (r), (id), (ok), (finding),					\
		     (const struct tdx_fact[]){ __VA_ARGS__ },				\
		     sizeof((const struct tdx_fact[]){ __VA_ARGS__ }) / sizeof(struct tdx_fact))

static int check_size(struct tdx_image *img, struct tdx_report *r)
{
	size_t len = img->len;

	if (len < TDX_PAGE_SIZE || len % TDX_PAGE_SIZE)
		return result(img, r, TDX_CHK_CONTAINER_SIZE, false, TDX_FND_CONTAINER_SIZE_NOT_PAGES,
			      TDX_FACT_U(len));
	if (len > TDX_IMAGE_MAX_SIZE)
		return result(img, r, TDX_CHK_CONTAINER_SIZE, false, TDX_FND_CONTAINER_SIZE_TOO_LARGE,
			      TDX_FACT_U(len), TDX_FACT_U(TDX_IMAGE_MAX_SIZE));
	return result(img, r, TDX_CHK_CONTAINER_SIZE, true, TDX_FND_CONTAINER_SIZE_OK,
		      TDX_FACT_U(len), TDX_FACT_U(len / TDX_PAGE_SIZE));
}

/* Zero reserved bytes of the header from @off to the end of its page. */
static int check_reserved(struct tdx_image *img, struct tdx_report *r, size_t off)
{
	for (size_t i = off; i < TDX_PAGE_SIZE; i++)
		if (img->buf[i])
			return result(img, r, TDX_CHK_CONTAINER_RESERVED, false,
				      TDX_FND_CONTAINER_RESERVED_NONZERO, TDX_FACT_U(i),
				      TDX_FACT_U(img->buf[i]));
	return result(img, r, TDX_CHK_CONTAINER_RESERVED, true, TDX_FND_CONTAINER_RESERVED_ZERO,
		      TDX_FACT_U(off));
}

/* An error for 0x100, whose readers check it; a warning for 0x200, whose rule is not public. */
static int check_checksum(struct tdx_image *img, struct tdx_report *r)
{
	uint16_t sum = tdx_checksum16(img->buf, img->len);

	img->checksum = get_le16(img->buf + 2);
	img->checksum_ok = sum == 0;
	if (sum == 0)
		return result(img, r, TDX_CHK_CONTAINER_CHECKSUM, true, TDX_FND_CONTAINER_CHECKSUM_OK,
			      TDX_FACT_U(img->checksum));
	if (img->format == TDX_IMAGE_FORMAT)
		return tdx_report_fact(r, TDX_CHK_CONTAINER_CHECKSUM, TDX_CHECK_WARN,
				       TDX_FND_CONTAINER_CHECKSUM_IGNORED, TDX_FACT_U(sum),
				       TDX_FACT_U(img->checksum));
	return result(img, r, TDX_CHK_CONTAINER_CHECKSUM, false, TDX_FND_CONTAINER_CHECKSUM_BAD,
		      TDX_FACT_U(sum), TDX_FACT_U(img->checksum));
}

static int check_sigstruct_padding(struct tdx_image *img, struct tdx_report *r)
{
	for (size_t i = TDX_SIGSTRUCT_SIZE; i < img->sig_len; i++)
		if (img->sig[i])
			return result(img, r, TDX_CHK_CONTAINER_SIGSTRUCT_PADDING, false,
				      TDX_FND_CONTAINER_SIGSTRUCT_PADDING_NONZERO, TDX_FACT_U(i),
				      TDX_FACT_U(img->sig[i]));
	return result_factv(img, r, TDX_CHK_CONTAINER_SIGSTRUCT_PADDING, true,
			    TDX_FND_CONTAINER_SIGSTRUCT_PADDING_ZERO, NULL, 0);
}

/* @ok and @range: the findings for the module's page count as this form states it. */
static int check_module_pages(struct tdx_image *img, struct tdx_report *r, uint64_t pages,
			      enum tdx_finding ok, enum tdx_finding range)
{
	if (pages < 1 || pages > TDX_MODULE_MAX_PAGES)
		return result(img, r, TDX_CHK_CONTAINER_MODULE_PAGES, false, range,
			      TDX_FACT_U(pages), TDX_FACT_U(TDX_MODULE_MAX_PAGES));
	return result(img, r, TDX_CHK_CONTAINER_MODULE_PAGES, true, ok, TDX_FACT_U(pages));
}

/* Run the checks that follow each other with no dependency; stop at the first -ENOMEM. */
#define RUN(expr)	do { if (!rc) rc = (expr); } while (0)

static int blob_parse(struct tdx_image *img, struct tdx_report *r)
{
	static const enum tdx_check_id rest[] = {
		TDX_CHK_CONTAINER_SIGSTRUCT_PAGES, TDX_CHK_CONTAINER_MODULE_PAGES,
		TDX_CHK_CONTAINER_RESERVED, TDX_CHK_CONTAINER_CHECKSUM,
		TDX_CHK_CONTAINER_SIGSTRUCT_PADDING,
	};
	uint32_t length = get_le32(img->buf + B100_LENGTH);
	uint32_t off = get_le32(img->buf + B100_OFFSET_OF_MODULE);
	size_t module_len, sig_pages;
	int rc = 0;

	if (length == img->len)
		rc = result(img, r, TDX_CHK_CONTAINER_LENGTH, true, TDX_FND_CONTAINER_LENGTH_OK,
			    TDX_FACT_U(length));
	else
		rc = result(img, r, TDX_CHK_CONTAINER_LENGTH, false,
			    TDX_FND_CONTAINER_LENGTH_MISMATCH, TDX_FACT_U(length),
			    TDX_FACT_U(img->len));
	if (rc)
		return rc;
	if (off % TDX_PAGE_SIZE || off < 2 * TDX_PAGE_SIZE || off >= img->len) {
		rc = result(img, r, TDX_CHK_CONTAINER_MODULE_OFFSET, false,
			    TDX_FND_CONTAINER_MODULE_OFFSET_BAD, TDX_FACT_U(off),
			    TDX_FACT_U(img->len));
		return rc ? rc : image_skip_rest(r, rest, ARRAY_SIZE(rest),
						 TDX_FND_CONTAINER_CAUSE_MODULE_OFFSET);
	}
	sig_pages = (off - TDX_PAGE_SIZE) / TDX_PAGE_SIZE;
	module_len = img->len - off;
	img->sig = img->buf + TDX_PAGE_SIZE;
	img->sig_len = off - TDX_PAGE_SIZE;
	img->module = img->buf + off;
	img->module_len = module_len;
	RUN(result(img, r, TDX_CHK_CONTAINER_MODULE_OFFSET, true, TDX_FND_CONTAINER_MODULE_OFFSET_OK,
		   TDX_FACT_U(off)));
	if (sig_pages == TDX_SIGSTRUCT_MAX_PAGES)
		RUN(result(img, r, TDX_CHK_CONTAINER_SIGSTRUCT_PAGES, true,
			   TDX_FND_CONTAINER_SIGSTRUCT_PAGES_OK, TDX_FACT_U(sig_pages)));
	else
		RUN(result(img, r, TDX_CHK_CONTAINER_SIGSTRUCT_PAGES, false,
			   TDX_FND_CONTAINER_SIGSTRUCT_PAGES_WRONG, TDX_FACT_U(sig_pages),
			   TDX_FACT_U(TDX_SIGSTRUCT_MAX_PAGES)));
	if (module_len % TDX_PAGE_SIZE)
		RUN(result(img, r, TDX_CHK_CONTAINER_MODULE_PAGES, false,
			   TDX_FND_CONTAINER_MODULE_NOT_PAGES, TDX_FACT_U(module_len)));
	else
		RUN(check_module_pages(img, r, module_len / TDX_PAGE_SIZE,
				       TDX_FND_CONTAINER_MODULE_PAGES_OK,
				       TDX_FND_CONTAINER_MODULE_PAGES_RANGE));
	RUN(check_reserved(img, r, B100_RESERVED));
	RUN(check_checksum(img, r));
	RUN(check_sigstruct_padding(img, r));
	return rc;
}

static int image200_parse(struct tdx_image *img, struct tdx_report *r)
{
	static const enum tdx_check_id rest[] = {
		TDX_CHK_CONTAINER_MODULE_PAGES, TDX_CHK_CONTAINER_PAGE_TOTAL,
		TDX_CHK_CONTAINER_RESERVED, TDX_CHK_CONTAINER_CHECKSUM,
		TDX_CHK_CONTAINER_SIGSTRUCT_PADDING,
	};
	uint32_t sp = get_le32(img->buf + I200_SIGSTRUCT_PAGES);
	uint32_t mp = get_le32(img->buf + I200_MODULE_PAGES);
	uint64_t module_off = (uint64_t)TDX_PAGE_SIZE * (1 + (uint64_t)sp);
	uint64_t total = (uint64_t)TDX_PAGE_SIZE * (1 + (uint64_t)sp + mp);
	int rc = 0;

	if (sp < 1 || module_off >= img->len) {
		rc = result(img, r, TDX_CHK_CONTAINER_SIGSTRUCT_PAGES, false,
			    TDX_FND_CONTAINER_SIGSTRUCT_NR_PAGES_NO_MODULE, TDX_FACT_U(sp),
			    TDX_FACT_U(TDX_SIGSTRUCT_MAX_PAGES));
		return rc ? rc : image_skip_rest(r, rest, ARRAY_SIZE(rest),
						 TDX_FND_CONTAINER_CAUSE_UNLOCATED);
	}
	img->sig = img->buf + TDX_PAGE_SIZE;
	img->sig_len = (size_t)sp * TDX_PAGE_SIZE;
	img->module = img->buf + module_off;
	img->module_len = img->len - (size_t)module_off;
	if (sp == TDX_SIGSTRUCT_MAX_PAGES)
		RUN(result(img, r, TDX_CHK_CONTAINER_SIGSTRUCT_PAGES, true,
			   TDX_FND_CONTAINER_SIGSTRUCT_NR_PAGES_OK, TDX_FACT_U(sp)));
	else
		RUN(result(img, r, TDX_CHK_CONTAINER_SIGSTRUCT_PAGES, false,
			   TDX_FND_CONTAINER_SIGSTRUCT_NR_PAGES_WRONG, TDX_FACT_U(sp),
			   TDX_FACT_U(TDX_SIGSTRUCT_MAX_PAGES)));
	RUN(check_module_pages(img, r, mp, TDX_FND_CONTAINER_MODULE_NR_PAGES_OK,
			       TDX_FND_CONTAINER_MODULE_NR_PAGES_RANGE));
	if (total == img->len)
		RUN(result(img, r, TDX_CHK_CONTAINER_PAGE_TOTAL, true, TDX_FND_CONTAINER_PAGE_TOTAL_OK,
			   TDX_FACT_U(img->len), TDX_FACT_U(sp), TDX_FACT_U(mp)));
	else
		RUN(result(img, r, TDX_CHK_CONTAINER_PAGE_TOTAL, false,
			   TDX_FND_CONTAINER_PAGE_TOTAL_MISMATCH, TDX_FACT_U(img->len),
			   TDX_FACT_U(sp), TDX_FACT_U(mp), TDX_FACT_U(total)));
	RUN(check_reserved(img, r, I200_RESERVED));
	RUN(check_checksum(img, r));
	RUN(check_sigstruct_padding(img, r));
	return rc;
}

/* Which container this is: the version decides, or failing that where TDX-BLOB sits. */
static int container_identify(struct tdx_image *img, struct tdx_report *r)
{
	static const enum tdx_check_id rest[] = {
		TDX_CHK_CONTAINER_VERSION, TDX_CHK_CONTAINER_SIGSTRUCT_PAGES,
		TDX_CHK_CONTAINER_MODULE_PAGES, TDX_CHK_CONTAINER_RESERVED,
		TDX_CHK_CONTAINER_CHECKSUM, TDX_CHK_CONTAINER_SIGSTRUCT_PADDING,
	};
	uint16_t version = get_le16(img->buf);
	bool at4 = memcmp(img->buf + I200_MAGIC, BLOB_MAGIC, BLOB_MAGIC_LEN) == 0;
	bool at8 = memcmp(img->buf + B100_MAGIC, BLOB_MAGIC, BLOB_MAGIC_LEN) == 0;
	bool magic_ok = version == TDX_BLOB_FORMAT ? at8 : version == TDX_IMAGE_FORMAT ? at4 :
			at4 || at8;
	size_t at = version == TDX_BLOB_FORMAT || (version != TDX_IMAGE_FORMAT && at8) ?
		    B100_MAGIC : I200_MAGIC;
	int rc;

	if (!magic_ok) {
		rc = result(img, r, TDX_CHK_CONTAINER_MAGIC, false, TDX_FND_CONTAINER_MAGIC_MISSING,
			    TDX_FACT_U(at), TDX_FACT_B(img->buf + at, BLOB_MAGIC_LEN));
		return rc ? rc : image_skip_rest(r, rest, ARRAY_SIZE(rest),
						 TDX_FND_CONTAINER_CAUSE_NO_MAGIC);
	}
	rc = result(img, r, TDX_CHK_CONTAINER_MAGIC, true, TDX_FND_CONTAINER_MAGIC_OK,
		    TDX_FACT_U(at));
	if (rc)
		return rc;
	if (version != TDX_BLOB_FORMAT && version != TDX_IMAGE_FORMAT) {
		rc = result(img, r, TDX_CHK_CONTAINER_VERSION, false,
			    TDX_FND_CONTAINER_VERSION_UNKNOWN, TDX_FACT_U(version));
		return rc ? rc : image_skip_rest(r, rest + 1, ARRAY_SIZE(rest) - 1,
						 TDX_FND_CONTAINER_CAUSE_VERSION);
	}
	img->format = version;
	img->form = version == TDX_BLOB_FORMAT ? TDX_FORM_BLOB : TDX_FORM_IMAGE;
	return result(img, r, TDX_CHK_CONTAINER_VERSION, true,
		      version == TDX_BLOB_FORMAT ? TDX_FND_CONTAINER_VERSION_BLOB :
						   TDX_FND_CONTAINER_VERSION_IMAGE,
		      TDX_FACT_U(version));
}

static int image_new(struct tdx_ctx *ctx, struct tdx_image **image)
{
	*image = calloc(1, sizeof(**image));
	if (!*image)
		return -ENOMEM;
	(*image)->ctx = ctx;
	return 0;
}

/* Decode the located sigstruct; parse only fails on a short buffer, which cannot happen here. */
static int image_finish(struct tdx_image *img, int rc, struct tdx_image **image)
{
	if (!rc)
		rc = tdx_sigstruct_parse(img->sig, img->sig_len, &img->fields);
	if (rc) {
		tdx_image_free(img);
		return rc;
	}
	*image = img;
	return 0;
}

TDX_EXPORT
int tdx_image_parse(struct tdx_ctx *ctx, const uint8_t *buf, size_t len,
		    struct tdx_report *report, struct tdx_image **image)
{
	static const enum tdx_check_id rest[] = {
		TDX_CHK_CONTAINER_MAGIC, TDX_CHK_CONTAINER_VERSION,
		TDX_CHK_CONTAINER_SIGSTRUCT_PAGES, TDX_CHK_CONTAINER_MODULE_PAGES,
		TDX_CHK_CONTAINER_RESERVED, TDX_CHK_CONTAINER_CHECKSUM,
		TDX_CHK_CONTAINER_SIGSTRUCT_PADDING,
	};
	struct tdx_image *img;
	int rc;

	*image = NULL;
	if (!buf && len)
		return -EINVAL;
	rc = image_new(ctx, &img);
	if (rc)
		return rc;
	img->buf = buf;
	img->len = len;
	rc = check_size(img, report);
	if (!rc && len < TDX_PAGE_SIZE) {
		/* Never 0 (-EBADMSG or -ENOMEM): return here, so no header is read from buf. */
		rc = image_skip_rest(report, rest, ARRAY_SIZE(rest), TDX_FND_CONTAINER_CAUSE_SHORT);
		tdx_image_free(img);
		return rc;
	}
	if (!rc)
		rc = container_identify(img, report);
	if (!rc)
		rc = img->format == TDX_BLOB_FORMAT ? blob_parse(img, report) :
						      image200_parse(img, report);
	if (!rc)
		dbg(ctx, "%s 0x%x: %zu bytes, sigstruct %zu bytes, module %zu bytes\n",
		    tdx_image_form_name(img->form), img->format, len, img->sig_len,
		    img->module_len);
	return image_finish(img, rc, image);
}

TDX_EXPORT
int tdx_image_parse_pair(struct tdx_ctx *ctx, const uint8_t *bin, size_t bin_len,
			 const uint8_t *sig, size_t sig_len, struct tdx_report *report,
			 struct tdx_image **image)
{
	static const enum tdx_check_id rest[] = { TDX_CHK_CONTAINER_MODULE_PAGES };
	struct tdx_image *img;
	int rc = 0;

	*image = NULL;
	if ((!bin && bin_len) || (!sig && sig_len))
		return -EINVAL;
	rc = image_new(ctx, &img);
	if (rc)
		return rc;
	img->form = TDX_FORM_PAIR;
	img->sig = sig;
	img->sig_len = sig_len;
	img->module = bin;
	img->module_len = bin_len;
	if (sig_len == TDX_SIGSTRUCT_SIZE)
		rc = result(img, report, TDX_CHK_PAIR_SIGSTRUCT_SIZE, true,
			    TDX_FND_PAIR_SIGSTRUCT_SIZE_OK, TDX_FACT_U(sig_len));
	else
		rc = result(img, report, TDX_CHK_PAIR_SIGSTRUCT_SIZE, false,
			    TDX_FND_PAIR_SIGSTRUCT_SIZE_WRONG, TDX_FACT_U(sig_len),
			    TDX_FACT_U(TDX_SIGSTRUCT_SIZE));
	if (!rc && sig_len < TDX_SIGSTRUCT_SIZE)
		rc = image_skip_rest(report, rest, ARRAY_SIZE(rest),
				     TDX_FND_PAIR_CAUSE_SIGSTRUCT_SHORT);
	if (!rc && bin_len % TDX_PAGE_SIZE)
		rc = result(img, report, TDX_CHK_CONTAINER_MODULE_PAGES, false,
			    TDX_FND_CONTAINER_MODULE_FILE_NOT_PAGES, TDX_FACT_U(bin_len));
	else if (!rc)
		rc = check_module_pages(img, report, bin_len / TDX_PAGE_SIZE,
					TDX_FND_CONTAINER_MODULE_FILE_PAGES_OK,
					TDX_FND_CONTAINER_MODULE_FILE_PAGES_RANGE);
	if (!rc && !bin_len)
		rc = image_skip_rest(report, NULL, 0, TDX_FND_PAIR_CAUSE_MODULE_EMPTY);
	return image_finish(img, rc, image);
}

#undef RUN
#undef result

void tdx_image_own(struct tdx_image *image, uint8_t *a, uint8_t *b)
{
	image->owned[0] = a;
	image->owned[1] = b;
}

TDX_EXPORT
void tdx_image_free(struct tdx_image *image)
{
	if (!image)
		return;
	free(image->owned[0]);
	free(image->owned[1]);
	free(image);
}

TDX_EXPORT
enum tdx_image_form tdx_image_get_form(const struct tdx_image *image)
{
	return image->form;
}

TDX_EXPORT
unsigned int tdx_image_get_format(const struct tdx_image *image)
{
	return image->format;
}

TDX_EXPORT
size_t tdx_image_get_size(const struct tdx_image *image)
{
	return image->form == TDX_FORM_PAIR ? image->module_len + image->sig_len : image->len;
}

TDX_EXPORT
uint16_t tdx_image_get_checksum(const struct tdx_image *image)
{
	return image->checksum;
}

TDX_EXPORT
bool tdx_image_checksum_ok(const struct tdx_image *image)
{
	return image->checksum_ok;
}

TDX_EXPORT
const uint8_t *tdx_image_get_sigstruct(const struct tdx_image *image, size_t *len)
{
	if (len)
		*len = TDX_SIGSTRUCT_SIZE;
	return image->sig;
}

TDX_EXPORT
unsigned int tdx_image_get_sigstruct_pages(const struct tdx_image *image)
{
	if (image->form == TDX_FORM_PAIR)
		return 1;
	return (unsigned int)(image->sig_len / TDX_PAGE_SIZE);
}

TDX_EXPORT
const uint8_t *tdx_image_get_module(const struct tdx_image *image, size_t *len)
{
	if (len)
		*len = image->module_len;
	return image->module;
}

TDX_EXPORT
unsigned int tdx_image_get_module_pages(const struct tdx_image *image)
{
	return (unsigned int)(image->module_len / TDX_PAGE_SIZE);
}

TDX_EXPORT
const struct tdx_sigstruct *tdx_image_get_sigstruct_fields(const struct tdx_image *image)
{
	return &image->fields;
}

TDX_EXPORT
int tdx_image_module_sha384(const struct tdx_image *image, uint8_t out[TDX_SHA384_LEN])
{
	return tdx_sha384(image->module, image->module_len, out);
}

/*
 * A container keeps its sigstruct pages as they are (so 0x100 -> 0x200 -> 0x100 is lossless);
 * a pair's sigstruct is zero-padded to one page. Only the header page (and a pair's padded
 * sigstruct) is new; the sigstruct pages and the module are pointed to where they are, so an
 * update sends the very bytes that were verified without a second copy of the module. Every
 * part is whole pages, so the checksum's 16-bit words never straddle two parts.
 */
TDX_EXPORT
int tdx_image_build_parts(const struct tdx_image *image, unsigned int format, uint8_t **head,
			  struct tdx_image_part parts[TDX_IMAGE_PARTS], unsigned int *n,
			  size_t *len)
{
	bool pair = image->form == TDX_FORM_PAIR;
	size_t sig_region, total;
	uint16_t sum = 0;
	uint8_t *out;

	*head = NULL;
	if (format != TDX_BLOB_FORMAT && format != TDX_IMAGE_FORMAT)
		return -EINVAL;
	if (!image->module_len || image->module_len % TDX_PAGE_SIZE)
		return -EINVAL;
	sig_region = pair ? TDX_PAGE_SIZE : image->sig_len;
	if (!sig_region || sig_region % TDX_PAGE_SIZE ||
	    image->module_len > UINT32_MAX - TDX_PAGE_SIZE - sig_region)
		return -EINVAL;
	total = TDX_PAGE_SIZE + sig_region + image->module_len;
	out = calloc(1, pair ? 2 * TDX_PAGE_SIZE : TDX_PAGE_SIZE);
	if (!out)
		return -ENOMEM;
	put_le16(out, (uint16_t)format);
	if (format == TDX_BLOB_FORMAT) {
		put_le32(out + B100_OFFSET_OF_MODULE, (uint32_t)(TDX_PAGE_SIZE + sig_region));
		memcpy(out + B100_MAGIC, BLOB_MAGIC, BLOB_MAGIC_LEN);
		put_le32(out + B100_LENGTH, (uint32_t)total);
	} else {
		memcpy(out + I200_MAGIC, BLOB_MAGIC, BLOB_MAGIC_LEN);
		put_le32(out + I200_SIGSTRUCT_PAGES, (uint32_t)(sig_region / TDX_PAGE_SIZE));
		put_le32(out + I200_MODULE_PAGES, (uint32_t)(image->module_len / TDX_PAGE_SIZE));
	}
	*n = 0;
	if (pair) {
		memcpy(out + TDX_PAGE_SIZE, image->sig, TDX_SIGSTRUCT_SIZE);
		parts[(*n)++] = (struct tdx_image_part){ out, 2 * TDX_PAGE_SIZE };
	} else {
		parts[(*n)++] = (struct tdx_image_part){ out, TDX_PAGE_SIZE };
		parts[(*n)++] = (struct tdx_image_part){ image->sig, sig_region };
	}
	parts[(*n)++] = (struct tdx_image_part){ image->module, image->module_len };
	for (unsigned int i = 0; i < *n; i++)
		sum = (uint16_t)(sum + tdx_checksum16(parts[i].data, parts[i].len));
	put_le16(out + 2, (uint16_t)(0 - sum));
	*head = out;
	*len = total;
	return 0;
}

TDX_EXPORT
int tdx_image_build(const struct tdx_image *image, unsigned int format, uint8_t **buf,
		    size_t *len)
{
	struct tdx_image_part parts[TDX_IMAGE_PARTS];
	unsigned int n;
	uint8_t *head, *out;
	size_t total, at = 0;
	int rc;

	*buf = NULL;
	rc = tdx_image_build_parts(image, format, &head, parts, &n, &total);
	if (rc < 0)
		return rc;
	out = malloc(total);
	if (out) {
		for (unsigned int i = 0; i < n; i++) {
			memcpy(out + at, parts[i].data, parts[i].len);
			at += parts[i].len;
		}
	}
	free(head);
	if (!out)
		return -ENOMEM;
	*buf = out;
	*len = total;
	return 0;
}
