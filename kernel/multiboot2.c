/* SPDX-License-Identifier: BSD-2-Clause */
/* multiboot2.c - boot information parser (Multiboot2 specification, section 3.6). */
#include "bootinfo.h"
#include "console.h"
#include "kstring.h"

struct boot_info boot_info;

enum {
	TAG_END = 0,
	TAG_CMDLINE = 1,
	TAG_LOADER_NAME = 2,
	TAG_MODULE = 3,
	TAG_BASIC_MEMINFO = 4,
	TAG_MMAP = 6,
	TAG_FRAMEBUFFER = 8,
	TAG_EFI32 = 11,
	TAG_EFI64 = 12,
	TAG_ACPI_OLD = 14,
	TAG_ACPI_NEW = 15,
};

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static void copy_str(char *dst, size_t size, const uint8_t *src, size_t max)
{
	size_t n = strnlen((const char *)src, max);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

const char *mem_type_name(uint32_t type)
{
	switch (type) {
	case MEM_AVAILABLE: return "available";
	case MEM_RESERVED: return "reserved";
	case MEM_ACPI_RECLAIM: return "ACPI reclaimable";
	case MEM_ACPI_NVS: return "ACPI NVS";
	case MEM_BAD: return "bad";
	default: return "unknown";
	}
}

bool mb2_parse(uint32_t magic, uint64_t mbi_phys)
{
	struct boot_info *bi = &boot_info;

	bi->magic = magic;
	if (magic != MB2_LOADER_MAGIC) {
		kprintf("nvmetk: bad Multiboot2 magic 0x%08x (expected 0x%08x): not started by a "
			"Multiboot2 loader; no memory map, continuing without boot information\n",
			magic, MB2_LOADER_MAGIC);
		return false;
	}
	if (mbi_phys == 0 || (mbi_phys & 7)) {
		kprintf("nvmetk: boot information address 0x%llx is invalid\n",
			(unsigned long long)mbi_phys);
		return false;
	}
	const uint8_t *base = (const uint8_t *)(uintptr_t)mbi_phys;
	uint32_t total = rd32(base);
	if (total < 16 || total > 16 * 1024 * 1024) {
		kprintf("nvmetk: boot information size %u is implausible\n", total);
		return false;
	}
	bi->mbi_phys = mbi_phys;
	bi->mbi_size = total;

	uint32_t off = 8;
	while (off + 8 <= total) {
		const uint8_t *tag = base + off;
		uint32_t type = rd32(tag), size = rd32(tag + 4);
		if (type == TAG_END)
			break;
		if (size < 8 || off + size > total) {
			kprintf("nvmetk: malformed boot information tag %u (size %u at offset %u)\n",
				type, size, off);
			break;
		}
		const uint8_t *body = tag + 8;
		uint32_t blen = size - 8;
		switch (type) {
		case TAG_CMDLINE:
			copy_str(bi->cmdline, sizeof(bi->cmdline), body, blen);
			break;
		case TAG_LOADER_NAME:
			copy_str(bi->loader, sizeof(bi->loader), body, blen);
			break;
		case TAG_MODULE:
			if (blen >= 8 && bi->module_count < BOOT_MAX_MODULES) {
				struct boot_module *m = &bi->modules[bi->module_count++];
				m->start = rd32(body);
				m->end = rd32(body + 4);
				copy_str(m->name, sizeof(m->name), body + 8, blen - 8);
			}
			break;
		case TAG_BASIC_MEMINFO:
			if (blen >= 8) {
				bi->mem_lower_kib = rd32(body);
				bi->mem_upper_kib = rd32(body + 4);
			}
			break;
		case TAG_MMAP: {
			if (blen < 8)
				break;
			uint32_t esize = rd32(body);
			if (esize < 24)
				break;
			for (uint32_t e = 8; e + esize <= blen && bi->mmap_count < BOOT_MAX_MMAP; e += esize) {
				struct boot_mmap_entry *m = &bi->mmap[bi->mmap_count++];
				m->base = rd64(body + e);
				m->length = rd64(body + e + 8);
				m->type = rd32(body + e + 16);
			}
			break;
		}
		case TAG_FRAMEBUFFER: {
			if (blen < 22)
				break;
			struct boot_framebuffer *fb = &bi->fb;
			fb->addr = rd64(body);
			fb->pitch = rd32(body + 8);
			fb->width = rd32(body + 12);
			fb->height = rd32(body + 16);
			fb->bpp = body[20];
			uint8_t kind = body[21];
			fb->kind = kind == 0 ? FB_INDEXED : kind == 1 ? FB_RGB : kind == 2 ? FB_EGA_TEXT : FB_NONE;
			if (kind == 1 && blen >= 30) {
				/* color info follows u8 type and u16 reserved */
				const uint8_t *ci = body + 24;
				fb->red_pos = ci[0];
				fb->red_size = ci[1];
				fb->green_pos = ci[2];
				fb->green_size = ci[3];
				fb->blue_pos = ci[4];
				fb->blue_size = ci[5];
			}
			break;
		}
		case TAG_EFI32:
		case TAG_EFI64:
			bi->uefi = true;
			break;
		case TAG_ACPI_OLD:
		case TAG_ACPI_NEW:
			/* Prefer the ACPI 2.0 RSDP when both are given. */
			if (type == TAG_ACPI_NEW || !bi->has_rsdp) {
				uint32_t n = blen < sizeof(bi->rsdp) ? blen : sizeof(bi->rsdp);
				memset(bi->rsdp, 0, sizeof(bi->rsdp));
				memcpy(bi->rsdp, body, n);
				bi->has_rsdp = true;
			}
			break;
		default:
			break;
		}
		off += (size + 7) & ~7u;
	}
	bi->valid = true;
	return true;
}

/* True if the first word of s (or its last '/' component) is name. */
static bool first_word_is(const char *s, const char *name)
{
	size_t w = 0;
	while (s[w] && s[w] != ' ')
		w++;
	size_t n = strlen(name);
	if (w == n && strncmp(s, name, n) == 0)
		return true;
	size_t b = w;
	while (b > 0 && s[b - 1] != '/')
		b--;
	return w - b == n && strncmp(s + b, name, n) == 0;
}

const struct boot_module *boot_module_find(const char *name)
{
	if (!name || !name[0])
		return NULL;
	for (int i = 0; i < boot_info.module_count; i++)
		if (strcmp(boot_info.modules[i].name, name) == 0)
			return &boot_info.modules[i];
	for (int i = 0; i < boot_info.module_count; i++)
		if (first_word_is(boot_info.modules[i].name, name))
			return &boot_info.modules[i];
	return NULL;
}
