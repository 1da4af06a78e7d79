/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check.h - a tiny assertion framework for the host tests.
 *
 * Each test case is a function; check_run() runs them in order and prints
 * exactly one line per case (docs/DEVELOPING.md):
 *     PASS host/<name>
 *     FAIL host/<name>: <file:line> <expression> (<values>) [+N more]
 * ("host/" is replaced by $CHECK_PREFIX when set, e.g. "host/clang/").
 * A failed CHECK records the failure and the test goes on; REQUIRE stops
 * the test case (the rest of the binary still runs). Cleanups registered
 * with check_cleanup() run after every case, passed or not, in reverse
 * order. The binary ends with the line "# host-tests-complete <n>" and exit
 * status 0 whether or not cases failed: any other ending (crash, sanitizer
 * abort, timeout) is turned into a FAIL line by run_test.sh.
 */
#ifndef CHECK_H
#define CHECK_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

struct check_test {
	const char *name;
	void (*fn)(void);
};

#define CHECK_TEST(fn) { #fn, fn }

void check_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void check_abort_case(void) __attribute__((noreturn));
void check_cleanup(void (*fn)(void *), void *arg);
/* Name of the running case ("" outside). */
const char *check_current(void);
/* Failures so far in the running case. */
unsigned check_failures(void);
/* Hook run after every case, before its cleanups (may call CHECK). */
extern void (*check_after_each)(void);

/* Run the cases whose name contains argv[1] (all when absent). */
int check_run(const struct check_test *tests, size_t n, int argc, char **argv);

#define CHECK(e) \
	do { if (!(e)) check_fail(__FILE__, __LINE__, "%s", #e); } while (0)
#define CHECK_MSG(e, ...) \
	do { if (!(e)) check_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define CHECK_EQ(a, b) \
	do { long long a_ = (long long)(a), b_ = (long long)(b); \
	     if (a_ != b_) check_fail(__FILE__, __LINE__, "%s == %s (%lld != %lld)", #a, #b, a_, b_); } while (0)
#define CHECK_NE(a, b) \
	do { long long a_ = (long long)(a), b_ = (long long)(b); \
	     if (a_ == b_) check_fail(__FILE__, __LINE__, "%s != %s (both %lld)", #a, #b, a_); } while (0)
#define CHECK_EQX(a, b) \
	do { unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
	     if (a_ != b_) check_fail(__FILE__, __LINE__, "%s == %s (%#llx != %#llx)", #a, #b, a_, b_); } while (0)
#define CHECK_LE(a, b) \
	do { unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
	     if (!(a_ <= b_)) check_fail(__FILE__, __LINE__, "%s <= %s (%llu > %llu)", #a, #b, a_, b_); } while (0)
#define CHECK_MEM(a, b, n) \
	do { if (memcmp((a), (b), (n)) != 0) check_fail(__FILE__, __LINE__, "memcmp(%s, %s, %s) != 0", #a, #b, #n); } while (0)
#define REQUIRE(e) \
	do { if (!(e)) { check_fail(__FILE__, __LINE__, "%s", #e); check_abort_case(); } } while (0)
#define REQUIRE_EQ(a, b) \
	do { long long a_ = (long long)(a), b_ = (long long)(b); \
	     if (a_ != b_) { check_fail(__FILE__, __LINE__, "%s == %s (%lld != %lld)", #a, #b, a_, b_); \
			      check_abort_case(); } } while (0)

#endif /* CHECK_H */
