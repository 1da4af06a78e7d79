/* SPDX-License-Identifier: BSD-2-Clause */
/* shell_builtin.c - general shell commands. */
#include "shell.h"
#include "platform.h"
#include "version.h"
#include "kstring.h"

void shell_history_print(void);

static int cmd_help(int argc, char **argv)
{
	if (argc > 2)
		return shell_usage_error("too many arguments");
	if (argc == 2) {
		const struct shell_command *c = shell_find_command(argv[1]);
		if (!c)
			return shell_error("no command '%s' (type 'help' for a list)", argv[1]);
		kprintf("usage: %s\n  %s\n", c->usage, c->summary);
		if (c->help)
			kprintf("\n%s\n", c->help);
		return SHELL_OK;
	}
	/* Sorted by name (insertion sort of pointers; the list is short). */
	const struct shell_command *sorted[256];
	int n = 0;
	for (int i = 0; i < shell_command_count() && n < 256; i++) {
		const struct shell_command *c = shell_command_at(i);
		int j = n++;
		while (j > 0 && strcmp(sorted[j - 1]->name, c->name) > 0) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = c;
	}
	kprintf("Commands (type 'help NAME' for details; separate commands with ';'):\n");
	for (int i = 0; i < n; i++) {
		/* Usage and summary on one line; a long usage gets the summary on
		 * the next line, aligned. */
		if (strlen(sorted[i]->usage) <= 34)
			kprintf("  %-34s %s\n", sorted[i]->usage, sorted[i]->summary);
		else
			kprintf("  %s\n  %-34s %s\n", sorted[i]->usage, "", sorted[i]->summary);
	}
	kprintf("Numbers: decimal, 0x hex, suffix k/M/G/T = *1024^n (e.g. 4k, 0x10M).\n");
	return SHELL_OK;
}
SHELL_COMMAND_HELP("help", "help [COMMAND]", "list commands, or show one command's usage",
		   "Without an argument, lists every command with its usage line and a summary.\n"
		   "With COMMAND, prints its usage and any longer description.",
		   cmd_help);

static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		kprintf("%s%s", i > 1 ? " " : "", argv[i]);
	kprintf("\n");
	return SHELL_OK;
}
SHELL_COMMAND("echo", "echo [WORD...]", "print the words", cmd_echo);

static int cmd_status(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return shell_usage_error("no arguments expected");
	int rc = shell_last_status();
	kprintf("status %d\n", rc);
	return rc; /* so that `status` again prints the same */
}
SHELL_COMMAND_HELP("status", "status", "print the exit status of the previous line typed at the prompt",
		   "0: success, 1: the command failed, 2: bad arguments (usage printed), 127: unknown\n"
		   "command. For a line of several commands, the last one's; an empty line is 0.\n"
		   "The shell fuzzer"
		   " (tests/qemu/shell_fuzz.py) checks that every nonzero status came with\n"
		   "'error:'.",
		   cmd_status);

/*
 * exit, poweroff and reboot: parse --no-shutdown and, for exit (code not
 * NULL), an optional CODE 0..127; then, unless --no-shutdown, shut the
 * devices down (system_shutdown_devices(): every NVMe controller flushed and
 * CC.SHN, one line each). A bad line returns its usage error before
 * anything is shut down.
 */
static int end_args(int argc, char **argv, uint64_t *code)
{
	struct shell_opt opts[] = { { .name = "no-shutdown" }, { 0 } };
	char *pos[1];
	int npos;
	int rc = shell_getopt(argc, argv, opts, pos, code ? 1 : 0, &npos);
	if (rc)
		return rc;
	if (code && npos == 1) {
		rc = shell_arg_u64("CODE", pos[0], code);
		if (rc)
			return rc;
		if (*code > 127)
			return shell_usage_error("CODE must be 0..127, got %llu", (unsigned long long)*code);
	}
	if (!opts[0].set)
		system_shutdown_devices();
	return SHELL_OK;
}

#define NO_SHUTDOWN_HELP                                                                   \
	"Before that every attached NVMe controller is shut down: a Flush where Identify\n" \
	"VWC reports a volatile write cache, then CC.SHN normal shutdown (bounded by\n"     \
	"RTD3E or CAP.TO; abrupt shutdown on timeout), one line per controller.\n"         \
	"--no-shutdown skips that (an abrupt stop, as a power cut: the drive counts an\n"  \
	"unsafe shutdown)."

static int cmd_exit(int argc, char **argv)
{
	uint64_t code = 0;
	int rc = end_args(argc, argv, &code);
	if (rc)
		return rc;
	kprintf("exit %llu\n", (unsigned long long)code);
	system_exit((int)code);
}
SHELL_COMMAND_HELP("exit", "exit [CODE] [--no-shutdown]", "end the session (QEMU exits with status CODE*2+1)",
		   "Writes CODE (0..127, default 0) to QEMU's isa-debug-exit port 0xf4; QEMU then\n"
		   "exits with status (CODE << 1) | 1. Without that device the system halts.\n"
		   NO_SHUTDOWN_HELP,
		   cmd_exit);

