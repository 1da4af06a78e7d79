/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell.h - the nvmetk command shell and helpers for writing commands.
 *
 * Adding a command: in any kernel C file (kernel/shell_foo.c is picked up
 * by the Makefile's wildcard, no Makefile edit needed):
 *
 *     #include "shell.h"
 *     static int cmd_hello(int argc, char **argv)
 *     {
 *         if (argc != 2)
 *             return shell_usage_error("expected one NAME");
 *         kprintf("hello, %s\n", argv[1]);
 *         return SHELL_OK;
 *     }
 *     SHELL_COMMAND("hello", "hello NAME", "greet NAME", cmd_hello);
 *
 * The descriptor goes into the `shell_cmds` linker section; `help` lists all
 * commands sorted by name, `help hello` prints the usage, the summary and the
 * optional longer text given with SHELL_COMMAND_HELP().
 *
 * Command lines: commands are separated by ';'. Words are separated by
 * blanks; "double quotes" group words (inside them \" and \\ are escapes);
 * a word starting with '#' starts a comment. A syntax error (unterminated
 * quote, too many words) runs nothing from that line.
 *
 * Exit status: each command returns SHELL_OK (0) or nonzero. By default a
 * failing command does not stop the rest of a line or of the boot script;
 * after `set -e` the first failing command stops the line (interactive) or
 * ends the boot script with `exit <status>` (status capped at 127), so tests
 * get the failure as QEMU's exit status. `set +e` turns this off. `exit [N]`
 * ends everything (QEMU status (N << 1) | 1, see system.h).
 * An unknown command has status 127.
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHELL_OK 0
#define SHELL_ERR 1     /* the command ran and failed */
#define SHELL_USAGE 2   /* bad arguments; usage was printed */
#define SHELL_NOTFOUND 127

#define SHELL_LINE_MAX 256
#define SHELL_MAX_ARGS 32

typedef int (*shell_fn)(int argc, char **argv);

struct shell_command {
	const char *name;
	const char *usage;   /* one line: "lspci [-v] [-d VENDOR:DEVICE]" */
	const char *summary; /* one line for `help` */
	const char *help;    /* longer text for `help NAME`, or NULL */
	shell_fn fn;
	unsigned flags;      /* SHELL_CMD_* */
};

/* The command is an NVMe command: `nvme NAME ...` runs it too (nvme-cli
 * style prefix form, see kernel/shell_nvme.c). */
#define SHELL_CMD_NVME 0x1u

#define SHELL_COMMAND_FLAGS(name_, usage_, summary_, help_, fn_, flags_)                         \
	static const struct shell_command shell_cmd_desc_##fn_                                     \
		__attribute__((used, section("shell_cmds"), aligned(8))) = { name_, usage_,        \
									      summary_, help_, fn_, \
									      flags_ }
#define SHELL_COMMAND_HELP(name_, usage_, summary_, help_, fn_)                                  \
	SHELL_COMMAND_FLAGS(name_, usage_, summary_, help_, fn_, 0)
#define SHELL_COMMAND(name_, usage_, summary_, fn_) SHELL_COMMAND_HELP(name_, usage_, summary_, NULL, fn_)

/* ---- helpers for command implementations ---- */

/* Prints "error: <message>" and returns SHELL_ERR. */
int shell_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "error: <message>" then "usage: <usage line of the running
 * command>" and returns SHELL_USAGE. */
int shell_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Numbers: decimal ("4096"), hexadecimal with 0x/0X ("0x1000"), optionally
 * followed by one size suffix, each a power of 1024:
 *   k/K = 2^10, m/M = 2^20, g/G = 2^30, t/T = 2^40   ("4k" = 4096, "0x10M").
 * Rejects empty strings, signs, other trailing characters and values that do
 * not fit in 64 bits (also after the suffix). Returns true on success.
 */
bool parse_u64(const char *s, uint64_t *out);
/* Same, and the value must be <= 0xFFFFFFFF. */
bool parse_u32(const char *s, uint32_t *out);
/* Parses a number for argument `what`; on failure prints a usage error
 * ("bad number for WHAT: 'x'") and returns SHELL_USAGE, else SHELL_OK. */
int shell_arg_u64(const char *what, const char *s, uint64_t *out);

/*
 * Option parser. Describe options in an array ended by an entry with
 * name == NULL and short_name == 0:
 *
 *     struct shell_opt opts[] = {
 *         { .name = "count", .short_name = 'c', .takes_value = true },
 *         { .name = "yes" },
 *         { 0 },
 *     };
 *     char *pos[4]; int npos;
 *     int rc = shell_getopt(argc, argv, opts, pos, 4, &npos);
 *     if (rc) return rc;
 *
 * Accepted forms: --count 5, --count=5, -c 5, -c5, --yes (flag), "--" ends
 * options. A word "-" or a negative-looking number ("-1") is positional.
 * Results: opts[i].set, opts[i].value (NULL for flags). A repeated option
 * keeps the last value. Errors (unknown option, missing value, value given
 * to a flag, more than max_pos positional arguments) print a usage error and
 * return SHELL_USAGE; success returns SHELL_OK. A command without positional
 * arguments passes pos NULL, max_pos 0 and npos NULL.
 */
struct shell_opt {
	const char *name;   /* long name without "--", or NULL */
	char short_name;    /* single letter, or 0 */
	bool takes_value;
	bool set;           /* out */
	const char *value;  /* out */
};
int shell_getopt(int argc, char **argv, struct shell_opt *opts, char **pos, int max_pos, int *npos);
/* If the option was given, parses its value into *out (else leaves *out);
 * returns SHELL_OK or a usage error. */
int shell_opt_u64(const struct shell_opt *o, uint64_t *out);

/* Prints prompt, reads a line; true only if the answer is exactly "yes". */
bool shell_confirm(const char *prompt);

/* Line editor: backspace, Delete, Left/Right, Home/End (also Ctrl-A/E),
 * Up/Down history, Ctrl-U/Ctrl-K kill, Ctrl-L clear, Tab completes command
 * names. Returns the length, or -1 if the line was cancelled with Ctrl-C. */
int shell_readline(const char *prompt, char *buf, size_t size, bool use_history);

/*
 * Idle hook: while the interactive prompt waits for a key, fn is called in
 * the wait loop (often: it must limit its own rate and return quickly). If
 * it prints anything, the line being edited is cleared first and redrawn
 * (prompt, text, cursor) afterwards, so the output appears on lines of its
 * own. Not called at confirmation prompts or while a command runs. The
 * NVMe glue uses it to poll for asynchronous events (nvme_port.h).
 */
void shell_set_idle_hook(void (*fn)(void));
/* Status of the last line typed at the prompt (its last command's; 0 before
 * any and after an empty line); `status` prints it. */
int shell_last_status(void);

/* Runs one already split command (argv[0] is its name) as the dispatcher
 * does: unknown names print the error and return SHELL_NOTFOUND; usage errors
 * inside name the command run. For prefix commands such as `nvme list`. */
int shell_run_argv(int argc, char **argv);

/* Runs one command line; returns the status of the last command run. When
 * echo is true each command is printed as "run> CMD" before it runs. */
int shell_run_line(const char *line, bool echo);
/* The boot script (kernel command line run="..."): echoed, with `set -e`
 * semantics as described above. Returns when the script is done. */
void shell_run_script(const char *script);
/* The interactive shell: prompt "nvmetk> " on every console; never returns. */
__attribute__((noreturn)) void shell_main(void);

/* Iterates over registered commands (unsorted). */
int shell_command_count(void);
const struct shell_command *shell_command_at(int i);
const struct shell_command *shell_find_command(const char *name);

/* `set -e` state. */
extern bool shell_errexit;

#define SHELL_PROMPT "nvmetk> "

#endif
