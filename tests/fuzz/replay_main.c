/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replay_main.c - run fuzz_nvme.c's harness on input files without
 * libFuzzer (any compiler, with ASan/UBSan): the regression tests and the
 * seed corpus in `make test`. Prints one protocol line per file:
 *   PASS fuzz/<dir>/<file>   (a crash ends the process: run.sh reports it)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	const char *prefix = getenv("FUZZ_PREFIX") ? getenv("FUZZ_PREFIX") : "fuzz/";
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			printf("FAIL %s%s: cannot open\n", prefix, argv[i]);
			continue;
		}
		static uint8_t buf[1 << 20];
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		uint8_t *copy = malloc(n ? n : 1);   /* exact size: ASan sees overreads */
		if (!copy)
			return 1;
		memcpy(copy, buf, n);
		fprintf(stderr, "replay %s (%zu bytes)\n", argv[i], n);
		LLVMFuzzerTestOneInput(copy, n);
		free(copy);
		const char *name = strrchr(argv[i], '/');
		printf("PASS %s%s\n", prefix, name ? name + 1 : argv[i]);
		fflush(stdout);
	}
	return 0;
}
