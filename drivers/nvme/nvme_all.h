/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_all.h - every header of the driver's API, for hosts that use all of it
 * (the test kernel's shell, the host tests). A port needs only nvme.h.
 */
#ifndef NVME_ALL_H
#define NVME_ALL_H

#include "nvme.h"
#include "nvme_status.h"
#include "nvme_ctrl.h"
#include "nvme_ns.h"
#include "nvme_queue.h"
#include "nvme_io.h"
#include "nvme_admin.h"
#include "nvme_recover.h"
#include "nvme_dbbuf.h"
#include "nvme_support.h"
#include "nvme_dm.h"
#include "nvme_logs.h"
#include "nvme_fw.h"
#include "nvme_sanitize.h"
#include "nvme_format.h"
#include "nvme_features.h"
#include "nvme_aer.h"
#include "nvme_resv.h"
#include "nvme_quirks.h"
#include "nvme_hmb.h"
#include "nvme_power.h"
#include "nvme_selftest.h"
#include "nvme_telemetry.h"
#include "nvme_zns.h"
#include "nvme_pi.h"
#include "nvme_copy.h"
#include "nvme_nsmgmt.h"

#endif /* NVME_ALL_H */
