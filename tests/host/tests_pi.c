/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_pi.c - metadata and protection information (nvme_pi.h) against the
 * model's metadata layouts and PI (model/model_pi.c): CRC known answers;
 * every layout (extended LBA, separate buffer), PI types 1-3, PI first or
 * last, 16b and 64b guards, PRACT 0 and 1; each check error (guard,
 * application tag, reference tag) on write (nothing stored) and on read,
 * from the device and from the driver's own check; plain I/O on PI-only
 * namespaces (PRACT) and its refusal on other metadata; Compare, Verify,
 * Write Zeroes; async; Format NVM to a PI format and back.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_opt.h"

#define NSZ 4096u   /* blocks */

/* One namespace (nsid 1) with this format; Compare, Verify, Write Zeroes,
 * Format advertised. */
static void up(struct fx *f, uint32_t lba, uint16_t ms, bool mset, uint8_t pi, bool first, uint8_t pif)
{
	fx_defaults(f);
	fx_opt_config(f);
	f->ns[0] = (struct nvme_model_ns_config){ .nsid = 1, .lba_size = lba, .blocks = NSZ, .ms = ms,
						  .mset = mset, .pi = pi, .pil_first = first, .pif = pif };
	f->mcfg.ns_count = 1;
	fx_up(f);
}

static void pi_crc_known_answers(void)
{
	static const char s[] = "123456789";
	CHECK_EQ(nvme_crc16_t10dif(0, s, 9), 0xD0DBu);
	CHECK_EQ(nvme_crc64_nvme(0, s, 9), 0xAE8B14860A799888ull);
	/* chaining equals one pass */
	CHECK_EQ(nvme_crc16_t10dif(nvme_crc16_t10dif(0, s, 4), s + 4, 5), 0xD0DBu);
	CHECK_EQ(nvme_crc64_nvme(nvme_crc64_nvme(0, s, 3), s + 3, 6), 0xAE8B14860A799888ull);
	CHECK_EQ(nvme_crc16_t10dif(0, s, 0), 0);
}

/* The namespace fields the driver learnt. */
static void pi_namespace_setup(void)
{
	static struct fx f;
	up(&f, 512, 8, true, 1, false, 0);
	struct nvme_ns *ns = fx_ns1(&f);
	CHECK_EQ(ns->unusable, 0);
	CHECK_EQ(ns->meta_size, 8);
	CHECK(ns->meta_extended);
	CHECK_EQ(nvme_ns_pi_type(ns), 1);
	CHECK(!nvme_ns_pi_first(ns));
	CHECK_EQ(ns->cmdset.pi_size, 8);
	CHECK_EQ(ns->cmdset.pif, NVME_PIF_16B_GUARD);
	CHECK_EQ(ns->cmdset.md_plain, NVME_MD_PLAIN_PRACT);
	CHECK_EQ(nvme_pi_max_blocks(ns), nvme_ctrl_max_transfer(f.c) / 520u);
	fx_finish(&f);
	up(&f, 4096, 16, false, 3, true, 2);
	ns = fx_ns1(&f);
	CHECK_EQ(ns->unusable, 0);
	CHECK_EQ(ns->cmdset.pif, NVME_PIF_64B_GUARD);
	CHECK_EQ(ns->cmdset.pi_size, 16);
	CHECK(nvme_ns_pi_first(ns));
	CHECK_EQ(ns->cmdset.md_plain, NVME_MD_PLAIN_PRACT);
	fx_finish(&f);
	up(&f, 512, 16, false, 2, false, 0);   /* 8-byte tuple in 16 bytes */
	ns = fx_ns1(&f);
	CHECK_EQ(ns->cmdset.pi_size, 8);
	CHECK_EQ(ns->cmdset.md_plain, NVME_MD_PLAIN_REFUSED);
}

/* Write with driver-generated PI (PRACT=0, all checks), read back with all
 * checks, compare data and metadata, and check the stored tuple from the
 * model's side. */
static bool roundtrip(struct fx *f, uint64_t lba, uint32_t n, uint64_t ref, const char *what)
{
	struct nvme_ns *ns = fx_ns1(f);
	size_t stride = ns->lba_size + (ns->meta_extended ? ns->meta_size : 0u);
	size_t mlen = ns->meta_extended ? 0 : (size_t)n * ns->meta_size;
	uint8_t *d = fx_buf(f, n * stride, 0, 0), *r = fx_buf(f, n * stride, 0, 0);
	uint8_t *m = mlen ? fx_buf(f, mlen, 0, 0) : NULL, *rm = mlen ? fx_buf(f, mlen, 0, 0) : NULL;
	fill_pattern(d, n * stride, lba + 7);
	if (m)
		fill_pattern(m, mlen, lba + 9);
	bool ok = true;
	int rc = nvme_pi_generate(ns, d, m, n, ref, 0x1234);
	struct nvme_pi_req w = { .data = d, .meta = m, .prinfo = NVME_PRINFO_PRCHK_GUARD | NVME_PRINFO_PRCHK_APP |
				 NVME_PRINFO_PRCHK_REF, .ref_tag = ref, .app_tag = 0x1234, .app_mask = 0xFFFF };
	if (rc == 0)
		rc = nvme_pi_write(ns, NULL, lba, n, &w);
	struct nvme_pi_req rd = w;
	rd.data = r;
	rd.meta = rm;
	if (rc == 0)
		rc = nvme_pi_read(ns, NULL, lba, n, &rd);
	if (rc != 0) {
		CHECK_MSG(false, "%s: %s", what, st(rc));
		ok = false;
	} else if (memcmp(d, r, n * stride) != 0 || (m && memcmp(m, rm, mlen) != 0)) {
		CHECK_MSG(false, "%s: read back differs", what);
		ok = false;
	} else {
		struct nvme_pi_error e;
		rc = nvme_pi_check(ns, r, rm, n, lba, ref, 0x1234, 0xFFFF, NVME_PRINFO_PRCHK_GUARD |
				   NVME_PRINFO_PRCHK_APP | NVME_PRINFO_PRCHK_REF, &e);
		CHECK_MSG(rc == 0, "%s: driver check %s at %llu", what, st(rc), (unsigned long long)e.lba);
		/* from outside: the model stored data and metadata as sent */
		uint8_t *md = malloc((size_t)n * ns->meta_size), *dd = malloc((size_t)n * ns->lba_size);
		REQUIRE(md && dd);
		CHECK(nvme_model_ns_read_meta(f->m, ns->nsid, lba, n, md) == 0);
		CHECK(nvme_model_ns_read(f->m, ns->nsid, lba, n, dd) == 0);
		for (uint32_t i = 0; i < n; i++) {
			const uint8_t *src = d + i * stride, *srcm = m ? m + (size_t)i * ns->meta_size : src + ns->lba_size;
			if (memcmp(dd + (size_t)i * ns->lba_size, src, ns->lba_size) != 0 ||
			    memcmp(md + (size_t)i * ns->meta_size, srcm, ns->meta_size) != 0) {
				CHECK_MSG(false, "%s: stored block %u differs", what, i);
				ok = false;
				break;
			}
		}
		free(md);
		free(dd);
	}
	fx_buf_free(f, d);
	fx_buf_free(f, r);
	if (m) {
		fx_buf_free(f, m);
		fx_buf_free(f, rm);
	}
	return ok;
}

