/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fdt.c - the device tree walker (see fdt.h).
 */
#include "fdt.h"
#include "port.h"

#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP        4u
#define FDT_END        9u

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t fdt_cells(const void *p, uint32_t cells)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	for (uint32_t i = 0; i < cells; i++)
		v = v << 32 | be32(b + 4 * i);
	return v;
}

int fdt_init(struct fdt *f, const void *blob, const char **why)
{
	const uint8_t *b = blob;
	*why = NULL;
	if (b == NULL || ((uintptr_t)b & 7u) != 0) {
		*why = "DTB pointer is NULL or not 8-byte aligned";
		return -1;
	}
	if (be32(b) != FDT_MAGIC) {
		*why = "bad DTB magic";
		return -1;
	}
	uint32_t total = be32(b + 4);
	uint32_t off_struct = be32(b + 8), off_strings = be32(b + 12), off_rsv = be32(b + 16);
	uint32_t version = be32(b + 20), last_comp = be32(b + 24);
	uint32_t size_strings = be32(b + 32), size_struct = be32(b + 36);
	if (total < 40 || total > FDT_MAX_SIZE) {
		*why = "DTB totalsize out of range";
		return -1;
	}
	if (version < 17 || last_comp > 17) {
		*why = "DTB version not supported (need 17, compatible with 16)";
		return -1;
	}
	if (off_struct > total || size_struct > total - off_struct || (off_struct & 3u) ||
	    (size_struct & 3u) || off_strings > total || size_strings > total - off_strings ||
	    off_rsv > total - 16 || (off_rsv & 7u)) {
		*why = "DTB block offsets or sizes beyond totalsize";
		return -1;
	}
	f->blob = b;
	f->size = total;
	f->struct_off = off_struct;
	f->struct_size = size_struct;
	f->strings_off = off_strings;
	f->strings_size = size_strings;
	f->rsvmap_off = off_rsv;
	return 0;
}

bool fdt_rsv(const struct fdt *f, uint32_t i, uint64_t *addr, uint64_t *size)
{
	uint64_t off = f->rsvmap_off + (uint64_t)i * 16;
	if (off + 16 > f->size)
		return false;
	*addr = fdt_cells(f->blob + off, 2);
	*size = fdt_cells(f->blob + off + 8, 2);
	return *addr != 0 || *size != 0;
}

/* Token at structure offset pos, or 0 if pos is beyond the block. */
static uint32_t token(const struct fdt *f, uint32_t pos)
{
	if (pos > f->struct_size - 4 || f->struct_size < 4)
		return 0;
	return be32(f->blob + f->struct_off + pos);
}

/* Length of the NUL-terminated string at structure offset pos (not counting
 * the NUL), or -1 if it runs past the block. */
static int64_t struct_strlen(const struct fdt *f, uint32_t pos)
{
	for (uint32_t i = pos; i < f->struct_size; i++)
		if (f->blob[f->struct_off + i] == '\0')
			return i - pos;
	return -1;
}

static const char *prop_name(const struct fdt *f, uint32_t nameoff)
{
	if (nameoff >= f->strings_size)
		return NULL;
	const char *s = (const char *)f->blob + f->strings_off + nameoff;
	for (uint32_t i = nameoff; i < f->strings_size; i++)
		if (f->blob[f->strings_off + i] == '\0')
			return s;
	return NULL;
}

static uint32_t align4(uint32_t v)
{
	return (v + 3u) & ~3u;
}

/* Property at pos (an FDT_PROP token): name, value, length, next position.
 * false if it does not fit the block. */
static bool prop_at(const struct fdt *f, uint32_t pos, const char **name, const uint8_t **val,
		    uint32_t *len, uint32_t *next)
{
	if (pos > f->struct_size || f->struct_size - pos < 12)
		return false;
	uint32_t l = be32(f->blob + f->struct_off + pos + 4);
	uint32_t nameoff = be32(f->blob + f->struct_off + pos + 8);
	if (l > f->struct_size - pos - 12)
		return false;
	*name = prop_name(f, nameoff);
	if (*name == NULL)
		return false;
	*val = f->blob + f->struct_off + pos + 12;
	*len = l;
	*next = align4(pos + 12 + l);
	return true;
}

void fdt_iter_init(struct fdt_iter *it)
{
	it->pos = 0;
	it->depth = -1;
	it->done = false;
	it->ac[0] = 2; /* the spec's defaults for the root's parent */
	it->sc[0] = 1;
}

bool fdt_iter_next(const struct fdt *f, struct fdt_iter *it, struct fdt_node *n, bool *bad)
{
	if (bad)
		*bad = false;
	while (!it->done) {
		uint32_t tok = token(f, it->pos);
		if (tok == FDT_BEGIN_NODE) {
			int64_t l = struct_strlen(f, it->pos + 4);
			if (l < 0 || it->depth + 1 > FDT_MAX_DEPTH)
				break;
			it->depth++;
			n->off = it->pos;
			n->name = (const char *)f->blob + f->struct_off + it->pos + 4;
			n->props = align4(it->pos + 4 + (uint32_t)l + 1);
			n->depth = it->depth;
			n->addr_cells = it->ac[it->depth];
			n->size_cells = it->sc[it->depth];
			/* This node's own #address-cells/#size-cells (its
			 * properties come before its children) apply to its
			 * children; the spec's defaults are 2 and 1. */
			uint32_t ac = 2, sc = 1;
			fdt_prop_u32(f, n, "#address-cells", &ac);
			fdt_prop_u32(f, n, "#size-cells", &sc);
			it->ac[it->depth + 1] = (uint8_t)(ac > 4 ? 4 : ac);
			it->sc[it->depth + 1] = (uint8_t)(sc > 4 ? 4 : sc);
			it->pos = n->props;
			return true;
		} else if (tok == FDT_END_NODE) {
			if (it->depth < 0)
				break;
			it->depth--;
			it->pos += 4;
		} else if (tok == FDT_PROP) {
			const char *name;
			const uint8_t *val;
			uint32_t len, next;
			if (!prop_at(f, it->pos, &name, &val, &len, &next))
				break;
			it->pos = next;
		} else if (tok == FDT_NOP) {
			it->pos += 4;
		} else if (tok == FDT_END) {
			it->done = true;
			return false;
		} else {
			break;
		}
	}
	it->done = true;
	if (bad)
		*bad = true;
	return false;
}

