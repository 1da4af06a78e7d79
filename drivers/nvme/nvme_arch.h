/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_arch.h - register access and memory ordering, per architecture.
 *
 * This is the only file that knows how the CPU talks to the device. The rest
 * of the driver uses:
 *
 *   nvme_mmio_read32(addr)  / nvme_mmio_write32(addr, v)   one 32-bit access
 *   nvme_dma_wmb()   order earlier stores to DMA memory (SQ entries, PRP and
 *                    SGL lists, shadow doorbells) before a following MMIO
 *                    doorbell write
 *   nvme_dma_rmb()   order the load of a CQE's phase tag before the loads of
 *                    the rest of that CQE
 *   nvme_mb()        full barrier between stores and later loads of DMA memory
 *                    (shadow doorbell value, then EventIdx)
 *   nvme_cpu_relax() a hint inside polling loops
 *
 * 64-bit registers are accessed as two 32-bit accesses, low dword first
 * (nvme_mmio_read64/write64), because some controllers (QEMU's among them)
 * accept only 32-bit accesses.
 *
 * Host tests: compiling with -DNVME_MMIO_HOOK routes every register access to
 * two functions the test program provides (the software controller), so the
 * model sees each access deterministically and in order:
 *
 *   uint32_t nvme_mmio_hook_read32(const volatile void *addr);
 *   void     nvme_mmio_hook_write32(volatile void *addr, uint32_t value);
 *
 * The shipped path is a plain volatile access. Barriers are real in both.
 *
 * Supported: x86_64 (and i386), AArch64, RISC-V 64. Porting to another
 * architecture means adding one block below; the build fails until then.
 */
#ifndef NVME_ARCH_H
#define NVME_ARCH_H

#include <stdint.h>

#if defined(__BYTE_ORDER__) && (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__)
#error "nvme: only little-endian hosts are supported (NVMe structures are little endian)"
#endif

#define nvme_compiler_barrier() __asm__ __volatile__("" ::: "memory")

#if defined(__x86_64__) || defined(__i386__)
/*
 * x86 is TSO: stores become visible in program order (an uncached MMIO store
 * is not passed by earlier write-back stores) and loads are not reordered with
 * older loads, so the DMA barriers only need to stop the compiler. A store
 * followed by a load of a different location CAN be reordered, so nvme_mb()
 * is a real mfence.
 */
#define nvme_dma_wmb()   nvme_compiler_barrier()
#define nvme_dma_rmb()   nvme_compiler_barrier()
#define nvme_mb()        __asm__ __volatile__("mfence" ::: "memory")
#define nvme_cpu_relax() __asm__ __volatile__("pause" ::: "memory")

static inline uint32_t nvme_arch_read32(const volatile void *addr)
{
	uint32_t v;
	__asm__ __volatile__("movl %1, %0" : "=r"(v) : "m"(*(const volatile uint32_t *)addr) : "memory");
	return v;
}

static inline void nvme_arch_write32(volatile void *addr, uint32_t v)
{
	__asm__ __volatile__("movl %1, %0" : "=m"(*(volatile uint32_t *)addr) : "r"(v) : "memory");
}

#elif defined(__aarch64__)
/*
 * Normal memory is weakly ordered. "dmb oshst" orders earlier stores (to
 * DMA memory) before later stores (the doorbell, Device memory); "dmb oshld"
 * orders the phase-tag load before the loads of the rest of the CQE.
 * Register accesses use explicit ldr/str without writeback addressing, which
 * a hypervisor can always emulate.
 */
#define nvme_dma_wmb()   __asm__ __volatile__("dmb oshst" ::: "memory")
#define nvme_dma_rmb()   __asm__ __volatile__("dmb oshld" ::: "memory")
#define nvme_mb()        __asm__ __volatile__("dmb osh" ::: "memory")
#define nvme_cpu_relax() __asm__ __volatile__("yield" ::: "memory")

static inline uint32_t nvme_arch_read32(const volatile void *addr)
{
	uint32_t v;
	__asm__ __volatile__("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void nvme_arch_write32(volatile void *addr, uint32_t v)
{
	__asm__ __volatile__("str %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

#elif defined(__riscv) && (__riscv_xlen == 64)
/*
 * RVWMO: "fence w,o" orders earlier memory stores before the later device
 * output (the doorbell store); "fence r,r" orders the phase-tag load before
 * the CQE loads; "fence rw,rw" is the full barrier for shadow doorbells.
 * The I/O fences also cover device memory ("iorw").
 */
#define nvme_dma_wmb()   __asm__ __volatile__("fence w,o" ::: "memory")
#define nvme_dma_rmb()   __asm__ __volatile__("fence r,r" ::: "memory")
#define nvme_mb()        __asm__ __volatile__("fence iorw,iorw" ::: "memory")
#define nvme_cpu_relax() __asm__ __volatile__("nop" ::: "memory")

static inline uint32_t nvme_arch_read32(const volatile void *addr)
{
	uint32_t v;
	__asm__ __volatile__("lw %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void nvme_arch_write32(volatile void *addr, uint32_t v)
{
	__asm__ __volatile__("sw %0, 0(%1)" : : "r"(v), "r"(addr) : "memory");
}

#else
#error "nvme: no register access and barrier definitions for this architecture; add a block to nvme_arch.h"
#endif

#ifdef NVME_MMIO_HOOK
uint32_t nvme_mmio_hook_read32(const volatile void *addr);
void nvme_mmio_hook_write32(volatile void *addr, uint32_t value);
#define nvme_mmio_read32(addr)      nvme_mmio_hook_read32(addr)
#define nvme_mmio_write32(addr, v)  nvme_mmio_hook_write32((addr), (v))
#else
#define nvme_mmio_read32(addr)      nvme_arch_read32(addr)
#define nvme_mmio_write32(addr, v)  nvme_arch_write32((addr), (v))
#endif

/* Register at byte offset off of the mapped BAR. */
static inline volatile void *nvme_reg_addr(volatile void *bar, uint32_t off)
{
	return (volatile uint8_t *)bar + off;
}

static inline uint32_t nvme_reg_read32(volatile void *bar, uint32_t off)
{
	return nvme_mmio_read32(nvme_reg_addr(bar, off));
}

static inline void nvme_reg_write32(volatile void *bar, uint32_t off, uint32_t v)
{
	nvme_mmio_write32(nvme_reg_addr(bar, off), v);
}

/* 64-bit registers (CAP, ASQ, ACQ): two 32-bit accesses, low dword first. */
static inline uint64_t nvme_reg_read64(volatile void *bar, uint32_t off)
{
	uint64_t lo = nvme_reg_read32(bar, off);
	uint64_t hi = nvme_reg_read32(bar, off + 4u);
	return lo | (hi << 32);
}

static inline void nvme_reg_write64(volatile void *bar, uint32_t off, uint64_t v)
{
	nvme_reg_write32(bar, off, (uint32_t)v);
	nvme_reg_write32(bar, off + 4u, (uint32_t)(v >> 32));
}

#endif /* NVME_ARCH_H */
