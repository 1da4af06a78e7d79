/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme.h - shared helpers of the NVMe shell commands
 * (kernel/shell/nvme/shell_nvme*.c). A new NVMe command typically:
 *
 *     static int cmd_verify(int argc, char **argv)
 *     {
 *         struct shell_opt opts[] = { NVSH_OPT_NSID, NVSH_RANGE_OPTS, { 0 } };
 *         struct nvsh_target tg; struct nvsh_range r;
 *         int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
 *         if (rc || (rc = nvsh_parse_range(&tg, opts, &r)))
 *             return rc;
 *         ... nvsh_run_range(&tg, &r, &op, NULL) with a chunk callback in op ...
 *     }
 *     NVSH_COMMAND("verify", "verify [DEVICE] ...", "summary", "help text", cmd_verify);
 *
 * Every error goes through shell_usage_error (bad input: "error: ..." and the
 * usage line) or shell_error / nvsh_fail (the device or driver said no).
 */
#ifndef KERNEL_SHELL_NVME_H
#define KERNEL_SHELL_NVME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "nvme_all.h"
#include "nvme_pattern.h"
#include "nvme_port.h"
#include "shell.h"

/* Registers an NVMe command: also reachable as `nvme NAME ...`. */
#define NVSH_COMMAND(name_, usage_, summary_, help_, fn_) \
	SHELL_COMMAND_FLAGS(name_, usage_, summary_, help_, fn_, SHELL_CMD_NVME)

/* Help text shared by the commands that take a device: a namespace
 * (NVSH_HELP_DEVICE), a namespace or a controller (NVSH_HELP_DEVICE_OPT), a
 * controller (NVSH_HELP_CTRL). */
#define NVSH_HELP_DEVICE                                                                        \
	"DEVICE is a controller (nvme0) or namespace (nvme0n1, n = NSID) name, /dev/ optional;\n" \
	"default: the first controller and its first namespace. -n/--namespace-id NSID picks\n"   \
	"a namespace of the chosen controller.\n"
#define NVSH_HELP_DEVICE_OPT                                                                    \
	"DEVICE is a controller (nvme0) or namespace (nvme0n1, n = NSID) name, /dev/ optional;\n" \
	"default: the first controller. The namespace's NSID (or -n/--namespace-id NSID,\n"       \
	"0xffffffff for all namespaces) goes into the command; without one, NSID 0.\n"
#define NVSH_HELP_CTRL                                                                           \
	"DEVICE is a controller (nvme0) or one of its namespaces (nvme0n1 means nvme0), /dev/\n" \
	"optional; default: the first controller.\n"

/* ------------------------------------------------------------ options */

#define NVSH_OPT_NSID { .name = "namespace-id", .short_name = 'n', .takes_value = true }
#define NVSH_OPT_YES { .name = "yes", .short_name = 'y' }
#define NVSH_OPT_QID { .name = "qid", .short_name = 'q', .takes_value = true }
/* Send an optional command even if the controller does not advertise it. */
#define NVSH_OPT_FORCE { .name = "force" }
#define NVSH_HELP_FORCE                                                                           \
	"--force sends the command even when Identify Controller does not advertise it (the\n"   \
	"refusal names the bit); the device's answer is then printed, e.g. Invalid Command\n"   \
	"Opcode.\n"
/* nvme-cli's range options, and --count (1-based; nvme-cli has none). */
#define NVSH_RANGE_OPTS                                                  \
	{ .name = "start-block", .short_name = 's', .takes_value = true }, \
	{ .name = "count", .takes_value = true },                          \
	{ .name = "block-count", .short_name = 'c', .takes_value = true }, \
	{ .name = "data-size", .short_name = 'z', .takes_value = true }
#define NVSH_HELP_RANGE                                                                          \
	"-s/--start-block LBA   first block (default 0)\n"                                         \
	"--count N              number of blocks, 1-based (N blocks; default 1)\n"                 \
	"-c/--block-count N     nvme-cli's 0's based count: N+1 blocks (-c 0 is one block)\n"     \
	"-z/--data-size BYTES   size in bytes, a multiple of the block size (nvme-cli's -z);\n"   \
	"                       with --count or -c it must match\n"                                \
	"Counts may be larger than the controller's max transfer (split in chunks). Numbers\n"    \
	"take 0x and k/M/G/T suffixes (x1024): --count 1k is 1024 blocks.\n"

