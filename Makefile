# SPDX-License-Identifier: BSD-2-Clause
# nvmetk: NVMe test kernel. `make` builds build/nvmetk.elf and build/nvmetk.iso.
#
# Sources: kernel/**.c lib/*.c boot/*.asm and, if present, drivers/nvme/*.c
# (wildcards: a new kernel/shell/shell_foo.c needs no edit here). Without driver
# sources, kernel/nvme/ and kernel/shell/nvme/ are left out.

BUILD   := build
ELF     := $(BUILD)/nvmetk.elf
ISO     := $(BUILD)/nvmetk.iso
# Firmware test image (kernel/nvme/nvme_fwimage.h), on the ISO as the Multiboot2
# module "fw-test.bin" (iso/grub.cfg) for `fw-download --module fw-test.bin`.
# 600 KiB + 12 bytes: two Firmware Image Download pieces at QEMU's 512 KiB
# max transfer, the last one short.
FWIMG      := $(BUILD)/fw-test.bin
FWIMG_SIZE := 614412
FWIMG_SEED := 0
MKFWIMAGE  := $(BUILD)/tools/mkfwimage
HOSTCC     ?= gcc

CC      ?= gcc
ifeq ($(origin CC),default)
CC      := gcc
endif
NASM    ?= nasm

# DRIVER_SRCS can be overridden (e.g. `make DRIVER_SRCS=`) to build the
# kernel without the driver.
DRIVER_SRCS ?= $(wildcard drivers/nvme/*.c)
# The NVMe glue and the NVMe shell commands need the driver: without driver
# sources they are left out and main.c does not call nvme_port_init().
HAVE_DRIVER := $(if $(strip $(DRIVER_SRCS)),1,)
# kernel/ has rooms (docs/DEVELOPING.md): every .c file below it is built.
KERNEL_DIRS := kernel kernel/arch/x86_64 kernel/mm kernel/dev kernel/dev/usb kernel/nvme kernel/shell kernel/shell/nvme
NVME_GLUE_SRCS := $(wildcard kernel/nvme/*.c kernel/shell/nvme/*.c)
ALL_KERNEL_SRCS := $(foreach d,$(KERNEL_DIRS),$(wildcard $(d)/*.c))
KERNEL_SRCS := $(if $(HAVE_DRIVER),$(ALL_KERNEL_SRCS),$(filter-out $(NVME_GLUE_SRCS),$(ALL_KERNEL_SRCS)))
C_SRCS   := $(sort $(KERNEL_SRCS) $(wildcard lib/*.c) $(DRIVER_SRCS))
ASM_SRCS := $(sort $(wildcard boot/*.asm))
OBJS     := $(patsubst %.c,$(BUILD)/%.o,$(C_SRCS)) $(patsubst %.asm,$(BUILD)/%.asm.o,$(ASM_SRCS))
DEPS     := $(patsubst %.c,$(BUILD)/%.d,$(C_SRCS))

CFLAGS  := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
           -ffreestanding -fno-stack-protector -fno-pic -fno-pie -mno-red-zone \
           -mgeneral-regs-only -mcmodel=small -fno-omit-frame-pointer \
           -fno-strict-aliasing -fno-builtin-printf \
           $(addprefix -I,$(KERNEL_DIRS)) -Ilib -Idrivers/nvme -MMD -MP \
           $(if $(HAVE_DRIVER),-DNVMETK_HAVE_DRIVER=1)
LDFLAGS := -nostdlib -static -no-pie -Wl,-T,linker.ld -Wl,-z,max-page-size=0x1000 \
           -Wl,--build-id=none -Wl,-n

.PHONY: all iso kernel run test clean deps fuzz fuzz-campaign bench sim
all: $(ISO)
kernel: $(ELF)
iso: $(ISO)

# Checks for (and, as root, installs) the Debian packages the build needs.
deps:
	@tools/ensure-deps.sh build

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/%.asm.o: %.asm | deps
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -MD $(BUILD)/$*.asm.d -MP $< -o $@

$(ELF): $(OBJS) linker.ld
	$(CC) $(CFLAGS) $(LDFLAGS) $(OBJS) -o $@ -lgcc
	@tools/check-elf.sh $@

# Host tool; it shares kernel/nvme/nvme_fwimage.c with the kernel.
$(MKFWIMAGE): tools/mkfwimage.c kernel/nvme/nvme_fwimage.c kernel/nvme/nvme_fwimage.h | deps
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=c11 -O2 -Wall -Wextra -Werror -Ikernel/nvme tools/mkfwimage.c kernel/nvme/nvme_fwimage.c -o $@

$(FWIMG): $(MKFWIMAGE) Makefile
	$(MKFWIMAGE) $(FWIMG_SIZE) $(FWIMG_SEED) $@

$(ISO): $(ELF) iso/grub.cfg $(FWIMG) | deps
	@rm -rf $(BUILD)/isoroot
	@mkdir -p $(BUILD)/isoroot/boot/grub
	cp $(ELF) $(BUILD)/isoroot/boot/nvmetk.elf
	cp $(FWIMG) $(BUILD)/isoroot/boot/fw-test.bin
	cp iso/grub.cfg $(BUILD)/isoroot/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/isoroot >$(BUILD)/grub-mkrescue.log 2>&1 || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

run: $(ISO)
	./run-qemu.sh $(RUN_ARGS)

# nvmetk-sim (sim/README.md): the same shell, NVMe commands and driver
# source on this host against the software controller of tests/host/model,
# built with ASan and UBSan. The shell files reach the platform through
# kernel/shell/platform.h only (sim/ implements it); kernel-only commands
# (PCI, PCIe hot-plug rescan, ACPI, memory, framebuffer, debug, bench with its
# interrupts) stay out.
SIM        := $(BUILD)/nvmetk-sim
SIM_KERNEL_OUT := kernel/shell/shell_acpi.c kernel/shell/shell_debug.c kernel/shell/shell_fb.c \
              kernel/shell/shell_hotplug.c kernel/shell/shell_mem.c kernel/shell/shell_pci.c \
              kernel/shell/nvme/shell_nvme_bench.c kernel/shell/nvme/shell_nvme_floor.c
SIM_SRCS   := $(sort $(wildcard sim/*.c) \
              $(filter-out $(SIM_KERNEL_OUT),$(wildcard kernel/shell/*.c kernel/shell/nvme/*.c)) \
              kernel/nvme/nvme_ctrls.c kernel/nvme/nvme_pattern.c kernel/nvme/nvme_fwimage.c \
              kernel/cmdline.c lib/format.c $(wildcard drivers/nvme/*.c) $(wildcard tests/host/model/*.c))
SIM_OBJS   := $(patsubst %.c,$(BUILD)/sim-obj/%.o,$(SIM_SRCS))
SIM_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
SIM_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror $(SIM_SAN) -DNVME_MMIO_HOOK -DNVMETK_HAVE_DRIVER=1 \
              -Isim -Ikernel/shell -Ikernel/shell/nvme -Ikernel/nvme -Ikernel -Ilib -Idrivers/nvme \
              -Itests/host/model -MMD -MP

sim: $(SIM)

$(BUILD)/sim-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(SIM_CFLAGS) -c $< -o $@

$(SIM): $(SIM_OBJS)
	$(HOSTCC) $(SIM_SAN) $(SIM_OBJS) -o $@

# Benchmarks (never part of `make test`): nvmetk's bench and bench-floor
# against Linux + fio (interrupt-driven and polled) and U-Boot on the same
# QEMU device, pinned and unpinned, then the host micro-benchmark. Options:
# make bench BENCH_ARGS="--runs 3 --backends file" (bench/run.sh --help).
bench: all
	@tools/ensure-deps.sh bench
	bench/run.sh $(BENCH_ARGS)

# `make test` first installs (as root) or names what its tiers need.
test: all
	@tools/ensure-deps.sh test
	$(MAKE) ports
	tests/run-all.sh

# The device-side fuzzer of the driver (tests/fuzz/): `make fuzz FUZZ_TIME=60`
# runs libFuzzer for that many seconds (needs clang and libclang-rt-14-dev).
FUZZ_TIME ?= 60
fuzz:
	$(MAKE) -C tests/fuzz fuzz FUZZ_TIME=$(FUZZ_TIME)

# A campaign (tests/fuzz/campaign.sh): FUZZ_WORKERS processes for FUZZ_TIME
# seconds, corpus merged and minimized into tests/fuzz/corpus/, executions,
# coverage per file and findings printed. `make fuzz-campaign FUZZ_WORKERS=2
# FUZZ_TIME=3600`.
FUZZ_WORKERS ?= 1
fuzz-campaign:
	tests/fuzz/campaign.sh -j $(FUZZ_WORKERS) -t $(FUZZ_TIME)

clean:
	rm -rf $(BUILD)

-include $(DEPS) $(wildcard $(BUILD)/boot/*.asm.d) $(SIM_OBJS:.o=.d)

# The aarch64 and riscv64 QEMU virt ports (ports/README.md): `make ports`.
include ports/ports.mk
