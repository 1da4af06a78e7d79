/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_serial_bar.c - the test kernel's check of a PCI BAR before it is
 * used as a 16550's registers (kernel/dev/serial_bar.h, a pure function):
 * what QEMU's pci-serial and real cards report is accepted, every value a
 * broken or hostile configuration space could give is refused. (Built like
 * the driver tests; it uses no driver function.)
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "../../kernel/dev/serial_bar.h"

static bool ok(bool present, bool io, uint64_t base, uint64_t size)
{
	return serial_bar_problem(present, io, base, size) == NULL;
}

static bool says(bool present, bool io, uint64_t base, uint64_t size, const char *phrase)
{
	const char *why = serial_bar_problem(present, io, base, size);
	return why && strstr(why, phrase);
}

static void serial_bar_accepted(void)
{
	CHECK(ok(true, true, 0xc080, 8));          /* QEMU pci-serial, SeaBIOS */
	CHECK(ok(true, true, 0x6080, 8));          /* the same under OVMF */
	CHECK(ok(true, true, 0xe000, 32));         /* pci-serial-4x style */
	CHECK(ok(true, true, 0xff00, 256));        /* ends exactly at 64 KiB */
	CHECK(ok(true, false, 0xfe000000, 4096));  /* 16550 in a 4 KiB MMIO window */
	CHECK(ok(true, false, 0x4000000000ull, 1u << 20));  /* above 4 GiB, 1 MiB */
}

static void serial_bar_refused(void)
{
	CHECK(says(false, true, 0xc080, 8, "absent"));
	CHECK(says(true, true, 0xc080, 0, "absent"));
	CHECK(says(true, true, 0, 8, "not assigned"));
	CHECK(says(true, false, 0, 4096, "not assigned"));
	CHECK(says(true, true, 0xc080, 4, "smaller than the 8"));
	CHECK(says(true, false, 0xfe000000, 1, "smaller than the 8"));
	CHECK(says(true, true, 0xc000, 512, "not plausible"));      /* too big for I/O */
	CHECK(says(true, true, 0x10000, 8, "not plausible"));       /* beyond port space */
	CHECK(says(true, true, 0xfffc, 8, "not plausible"));        /* crosses 64 KiB */
	CHECK(says(true, true, ~0ull - 3, 8, "not plausible"));     /* would wrap */
	CHECK(says(true, false, 0xe0000000, 2u << 20, "too large")); /* 2 MiB */
	CHECK(says(true, false, ~0ull - 4095, 4096, "too large"));  /* wraps */
}

static const struct check_test tests[] = {
	CHECK_TEST(serial_bar_accepted),
	CHECK_TEST(serial_bar_refused),
};

int main(int argc, char **argv)
{
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
