/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_pi.c - metadata and protection information for `read` and
 * `write` (NVSH_PI_OPTS_*, NVSH_HELP_PI in shell_nvme_pi.h).
 *
 * The data of a chunk stays in the range runner's buffer (data only); this
 * file adds a second DMA buffer for one chunk's metadata, or for the
 * interleaved data+metadata of an extended-LBA format, and moves the data
 * between the two around nvme_pi_read / nvme_pi_write.
 */
#include "shell_nvme_pi.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

#define PI_PAGE 4096u
#define PI_SHOW_MAX_BLOCKS 64u

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* "0011aabb" or "00 11 aa" (up to 16 bytes); false if bad. */
static bool parse_hex(const char *s, uint8_t *out, unsigned *n)
{
	*n = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (*s) {
		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		int hi = hexval(s[0]), lo = s[1] ? hexval(s[1]) : -1;
		if (hi < 0 || lo < 0 || *n >= 16)
			return false;
		out[(*n)++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return *n > 0;
}

int nvsh_pi_parse(struct shell_opt *opts, const struct nvsh_target *tg, const struct nvsh_range *r, bool write,
		  struct nvsh_pi *p)
{
	const struct nvme_ns *ns = tg->ns;
	memset(p, 0, sizeof(*p));
	p->start = r->lba;
	uint64_t v = 0;
	int rc;
	bool any = false;
	static const char *const names[] = { "metadata-size", "prinfo", "ref-tag", "app-tag", "app-tag-mask",
					     "metadata", "show-metadata" };
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		any |= nvsh_isset(opts, names[i]);
	if (!any && ns->cmdset.md_plain != NVME_MD_PLAIN_REFUSED)
		return 0;   /* plain I/O: no metadata, or PRACT by the driver */
	if (ns->meta_size == 0)
		return shell_usage_error("%s has no metadata (its format has 0 metadata bytes per block): "
					 "the metadata options do not apply", tg->name);
	if ((rc = nvsh_opt_u64_max(opts, "prinfo", 15, &v)))
		return rc;
	p->prinfo = (uint8_t)v;
	if (p->prinfo != 0 && ns->cmdset.pi_size == 0)
		return shell_usage_error("--prinfo %u: %s has metadata but no protection information (DPS type 0)",
					 (unsigned)p->prinfo, tg->name);
	uint64_t ref_max = ns->cmdset.pif == NVME_PIF_64B_GUARD ? 0xFFFFFFFFFFFFull : 0xFFFFFFFFull;
	p->ref = r->lba & ref_max;
	p->ref_set = nvsh_isset(opts, "ref-tag");
	if ((rc = nvsh_opt_u64_max(opts, "ref-tag", ref_max, &p->ref)))
		return rc;
	v = 0;
	if ((rc = nvsh_opt_u64_max(opts, "app-tag", 0xFFFF, &v)))
		return rc;
	p->app = (uint16_t)v;
	v = nvsh_isset(opts, "app-tag") ? 0xFFFF : 0;
	if ((rc = nvsh_opt_u64_max(opts, "app-tag-mask", 0xFFFF, &v)))
		return rc;
	p->mask = (uint16_t)v;
	bool strips = (p->prinfo & NVME_PRINFO_PRACT) && ns->meta_size == ns->cmdset.pi_size;
	if (nvsh_isset(opts, "metadata-size")) {
		uint64_t want = strips ? 0 : r->count * ns->meta_size;
		if ((rc = nvsh_opt_u64(opts, "metadata-size", &v)))
			return rc;
		if (v != want)
			return shell_usage_error("--metadata-size %llu: this request moves %llu metadata bytes "
						 "(%llu blocks x %u)%s", (unsigned long long)v,
						 (unsigned long long)want, (unsigned long long)r->count,
						 (unsigned)ns->meta_size,
						 strips ? "; PRACT with PI-only metadata moves none" : "");
	}
	if (write && nvsh_isset(opts, "metadata") &&
	    !parse_hex(nvsh_opt(opts, "metadata")->value, p->mpat, &p->mpat_len))
		return shell_usage_error("bad --metadata '%s': hex bytes, at most 16 (e.g. a5a5 or 01:02)",
					 nvsh_opt(opts, "metadata")->value);
	p->show = !write && nvsh_isset(opts, "show-metadata");
	if (p->show && strips)
		return shell_usage_error("--show-metadata: with PRACT the controller strips the PI-only "
					 "metadata: there is none to show");
	p->on = true;
	/* one chunk's worth: the runner's chunk (NVSH_CHUNK_BYTES of data) */
	uint64_t blocks = NVSH_CHUNK_BYTES / ns->lba_size;
	if (blocks == 0)
		blocks = 1;
	uint64_t per = ns->meta_extended ? (uint64_t)ns->lba_size + ns->meta_size : ns->meta_size;
	p->x_pages = (blocks * per + PI_PAGE - 1) / PI_PAGE;
	p->x = platform_dma_alloc(p->x_pages, false, &p->x_phys);
	if (!p->x)
		return shell_error("no memory for a %llu-byte metadata buffer",
				   (unsigned long long)(p->x_pages * PI_PAGE));
	p->x_blocks = (uint32_t)blocks;
	return 0;
}

void nvsh_pi_free(struct nvsh_pi *p)
{
	if (p->x)
		platform_dma_free(p->x, p->x_phys, p->x_pages);
	p->x = NULL;
}

static void fill_meta(const struct nvsh_pi *p, uint8_t *m, size_t len)
{
	for (size_t i = 0; i < len; i++)
		m[i] = p->mpat_len ? p->mpat[i % p->mpat_len] : 0;
}

static void show_meta(struct nvsh_pi *p, const struct nvme_ns *ns, uint64_t lba, const uint8_t *m)
{
	if (p->shown == PI_SHOW_MAX_BLOCKS) {
		kprintf("metadata: (only the first %u blocks are shown)\n", PI_SHOW_MAX_BLOCKS);
		p->shown++;
	}
	if (p->shown > PI_SHOW_MAX_BLOCKS)
		return;
	p->shown++;
	kprintf("LBA %llu metadata:", (unsigned long long)lba);
	for (unsigned i = 0; i < ns->meta_size; i++)
		kprintf(" %02x", m[i]);
	kprintf("\n");
}

/* Up to p->x_blocks blocks. */
static int pi_piece(struct nvsh_pi *p, struct nvme_ns *ns, struct nvme_qpair *q, bool write, uint64_t lba,
		    uint32_t n, uint8_t *buf)
{
	bool strips = (p->prinfo & NVME_PRINFO_PRACT) && ns->meta_size == ns->cmdset.pi_size;
	size_t bs = ns->lba_size, ms = strips ? 0u : ns->meta_size;
	bool ext = ns->meta_extended && !strips;
	uint64_t ref = p->ref;
	if (nvme_ns_pi_type(ns) != NVME_PI_TYPE3) {
		uint64_t mask = ns->cmdset.pif == NVME_PIF_64B_GUARD ? 0xFFFFFFFFFFFFull : 0xFFFFFFFFull;
		ref = (p->ref + (lba - p->start)) & mask;
	}
	struct nvme_pi_req rq = { .prinfo = p->prinfo, .ref_tag = ref, .app_tag = p->app, .app_mask = p->mask };
	if (ext) {
		rq.data = p->x;
	} else {
		rq.data = buf;
		rq.meta = ms ? p->x : NULL;
	}
	if (write) {
		for (uint32_t i = 0; i < n; i++) {
			if (ext) {
				memcpy(p->x + i * (bs + ms), buf + i * bs, bs);
				fill_meta(p, p->x + i * (bs + ms) + bs, ms);
			} else if (ms) {
				fill_meta(p, p->x + i * ms, ms);
			}
		}
		if (ns->cmdset.pi_size && !(p->prinfo & NVME_PRINFO_PRACT)) {
			int rc = nvme_pi_generate(ns, ext ? p->x : buf, ext ? NULL : p->x, n, ref, p->app);
			if (rc)
				return rc;
		}
		return nvme_pi_write(ns, q, lba, n, &rq);
	}
	int rc = nvme_pi_read(ns, q, lba, n, &rq);
	if (rc)
		return rc;
	for (uint32_t i = 0; i < n; i++) {
		if (ext)
			memmove(buf + i * bs, p->x + i * (bs + ms), bs);
		if (p->show)
			show_meta(p, ns, lba + i, ext ? p->x + i * (bs + ms) + bs : p->x + i * ms);
	}
	return 0;
}

int nvsh_pi_io(struct nvsh_pi *p, struct nvme_ns *ns, struct nvme_qpair *q, bool write, uint64_t lba,
	       uint32_t n, uint8_t *buf)
{
	while (n != 0) {
		uint32_t k = n < p->x_blocks ? n : p->x_blocks;
		int rc = pi_piece(p, ns, q, write, lba, k, buf);
		if (rc) {
			char why[200];
			nvme_pi_describe(rc, lba, k, NULL, why, sizeof(why));
			if (nvme_status_sct(rc) == NVME_SCT_MEDIA)
				kprintf("protection information: %s\n", why);
			if (nvme_status_is(rc, NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_PROTECTION_INFORMATION))
				kprintf("protection information: the controller refused the PI fields%s\n",
					nvme_ns_pi_type(ns) == NVME_PI_TYPE1 && (p->prinfo & NVME_PRINFO_PRCHK_REF)
						? ": type 1 checks the reference tag against the LBA, so -r must be "
						  "the first LBA (the default)"
						: " (PRINFO/tags not valid for this command or format)");
			return rc;
		}
		buf += (size_t)k * ns->lba_size;
		lba += k;
		n -= k;
	}
	return 0;
}