const void *fdt_prop(const struct fdt *f, const struct fdt_node *n, const char *name, uint32_t *len)
{
	uint32_t pos = n->props;
	for (;;) {
		uint32_t tok = token(f, pos);
		if (tok == FDT_NOP) {
			pos += 4;
			continue;
		}
		if (tok != FDT_PROP)
			return NULL;
		const char *pn;
		const uint8_t *val;
		uint32_t l, next;
		if (!prop_at(f, pos, &pn, &val, &l, &next))
			return NULL;
		if (strcmp(pn, name) == 0) {
			if (len)
				*len = l;
			return val;
		}
		pos = next;
	}
}

bool fdt_prop_u32(const struct fdt *f, const struct fdt_node *n, const char *name, uint32_t *out)
{
	uint32_t len;
	const uint8_t *p = fdt_prop(f, n, name, &len);
	if (p == NULL || len != 4)
		return false;
	*out = be32(p);
	return true;
}

const char *fdt_prop_str(const struct fdt *f, const struct fdt_node *n, const char *name)
{
	uint32_t len;
	const char *p = fdt_prop(f, n, name, &len);
	if (p == NULL || len == 0 || p[len - 1] != '\0')
		return NULL;
	return p;
}

bool fdt_compatible(const struct fdt *f, const struct fdt_node *n, const char *compat)
{
	uint32_t len;
	const char *p = fdt_prop(f, n, "compatible", &len);
	if (p == NULL)
		return false;
	size_t cl = strlen(compat);
	uint32_t i = 0;
	while (i < len) {
		uint32_t j = i;
		while (j < len && p[j] != '\0')
			j++;
		if (j == len)
			return false; /* not terminated */
		if (j - i == cl && memcmp(p + i, compat, cl) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

bool fdt_find_compatible(const struct fdt *f, const char *compat, struct fdt_node *n)
{
	struct fdt_iter it;
	fdt_iter_init(&it);
	while (fdt_iter_next(f, &it, n, NULL))
		if (fdt_compatible(f, n, compat))
			return true;
	return false;
}

bool fdt_find_path(const struct fdt *f, const char *path, struct fdt_node *n)
{
	/* Match component by component: the node at depth d must match the
	 * d-th component (a component without '@' also matches "name@unit"). */
	struct fdt_iter it;
	fdt_iter_init(&it);
	const char *comp[FDT_MAX_DEPTH];
	size_t clen[FDT_MAX_DEPTH];
	int ncomp = 0;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		if (ncomp == FDT_MAX_DEPTH)
			return false;
		comp[ncomp] = p;
		while (*p && *p != '/')
			p++;
		clen[ncomp] = (size_t)(p - comp[ncomp]);
		ncomp++;
	}
	int matched = 0; /* components matched by the current ancestors */
	while (fdt_iter_next(f, &it, n, NULL)) {
		if (n->depth == 0) {
			if (ncomp == 0)
				return true;
			continue;
		}
		if (n->depth > matched + 1)
			continue; /* inside a subtree that did not match */
		matched = n->depth - 1;
		const char *c = comp[matched];
		size_t l = clen[matched];
		bool unit = false; /* the component names a unit address itself */
		for (size_t k = 0; k < l; k++)
			unit |= c[k] == '@';
		if (strncmp(n->name, c, l) == 0 && (n->name[l] == '\0' || (n->name[l] == '@' && !unit))) {
			matched++;
			if (matched == ncomp)
				return true;
		}
	}
	return false;
}

bool fdt_reg(const struct fdt *f, const struct fdt_node *n, uint32_t i, uint64_t *addr, uint64_t *size)
{
	uint32_t len;
	const uint8_t *p = fdt_prop(f, n, "reg", &len);
	uint32_t ac = n->addr_cells, sc = n->size_cells;
	if (p == NULL || ac < 1 || ac > 2 || sc > 2)
		return false;
	uint32_t entry = 4 * (ac + sc);
	if ((uint64_t)(i + 1) * entry > len)
		return false;
	*addr = fdt_cells(p + i * entry, ac);
	*size = sc ? fdt_cells(p + i * entry + 4 * ac, sc) : 0;
	return true;
}

bool fdt_find_stdout(const struct fdt *f, const char *compat, struct fdt_node *n)
{
	struct fdt_node ch;
	if (fdt_find_path(f, "/chosen", &ch)) {
		const char *p = fdt_prop_str(f, &ch, "stdout-path");
		if (p != NULL && p[0] == '/') {
			char path[128];
			size_t l = 0;
			while (p[l] && p[l] != ':' && l < sizeof(path) - 1) {
				path[l] = p[l];
				l++;
			}
			path[l] = '\0';
			if (fdt_find_path(f, path, n) && fdt_compatible(f, n, compat))
				return true;
		}
	}
	return fdt_find_compatible(f, compat, n);
}