/* The option named `name` (long name) in opts; a never-set dummy if absent. */
struct shell_opt *nvsh_opt(struct shell_opt *opts, const char *name);
bool nvsh_isset(struct shell_opt *opts, const char *name);
/* Parses the option's value if set (else leaves *v); usage error if bad. */
int nvsh_opt_u64(struct shell_opt *opts, const char *name, uint64_t *v);
/* Same with an upper bound (inclusive), named in the error. */
int nvsh_opt_u64_max(struct shell_opt *opts, const char *name, uint64_t max, uint64_t *v);

/* ------------------------------------------------------------ targets */

struct nvsh_target {
	struct nvmetk_ctrl *t;
	struct nvme_ctrl *c;
	struct nvme_ns *ns;   /* NULL when the command addresses the controller */
	uint32_t nsid;        /* ns->nsid, 0, or FFFFFFFFh (NVSH_NS_OPTIONAL) */
	char name[24];        /* "nvme0" or "nvme0n1" */
};

#define NVSH_CTRL        0x0u /* a controller */
#define NVSH_NS          0x1u /* a namespace (default: the controller's first) */
#define NVSH_NS_OPTIONAL 0x2u /* a namespace if one is named, else the controller;
                               * -n 0xffffffff (all namespaces) is accepted */
#define NVSH_ANY_STATE   0x4u /* the controller need not be ready */
#define NVSH_IO          0x8u /* the namespace must be usable for I/O */
#define NVSH_DEVICE_NS_OPT 0x10u /* nvsh_parse*: --ns NAME may name DEVICE instead
                                 * (fio's spelling; bench) */

/*
 * Chooses the target: if pos[0] is a device name ("nvme0", "nvme0n1",
 * "/dev/nvme0n1") it is used and removed from pos; -n/--namespace-id (if in
 * opts) picks the NSID; defaults are the first attached controller and its
 * first namespace. Errors name the problem and list the known names.
 */
int nvsh_select(char **pos, int *npos, struct shell_opt *opts, unsigned flags, struct nvsh_target *tg);
/* Usage error for a leftover positional argument. */
int nvsh_no_more_args(char **pos, int npos);
/*
 * The argument-parsing prologue of every NVMe command (after it, the command
 * reads its options with nvsh_opt_u64 & co.):
 *
 * nvsh_parse: the only positional argument is an optional DEVICE:
 * shell_getopt, nvsh_select (with opts) and nvsh_no_more_args.
 *
 * nvsh_parse_args: the same for a command that also takes up to max (at most
 * NVSH_MAX_ARGS) positional arguments after DEVICE: they go into args and
 * *nargs; one more is "unexpected argument", a missing one is the caller's
 * to report.
 *
 * nvsh_parse_all: a command about every controller, or the one DEVICE names
 * (nvsh_select_all): returns the number written to out (at most max), or
 * -status after printing the error.
 */
#define NVSH_MAX_ARGS 4
int nvsh_parse(int argc, char **argv, struct shell_opt *opts, unsigned flags, struct nvsh_target *tg);
int nvsh_parse_args(int argc, char **argv, struct shell_opt *opts, unsigned flags, struct nvsh_target *tg,
		    char **args, int max, int *nargs);
int nvsh_parse_all(int argc, char **argv, struct shell_opt *opts, struct nvmetk_ctrl **out, int max);
/* All attached controllers when no device is named (DEVICE optional):
 * returns the count written to out (at most max), or -status on error. */
int nvsh_select_all(char **pos, int *npos, struct nvmetk_ctrl **out, int max);

const char *nvsh_state_name(enum nvme_ctrl_state s);
/* Prints "error: WHAT failed: <driver status text>", returns SHELL_ERR. */
int nvsh_fail(const char *what, int status);
/*
 * Optional commands (nvme.h "Optional commands"). nvsh_require checks opt
 * with nvme_ctrl_supports() before anything is asked or sent (unless
 * force): if the controller does not advertise it, prints
 *   error: WHAT: not supported by this controller: <the driver's reason>;
 *          --force sends it anyway
 * and the usage line, and returns SHELL_USAGE. nvsh_status prints the
 * result of a driver call that failed: NVME_ERR_NOT_ADVERTISED as the
 * driver's refusal verbatim (nvme_ctrl_refusal()) with the usage line
 * (SHELL_USAGE), anything else as nvsh_fail(what, status) (SHELL_ERR).
 */
int nvsh_require(const struct nvsh_target *tg, enum nvme_opt opt, bool force, const char *what);
/* The same for one command of opt (nvme_ctrl_supports_cmd): the reason names
 * that opcode, e.g. Firmware Commit 10h, Reservation Acquire 11h. */
int nvsh_require_cmd(const struct nvsh_target *tg, enum nvme_opt opt, uint8_t opcode, bool force, const char *what);
int nvsh_status(const struct nvsh_target *tg, const char *what, int status);

/* Status of a compare that found different data (compare, and nothing
 * else failed): distinct from SHELL_ERR and SHELL_USAGE. */
#define NVSH_MISMATCH 3

/*
 * Comma-separated list of numbers ("0,100,0x200"): at most max values into
 * out, each <= limit. Usage errors name the option and the entry. Returns
 * SHELL_OK with *n set.
 */
int nvsh_parse_list(const char *opt, const char *s, uint64_t *out, uint32_t max, uint64_t limit,
		    uint32_t *n);

/* Checks --qid: *q = that I/O queue pair (NULL and no option: default). */
int nvsh_select_qpair(const struct nvsh_target *tg, struct shell_opt *opts, struct nvme_qpair **q);

/* ------------------------------------------------------------ ranges */

struct nvsh_range {
	uint64_t lba;
	uint64_t count;   /* blocks, >= 1 */
};
/* Reads NVSH_RANGE_OPTS and checks them against tg->ns: start beyond the
 * end, count 0, lba + count overflowing or past the end all give a usage
 * error naming the values. */
int nvsh_parse_range(const struct nvsh_target *tg, struct shell_opt *opts, struct nvsh_range *r);
/* "nvme0n1 LBA 10..17 (8 blocks, 4 KiB)": the range as success lines and
 * confirmations name it; NVSH_RANGE_TEXT bytes always hold it. */
#define NVSH_RANGE_TEXT 96
void nvsh_range_text(const struct nvsh_target *tg, const struct nvsh_range *r, char *buf, size_t len);

#define NVSH_HELP_PATTERNS                                                                           \
	"Patterns are functions of the byte's namespace offset o (LBA * block size + offset\n"   \
	"in the block) and --seed S (default 0), so any part of the disk can be checked later:\n" \
	"  0xAB | 171 | zero   every byte that value\n"                                         \
	"  inc                 byte = (o + S) mod 256\n"                                          \
	"  random              splitmix64 per 8-byte word w = o / 8, little endian:\n"            \
	"                      z = S + (w+1)*0x9E3779B97F4A7C15; z = (z^(z>>30))*0xBF58476D1CE4E5B9;\n" \
	"                      z = (z^(z>>27))*0x94D049BB133111EB; z ^= z>>31\n"                 \
	"--data HEX: these bytes (e.g. 0011aabb, up to 256) repeated from the first byte of\n"   \
	"the range (byte = data[(o - start) mod len]).\n"

/* Pattern options: --POPT P (with --seed) or --data HEX (bytes repeated from
 * the range's first byte); *have says whether either was given. Usage errors
 * for bad values or both. (read --check, write --pattern, compare.) */
int nvsh_parse_pattern(struct shell_opt *opts, const char *popt, const struct nvsh_target *tg,
		       const struct nvsh_range *r, struct pattern *p, bool *have);

/* Bytes at the start of a namespace where partition tables live (MBR and
 * GPT header + entries: LBA 0..33 in 512-byte units). */
#define NVSH_PARTITION_AREA_BYTES (34u * 512u)
bool nvsh_touches_partition_area(const struct nvme_ns *ns, const struct nvsh_range *r);

/*
 * Destructive actions: prints the controller's model and serial and `what`
 * (printf format) and asks for "yes" (shell_confirm) unless yes is true.
 * Returns SHELL_OK to go ahead, or SHELL_ERR after printing
 * "aborted: nothing was changed".
 */
int nvsh_confirm(const struct nvsh_target *tg, bool yes, const char *what, ...)
	__attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------ buffers */

/* DMA-capable data buffer: contiguous pmm pages, identity-mapped. Taken
 * from RAM above 4 GiB when there is any, so large guests exercise 64-bit
 * DMA addresses. */
struct nvsh_buf {
	uint8_t *p;
	uint64_t phys;
	uint64_t pages;
	size_t bytes;
};
/* Tries want bytes, halving down to min (page-rounded). false if not even
 * min is available. */
bool nvsh_buf_alloc(struct nvsh_buf *b, size_t want, size_t min);
void nvsh_buf_free(struct nvsh_buf *b);

/*
 * Block I/O for the shell's bulk data paths (shell_nvme_dma.c): as
 * nvme_read/nvme_write(_async), but a buffer inside a live nvsh_buf is sent
 * by bus address (nvme_read_phys/nvme_write_phys(_async), one segment; the
 * synchronous ones split at ns->max_blocks), so the driver does no
 * virt_to_phys per page. Any other buffer, or one the driver cannot describe
 * (NVME_ERR_DMA), goes through nvme_read/nvme_write. The async ones take at
 * most ns->max_blocks blocks (else NVME_ERR_TOO_LARGE, as nvme_read_async).
 */
int nvsh_read(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t n, void *buf);
int nvsh_write(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t n, const void *buf);
int nvsh_read_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t n, void *buf, nvme_cmd_cb cb,
		    void *arg);
