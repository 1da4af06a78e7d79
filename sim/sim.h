/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim.h - nvmetk-sim: the shell on the host against the software controller.
 *
 * sim_platform.c  kernel/shell/platform.h over libc: stdout, stdin in raw
 *                 mode (a terminal) or as a byte stream (a pipe), the
 *                 monotonic clock, DMA memory from aligned_alloc registered
 *                 so the model reaches only what was allocated, modules
 *                 from files, exit
 * sim_main.c      command line, one model per controller, attach through
 *                 the same driver source and the table of nvme_ctrls.c,
 *                 image files loaded at start and written at exit
 */
#ifndef SIM_H
#define SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* DMA regions the model may reach (bus address == host address). */
void *sim_dma_alloc(size_t bytes, size_t align);
void sim_dma_free(void *p);
/* The model's translate callback: p when [phys, phys+len) lies in one
 * live region, else NULL (the model then fails the transfer). */
void *sim_translate(void *ctx, uint64_t phys, size_t len, bool write);
/* Live DMA regions and bytes (leak check at exit). */
size_t sim_dma_live(size_t *bytes);
/* The model's clock callback: time_now_us(). */
uint64_t sim_clock(void *ctx);

/* Adds module name with its bytes (copied into DMA memory). false if full. */
bool sim_module_add(const char *name, const void *data, size_t len);

/* Terminal: raw mode when stdin is a terminal (restored at exit). */
void sim_console_init(void);
/* Called once before the process ends (from system_exit & co.): writes
 * images, frees everything; installed by sim_main.c. */
void sim_set_exit_hook(void (*fn)(int code));
/* Ends the process with code after the exit hook. */
__attribute__((noreturn)) void sim_exit(int code);

#endif
