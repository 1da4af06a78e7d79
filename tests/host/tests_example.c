/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_example.c - drivers/nvme/examples/minimal.c, unchanged, run against
 * the software controller: its identity mapping holds here because the
 * model reaches memory through an identity translation and BAR0's "bus
 * address" is the address the MMIO hooks recognise. The example must bring
 * the controller up and return block 0 as the model holds it.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "model/nvme_model.h"
#include "nvme.h"

int minimal_nvme_example(uint64_t bar_phys, size_t bar_size, void *block, size_t block_len);

/* The example's one outside need: YOUR KERNEL's clock. */
uint64_t kernel_time_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t model_clock(void *ctx)
{
	(void)ctx;
	return kernel_time_us();
}

/* Bus address == host address, as in the example. */
static void *identity(void *ctx, uint64_t phys, size_t len, bool write)
{
	(void)ctx; (void)len; (void)write;
	return (void *)(uintptr_t)phys;
}

static void destroy_model(void *m)
{
	nvme_model_destroy(m);
}

static void example_reads_block0(void)
{
	struct nvme_model_ns_config ns = { .nsid = 1, .lba_size = 512, .blocks = 1024 };
	struct nvme_model_config mc;
	nvme_model_config_init(&mc);
	mc.ns = &ns;
	mc.ns_count = 1;
	mc.translate = identity;
	mc.clock = model_clock;
	struct nvme_model *m = nvme_model_create(&mc);
	REQUIRE(m != NULL);
	check_cleanup(destroy_model, m);

	unsigned char want[512], got[512];
	for (unsigned i = 0; i < sizeof(want); i++)
		want[i] = (unsigned char)(i * 7u + 3u);
	REQUIRE_EQ(nvme_model_ns_write(m, 1, 0, 1, want), 0);
	memset(got, 0, sizeof(got));

	size_t bar_size = nvme_model_bar_size(m);
	volatile void *bar = nvme_model_map_bar(nvme_model_bar_phys(m), bar_size);
	int rc = minimal_nvme_example((uint64_t)(uintptr_t)bar, bar_size, got, sizeof(got));
	CHECK_MSG(rc == 0, "minimal_nvme_example -> %d (%s)", rc, nvme_strerror(rc));
	CHECK(memcmp(got, want, sizeof(want)) == 0);
	CHECK_EQ(nvme_model_error_count(m), 0);
	CHECK_EQ(nvme_model_stats(m)->blocks_read, 1);
	/* the example keeps its controller, as a kernel would; the model goes
	 * with the case (nothing calls the driver afterwards) */
}

static const struct check_test tests[] = {
	CHECK_TEST(example_reads_block0),
};

int main(int argc, char **argv)
{
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