/* Every layout, type, location and guard with PRACT=0. */
static void pi_every_format_pract0(void)
{
	static struct fx f;
	static const uint16_t mss[] = { 8, 16 };
	for (unsigned pif = 0; pif <= 2; pif += 2)
		for (unsigned ext = 0; ext < 2; ext++)
			for (unsigned type = 1; type <= 3; type++)
				for (unsigned first = 0; first < 2; first++)
					for (unsigned mi = 0; mi < 2; mi++) {
						uint16_t ms = mss[mi];
						if (pif == 2 && ms < 16)
							continue;
						char what[96];
						snprintf(what, sizeof(what), "pif %u %s type %u PI %s ms %u", pif,
							 ext ? "extended" : "separate", type, first ? "first" : "last", ms);
						up(&f, 512, ms, ext, (uint8_t)type, first, (uint8_t)pif);
						/* type 1: the reference tag is the LBA */
						uint64_t lba = 100, ref = type == 1 ? lba : 0xABCD;
						roundtrip(&f, lba, 24, ref, what);
						fx_finish(&f);
					}
	/* metadata without PI, both layouts */
	up(&f, 4096, 8, true, 0, false, 0);
	struct nvme_ns *ns = fx_ns1(&f);
	uint8_t *d = fx_buf(&f, 2 * 4104, 0, 0);
	fill_pattern(d, 2 * 4104, 3);
	struct nvme_pi_req r = { .data = d };
	CHECK_OK(nvme_pi_write(ns, NULL, 5, 2, &r));
	uint8_t md[16];
	CHECK(nvme_model_ns_read_meta(f.m, 1, 5, 2, md) == 0);
	CHECK(memcmp(md, d + 4096, 8) == 0 && memcmp(md + 8, d + 4104 + 4096, 8) == 0);
	CHECK_RC(nvme_pi_write(ns, NULL, 5, 2, &(struct nvme_pi_req){ .data = d, .prinfo = NVME_PRINFO_PRACT }),
		 NVME_ERR_INVAL);   /* no PI to act on */
	fx_buf_free(&f, d);
	fx_finish(&f);
	up(&f, 512, 8, false, 0, false, 0);
	ns = fx_ns1(&f);
	d = fx_buf(&f, 1024, 0, 0);
	uint8_t *m = fx_buf(&f, 16, 0, 0), *r2 = fx_buf(&f, 1024, 0, 0), *m2 = fx_buf(&f, 16, 0, 0);
	fill_pattern(d, 1024, 4);
	fill_pattern(m, 16, 5);
	CHECK_OK(nvme_pi_write(ns, NULL, 9, 2, &(struct nvme_pi_req){ .data = d, .meta = m }));
	CHECK_OK(nvme_pi_read(ns, NULL, 9, 2, &(struct nvme_pi_req){ .data = r2, .meta = m2 }));
	CHECK(memcmp(d, r2, 1024) == 0 && memcmp(m, m2, 16) == 0);
	/* the metadata buffer is required here, refused with extended LBAs */
	CHECK_RC(nvme_pi_read(ns, NULL, 9, 2, &(struct nvme_pi_req){ .data = r2 }), NVME_ERR_INVAL);
	fx_buf_free(&f, d);
	fx_buf_free(&f, m);
	fx_buf_free(&f, r2);
	fx_buf_free(&f, m2);
}

/* PRACT=1: the controller generates PI; PI-only metadata moves no
 * metadata, larger metadata keeps the host's other bytes. */
