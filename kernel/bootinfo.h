/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bootinfo.h - what the Multiboot2 loader told us, copied out of the boot
 * information structure by mb2_parse() so nothing later depends on it.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <stdint.h>
#include <stdbool.h>

#define MB2_LOADER_MAGIC 0x36D76289u

/* Memory map entry types (Multiboot2 spec, same values as E820). */
enum {
	MEM_AVAILABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIM = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

#define BOOT_MAX_MMAP 128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024

struct boot_mmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
};

struct boot_module {
	uint64_t start, end; /* physical, end exclusive; identity-mapped and
	                      * never handed out by pmm (reserved) */
	char name[64];       /* the module's string (GRUB: the words after the
	                      * file name of module2) */
};

enum fb_kind { FB_NONE, FB_INDEXED, FB_RGB, FB_EGA_TEXT };

struct boot_framebuffer {
	enum fb_kind kind;
	uint64_t addr;
	uint32_t pitch, width, height; /* EGA text: width/height in characters */
	uint8_t bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
	bool valid;            /* magic was right and the structure parsed */
	uint32_t magic;
	uint64_t mbi_phys;     /* the structure itself (reserved in the allocator) */
	uint32_t mbi_size;
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[64];
	struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
	int mmap_count;
	struct boot_module modules[BOOT_MAX_MODULES];
	int module_count;
	struct boot_framebuffer fb;
	bool uefi;             /* an EFI system table tag was present */
	uint8_t rsdp[36];      /* copy of the ACPI RSDP (v1: 20 bytes, v2: 36) */
	bool has_rsdp;
	uint32_t mem_lower_kib, mem_upper_kib;
};

extern struct boot_info boot_info;

/* Fills boot_info; returns false (with boot_info.valid false) on a wrong
 * magic or a malformed structure, after saying why on the console. */
bool mb2_parse(uint32_t magic, uint64_t mbi_phys);

const char *mem_type_name(uint32_t type);

/* The boot module called name: its string equals name, or the string's first
 * word does, or that word's last path component does ("fw-test.bin" finds
 * "/boot/fw-test.bin --x"). NULL if none. */
const struct boot_module *boot_module_find(const char *name);

#endif
