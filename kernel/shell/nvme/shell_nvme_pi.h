/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_pi.h - metadata and protection information options of `read`
 * and `write` (shell_nvme_pi.c, nvme_pi.h of the driver).
 */
#ifndef SHELL_NVME_PI_H
#define SHELL_NVME_PI_H

#include "shell_nvme.h"

/* Options, nvme-cli's names; short letters where read/write has them free
 * (write keeps -p for --pattern and -y for --yes). */
#define NVSH_PI_OPTS_READ                                                   \
	{ .name = "metadata-size", .short_name = 'y', .takes_value = true }, \
	{ .name = "prinfo", .short_name = 'p', .takes_value = true },        \
	{ .name = "ref-tag", .short_name = 'r', .takes_value = true },       \
	{ .name = "app-tag", .short_name = 'a', .takes_value = true },       \
	{ .name = "app-tag-mask", .short_name = 'm', .takes_value = true },  \
	{ .name = "show-metadata", .short_name = 'M' }
#define NVSH_PI_OPTS_WRITE                                                  \
	{ .name = "metadata-size", .takes_value = true },                    \
	{ .name = "prinfo", .takes_value = true },                           \
	{ .name = "ref-tag", .short_name = 'r', .takes_value = true },       \
	{ .name = "app-tag", .short_name = 'a', .takes_value = true },       \
	{ .name = "app-tag-mask", .short_name = 'm', .takes_value = true },  \
	{ .name = "metadata", .short_name = 'M', .takes_value = true }

#define NVSH_HELP_PI                                                                              \
	"Metadata and protection information (namespaces whose format has metadata):\n"         \
	"--prinfo N (read: -p)   PRINFO, 0..15: 8 = PRACT (the controller inserts/strips PI),\n"  \
	"                        4 = check guard, 2 = check application tag, 1 = check\n"       \
	"                        reference tag (nvme-cli's -p). Default 0.\n"                    \
	"-r/--ref-tag N          reference tag of the first block (32 bits; 48 with the 64b\n"   \
	"                        guard); default: the LBA (type 1 requires it).\n"             \
	"-a/--app-tag N, -m/--app-tag-mask N   application tag and the bits checked.\n"        \
	"--metadata-size B (read: -y)   metadata bytes of the request; must be count times\n"   \
	"                        the format's metadata size (nvme-cli's -y); optional.\n"        \
	"write -M/--metadata HEX   bytes repeated into each block's metadata (default 00);\n"    \
	"                        with PI and PRACT 0 the shell fills the PI tuple (guard\n"      \
	"                        over the data, the tags above), with PRACT 1 the controller.\n"\
	"read -M/--show-metadata   prints each block's metadata in hex (first 64 blocks).\n"     \
	"Without these options a namespace whose metadata is only the PI tuple is read and\n"  \
	"written with PRACT 1 (data only); other metadata formats need them (metadata is\n"    \
	"then zero-filled on write unless -M gives bytes).\n"

struct nvsh_pi {
	bool on;               /* the metadata path is used */
	bool show;             /* read: print metadata */
	uint8_t prinfo;
	bool ref_set;
	uint64_t ref;          /* of the range's first LBA */
	uint16_t app, mask;
	uint8_t mpat[16];
	unsigned mpat_len;
	uint64_t start;        /* the range's first LBA */
	uint64_t shown;        /* blocks whose metadata was printed */
	/* one chunk's data+metadata (extended) or metadata (separate) */
	uint8_t *x;
	uint64_t x_phys, x_pages;
	uint32_t x_blocks;     /* blocks x holds */
};

/* Parse the options for a read (write false) or write of r; usage errors
 * and refusals are printed (returns non-zero). */
int nvsh_pi_parse(struct shell_opt *opts, const struct nvsh_target *tg, const struct nvsh_range *r, bool write,
		  struct nvsh_pi *p);
/* One chunk: n blocks at lba, data in buf (n * lba_size). */
int nvsh_pi_io(struct nvsh_pi *p, struct nvme_ns *ns, struct nvme_qpair *q, bool write, uint64_t lba,
	       uint32_t n, uint8_t *buf);
void nvsh_pi_free(struct nvsh_pi *p);

#endif