static void pi_pract1(void)
{
	static struct fx f;
	for (unsigned pif = 0; pif <= 2; pif += 2)
		for (unsigned ext = 0; ext < 2; ext++)
			for (unsigned type = 1; type <= 3; type++) {
				uint16_t ms = pif ? 16 : 8;
				up(&f, 512, ms, ext, (uint8_t)type, false, (uint8_t)pif);
				struct nvme_ns *ns = fx_ns1(&f);
				uint8_t *d = fx_buf(&f, 4096, 0, 0), *r = fx_buf(&f, 4096, 0, 0);
				fill_pattern(d, 4096, type);
				uint64_t ref = type == 1 ? 40 : 77;
				struct nvme_pi_req w = { .data = d, .prinfo = NVME_PRINFO_PRACT | NVME_PRINFO_PRCHK_GUARD |
							 NVME_PRINFO_PRCHK_REF, .ref_tag = ref, .app_tag = 0x55AA };
				CHECK_OK(nvme_pi_write(ns, NULL, 40, 8, &w));
				w.data = r;
				CHECK_OK(nvme_pi_read(ns, NULL, 40, 8, &w));
				CHECK(memcmp(d, r, 4096) == 0);
				/* the stored tuples pass the driver's check */
				uint8_t md[8 * 16];
				CHECK(nvme_model_ns_read_meta(f.m, 1, 40, 8, md) == 0);
				uint8_t *blk = fx_buf(&f, 8 * (512 + ms), 0, 0);
				REQUIRE(nvme_model_ns_read(f.m, 1, 40, 8, r) == 0);
				for (unsigned i = 0; i < 8; i++) {
					memcpy(blk + i * (512 + ms), r + i * 512, 512);
					memcpy(blk + i * (512 + ms) + 512, md + i * ms, ms);
				}
				if (ns->meta_extended)
					CHECK_OK(nvme_pi_check(ns, blk, NULL, 8, 40, ref, 0x55AA, 0xFFFF, 7, NULL));
				fx_buf_free(&f, blk);
				/* plain I/O works on the data alone (PRACT added by the driver) */
				fill_pattern(d, 4096, 99);
				CHECK_OK(nvme_write(ns, NULL, 200, 8, d));
				CHECK_OK(nvme_read(ns, NULL, 200, 8, r));
				CHECK(memcmp(d, r, 4096) == 0);
				CHECK_OK(nvme_write_bytes(ns, NULL, 200 * 512 + 100, d, 1000));
				CHECK_OK(nvme_read_bytes(ns, NULL, 200 * 512 + 100, r, 1000));
				CHECK(memcmp(d, r, 1000) == 0);
				/* and the plain writes carry valid PI for the LBA */
				struct nvme_pi_req chk = { .data = r, .prinfo = NVME_PRINFO_PRACT | 7, .ref_tag = 200 };
				if (type != 1)
					chk.prinfo = NVME_PRINFO_PRACT | NVME_PRINFO_PRCHK_GUARD;
				CHECK_OK(nvme_pi_read(ns, NULL, 200, 8, &chk));
				fx_buf_free(&f, d);
				fx_buf_free(&f, r);
				fx_finish(&f);
			}
}

/* Each check error on write (nothing stored) and on read, device side. */
static void pi_check_errors_device(void)
{
	static struct fx f;
	for (unsigned pif = 0; pif <= 2; pif += 2) {
		uint16_t ms = pif ? 16 : 8;
		up(&f, 512, ms, true, 2, false, (uint8_t)pif);
		struct nvme_ns *ns = fx_ns1(&f);
		size_t bs = 512u + ms;
		uint8_t *d = fx_buf(&f, 4 * bs, 0, 0), *r = fx_buf(&f, 4 * bs, 0, 0);
		fill_pattern(d, 4 * bs, 1);
		REQUIRE_OK(nvme_pi_generate(ns, d, NULL, 4, 1000, 0x0042));
		unsigned all = NVME_PRINFO_PRCHK_GUARD | NVME_PRINFO_PRCHK_APP | NVME_PRINFO_PRCHK_REF;
		struct nvme_pi_req w = { .data = d, .prinfo = (uint8_t)all, .ref_tag = 1000, .app_tag = 0x0042,
					 .app_mask = 0xFFFF };
		uint64_t writes = nvme_model_stats(f.m)->writes;
		/* guard: one data byte of block 2 flipped */
		d[2 * bs + 5] ^= 1;
		CHECK_DEV(nvme_pi_write(ns, NULL, 10, 4, &w), NVME_SCT_MEDIA, NVME_SC_GUARD_CHECK_ERROR);
		d[2 * bs + 5] ^= 1;
		/* application tag */
		w.app_tag = 0x0043;
		CHECK_DEV(nvme_pi_write(ns, NULL, 10, 4, &w), NVME_SCT_MEDIA, NVME_SC_APPLICATION_TAG_CHECK_ERROR);
		w.app_tag = 0x0042;
		w.app_mask = 0xFFFF;
		w.prinfo = (uint8_t)all;
		/* reference tag */
		w.ref_tag = 1001;
		CHECK_DEV(nvme_pi_write(ns, NULL, 10, 4, &w), NVME_SCT_MEDIA, NVME_SC_REFERENCE_TAG_CHECK_ERROR);
		CHECK_EQ(nvme_model_stats(f.m)->writes, writes);   /* nothing stored */
		uint8_t zero[4 * 512] = { 0 }, got[4 * 512];
		REQUIRE(nvme_model_ns_read(f.m, 1, 10, 4, got) == 0);
		CHECK(memcmp(got, zero, sizeof(got)) == 0);
		/* described in words with the range */
		char txt[200];
		nvme_pi_describe(-(NVME_STATUS_DEVICE_FLAG | 0x284), 10, 4, NULL, txt, sizeof(txt));
		CHECK_MSG(strstr(txt, "reference tag check error reported by the device in LBAs 10..13") != NULL, "%s", txt);
		/* now store it, and read with wrong expectations */
		w.ref_tag = 1000;
		CHECK_OK(nvme_pi_write(ns, NULL, 10, 4, &w));
		struct nvme_pi_req rd = w;
		rd.data = r;
		rd.ref_tag = 1001;
		CHECK_DEV(nvme_pi_read(ns, NULL, 10, 4, &rd), NVME_SCT_MEDIA, NVME_SC_REFERENCE_TAG_CHECK_ERROR);
		rd.ref_tag = 1000;
		rd.app_tag = 7;
		CHECK_DEV(nvme_pi_read(ns, NULL, 10, 4, &rd), NVME_SCT_MEDIA, NVME_SC_APPLICATION_TAG_CHECK_ERROR);
		CHECK_DEV(nvme_pi_verify(ns, NULL, 10, 4, &rd), NVME_SCT_MEDIA, NVME_SC_APPLICATION_TAG_CHECK_ERROR);
		rd.app_tag = 0x0042;
		CHECK_OK(nvme_pi_verify(ns, NULL, 10, 4, &rd));
		/* guard on read: corrupt the stored data from outside */
		REQUIRE(nvme_model_ns_read(f.m, 1, 11, 1, got) == 0);
		got[0] ^= 0x80;
		REQUIRE(nvme_model_ns_write(f.m, 1, 11, 1, got) == 0);
		CHECK_DEV(nvme_pi_read(ns, NULL, 10, 4, &rd), NVME_SCT_MEDIA, NVME_SC_GUARD_CHECK_ERROR);
		rd.prinfo = NVME_PRINFO_PRCHK_APP | NVME_PRINFO_PRCHK_REF;   /* guard not checked: read works */
		CHECK_OK(nvme_pi_read(ns, NULL, 10, 4, &rd));
		/* and the driver's own check finds the block */
		struct nvme_pi_error e;
		CHECK_RC(nvme_pi_check(ns, r, NULL, 4, 10, 1000, 0x42, 0xFFFF, all, &e), NVME_ERR_PI_GUARD);
		CHECK_EQ(e.lba, 11);
		nvme_pi_describe(NVME_ERR_PI_GUARD, 10, 4, &e, txt, sizeof(txt));
		CHECK_MSG(strstr(txt, "guard check error at LBA 11 (driver check)") != NULL, "%s", txt);
		fx_buf_free(&f, d);
		fx_buf_free(&f, r);
		fx_finish(&f);
	}
}

