/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_abi.c - the ABI check of nvme_ctrl_init(): a caller built with the
 * driver's switches is accepted; callers built with other switches
 * (abi_other.c, compiled by the Makefile with -DNVME_CFG_MAX_NS=8 and with
 * -DNVME_CFG_SGL=0) are refused with NVME_ERR_ABI, their struct nvme_ctrl
 * untouched, the device untouched, and a log line naming the switch.
 */
#include <stdio.h>
#include <string.h>

#include "abi_other.h"
#include "test_util.h"

static void abi_same_build_accepted(void)
{
	char diff[160] = "x";
	CHECK_EQ(nvme_abi_diff(&NVME_ABI_CALLER, diff, sizeof(diff)), 0);
	CHECK_MSG(diff[0] == '\0', "diff text \"%s\"", diff);
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	CHECK(!host_env_log_contains(f.env, "refused"));
}

typedef int (*other_init_fn)(const struct nvme_host *, uint64_t, size_t, int *, char *, size_t);

static void check_refused(other_init_fn fn, const char *expect)
{
	static struct fx f;
	char diff[160] = "";
	int untouched = 0;
	fx_defaults(&f);
	fx_start(&f);
	host_env_log_clear(f.env);
	int rc = fn(&f.env->host, nvme_model_bar_phys(f.m), nvme_model_bar_size(f.m), &untouched, diff,
		    sizeof(diff));
	CHECK_MSG(rc == NVME_ERR_ABI, "init -> %s", st(rc));
	CHECK_MSG(untouched, "the caller's struct nvme_ctrl was written");
	CHECK_MSG(strstr(diff, expect) != NULL, "diff \"%s\" does not name %s", diff, expect);
	CHECK_MSG(host_env_log_contains(f.env, expect), "log does not name %s: %s", expect,
		  host_env_log_text(f.env));
	CHECK_MSG(host_env_log_contains(f.env, "refused"), "log: %s", host_env_log_text(f.env));
	/* nothing reached the device: BAR0 was not even mapped */
	CHECK_EQ(nvme_model_stats(f.m)->reg_reads + nvme_model_stats(f.m)->reg_writes, 0);
	CHECK_EQ(f.env->mmio_maps, 0);
	CHECK(strcmp(nvme_strerror(NVME_ERR_ABI), nvme_strerror(NVME_ERR_INVAL)) != 0);
}

static void abi_other_max_ns_refused(void)
{
	check_refused(abi_small_ns_init, "NVME_CFG_MAX_NS: caller 8, driver ");
}

static void abi_other_sgl_switch_refused(void)
{
	check_refused(abi_no_sgl_init, "NVME_CFG_SGL: caller 0, driver 1");
}

static void abi_diff_names_version_and_sizes(void)
{
	struct nvme_abi a = NVME_ABI_CALLER;
	char diff[160];
	a.version++;
	CHECK(nvme_abi_diff(&a, diff, sizeof(diff)) > 0);
	CHECK_MSG(strstr(diff, "NVME_ABI_VERSION") != NULL, "%s", diff);
	a = NVME_ABI_CALLER;
	a.ctrl_size += 8;
	CHECK(nvme_abi_diff(&a, diff, sizeof(diff)) > 0);
	CHECK_MSG(strstr(diff, "sizeof(struct nvme_ctrl)") != NULL, "%s", diff);
	a = NVME_ABI_CALLER;
	a.cfg_bits ^= 1u << 10;
	nvme_abi_diff(&a, diff, sizeof(diff));
	CHECK_MSG(strstr(diff, "NVME_CFG_RESV") != NULL, "%s", diff);
	CHECK(nvme_abi_diff(NULL, diff, sizeof(diff)) > 0);
}

static const struct check_test tests[] = {
	CHECK_TEST(abi_same_build_accepted),
	CHECK_TEST(abi_other_max_ns_refused),
	CHECK_TEST(abi_other_sgl_switch_refused),
	CHECK_TEST(abi_diff_names_version_and_sizes),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
