/* SPDX-License-Identifier: BSD-2-Clause */
/* kunit_main.c - runs every KTEST (optionally only those whose name contains argv[1]). */
#include <stdlib.h>
#include <string.h>
#include "kunit.h"

struct ktest *ktest_list;
const char *ktest_failure;
char ktest_msg[256];

int main(int argc, char **argv)
{
	int failed = 0;
	const char *prefix = getenv("KUNIT_PREFIX"); /* "kunit/" unless set */
	if (!prefix)
		prefix = "kunit/";
	for (struct ktest *t = ktest_list; t; t = t->next) {
		if (argc > 1 && !strstr(t->name, argv[1]))
			continue;
		ktest_failure = NULL;
		t->fn();
		if (ktest_failure) {
			printf("FAIL %s%s: %s\n", prefix, t->name, ktest_failure);
			failed++;
		} else {
			printf("PASS %s%s\n", prefix, t->name);
		}
		fflush(stdout);
	}
	return failed ? 1 : 0;
}