/* Type 1: a reference tag other than the LBA is refused (Invalid
 * Protection Information), nothing written; the driver's check names the
 * block of a wrong tag. */
static void pi_type1_wrong_ref_tag(void)
{
	static struct fx f;
	up(&f, 512, 8, false, 1, false, 0);
	struct nvme_ns *ns = fx_ns1(&f);
	uint8_t *d = fx_buf(&f, 2048, 0, 0), *m = fx_buf(&f, 32, 0, 0);
	fill_pattern(d, 2048, 8);
	REQUIRE_OK(nvme_pi_generate(ns, d, m, 4, 50, 0));
	struct nvme_pi_req w = { .data = d, .meta = m, .prinfo = NVME_PRINFO_PRCHK_REF | NVME_PRINFO_PRCHK_GUARD,
				 .ref_tag = 50 };
	uint64_t writes = nvme_model_stats(f.m)->writes;
	CHECK_DEV(nvme_pi_write(ns, NULL, 60, 4, &w), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_PROTECTION_INFORMATION);
	w.ref_tag = 60;   /* the tag matches the LBA, the tuples do not */
	CHECK_DEV(nvme_pi_write(ns, NULL, 60, 4, &w), NVME_SCT_MEDIA, NVME_SC_REFERENCE_TAG_CHECK_ERROR);
	CHECK_EQ(nvme_model_stats(f.m)->writes, writes);
	struct nvme_pi_error e;
	CHECK_RC(nvme_pi_check(ns, d, m, 4, 60, 60, 0, 0, NVME_PRINFO_PRCHK_REF, &e), NVME_ERR_PI_REF_TAG);
	CHECK_EQ(e.lba, 60);
	CHECK_EQ(e.expected, 60);
	CHECK_EQ(e.found, 50);
	/* bad input, refused before sending */
	uint64_t io = nvme_model_stats(f.m)->io_cmds;
	w.ref_tag = 0x100000000ull;   /* 33 bits with a 16b guard */
	CHECK_RC(nvme_pi_write(ns, NULL, 60, 4, &w), NVME_ERR_INVAL);
	w.ref_tag = 60;
	w.prinfo = 0x10;
	CHECK_RC(nvme_pi_write(ns, NULL, 60, 4, &w), NVME_ERR_INVAL);
	w.prinfo = 0;
	w.meta = NULL;
	CHECK_RC(nvme_pi_write(ns, NULL, 60, 4, &w), NVME_ERR_INVAL);
	w.meta = m + 1;   /* not dword aligned */
	CHECK_RC(nvme_pi_write(ns, NULL, 60, 4, &w), NVME_ERR_DMA);
	CHECK_RC(nvme_pi_write(ns, NULL, NSZ - 1, 4, &w), NVME_ERR_LBA_RANGE);
	CHECK_RC(nvme_pi_write(ns, NULL, 60, 4, NULL), NVME_ERR_INVAL);
	CHECK_EQ(nvme_model_stats(f.m)->io_cmds, io);
	fx_buf_free(&f, d);
	fx_buf_free(&f, m);
}

/* Plain I/O is refused where it would lose metadata; nvme_pi_* work. */
static void pi_plain_refused(void)
{
	static struct fx f;
	up(&f, 512, 16, true, 1, false, 0);   /* 8 bytes of PI in 16 of metadata */
	struct nvme_ns *ns = fx_ns1(&f);
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	uint64_t io = nvme_model_stats(f.m)->io_cmds;
	CHECK_RC(nvme_read(ns, NULL, 0, 1, b), NVME_ERR_UNSUPPORTED);
	CHECK_RC(nvme_write(ns, NULL, 0, 1, b), NVME_ERR_UNSUPPORTED);
	CHECK_RC(nvme_read_bytes(ns, NULL, 3, b, 10), NVME_ERR_UNSUPPORTED);
	CHECK_RC(nvme_write_zeroes(ns, NULL, 0, 1, 0), NVME_ERR_UNSUPPORTED);
	CHECK_RC(nvme_compare(ns, NULL, 0, 1, b, 0, NULL), NVME_ERR_UNSUPPORTED);
	CHECK_EQ(nvme_model_stats(f.m)->io_cmds, io);
	/* PRACT=1 keeps the host's other 8 bytes; extended data layout */
	fill_pattern(b, 528 * 2, 6);
	struct nvme_pi_req w = { .data = b, .prinfo = NVME_PRINFO_PRACT, .ref_tag = 0 };
	CHECK_OK(nvme_pi_write(ns, NULL, 0, 2, &w));
	uint8_t md[32];
	REQUIRE(nvme_model_ns_read_meta(f.m, 1, 0, 2, md) == 0);
	CHECK(memcmp(md, b + 512, 8) == 0);   /* user bytes before the tuple */
	CHECK(memcmp(md + 16, b + 528 + 512, 8) == 0);
	CHECK_OK(nvme_pi_check(ns, (uint8_t[]){ 0 }, NULL, 0, 0, 0, 0, 0, 7, NULL));
	fx_buf_free(&f, b);
}

