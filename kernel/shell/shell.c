/* SPDX-License-Identifier: BSD-2-Clause */
/* shell.c - line editor, command line parser, dispatcher and helpers. */
#include <stdarg.h>
#include "shell.h"
#include "platform.h"
#include "kstring.h"

extern const struct shell_command __start_shell_cmds[], __stop_shell_cmds[];

bool shell_errexit;
static const struct shell_command *current;

int shell_command_count(void) { return (int)(__stop_shell_cmds - __start_shell_cmds); }

const struct shell_command *shell_command_at(int i)
{
	return (i >= 0 && i < shell_command_count()) ? &__start_shell_cmds[i] : NULL;
}

const struct shell_command *shell_find_command(const char *name)
{
	for (int i = 0; i < shell_command_count(); i++)
		if (strcmp(__start_shell_cmds[i].name, name) == 0)
			return &__start_shell_cmds[i];
	return NULL;
}

/* ------------------------------------------------------------ errors */

/* "error: <message>\n" */
static void print_error(const char *fmt, va_list ap)
{
	kprintf("error: ");
	kvprintf(fmt, ap);
	kprintf("\n");
}

int shell_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_error(fmt, ap);
	va_end(ap);
	return SHELL_ERR;
}

int shell_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_error(fmt, ap);
	va_end(ap);
	if (current)
		kprintf("usage: %s\n", current->usage);
	return SHELL_USAGE;
}

/* ------------------------------------------------------------ numbers */

bool parse_u64(const char *s, uint64_t *out)
{
	if (!s || !*s)
		return false;
	unsigned base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	uint64_t v = 0;
	int ndigits = 0;
	for (; *s; s++, ndigits++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return false; /* overflow */
		v = v * base + (uint64_t)d;
	}
	if (ndigits == 0)
		return false;
	if (*s) {
		unsigned shift;
		switch (*s) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		case 't': case 'T': shift = 40; break;
		default: return false;
		}
		if (s[1])
			return false;
		if (v > (UINT64_MAX >> shift))
			return false;
		v <<= shift;
	}
	*out = v;
	return true;
}

bool parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	if (!parse_u64(s, &v) || v > 0xFFFFFFFFull)
		return false;
	*out = (uint32_t)v;
	return true;
}

int shell_arg_u64(const char *what, const char *s, uint64_t *out)
{
	if (!parse_u64(s, out))
		return shell_usage_error("bad number for %s: '%s'", what, s ? s : "");
	return SHELL_OK;
}

/* ------------------------------------------------------------ options */

