/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tbcount.c - a TCG plugin for QEMU 7.2 that counts the guest instructions
 * executed per translation block start address and writes them, one
 * "address count" line each, to the file named by its out= argument at exit.
 * bench/insn/run.sh maps the addresses to the kernel's symbols.
 *
 * Built against QEMU 7.2's plugin interface (version 1), declared here:
 * Debian ships the plugin loader in qemu-system-x86 but not its header.
 * One vCPU (-smp 1): the counters are plain inline additions.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_info_t;
struct qemu_plugin_tb;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op, void *ptr,
					      uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;

/* Open addressing on the block's (address, length): a block retranslated
 * at the same address with the same length adds to the same counter. */
#define SLOTS (1u << 20)
struct slot {
	uint64_t vaddr;
	uint64_t insns;   /* instructions per execution */
	uint64_t count;   /* instructions executed (inline adds of insns) */
	int used;
};
static struct slot *slots;
static unsigned used_slots;
static char out_path[4096];

static struct slot *slot_for(uint64_t va, uint64_t n)
{
	uint64_t h = (va ^ (n << 56)) * 0x9E3779B97F4A7C15ull;
	for (unsigned i = 0; i < SLOTS; i++) {
		struct slot *s = &slots[(h >> 40 ^ i) & (SLOTS - 1)];
		if (!s->used) {
			if (used_slots >= SLOTS - SLOTS / 8)
				return NULL;
			s->used = 1;
			s->vaddr = va;
			s->insns = n;
			used_slots++;
			return s;
		}
		if (s->vaddr == va && s->insns == n)
			return s;
	}
	return NULL;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	uint64_t n = qemu_plugin_tb_n_insns(tb);
	struct slot *s = slot_for(qemu_plugin_tb_vaddr(tb), n);
	if (s)
		qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &s->count, n);
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	(void)id;
	(void)p;
	FILE *f = fopen(out_path, "w");
	if (!f)
		return;
	for (unsigned i = 0; i < SLOTS; i++)
		if (slots[i].used && slots[i].count)
			fprintf(f, "%llx %llu\n", (unsigned long long)slots[i].vaddr,
				(unsigned long long)slots[i].count);
	fprintf(f, "# slots %u of %u\n", used_slots, SLOTS);
	fclose(f);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info, int argc, char **argv);
EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info, int argc, char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++)
		if (strncmp(argv[i], "out=", 4) == 0)
			snprintf(out_path, sizeof(out_path), "%s", argv[i] + 4);
	if (!out_path[0]) {
		fprintf(stderr, "tbcount: out=FILE is required\n");
		return -1;
	}
	slots = calloc(SLOTS, sizeof(*slots));
	if (!slots)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
