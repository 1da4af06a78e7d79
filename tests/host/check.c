/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check.c - runner of check.h.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define MAX_CLEANUPS 64

static const char *g_current = "";
static unsigned g_failures;
static char g_first[512];
static jmp_buf g_jmp;
static bool g_in_case;
static struct { void (*fn)(void *); void *arg; } g_cleanups[MAX_CLEANUPS];
static unsigned g_ncleanups;

void (*check_after_each)(void);

const char *check_current(void) { return g_current; }
unsigned check_failures(void) { return g_failures; }

void check_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[448];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	if (g_failures == 0)
		snprintf(g_first, sizeof(g_first), "%s:%d %s", base, line, msg);
	else
		fprintf(stderr, "  host/%s: also %s:%d %s\n", g_current, base, line, msg);
	g_failures++;
}

void check_abort_case(void)
{
	if (!g_in_case) {
		fprintf(stderr, "REQUIRE failed outside a test case\n");
		abort();
	}
	longjmp(g_jmp, 1);
}

void check_cleanup(void (*fn)(void *), void *arg)
{
	if (g_ncleanups == MAX_CLEANUPS) {
		fprintf(stderr, "too many cleanups in one test case\n");
		abort();
	}
	g_cleanups[g_ncleanups].fn = fn;
	g_cleanups[g_ncleanups].arg = arg;
	g_ncleanups++;
}

static void run_cleanups(void)
{
	while (g_ncleanups) {
		g_ncleanups--;
		g_cleanups[g_ncleanups].fn(g_cleanups[g_ncleanups].arg);
	}
}

/* setjmp lives in its own frame so the caller's locals are not clobbered */
static void run_guarded(void (*fn)(void))
{
	g_in_case = true;
	if (setjmp(g_jmp) == 0)
		fn();
	g_in_case = false;
}

int check_run(const struct check_test *tests, size_t n, int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	const char *prefix = getenv("CHECK_PREFIX");   /* "host/" unless set */
	if (!prefix)
		prefix = "host/";
	unsigned ran = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < n; i++) {
		if (filter && !strstr(tests[i].name, filter))
			continue;
		g_current = tests[i].name;
		g_failures = 0;
		g_first[0] = 0;
		run_guarded(tests[i].fn);
		if (check_after_each)
			run_guarded(check_after_each);
		run_cleanups();
		if (g_failures == 0)
			printf("PASS %s%s\n", prefix, g_current);
		else if (g_failures == 1)
			printf("FAIL %s%s: %s\n", prefix, g_current, g_first);
		else
			printf("FAIL %s%s: %s [+%u more]\n", prefix, g_current, g_first, g_failures - 1);
		fflush(stdout);
		ran++;
		g_current = "";
	}
	printf("# host-tests-complete %u\n", ran);
	fflush(stdout);
	return 0;
}