int nvsh_write_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t n, const void *buf,
		     nvme_cmd_cb cb, void *arg);
/* Commands sent by bus address, and calls that went through virt_to_phys. */
struct nvsh_dma_stats {
	uint64_t phys_cmds;
	uint64_t virt_calls;
};
void nvsh_dma_stats(struct nvsh_dma_stats *out);

/* Default chunk of the range loop (bytes). */
#define NVSH_CHUNK_BYTES (1024u * 1024u)

/*
 * A range operation done chunk by chunk: fn is called for consecutive pieces
 * of the range (at most chunk bytes each, whole blocks), with a data buffer
 * of that size when need_buffer. Between chunks Ctrl-C stops it; a progress
 * bar is shown when progress is set and the range spans more than one chunk.
 * fn returns 0, a driver status (reported as "error: VERB failed at LBA x
 * (N blocks): ..."), or NVSH_STOP (fn printed its own message).
 */
#define NVSH_STOP 1
typedef int (*nvsh_chunk_fn)(void *ctx, uint64_t lba, uint32_t n, uint8_t *buf);
struct nvsh_op {
	const char *verb;      /* "write": "error: write failed at ..." */
	const char *past;      /* "written": "interrupted: 10 of 20 blocks written" */
	nvsh_chunk_fn fn;
	void *ctx;
	bool need_buffer;
	bool progress;
	size_t chunk_bytes;    /* 0: NVSH_CHUNK_BYTES */
	uint64_t buf_phys;     /* out: the buffer used */
	size_t buf_bytes;
};
/* Returns SHELL_OK, or SHELL_ERR after printing why (failure, Ctrl-C, no
 * memory). *done (may be NULL) receives the blocks completed. */