static int cmd_poweroff(int argc, char **argv)
{
	int rc = end_args(argc, argv, NULL);
	if (rc)
		return rc;
	kprintf("powering off\n");
	system_poweroff();
}
SHELL_COMMAND_HELP("poweroff", "poweroff [--no-shutdown]", "power off (QEMU: exit status 1, i.e. code 0)",
		   "Under QEMU with isa-debug-exit this is 'exit 0'. Otherwise it uses ACPI S5\n"
		   "(FADT PM1 control with the DSDT's \\_S5 values), and halts if that fails.\n"
		   NO_SHUTDOWN_HELP,
		   cmd_poweroff);

static int cmd_reboot(int argc, char **argv)
{
	int rc = end_args(argc, argv, NULL);
	if (rc)
		return rc;
	kprintf("rebooting\n");
	system_reboot();
}
SHELL_COMMAND_HELP("reboot", "reboot [--no-shutdown]", "reset the machine (ACPI reset register, keyboard controller, 0xCF9, triple fault)",
		   "Resets through the ACPI FADT reset register when the firmware offers one, then the\n"
		   "keyboard controller, then port 0xCF9, then a triple fault.\n"
		   NO_SHUTDOWN_HELP,
		   cmd_reboot);

static int cmd_uptime(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return shell_usage_error("no arguments expected");
	uint64_t us = time_now_us();
	kprintf("up %llu.%06llu s (TSC %llu Hz, %s, %s)\n", (unsigned long long)(us / 1000000),
		(unsigned long long)(us % 1000000), (unsigned long long)time_tsc_hz(), time_source(),
		time_tsc_invariant() ? "invariant" : "not invariant");
	return SHELL_OK;
}
SHELL_COMMAND_HELP("uptime", "uptime", "time since kernel entry and the TSC frequency",
		   "Prints the time since kernel entry, the TSC rate, the source it was taken\n"
		   "from (CPUID 15h/16h, HPET, ACPI PM timer, PIT, or \"assumed 10 GHz\" when none\n"
		   "worked: then times shown run slow and timeouts last longer) and whether the\n"
		   "TSC is invariant (CPUID 80000007h).",
		   cmd_uptime);

static int cmd_sleep(int argc, char **argv)
{
	uint64_t ms;
	if (argc != 2)
		return shell_usage_error("expected MILLISECONDS");
	int rc = shell_arg_u64("MILLISECONDS", argv[1], &ms);
	if (rc)
		return rc;
	if (ms > 3600000)
		return shell_usage_error("at most one hour (3600000 ms)");
	uint64_t end = time_now_us() + ms * 1000;
	while (time_now_us() < end) {
		if (console_check_interrupt()) {
			kprintf("interrupted\n");
			return SHELL_ERR;
		}
		time_delay_us(1000);
	}
	return SHELL_OK;
}
SHELL_COMMAND("sleep", "sleep MILLISECONDS", "wait (Ctrl-C interrupts)", cmd_sleep);

static int cmd_set(int argc, char **argv)
{
	if (argc == 1) {
		kprintf("errexit (set -e): %s\n", shell_errexit ? "on" : "off");
		return SHELL_OK;
	}
	if (argc != 2)
		return shell_usage_error("expected -e or +e");
	if (strcmp(argv[1], "-e") == 0)
		shell_errexit = true;
	else if (strcmp(argv[1], "+e") == 0)
		shell_errexit = false;
	else
		return shell_usage_error("unknown setting '%s'", argv[1]);
	return SHELL_OK;
}
SHELL_COMMAND_HELP("set", "set [-e|+e]", "stop on the first failing command (-e) or not (+e)",
		   "With -e, a command that fails stops the rest of the line; in the boot script\n"
		   "it ends the run with 'exit STATUS'. +e (the default) continues.",
		   cmd_set);

static int cmd_cmdline(int argc, char **argv)
{
	if (argc > 2)
		return shell_usage_error("too many arguments");
	if (argc == 2) {
		const char *v = cmdline_get(argv[1]);
		if (!v)
			return shell_error("'%s' is not on the kernel command line", argv[1]);
		kprintf("%s\n", v);
		return SHELL_OK;
	}
	kprintf("%s\n", cmdline_raw());
	return SHELL_OK;
}
SHELL_COMMAND("cmdline", "cmdline [KEY]", "show the kernel command line or one key's value", cmd_cmdline);

static int cmd_history(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return shell_usage_error("no arguments expected");
	shell_history_print();
	return SHELL_OK;
}
SHELL_COMMAND("history", "history", "list the command history (Up/Down recall it)", cmd_history);

static int cmd_clear(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return shell_usage_error("no arguments expected");
	kprintf("\x1b[2J\x1b[H");
	return SHELL_OK;
}
SHELL_COMMAND("clear", "clear", "clear the screen", cmd_clear);

static int cmd_num(int argc, char **argv)
{
	if (argc < 2)
		return shell_usage_error("expected at least one NUMBER");
	for (int i = 1; i < argc; i++) {
		uint64_t v;
		int rc = shell_arg_u64("NUMBER", argv[i], &v);
		if (rc)
			return rc;
		kprintf("%s = %llu (0x%llx)\n", argv[i], (unsigned long long)v, (unsigned long long)v);
	}
	return SHELL_OK;
}
SHELL_COMMAND("num", "num NUMBER...", "show how numbers are parsed (0x hex, k/M/G/T suffixes)", cmd_num);

static int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return shell_usage_error("no arguments expected");
	kprintf("%s %s\n", NVMETK_NAME, NVMETK_VERSION);
	return SHELL_OK;
}
SHELL_COMMAND("version", "version", "kernel name and version", cmd_version);
