/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mkfwimage.c - host tool: writes the nvmetk firmware test image
 * (kernel/nvme_fwimage.h) that the ISO carries as the Multiboot2 module
 * fw-test.bin.
 *
 *   mkfwimage SIZE SEED OUTPUT
 */
#include <stdio.h>
#include <stdlib.h>
#include "nvme_fwimage.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: mkfwimage SIZE SEED OUTPUT\n");
		return 2;
	}
	char *end;
	unsigned long long size = strtoull(argv[1], &end, 0);
	if (*end || size < FWIMAGE_HEADER_SIZE || size % 4 || size > 64ull << 20) {
		fprintf(stderr, "mkfwimage: bad SIZE '%s' (a multiple of 4, %u..64 MiB)\n", argv[1],
			FWIMAGE_HEADER_SIZE);
		return 2;
	}
	unsigned long long seed = strtoull(argv[2], &end, 0);
	if (*end) {
		fprintf(stderr, "mkfwimage: bad SEED '%s'\n", argv[2]);
		return 2;
	}
	unsigned char *buf = malloc(size);
	if (!buf || !fwimage_generate(buf, size, seed)) {
		fprintf(stderr, "mkfwimage: cannot build the image\n");
		return 1;
	}
	FILE *f = fopen(argv[3], "wb");
	if (!f || fwrite(buf, 1, size, f) != size || fclose(f) != 0) {
		perror(argv[3]);
		return 1;
	}
	free(buf);
	return 0;
}
