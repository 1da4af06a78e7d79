# SPDX-License-Identifier: BSD-2-Clause
# ports/ports.mk - included by the top-level Makefile: `make ports` builds the
# aarch64 and riscv64 QEMU virt ports (ports/README.md) with the Debian cross
# compilers:
#   build/ports/aarch64-virt/port.img   arm64 Image for qemu-system-aarch64 -kernel
#   build/ports/riscv64-virt/port.elf   ELF for qemu-system-riscv64 -bios none -kernel
# Each links ports/common/*.c, ports/<arch>/*.{c,S} and drivers/nvme/*.c.

PORTS_BUILD := $(BUILD)/ports
PORTS_DRIVER_SRCS := $(wildcard drivers/nvme/*.c)
PORTS_COMMON_SRCS := $(wildcard ports/common/*.c)

PORTS_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-stack-protector \
	-fno-pic -fno-pie -fno-omit-frame-pointer -Iports/common -Idrivers/nvme -MMD -MP
PORTS_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,--no-warn-rwx-segments

# aarch64: no FP/SIMD registers (the port never enables them), no unaligned
# accesses (the DTB is parsed with the MMU off, where memory is Device), no
# out-of-line atomics helpers.
PORTS_aarch64-virt_CC     := aarch64-linux-gnu-gcc
PORTS_aarch64-virt_OBJCOPY := aarch64-linux-gnu-objcopy
PORTS_aarch64-virt_ARCH   := -march=armv8-a -mgeneral-regs-only -mstrict-align -mno-outline-atomics
# riscv64: integer ISA (mstatus.FS stays off), code anywhere (RAM at 2 GiB),
# no linker relaxation (no global pointer set up).
PORTS_riscv64-virt_CC     := riscv64-linux-gnu-gcc
PORTS_riscv64-virt_OBJCOPY := riscv64-linux-gnu-objcopy
PORTS_riscv64-virt_ARCH   := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -mno-relax

PORTS := aarch64-virt riscv64-virt
PORTS_OUTPUTS := $(PORTS_BUILD)/aarch64-virt/port.img $(PORTS_BUILD)/riscv64-virt/port.elf

.PHONY: ports
ports: $(PORTS_OUTPUTS)

# port_rules(name)
define port_rules
PORTS_$(1)_SRCS := $$(PORTS_COMMON_SRCS) $$(wildcard ports/$(1)/*.c) $$(PORTS_DRIVER_SRCS)
PORTS_$(1)_ASMS := $$(wildcard ports/$(1)/*.S)
PORTS_$(1)_OBJS := $$(patsubst %.c,$$(PORTS_BUILD)/$(1)/%.o,$$(PORTS_$(1)_SRCS)) \
	$$(patsubst %.S,$$(PORTS_BUILD)/$(1)/%.S.o,$$(PORTS_$(1)_ASMS))

$$(PORTS_BUILD)/$(1)/%.o: %.c | deps
	@mkdir -p $$(dir $$@)
	$$(PORTS_$(1)_CC) $$(PORTS_CFLAGS) $$(PORTS_$(1)_ARCH) -c $$< -o $$@

$$(PORTS_BUILD)/$(1)/%.S.o: %.S | deps
	@mkdir -p $$(dir $$@)
	$$(PORTS_$(1)_CC) $$(PORTS_CFLAGS) $$(PORTS_$(1)_ARCH) -c $$< -o $$@

$$(PORTS_BUILD)/$(1)/port.elf: $$(PORTS_$(1)_OBJS) ports/$(1)/link.ld
	$$(PORTS_$(1)_CC) $$(PORTS_CFLAGS) $$(PORTS_$(1)_ARCH) $$(PORTS_LDFLAGS) \
		-Wl,-T,ports/$(1)/link.ld $$(PORTS_$(1)_OBJS) -o $$@ -lgcc

-include $$(PORTS_$(1)_OBJS:.o=.d)
endef

$(foreach p,$(PORTS),$(eval $(call port_rules,$(p))))

# QEMU loads an arm64 Image (raw binary with the header of start.S).
$(PORTS_BUILD)/aarch64-virt/port.img: $(PORTS_BUILD)/aarch64-virt/port.elf
	$(PORTS_aarch64-virt_OBJCOPY) -O binary $< $@