/* Compare, Verify, Write Zeroes with PI; async read/write. */
static void pi_other_commands_and_async(void)
{
	static struct fx f;
	up(&f, 4096, 8, false, 1, true, 0);
	struct nvme_ns *ns = fx_ns1(&f);
	uint8_t *d = fx_buf(&f, 8192, 0, 0), *m = fx_buf(&f, 16, 0, 0);
	fill_pattern(d, 8192, 12);
	REQUIRE_OK(nvme_pi_generate(ns, d, m, 2, 30, 9));
	struct nvme_pi_req w = { .data = d, .meta = m, .prinfo = 7, .ref_tag = 30, .app_tag = 9, .app_mask = 0xFFFF };
	CHECK_OK(nvme_pi_write(ns, NULL, 30, 2, &w));
	CHECK_OK(nvme_pi_compare(ns, NULL, 30, 2, &w));
	d[1] ^= 1;
	CHECK_RC(nvme_pi_compare(ns, NULL, 30, 2, &(struct nvme_pi_req){ .data = d, .meta = m }),
		 NVME_ERR_COMPARE_MISMATCH);
	d[1] ^= 1;
	CHECK_OK(nvme_pi_verify(ns, NULL, 30, 2, &w));
	CHECK_RC(nvme_pi_verify(ns, NULL, 30, 2, &(struct nvme_pi_req){ .prinfo = NVME_PRINFO_PRACT }), NVME_ERR_INVAL);
	/* Write Zeroes with PRACT: zero data with valid PI */
	struct nvme_pi_req z = { .prinfo = NVME_PRINFO_PRACT, .ref_tag = 30, .app_tag = 9 };
	CHECK_OK(nvme_pi_write_zeroes(ns, NULL, 30, 2, &z));
	CHECK_OK(nvme_pi_verify(ns, NULL, 30, 2, &w));
	CHECK_OK(nvme_pi_read(ns, NULL, 30, 2, &w));
	for (unsigned i = 0; i < 8192; i++)
		if (d[i] != 0) {
			CHECK_MSG(false, "byte %u not zero", i);
			break;
		}
	CHECK_RC(nvme_pi_write_zeroes(ns, NULL, 30, 2, &w), NVME_ERR_INVAL);   /* PRCHK on Write Zeroes */
	/* plain Write Zeroes / Compare on the PI-only namespace (PRACT) */
	CHECK_OK(nvme_write_zeroes(ns, NULL, 40, 2, 0));
	CHECK_OK(nvme_compare(ns, NULL, 40, 2, d, 0, NULL));
	CHECK_OK(nvme_verify(ns, NULL, 40, 2, 0));
	/* async */
	fill_pattern(d, 8192, 13);
	REQUIRE_OK(nvme_pi_generate(ns, d, m, 2, 50, 1));
	w.ref_tag = 50;
	w.app_tag = 1;
	struct cb_rec rec = { 0 };
	CHECK_OK(nvme_pi_write_async(ns, NULL, 50, 2, &w, cb_record, &rec));
	while (rec.calls == 0)
		REQUIRE(nvme_qpair_poll(nvme_ctrl_io_qpair(f.c, 0), 0) >= 0);
	CHECK_OK(rec.status);
	uint8_t *r = fx_buf(&f, 8192, 0, 0), *rm = fx_buf(&f, 16, 0, 0);
	struct nvme_pi_req rd = w;
	rd.data = r;
	rd.meta = rm;
	rec = (struct cb_rec){ 0 };
	CHECK_OK(nvme_pi_read_async(ns, NULL, 50, 2, &rd, cb_record, &rec));
	while (rec.calls == 0)
		REQUIRE(nvme_qpair_poll(nvme_ctrl_io_qpair(f.c, 0), 0) >= 0);
	CHECK_OK(rec.status);
	CHECK(memcmp(d, r, 8192) == 0 && memcmp(m, rm, 16) == 0);
	rd.ref_tag = 51;
	rd.prinfo = NVME_PRINFO_PRCHK_REF;
	rec = (struct cb_rec){ 0 };
	CHECK_OK(nvme_pi_read_async(ns, NULL, 50, 2, &rd, cb_record, &rec));
	while (rec.calls == 0)
		REQUIRE(nvme_qpair_poll(nvme_ctrl_io_qpair(f.c, 0), 0) >= 0);
	CHECK(nvme_status_is(rec.status, NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_PROTECTION_INFORMATION));
	CHECK_RC(nvme_pi_read_async(ns, NULL, 0, 64, &rd, cb_record, &rec), NVME_ERR_TOO_LARGE);
	fx_buf_free(&f, d);
	fx_buf_free(&f, m);
	fx_buf_free(&f, r);
	fx_buf_free(&f, rm);
}