static struct shell_opt *find_long(struct shell_opt *opts, const char *name, size_t len)
{
	for (struct shell_opt *o = opts; o->name || o->short_name; o++)
		if (o->name && strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static struct shell_opt *find_short(struct shell_opt *opts, char c)
{
	for (struct shell_opt *o = opts; o->name || o->short_name; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

int shell_getopt(int argc, char **argv, struct shell_opt *opts, char **pos, int max_pos, int *npos)
{
	int n = 0;
	if (npos)
		*npos = 0;
	for (struct shell_opt *o = opts; o->name || o->short_name; o++) {
		o->set = false;
		o->value = NULL;
	}
	bool only_pos = false;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		bool is_opt = !only_pos && a[0] == '-' && a[1] && !k_isdigit(a[1]);
		if (!only_pos && strcmp(a, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (!is_opt) {
			if (n >= max_pos)
				return shell_usage_error("too many arguments (at '%s')", a);
			pos[n++] = a;
			if (npos)
				*npos = n;
			continue;
		}
		struct shell_opt *o;
		const char *inline_val = NULL;
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			if (len == 0) /* "--=..." (a bare "--" ends the options above) */
				return shell_usage_error("option '%s' has no name (expected --NAME or --NAME=VALUE)",
							 a);
			o = find_long(opts, name, len);
			if (!o)
				return shell_usage_error("unknown option '%.*s'", (int)(len + 2), a);
			if (eq)
				inline_val = eq + 1;
		} else {
			o = find_short(opts, a[1]);
			if (!o)
				return shell_usage_error("unknown option '-%c'", a[1]);
			if (a[2]) {
				if (!o->takes_value)
					return shell_usage_error("option '-%c' takes no value (got '%s')", a[1], a);
				inline_val = a + 2;
			}
		}
		if (o->takes_value) {
			if (!inline_val) {
				if (i + 1 >= argc)
					return shell_usage_error("option '%s' needs a value", a);
				inline_val = argv[++i];
			}
			o->value = inline_val;
		} else if (inline_val) {
			return shell_usage_error("option '--%s' takes no value", o->name ? o->name : "?");
		}
		o->set = true;
	}
	return SHELL_OK;
}

int shell_opt_u64(const struct shell_opt *o, uint64_t *out)
{
	if (!o->set)
		return SHELL_OK;
	if (!parse_u64(o->value, out)) {
		if (o->name)
			return shell_usage_error("bad number for --%s: '%s'", o->name, o->value);
		return shell_usage_error("bad number for -%c: '%s'", o->short_name, o->value);
	}
	return SHELL_OK;
}

/* ------------------------------------------------------------ line editor */

#define HIST_MAX 32
static char history[HIST_MAX][SHELL_LINE_MAX];
static int hist_count; /* total lines ever added; slot = n % HIST_MAX */

static void history_add(const char *line)
{
	if (!line[0])
		return;
	if (hist_count && strcmp(history[(hist_count - 1) % HIST_MAX], line) == 0)
		return;
	strlcpy(history[hist_count % HIST_MAX], line, SHELL_LINE_MAX);
	hist_count++;
}

void shell_history_print(void);
void shell_history_print(void)
{
	int first = hist_count > HIST_MAX ? hist_count - HIST_MAX : 0;
	for (int i = first; i < hist_count; i++)
		kprintf("%4d  %s\n", i + 1, history[i % HIST_MAX]);
}

static void redraw(const char *prompt, const char *buf, size_t len, size_t cur)
{
	kprintf("\r%s%.*s\x1b[K", prompt, (int)len, buf);
	if (len > cur)
		kprintf("\x1b[%uD", (unsigned)(len - cur));
}

/* Tab: complete a command name when the cursor is in the first word. */
static void complete(const char *prompt, char *buf, size_t size, size_t *len, size_t *cur)
{
	for (size_t i = 0; i < *cur; i++)
		if (buf[i] == ' ' || buf[i] == ';')
			return;
	const struct shell_command *match = NULL;
	int nmatch = 0;
	for (int i = 0; i < shell_command_count(); i++) {
		const struct shell_command *c = shell_command_at(i);
		if (strncmp(c->name, buf, *cur) == 0) {
			match = c;
			nmatch++;
		}
	}
	if (nmatch == 1) {
		size_t nl = strlen(match->name);
		size_t tail = *len - *cur;
		if (nl + 1 + tail >= size)
			return;
		memmove(buf + nl + 1, buf + *cur, tail);
		memcpy(buf, match->name, nl);
		buf[nl] = ' ';
		*len = nl + 1 + tail;
		*cur = nl + 1;
	} else if (nmatch > 1) {
		kprintf("\n");
		for (int i = 0; i < shell_command_count(); i++) {
			const struct shell_command *c = shell_command_at(i);
			if (strncmp(c->name, buf, *cur) == 0)
				kprintf("%s  ", c->name);
		}
		kprintf("\n");
	}
	redraw(prompt, buf, *len, *cur);
}

static void (*idle_hook)(void);
static bool idle_printed;

void shell_set_idle_hook(void (*fn)(void)) { idle_hook = fn; }

static void idle_clear_line(void)
{
	idle_printed = true;
	console_write("\r\x1b[K", 4);
}

/* Runs the idle hook; redraws the line if it printed anything. */
static void run_idle(const char *prompt, const char *buf, size_t len, size_t cur)
{
	idle_printed = false;
	console_set_output_hook(idle_clear_line);
	idle_hook();
	console_set_output_hook(NULL);
	if (idle_printed)
		redraw(prompt, buf, len, cur);
}

int shell_readline(const char *prompt, char *buf, size_t size, bool use_history)
{
	size_t len = 0, cur = 0;
	int hpos = hist_count; /* == hist_count: the line being edited */
	char saved[SHELL_LINE_MAX];
	int oldest = hist_count > HIST_MAX ? hist_count - HIST_MAX : 0;

	if (size < 2)
		return -1;
	saved[0] = 0;
	buf[0] = 0;
	kprintf("%s", prompt);
	for (;;) {
		int c = console_trygetc();
		if (c < 0) {
			/* the main prompt only (history on), not confirmations */
			if (use_history && idle_hook)
				run_idle(prompt, buf, len, cur);
			__asm__ volatile("pause");
			continue;
		}
		switch (c) {
		case '\n':
		case '\r':
			buf[len] = 0;
			kprintf("\n");
			if (use_history)
				history_add(buf);
			return (int)len;
		case KEY_CTRL('c'):
			kprintf("^C\n");
			buf[0] = 0;
			return -1;
		case '\b':
		case 0x7f:
			if (cur > 0) {
				memmove(buf + cur - 1, buf + cur, len - cur);
				cur--;
				len--;
				redraw(prompt, buf, len, cur);
			}
			break;
		case KEY_DELETE:
		case KEY_CTRL('d'):
			if (cur < len) {
				memmove(buf + cur, buf + cur + 1, len - cur - 1);
				len--;
				redraw(prompt, buf, len, cur);
			}
			break;
		case KEY_LEFT:
		case KEY_CTRL('b'):
			if (cur > 0) {
				cur--;
				kprintf("\x1b[D");
			}
			break;
		case KEY_RIGHT:
		case KEY_CTRL('f'):
			if (cur < len) {
				cur++;
				kprintf("\x1b[C");
			}
			break;
		case KEY_HOME:
		case KEY_CTRL('a'):
			cur = 0;
			redraw(prompt, buf, len, cur);
			break;
		case KEY_END:
		case KEY_CTRL('e'):
			cur = len;
			redraw(prompt, buf, len, cur);
			break;
		case KEY_CTRL('u'):
			memmove(buf, buf + cur, len - cur);
			len -= cur;
			cur = 0;
			redraw(prompt, buf, len, cur);
			break;
		case KEY_CTRL('k'):
			len = cur;
			redraw(prompt, buf, len, cur);
			break;
		case KEY_CTRL('l'):
			kprintf("\x1b[2J\x1b[H");
			redraw(prompt, buf, len, cur);
			break;
		case KEY_UP:
		case KEY_CTRL('p'):
		case KEY_DOWN:
		case KEY_CTRL('n'): {
			if (!use_history)
				break;
			bool up = c == KEY_UP || c == KEY_CTRL('p');
			int np = up ? hpos - 1 : hpos + 1;
			if (np < oldest || np > hist_count)
				break;
			if (hpos == hist_count) { /* leaving the edited line: keep it */
				buf[len] = 0;
				strlcpy(saved, buf, sizeof(saved));
			}
			hpos = np;
			const char *src = hpos == hist_count ? saved : history[hpos % HIST_MAX];
			len = strlcpy(buf, src, size);
			if (len >= size)
				len = size - 1;
			cur = len;
			redraw(prompt, buf, len, cur);
			break;
		}
		case '\t':
			complete(prompt, buf, size, &len, &cur);
			break;
		default:
			if (c < 0x20 || c >= 0x7f)
				break; /* other control keys and non-ASCII are ignored */
			if (len + 1 >= size) {
				kprintf("\a");
				break;
			}
			memmove(buf + cur + 1, buf + cur, len - cur);
			buf[cur] = (char)c;
			len++;
			cur++;
			if (cur == len)
				console_putc((char)c);
			else
				redraw(prompt, buf, len, cur);
			break;
		}
	}
}

bool shell_confirm(const char *prompt)
{
	char line[16];
	kprintf("%s [type 'yes' to continue]: ", prompt);
	int n = shell_readline("", line, sizeof(line), false);
	return n == 3 && strcmp(line, "yes") == 0;
}

/* ------------------------------------------------------------ parsing */

#define MAX_CMDS 32

struct parsed_cmd {
	int argc;
	char *argv[SHELL_MAX_ARGS + 1];
	size_t src_start, src_end; /* the command's text in the original line */
};

struct parsed_line {
	int ncmds;
	struct parsed_cmd cmds[MAX_CMDS];
};

/* Splits buf (modified in place) into commands and words. Returns 0, or -1
 * after printing a syntax error. */
static int split_line(char *buf, struct parsed_line *pl)
{
	char *r = buf, *w = buf;
	struct parsed_cmd *pc = &pl->cmds[0];
	pl->ncmds = 0;
	pc->argc = 0;
	pc->src_start = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '#')
			while (*r)
				r++;
		if (*r == 0 || *r == ';') {
			char delim = *r;
			if (pc->argc > 0) {
				pc->argv[pc->argc] = NULL;
				pc->src_end = (size_t)(r - buf);
				pl->ncmds++;
				if (!delim)
					return 0;
				if (pl->ncmds >= MAX_CMDS) {
					kprintf("error: more than %d commands on one line\n", MAX_CMDS);
					return -1;
				}
				pc = &pl->cmds[pl->ncmds];
				pc->argc = 0;
			}
			if (!delim)
				return 0;
			r++;
			pc->src_start = (size_t)(r - buf);
			continue;
		}
		if (pc->argc >= SHELL_MAX_ARGS) {
			kprintf("error: more than %d words in one command\n", SHELL_MAX_ARGS);
			return -1;
		}
		char *word = w;
		while (*r && *r != ' ' && *r != '\t' && *r != ';') {
			if (*r == '"') {
				r++;
				while (*r && *r != '"') {
					if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
						r++;
					*w++ = *r++;
				}
				if (*r != '"') {
					kprintf("error: unterminated quote\n");
					return -1;
				}
				r++;
			} else {
				*w++ = *r++;
			}
		}
		char delim = *r;
		*w++ = 0; /* may overwrite the delimiter: it was saved */
		pc->argv[pc->argc++] = word;
		if (delim == 0) {
			pc->argv[pc->argc] = NULL;
			pc->src_end = (size_t)(r - buf);
			pl->ncmds++;
			return 0;
		}
		if (delim == ';') {
			pc->argv[pc->argc] = NULL;
			pc->src_end = (size_t)(r - buf);
			if (++pl->ncmds >= MAX_CMDS) {
				kprintf("error: more than %d commands on one line\n", MAX_CMDS);
				return -1;
			}
			pc = &pl->cmds[pl->ncmds];
			pc->argc = 0;
			pc->src_start = (size_t)(r + 1 - buf);
		}
		r++;
	}
}

static int run_command(int argc, char **argv)
{
	const struct shell_command *c = shell_find_command(argv[0]);
	if (!c) {
		kprintf("error: unknown command '%s' (type 'help' for a list)\n", argv[0]);
		return SHELL_NOTFOUND;
	}
	const struct shell_command *saved = current;
	current = c;
	int rc = c->fn(argc, argv);
	current = saved;
	return rc;
}

int shell_run_argv(int argc, char **argv)
{
	if (argc < 1 || !argv[0])
		return SHELL_USAGE;
	return run_command(argc, argv);
}

/* Runs a line; *stopped is set if `set -e` stopped it. */
static int run_line(const char *line, bool echo, bool *stopped)
{
	static char buf[SHELL_LINE_MAX * 4];
	static struct parsed_line pl;
	char orig[SHELL_LINE_MAX * 4];

	*stopped = false;
	if (strlen(line) >= sizeof(buf)) {
		kprintf("error: line too long (max %u characters)\n", (unsigned)sizeof(buf) - 1);
		return SHELL_USAGE;
	}
	strlcpy(orig, line, sizeof(orig));
	strlcpy(buf, line, sizeof(buf));
	if (split_line(buf, &pl) < 0)
		return SHELL_USAGE;
	/* split_line reuses buf; keep private copies of the words so a
	 * command may run another line (nested shell_run_line). */
	int ncmds = pl.ncmds;
	struct parsed_line local = pl;
	char words[SHELL_LINE_MAX * 4];
	memcpy(words, buf, sizeof(words));
	int rc = SHELL_OK;
	for (int i = 0; i < ncmds; i++) {
		struct parsed_cmd *pc = &local.cmds[i];
		char *argv[SHELL_MAX_ARGS + 1];
		for (int a = 0; a < pc->argc; a++)
			argv[a] = words + (pc->argv[a] - buf);
		argv[pc->argc] = NULL;
		if (echo) {
			size_t s = pc->src_start, e = pc->src_end;
			while (s < e && (orig[s] == ' ' || orig[s] == '\t'))
				s++;
			while (e > s && (orig[e - 1] == ' ' || orig[e - 1] == '\t'))
				e--;
			kprintf("run> %.*s\n", (int)(e - s), orig + s);
		}
		rc = run_command(pc->argc, argv);
		if (rc != SHELL_OK && shell_errexit) {
			*stopped = true;
			kprintf("set -e: '%s' failed with status %d; stopping\n", argv[0], rc);
			return rc;
		}
	}
	return rc;
}

int shell_run_line(const char *line, bool echo)
{
	bool stopped;
	return run_line(line, echo, &stopped);
}

void shell_run_script(const char *script)
{
	bool stopped;
	kprintf("running boot script: %s\n", script);
	int rc = run_line(script, true, &stopped);
	if (stopped) {
		int code = rc > 127 ? 127 : rc;
		kprintf("boot script failed: exit %d\n", code);
		system_shutdown_devices();
		system_exit(code);
	}
	kprintf("boot script done (last status %d)\n", rc);
}

static int last_status;

int shell_last_status(void) { return last_status; }

void shell_main(void)
{
	char line[SHELL_LINE_MAX];
	kprintf("Type 'help' for a list of commands.\n");
	for (;;) {
		int n = shell_readline(SHELL_PROMPT, line, sizeof(line), true);
		if (n <= 0) {
			last_status = SHELL_OK; /* an empty line succeeds */
			continue;
		}
		last_status = shell_run_line(line, false);
	}
}
