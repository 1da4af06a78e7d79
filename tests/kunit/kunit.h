/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kunit.h - the smallest test framework for host unit tests of kernel code.
 *
 *   KTEST(name) { ... KCHECK(cond); ... }   registers a case
 *
 * A case passes when no KCHECK failed; the runner prints
 * "PASS kunit/<name>" or "FAIL kunit/<name>: <file>:<line>: <condition>".
 */
#ifndef KUNIT_H
#define KUNIT_H

#include <stdio.h>

struct ktest {
	const char *name;
	void (*fn)(void);
	struct ktest *next;
};

extern struct ktest *ktest_list;
extern const char *ktest_failure;
extern char ktest_msg[256];

#define KTEST(name_)                                                                 \
	static void ktest_fn_##name_(void);                                          \
	static struct ktest ktest_desc_##name_ = { #name_, ktest_fn_##name_, NULL };  \
	__attribute__((constructor)) static void ktest_reg_##name_(void)             \
	{                                                                            \
		struct ktest **p = &ktest_list;                                      \
		while (*p)                                                           \
			p = &(*p)->next;                                             \
		*p = &ktest_desc_##name_;                                            \
	}                                                                            \
	static void ktest_fn_##name_(void)

#define KCHECK(cond)                                                                        \
	do {                                                                                \
		if (!(cond) && !ktest_failure) {                                            \
			snprintf(ktest_msg, sizeof(ktest_msg), "%s:%d: %s", __FILE__, __LINE__, \
				 #cond);                                                    \
			ktest_failure = ktest_msg;                                          \
		}                                                                           \
	} while (0)

#endif