/* Format NVM to a PI format (extended, type 1, PI first) and back. */
static void pi_format_to_pi_and_back(void)
{
	static struct fx f;
	up(&f, 512, 0, false, 0, false, 0);
	struct nvme_ns *ns = fx_ns1(&f);
	CHECK_EQ(ns->cmdset.md_plain, NVME_MD_PLAIN_NONE);
	struct nvme_format_opts o = { .lbaf = 3, .mset = true, .pi = 1, .pil = true };   /* 4096 + 8 */
	CHECK_OK(nvme_format_nvm(f.c, 1, &o));
	ns = nvme_ns_get(f.c, 1);
	REQUIRE(ns);
	CHECK_EQ(ns->unusable, 0);
	CHECK_EQ(ns->lba_size, 4096);
	CHECK_EQ(ns->meta_size, 8);
	CHECK(ns->meta_extended);
	CHECK_EQ(nvme_ns_pi_type(ns), 1);
	CHECK(nvme_ns_pi_first(ns));
	CHECK_EQ(ns->cmdset.md_plain, NVME_MD_PLAIN_PRACT);
	roundtrip(&f, 3, 4, 3, "after format to type 1");
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	fill_pattern(b, 4096, 2);
	CHECK_OK(nvme_write(ns, NULL, 9, 1, b));
	/* a type the format cannot hold: refused by the device */
	o = (struct nvme_format_opts){ .lbaf = 0, .pi = 1 };
	CHECK_DEV(nvme_format_nvm(f.c, 1, &o), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_FORMAT);
	/* and back */
	o = (struct nvme_format_opts){ .lbaf = 0 };
	CHECK_OK(nvme_format_nvm(f.c, 1, &o));
	ns = nvme_ns_get(f.c, 1);
	CHECK_EQ(ns->lba_size, 512);
	CHECK_EQ(ns->meta_size, 0);
	CHECK_EQ(nvme_ns_pi_type(ns), 0);
	CHECK_EQ(ns->cmdset.md_plain, NVME_MD_PLAIN_NONE);
	CHECK_OK(nvme_write(ns, NULL, 9, 8, b));
	fx_buf_free(&f, b);
}

/* SGL data pointers (PSDT 01b: MPTR still a plain address) and scrambled
 * bus addresses: a metadata buffer inside one page works; one whose pages
 * are not contiguous is refused before sending (NVME_ERR_DMA). */
static void pi_sgl_and_meta_contiguity(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_config(&f);
	f.mcfg.sgls = NVME_SGLS_SUPPORT_DWORD_ALIGN;
	f.cfg.dptr_mode = NVME_DPTR_SGL;
	f.ecfg.scramble = true;
	f.ns[0] = (struct nvme_model_ns_config){ .nsid = 1, .lba_size = 512, .blocks = NSZ, .ms = 16, .pi = 1 };
	f.mcfg.ns_count = 1;
	fx_up(&f);
	REQUIRE(nvme_ctrl_uses_sgl(f.c));
	roundtrip(&f, 40, 16, 40, "SGL, scrambled, separate metadata in one page");
	struct nvme_ns *ns = fx_ns1(&f);
	/* metadata from the middle of a page: 60 blocks (960 bytes) stay in it;
	 * the first command of 600 blocks (ns->max_blocks, 4096 metadata bytes:
	 * each command's metadata must be contiguous) crosses into the next,
	 * which the scrambled mapping puts elsewhere */
	uint8_t *d = fx_buf(&f, 600 * 512, 0, 0), *m = fx_buf(&f, 600 * 16, 2048, 0);
	REQUIRE(ns->max_blocks * 16u > 2048u);
	uint64_t io = nvme_model_stats(f.m)->io_cmds;
	CHECK_RC(nvme_pi_write(ns, NULL, 0, 60, &(struct nvme_pi_req){ .data = d, .meta = m }), 0);
	CHECK_RC(nvme_pi_write(ns, NULL, 0, 600, &(struct nvme_pi_req){ .data = d, .meta = m }), NVME_ERR_DMA);
	CHECK_EQ(nvme_model_stats(f.m)->io_cmds, io + 1);
	fx_buf_free(&f, d);
	fx_buf_free(&f, m);
}

/* ------------------------------------------------------------------------ */
/* Separate metadata by SGL (PSDT 10b, SGLS bit 19)                         */
/* ------------------------------------------------------------------------ */

#define SGLS_MD (NVME_SGLS_SUPPORT_DWORD_ALIGN | (1u << 19))   /* SGLs (dword), metadata SGL */

/* 512 B + 16 B separate metadata, type 1 PI at the end; SGLS as given, I/O
 * data by SGL when offered; scrambled pages: every buffer crossing a page
 * is physically scattered. */
static void up_md(struct fx *f, uint32_t sgls, enum nvme_dptr_mode mode)
{
	fx_defaults(f);
	fx_opt_config(f);
	f->mcfg.sgls = sgls;
	f->cfg.dptr_mode = mode;
	f->ecfg.scramble = true;
	f->ns[0] = (struct nvme_model_ns_config){ .nsid = 1, .lba_size = 512, .blocks = NSZ, .ms = 16, .pi = 1 };
	f->mcfg.ns_count = 1;
	fx_up(f);
}

/* Write n blocks at lba (PRACT 0, driver-generated PI, all checks) with the
 * metadata `moff` bytes into a page, read them back into another such
 * buffer, compare, and compare the model's stored data and metadata.
 * async: one command each way through the _async calls. Returns the write's
 * status (0 when everything matched). */
