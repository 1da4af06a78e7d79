/* lapic.c - local APIC bring-up and the legacy 8259 PICs (remapped, masked). */
#include "idt.h"
#include "cpu.h"
#include "vmm.h"
#include "console.h"

#define IA32_APIC_BASE 0x1B
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_X2APIC (1ull << 10)

#define REG_ID 0x20
#define REG_TPR 0x80
#define REG_EOI 0xB0
#define REG_SVR 0xF0

static volatile uint32_t *lapic_mmio;
static bool x2apic;
static bool present;

static uint32_t lapic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(0x800 + (reg >> 4));
	return lapic_mmio[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(0x800 + (reg >> 4), v);
	else
		lapic_mmio[reg / 4] = v;
}

void pic_disable(void)
{
	/* ICW1..ICW4: remap master to 0x20, slave to 0x28, then mask all. */
	outb(0x20, 0x11); io_wait();
	outb(0xA0, 0x11); io_wait();
	outb(0x21, 0x20); io_wait();
	outb(0xA1, 0x28); io_wait();
	outb(0x21, 0x04); io_wait();
	outb(0xA1, 0x02); io_wait();
	outb(0x21, 0x01); io_wait();
	outb(0xA1, 0x01); io_wait();
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
}

void lapic_init(void)
{
	uint32_t a, b, c, d;
	cpuid(1, 0, &a, &b, &c, &d);
	if (!(d & (1u << 9))) {
		kprintf("lapic: CPU has no local APIC\n");
		return;
	}
	uint64_t base = rdmsr(IA32_APIC_BASE);
	if (base & APIC_BASE_X2APIC) {
		x2apic = true;
	} else {
		lapic_mmio = vmm_map_mmio(base & 0xFFFFFF000ull, 4096);
		if (!lapic_mmio) {
			kprintf("lapic: cannot map the local APIC\n");
			return;
		}
	}
	wrmsr(IA32_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic_write(REG_TPR, 0);
	lapic_write(REG_SVR, 0x100 | LAPIC_SPURIOUS_VECTOR);
	present = true;
}

bool lapic_present(void) { return present; }

uint32_t lapic_id(void)
{
	if (!present)
		return 0;
	uint32_t id = lapic_read(REG_ID);
	return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	if (present)
		lapic_write(REG_EOI, 0);
}

void lapic_self_ipi(int vector)
{
	if (!present || vector < 32 || vector > 255)
		return;
	if (x2apic) {
		wrmsr(0x83F, (uint32_t)vector);
		return;
	}
	/* ICR: fixed delivery, edge, destination shorthand "self". */
	lapic_write(0x310, 0);
	lapic_write(0x300, 0x40000u | (uint32_t)vector);
}
