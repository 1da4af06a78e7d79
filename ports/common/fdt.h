/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fdt.h - a read-only flattened device tree (DTB) walker, enough for the
 * ports to find memory, the UART, the PCIe host bridge and the timer
 * frequency at run time (Devicetree Specification v0.4, chapter 5).
 *
 * Everything read from the blob is checked: the header's offsets and sizes
 * against totalsize, every token, property length and string against the end
 * of its block, the nesting depth against FDT_MAX_DEPTH. A malformed blob
 * makes fdt_init() or the walk fail; it is never read out of bounds.
 */
#ifndef FDT_H
#define FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC      0xd00dfeedu
#define FDT_MAX_DEPTH  16
/* A DTB larger than this is refused (QEMU's are about 1 MiB at most). */
#define FDT_MAX_SIZE   (4u << 20)

struct fdt {
	const uint8_t *blob;
	uint32_t size;          /* totalsize */
	uint32_t struct_off, struct_size;
	uint32_t strings_off, strings_size;
	uint32_t rsvmap_off;
};

/* One node found by the walk. */
struct fdt_node {
	uint32_t off;           /* offset of its FDT_BEGIN_NODE token in the structure block */
	uint32_t props;         /* offset of the token after its name */
	const char *name;       /* "memory@40000000"; "" for the root */
	int depth;              /* 0 for the root */
	uint32_t addr_cells;    /* the parent's #address-cells (for this node's reg) */
	uint32_t size_cells;    /* the parent's #size-cells */
};

/* Walk state: start with fdt_iter_init(). */
struct fdt_iter {
	uint32_t pos;
	int depth;
	bool done;
	uint8_t ac[FDT_MAX_DEPTH + 1], sc[FDT_MAX_DEPTH + 1];
};

/* 0 or a negative value with *why set to a static reason. */
int fdt_init(struct fdt *f, const void *blob, const char **why);
void fdt_iter_init(struct fdt_iter *it);
/* The next node in document order; false at the end or on a malformed blob
 * (then *bad is set if bad is not NULL). */
bool fdt_iter_next(const struct fdt *f, struct fdt_iter *it, struct fdt_node *n, bool *bad);
/* A property of n: its value and length, or NULL. */
const void *fdt_prop(const struct fdt *f, const struct fdt_node *n, const char *name, uint32_t *len);
/* A 32-bit property (exactly 4 bytes), big endian in the blob. */
bool fdt_prop_u32(const struct fdt *f, const struct fdt_node *n, const char *name, uint32_t *out);
/* A string property; NULL unless NUL-terminated inside its length. */
const char *fdt_prop_str(const struct fdt *f, const struct fdt_node *n, const char *name);
/* True if one of the strings of n's "compatible" is compat. */
bool fdt_compatible(const struct fdt *f, const struct fdt_node *n, const char *compat);
/* The first node whose compatible list has compat (after *from if from is
 * not NULL and from->off is nonzero). */
bool fdt_find_compatible(const struct fdt *f, const char *compat, struct fdt_node *n);
/* A node by full path ("/chosen", "/cpus"). */
bool fdt_find_path(const struct fdt *f, const char *path, struct fdt_node *n);
/* The console: the node /chosen/stdout-path names (options after ':'
 * dropped) if it is compatible with compat, else the first node that is. */
bool fdt_find_stdout(const struct fdt *f, const char *compat, struct fdt_node *n);
/* Entry i of n's reg, with the parent's cell counts (1 or 2 cells each). */
bool fdt_reg(const struct fdt *f, const struct fdt_node *n, uint32_t i, uint64_t *addr, uint64_t *size);
/* Read `cells` (1..2) big-endian cells at p into a 64-bit value. */
uint64_t fdt_cells(const void *p, uint32_t cells);
/* Memory reservation block entry i (false past the last). */
bool fdt_rsv(const struct fdt *f, uint32_t i, uint64_t *addr, uint64_t *size);

#endif /* FDT_H */
