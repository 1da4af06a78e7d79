/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * main.c - nvmetk boot sequence: consoles, boot information, memory,
 * interrupts, ACPI tables, clock, PCI, NVMe controllers (when the driver is built in), then
 * the boot script and the interactive shell.
 */
#include <stdint.h>
#include "acpi.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "console.h"
#include "cpu.h"
#include "idt.h"
#include "keyboard.h"
#include "pci.h"
#include "pcie_hp.h"
#include "pci_hint.h"
#include "pmm.h"
#include "serial.h"
#include "shell.h"
#include "textcon.h"
#include "time.h"
#include "usb.h"
#include "version.h"
#include "vmm.h"
#include "kstring.h"
#include "kformat.h"
#ifdef NVMETK_HAVE_DRIVER
#include "nvme_port.h"
#endif

extern char _kernel_start[], _kernel_end[], kernel_stack_bottom[];

static void start_screens(void)
{
	const struct boot_framebuffer *fb = &boot_info.fb;
	bool ok = false;
	if (fb->kind == FB_EGA_TEXT) {
		ok = vgacon_init(fb->addr, fb->width, fb->height);
	} else if (fb->kind == FB_RGB) {
		ok = fbcon_init(fb->addr, fb->pitch, fb->width, fb->height, fb->bpp, fb->red_pos,
				fb->red_size, fb->green_pos, fb->green_size, fb->blue_pos, fb->blue_size);
		if (!ok)
			kprintf("console: framebuffer %ux%u %ubpp not supported; serial only\n",
				fb->width, fb->height, fb->bpp);
	} else if (fb->kind == FB_NONE && !boot_info.uefi) {
		/* BIOS boot without framebuffer information: assume VGA text. */
		ok = vgacon_init(0xB8000, 80, 25);
	}
	(void)ok;
	console_screens_started();
}

static void print_summary(void)
{
	struct pmm_stats st;
	pmm_get_stats(&st);
	kprintf("loader: %s, %s boot\n", boot_info.loader[0] ? boot_info.loader : "(unknown)",
		boot_info.uefi ? "UEFI" : "BIOS");
	kprintf("cmdline: %s\n", cmdline_raw());
	kprintf("kernel: 0x%llx-0x%llx, stack guard page at 0x%llx\n",
		(unsigned long long)(uintptr_t)_kernel_start, (unsigned long long)(uintptr_t)_kernel_end,
		(unsigned long long)(uintptr_t)kernel_stack_bottom - 4096);
	kprintf("memory: %llu MiB usable, %llu MiB free, RAM up to 0x%llx (identity-mapped)\n",
		(unsigned long long)(st.total_pages >> 8), (unsigned long long)(st.free_pages >> 8),
		(unsigned long long)st.highest_phys);
	for (int i = 0; i < boot_info.module_count; i++)
		kprintf("module: \"%s\", %llu bytes at 0x%llx\n", boot_info.modules[i].name,
			(unsigned long long)(boot_info.modules[i].end - boot_info.modules[i].start),
			(unsigned long long)boot_info.modules[i].start);
	char fbdesc[96];
	fbcon_describe(fbdesc, sizeof(fbdesc));
	/* "serial" alone is COM1; PCI serial ports are named: "serial (COM1
	 * 0x3f8 + PCI 00:03.0 I/O 0xc080)" */
	char serdesc[SERIAL_MAX_PORTS * 40] = "";
	if (serial_port_count() > (serial_com1_present() ? 1 : 0)) {
		for (int i = 0; i < serial_port_count(); i++)
			ksnprintf(serdesc + strlen(serdesc), sizeof(serdesc) - strlen(serdesc), "%s%s",
				  i ? " + " : " (", serial_port_desc(i));
		ksnprintf(serdesc + strlen(serdesc), sizeof(serdesc) - strlen(serdesc), ")");
	}
	char usbkbd[256];
	usb_describe_input(usbkbd, sizeof(usbkbd));
	kprintf("consoles: serial%s%s%s%s%s, input: %s%s%s\n", serial_present() ? "" : " (absent)",
		serdesc, vgacon_active() ? ", VGA text" : "", fbcon_active() ? ", framebuffer " : "",
		fbcon_active() ? fbdesc : "", serial_present() ? "serial" : "",
		ps2_present() ? " + PS/2 keyboard" : "", usbkbd);
	kprintf("cpu: TSC %llu.%03llu MHz (%s, %s), local APIC id %u%s\n",
		(unsigned long long)(time_tsc_hz() / 1000000),
		(unsigned long long)(time_tsc_hz() / 1000 % 1000), time_source(),
		time_tsc_invariant() ? "invariant" : "not invariant", lapic_id(),
		lapic_present() ? "" : " (no LAPIC)");
	int n = pci_device_count();
	int nvme = 0;
	for (struct pci_dev *d = pci_find_class(0x01, 0x08, 0x02, NULL); d;
	     d = pci_find_class(0x01, 0x08, 0x02, d))
		nvme++;
	kprintf("pci: %d functions, %d NVMe controller%s, configuration through %s\n", n, nvme,
		nvme == 1 ? "" : "s", pci_config_method());
	const struct pci_dev *hidden = n > 0 ? pci_hidden_nvme_culprit(pci_device(0), n) : NULL;
	if (hidden)
		kprintf("pci: no NVMe controller, but %04x:%02x:%02x.%x %04x:%04x is %s: NVMe drives "
			"are probably hidden behind Intel VMD/RST; switch the storage mode in the "
			"firmware setup (RAID/RST/VMD) to AHCI (or disable VMD) to reach them\n",
			hidden->segment, hidden->bus, hidden->dev, hidden->fn, hidden->vendor,
			hidden->device, pci_is_intel_vmd(hidden->vendor, hidden->device)
						? "an Intel VMD controller"
						: "a RAID-mode storage controller");
}

void kernel_main(uint32_t magic, uint32_t mbi);
void kernel_main(uint32_t magic, uint32_t mbi)
{
	time_mark_start();
	console_init_early();
	kprintf("\n%s %s: NVMe test kernel\n", NVMETK_NAME, NVMETK_VERSION);
	gdt_init();
	idt_init();
	mb2_parse(magic, mbi);
	cmdline_init(boot_info.cmdline);
	const char *onpanic = cmdline_get("onpanic");
	panic_exit_qemu = onpanic && strcmp(onpanic, "exit") == 0;

	pmm_init();
	vmm_init();
	/* The page below the stack (last boot page directory, unused now)
	 * becomes a guard page so an overflow faults instead of corrupting. */
	if (((uintptr_t)kernel_stack_bottom & 0xFFF) == 0)
		vmm_unmap_page((uint64_t)(uintptr_t)kernel_stack_bottom - 4096);

	pic_disable();
	lapic_init();
	start_screens();
	ps2_init();
	acpi_init();
	time_init();
	pci_init();
	pcie_hp_init();
	serial_pci_init();
	usb_init();
	print_summary();
#ifdef NVMETK_HAVE_DRIVER
	nvme_port_init();
#endif
	kprintf("boot took %llu ms since kernel entry\n", (unsigned long long)(time_now_us() / 1000));

	const char *run = cmdline_get("run");
	if (run && run[0])
		shell_run_script(run);
	shell_main();
}
