/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_opt.h - fixture helpers for the optional-command tests
 * (tests_dm.c, tests_logs.c, tests_fw.c, tests_sanitize.c, tests_format.c,
 * tests_features.c, tests_aer.c, tests_resv.c, tests_support.c).
 * Header only: the tests/host Makefile links one tests_*.c with test_util.c.
 */
#ifndef TEST_OPT_H
#define TEST_OPT_H

#include "test_util.h"
#include "model/nvme_model_ext.h"

/* ONCS: Compare, Write Uncorrectable, DSM, Write Zeroes, Save/Select,
 * Reservations, Timestamp, Verify. */
#define OPT_ONCS_ALL  0x00FFu
/* OACS: Format NVM, Firmware Download/Commit. */
#define OPT_OACS_ALL  0x0006u
/* FRMW: 3 slots, slot 1 read only, activation without reset. */
#define OPT_FRMW_3RO  0x17u
/* SANICAP: crypto erase, block erase, overwrite. */
#define OPT_SANICAP_ALL 0x7u

/* What QEMU 7.2 reports (DESIGN.md section 4; checked against the real
 * device, see drivers/nvme/README.md). */
#define QEMU_OACS     0x010Au
#define QEMU_ONCS     0x015Du
#define QEMU_FRMW     0x03u

/* Every optional command advertised (config only: before fx_start). */
static inline void fx_opt_config(struct fx *f)
{
	f->mcfg.oncs = OPT_ONCS_ALL;
	f->mcfg.oacs = OPT_OACS_ALL;
	f->mcfg.frmw = OPT_FRMW_3RO;
}

/* fx_start, then the Identify fields the config has no member for. */
static inline void fx_opt_start(struct fx *f, uint32_t sanicap, uint8_t fwug, uint8_t fna)
{
	fx_start(f);
	nvme_model_set_sanicap(f->m, sanicap);
	nvme_model_set_fwug(f->m, fwug);
	nvme_model_set_fna(f->m, fna);
}

/* Defaults + every optional command + driver up. */
static inline void fx_opt_up(struct fx *f)
{
	fx_opt_config(f);
	fx_opt_start(f, OPT_SANICAP_ALL, 0, 0x4);
	fx_up(f);
}

/* Contains the text? (with a message naming both) */
#define CHECK_HAS(hay, needle) \
	do { const char *h_ = (hay), *n_ = (needle); \
	     if (!h_ || !strstr(h_, n_)) check_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"", \
						     h_ ? h_ : "(null)", n_); } while (0)

/* Equal strings (both NUL-terminated). */
#define CHECK_STR(got, want) \
	do { const char *g_ = (got), *w_ = (want); \
	     if (!g_ || strcmp(g_, w_) != 0) check_fail(__FILE__, __LINE__, "%s is \"%s\", want \"%s\"", #got, \
							 g_ ? g_ : "(null)", w_); } while (0)

#endif /* TEST_OPT_H */
