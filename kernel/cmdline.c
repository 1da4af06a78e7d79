/* SPDX-License-Identifier: BSD-2-Clause */
/* cmdline.c - kernel command line parser (see cmdline.h). */
#include "cmdline.h"
#include "bootinfo.h"
#include "kstring.h"

#define MAX_ARGS 32

static char raw[BOOT_CMDLINE_MAX];
static char store[BOOT_CMDLINE_MAX * 2];
static const char *keys[MAX_ARGS], *vals[MAX_ARGS];
static int nargs;

/* Copies one word from *pp into store with quotes removed: "..." (with \"
 * and \\ escapes) and '...' may appear anywhere in the word, so both
 * run="a b" and GRUB's re-quoted "run=a b" give run=a b. Returns the start of
 * the copy; *eq_at is set to the offset of the first unquoted '=' or -1. */
static char *copy_word(const char **pp, size_t *out, long *eq_at)
{
	const char *p = *pp;
	char *start = &store[*out];
	size_t o = *out;
	*eq_at = -1;
	while (*p && *p != ' ' && *p != '\t' && o < sizeof(store) - 1) {
		if (*p == '"') {
			p++;
			while (*p && *p != '"' && o < sizeof(store) - 1) {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				store[o++] = *p++;
			}
			if (*p == '"')
				p++;
		} else if (*p == '\'') {
			p++;
			while (*p && *p != '\'' && o < sizeof(store) - 1)
				store[o++] = *p++;
			if (*p == '\'')
				p++;
		} else {
			if (*p == '=' && *eq_at < 0)
				*eq_at = (long)(&store[o] - start);
			store[o++] = *p++;
		}
	}
	/* A quoted key=value ("run=a b") has its '=' inside the quotes. */
	if (*eq_at < 0)
		for (size_t i = *out; i < o; i++)
			if (store[i] == '=') {
				*eq_at = (long)(i - *out);
				break;
			}
	store[o++] = 0;
	*out = o;
	*pp = p;
	return start;
}

void cmdline_init(const char *line)
{
	strlcpy(raw, line ? line : "", sizeof(raw));
	nargs = 0;
	size_t out = 0;
	const char *p = raw;
	while (*p && nargs < MAX_ARGS && out < sizeof(store) - 2) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		long eq;
		char *word = copy_word(&p, &out, &eq);
		const char *val = "";
		if (eq >= 0) {
			word[eq] = 0;
			val = word + eq + 1;
		}
		if (word[0] == '/' && eq < 0)
			continue; /* a loader that passes the kernel path first */
		keys[nargs] = word;
		vals[nargs] = val;
		nargs++;
	}
}

const char *cmdline_get(const char *key)
{
	for (int i = nargs - 1; i >= 0; i--)
		if (strcmp(keys[i], key) == 0)
			return vals[i];
	return NULL;
}

const char *cmdline_raw(void) { return raw; }