static int md_roundtrip(struct fx *f, uint64_t lba, uint32_t n, size_t moff, unsigned flags, bool async,
			const char *what)
{
	struct nvme_ns *ns = fx_ns1(f);
	size_t dlen = (size_t)n * 512u, mlen = (size_t)n * 16u;
	uint8_t *d = fx_buf(f, dlen, 0, 0), *r = fx_buf(f, dlen, 0, 0);
	uint8_t *m = fx_buf(f, mlen, moff, 0), *rm = fx_buf(f, mlen, moff, 0);
	fill_pattern(d, dlen, lba + 11);
	fill_pattern(m, mlen, lba + 13);   /* the 8 bytes before each tuple stay the caller's */
	REQUIRE_OK(nvme_pi_generate(ns, d, m, n, lba, 0x0707));
	struct nvme_pi_req w = { .data = d, .meta = m, .prinfo = NVME_PRINFO_PRCHK_GUARD | NVME_PRINFO_PRCHK_APP |
				 NVME_PRINFO_PRCHK_REF, .ref_tag = lba, .app_tag = 0x0707, .app_mask = 0xFFFF,
				 .flags = flags };
	struct nvme_pi_req rd = w;
	rd.data = r;
	rd.meta = rm;
	int rc;
	if (async) {
		struct cb_rec rec = { 0 };
		rc = nvme_pi_write_async(ns, NULL, lba, n, &w, cb_record, &rec);
		while (rc == 0 && rec.calls == 0)
			REQUIRE(nvme_qpair_poll(nvme_ctrl_io_qpair(f->c, 0), 0) >= 0);
		if (rc == 0)
			rc = rec.status;
		rec = (struct cb_rec){ 0 };
		int rc2 = rc != 0 ? rc : nvme_pi_read_async(ns, NULL, lba, n, &rd, cb_record, &rec);
		while (rc2 == 0 && rec.calls == 0)
			REQUIRE(nvme_qpair_poll(nvme_ctrl_io_qpair(f->c, 0), 0) >= 0);
		if (rc == 0)
			rc = rc2 != 0 ? rc2 : rec.status;
	} else {
		rc = nvme_pi_write(ns, NULL, lba, n, &w);
		if (rc == 0)
			rc = nvme_pi_read(ns, NULL, lba, n, &rd);
	}
	if (rc == 0) {
		CHECK_MSG(memcmp(d, r, dlen) == 0, "%s: data read back differs", what);
		CHECK_MSG(memcmp(m, rm, mlen) == 0, "%s: metadata read back differs", what);
		uint8_t *sd = malloc(dlen), *sm = malloc(mlen);
		REQUIRE(sd && sm);
		CHECK(nvme_model_ns_read(f->m, 1, lba, n, sd) == 0);
		CHECK(nvme_model_ns_read_meta(f->m, 1, lba, n, sm) == 0);
		CHECK_MSG(memcmp(sd, d, dlen) == 0, "%s: stored data differs", what);
		CHECK_MSG(memcmp(sm, m, mlen) == 0, "%s: stored metadata differs", what);
		free(sd);
		free(sm);
	}
	fx_buf_free(f, d);
	fx_buf_free(f, r);
	fx_buf_free(f, m);
	fx_buf_free(f, rm);
	return rc;
}

/* Scattered metadata goes by SGL: one command per direction with PSDT 10b
 * (data in an SGL list of scrambled pages, metadata after it in the slot's
 * list space: a Last Segment at MPTR and two Data Blocks), sync and async;
 * contiguous metadata still by address (PSDT 01b). */
static void pi_meta_sgl_scattered(void)
{
	static struct fx f;
	up_md(&f, SGLS_MD, NVME_DPTR_AUTO);
	REQUIRE(nvme_ctrl_uses_sgl(f.c));
	REQUIRE(nvme_pi_meta_sgl(f.c));
	const struct nvme_model_stats *ms = nvme_model_stats(f.m);
	/* 64 blocks: 32 KiB of data over 8 scrambled pages; 1 KiB of metadata
	 * from 3584 bytes into a page: two pieces */
	uint64_t io = ms->io_cmds, sgl = ms->md_sgl_cmds;
	CHECK_OK(md_roundtrip(&f, 64, 64, 3584, 0, false, "sync, scattered"));
	CHECK_EQ(ms->io_cmds, io + 2);
	CHECK_EQ(ms->md_sgl_cmds, sgl + 2);
	CHECK_EQ(ms->md_last_psdt, NVME_PSDT_SGL_MPTR_SGL);
	sgl = ms->md_sgl_cmds;
	CHECK_OK(md_roundtrip(&f, 200, 40, 4000, 0, true, "async, scattered"));
	CHECK_EQ(ms->md_sgl_cmds, sgl + 2);
	CHECK_EQ(ms->md_last_psdt, NVME_PSDT_SGL_MPTR_SGL);
	/* Compare with scattered metadata: equal, then one metadata byte off */
	{
		struct nvme_ns *cns = fx_ns1(&f);
		uint8_t *d = fx_buf(&f, 32 * 512, 0, 0), *m = fx_buf(&f, 32 * 16, 3900, 0);
		fill_pattern(d, 32 * 512, 5);
		fill_pattern(m, 32 * 16, 6);
		REQUIRE_OK(nvme_pi_generate(cns, d, m, 32, 700, 0));
		struct nvme_pi_req w = { .data = d, .meta = m, .ref_tag = 700 };
		sgl = ms->md_sgl_cmds;
		CHECK_OK(nvme_pi_write(cns, NULL, 700, 32, &w));
		CHECK_OK(nvme_pi_compare(cns, NULL, 700, 32, &w));
		m[31 * 16] ^= 0x40;   /* block 31's first metadata byte: after the page break */
		CHECK_RC(nvme_pi_compare(cns, NULL, 700, 32, &w), NVME_ERR_COMPARE_MISMATCH);
		CHECK_EQ(ms->md_sgl_cmds, sgl + 3);
		fx_buf_free(&f, d);
		fx_buf_free(&f, m);
	}
	/* ns->max_blocks blocks: 32 scrambled data pages, more descriptors than
	 * the slot's list holds (the data would go by PRP, which PSDT 10b
	 * cannot carry): async refused with nothing sent; sync halves the
	 * blocks per command until data and metadata fit */
	struct nvme_ns *ns = fx_ns1(&f);
	io = ms->io_cmds;
	sgl = ms->md_sgl_cmds;
	CHECK_RC(md_roundtrip(&f, 1000, ns->max_blocks, 100, 0, true, "too many pieces, async"), NVME_ERR_DMA);
	CHECK_EQ(ms->io_cmds, io);
	CHECK_OK(md_roundtrip(&f, 1000, ns->max_blocks + 8u, 100, 0, false, "too many pieces, sync"));
	/* more than 2 + 2 commands; the pieces whose metadata stayed in one
	 * page went by address */
	CHECK_MSG(ms->io_cmds - io > 4, "%llu commands", (unsigned long long)(ms->io_cmds - io));
	CHECK(ms->md_sgl_cmds - sgl >= 2);
	sgl = ms->md_sgl_cmds;
	/* contiguous metadata (one page): by address, PSDT 01b */
	uint64_t mp = ms->md_mptr_cmds;
	CHECK_OK(md_roundtrip(&f, 300, 16, 0, 0, false, "contiguous"));
	CHECK_EQ(ms->md_mptr_cmds, mp + 2);
	CHECK_EQ(ms->md_sgl_cmds, sgl);
	CHECK_EQ(ms->md_last_psdt, NVME_PSDT_SGL_MPTR_CONTIG);
	/* asked for: contiguous metadata by SGL too (one Data Block at MPTR) */
	CHECK_OK(md_roundtrip(&f, 400, 16, 0, NVME_PI_META_SGL, false, "contiguous, NVME_PI_META_SGL"));
	CHECK_EQ(ms->md_sgl_cmds, sgl + 2);
	CHECK_EQ(ms->md_last_psdt, NVME_PSDT_SGL_MPTR_SGL);
	/* not dword aligned: SGLS 10b wants dword data blocks, so refused */
	io = ms->io_cmds;
	CHECK_RC(md_roundtrip(&f, 500, 4, 2, 0, false, "unaligned, dword SGLs"), NVME_ERR_DMA);
	CHECK_EQ(ms->io_cmds, io);
	fx_finish(&f);
	/* byte-aligned SGLs (SGLS 01b): the same buffer goes, scattered too */
	up_md(&f, NVME_SGLS_SUPPORT_ANY_ALIGN | (1u << 19), NVME_DPTR_AUTO);
	ms = nvme_model_stats(f.m);
	sgl = ms->md_sgl_cmds;
	CHECK_OK(md_roundtrip(&f, 500, 4, 2, 0, false, "unaligned, byte SGLs"));
	CHECK_OK(md_roundtrip(&f, 600, 64, 4093, 0, false, "unaligned and scattered, byte SGLs"));
	CHECK_EQ(ms->md_sgl_cmds, sgl + 4);
}