int nvsh_run_range(const struct nvsh_target *tg, const struct nvsh_range *r, struct nvsh_op *op,
		   uint64_t *done);

/* ------------------------------------------------------------ output */

/* hexdump -C style, streamed: feed consecutive pieces, then finish. Repeated
 * lines collapse into "*"; offsets are `base` + position (namespace bytes). */
struct nvsh_hexdump {
	uint64_t next;          /* offset of the next byte fed */
	uint8_t line[16];
	unsigned fill;
	uint8_t prev[16];
	bool have_prev, starred;
};
void nvsh_hexdump_begin(struct nvsh_hexdump *h, uint64_t base);
void nvsh_hexdump_feed(struct nvsh_hexdump *h, const void *p, size_t len);
void nvsh_hexdump_end(struct nvsh_hexdump *h);
/* One-shot. */
void nvsh_hexdump(uint64_t base, const void *p, size_t len);

/* Rate of bytes moved in ns nanoseconds, into buf: "12.3 MiB/s" from 1 MiB/s
 * up, "40.0 KiB/s" from 1 KiB/s, else "512 B/s" (one decimal, truncated), so
 * a one-block transfer shows a real figure. */
void nvsh_fmt_rate(uint64_t bytes, uint64_t ns, char *buf, size_t len);
/* Elapsed time: "41 us" below 1 ms, "12 ms" from there. */
void nvsh_fmt_elapsed(uint64_t ns, char *buf, size_t len);
/* Binary size (nvme_port_fmt_size). */
void nvsh_fmt_size(uint64_t bytes, char *buf, size_t len);

/* Scratch page-aligned 4 KiB buffer for Identify, features and logs. */
extern uint8_t nvsh_scratch[4096];

#endif