/* Without SGLS bit 19 (or with I/O data by PRP) scattered metadata is
 * refused before sending, NVME_ERR_DMA; NVME_PI_META_SGL is
 * NVME_ERR_UNSUPPORTED; contiguous metadata still works (PSDT 00b with
 * PRP, 01b with SGL data). Bit 19 without SGL support is not believed. */
static void pi_meta_sgl_not_offered(void)
{
	static struct fx f;
	static const struct { uint32_t sgls; enum nvme_dptr_mode mode; unsigned psdt; const char *what; } cases[] = {
		{ NVME_SGLS_SUPPORT_DWORD_ALIGN, NVME_DPTR_AUTO, NVME_PSDT_SGL_MPTR_CONTIG, "SGLs, no bit 19" },
		{ SGLS_MD, NVME_DPTR_PRP, NVME_PSDT_PRP, "bit 19, data by PRP (dptr_mode)" },
		{ 1u << 19, NVME_DPTR_AUTO, NVME_PSDT_PRP, "bit 19 without SGL support" },
		{ 0, NVME_DPTR_AUTO, NVME_PSDT_PRP, "no SGLs" },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		up_md(&f, cases[i].sgls, cases[i].mode);
		CHECK_MSG(!nvme_pi_meta_sgl(f.c), "%s: metadata SGL claimed", cases[i].what);
		const struct nvme_model_stats *ms = nvme_model_stats(f.m);
		uint64_t io = ms->io_cmds;
		CHECK_RC(md_roundtrip(&f, 64, 64, 3584, 0, false, cases[i].what), NVME_ERR_DMA);
		CHECK_RC(md_roundtrip(&f, 64, 8, 4000, 0, true, cases[i].what), NVME_ERR_DMA);
		CHECK_RC(md_roundtrip(&f, 64, 8, 0, NVME_PI_META_SGL, false, cases[i].what), NVME_ERR_UNSUPPORTED);
		CHECK_EQ(ms->io_cmds, io);
		CHECK_EQ(ms->md_sgl_cmds, 0);
		CHECK_OK(md_roundtrip(&f, 64, 8, 0, 0, false, cases[i].what));
		CHECK_MSG(ms->md_last_psdt == cases[i].psdt, "%s: PSDT %u", cases[i].what, ms->md_last_psdt);
		fx_finish(&f);
	}
}

static const struct check_test tests[] = {
	CHECK_TEST(pi_crc_known_answers),
	CHECK_TEST(pi_namespace_setup),
	CHECK_TEST(pi_every_format_pract0),
	CHECK_TEST(pi_pract1),
	CHECK_TEST(pi_check_errors_device),
	CHECK_TEST(pi_type1_wrong_ref_tag),
	CHECK_TEST(pi_plain_refused),
	CHECK_TEST(pi_other_commands_and_async),
	CHECK_TEST(pi_format_to_pi_and_back),
	CHECK_TEST(pi_sgl_and_meta_contiguity),
	CHECK_TEST(pi_meta_sgl_scattered),
	CHECK_TEST(pi_meta_sgl_not_offered),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
