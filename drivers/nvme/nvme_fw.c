/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_fw.c - firmware update: Firmware Image Download in pieces that
 * respect FWUG and the max transfer, Firmware Commit with every commit
 * action, the reset-required results, and the Firmware Slot log afterwards.
 *
 * Both commands need OACS bit 2; activation without reset (commit action
 * 011b) also needs FRMW bit 4. QEMU 7.2 has neither: the calls are refused
 * before anything is sent, naming the bit (nvme_ctrl_refusal()).
 *
 * Piece size: FWUG gives the granularity and alignment of each download in
 * 4 KiB units (0 = no information, FFh = no restriction). By default the
 * driver sends the largest multiple of it that fits one command (the max
 * transfer), from the caller's offset (0 for a whole image) upwards, so
 * every piece starts aligned and only the last may be short. A caller may
 * choose the piece size (nvme-cli's --xfer) and the starting offset
 * (--offset, for an image sent in several calls): both are checked against
 * the granularity (FWUG 0 is taken as 4 KiB, the safe reading of "no
 * information") and the piece size against the max transfer before anything
 * is sent. Offsets and lengths are in dwords on the wire (NUMD 0's based,
 * OFST 32 bits).
 */
#include "nvme_internal.h"

#if NVME_CFG_FW   /* optional (nvme.h): the file is empty without it */

NVME_COLD uint32_t nvme_fw_granularity(const struct nvme_ctrl *c)
{
	if (c == NULL)
		return 0;
	if (c->id.fwug == 0)
		return 4096u;                        /* no information: whole 4 KiB units */
	if (c->id.fwug == 0xFFu)
		return 4u;                           /* no restriction: dwords */
	return (uint32_t)c->id.fwug * 4096u;
}

NVME_COLD uint32_t nvme_fw_chunk_bytes(const struct nvme_ctrl *c)
{
	if (c == NULL || c->max_xfer == 0)
		return 0;
	uint32_t max = c->max_xfer;
	uint32_t gran = nvme_fw_granularity(c);
	if (gran > max)
		return 0;
	return max - max % gran;
}

/* The largest byte offset + 1 a download can reach: OFST counts dwords in
 * 32 bits. */
#define FW_OFFSET_LIMIT  ((uint64_t)1 << 34)

NVME_COLD int nvme_fw_download(struct nvme_ctrl *c, const void *image, size_t len, uint64_t offset, uint32_t xfer,
		     nvme_progress_fn cb, void *arg, unsigned flags)
{
	if (c == NULL || image == NULL || len == 0 || (len & 3u) != 0 || (offset & 3u) != 0 || (xfer & 3u) != 0)
		return NVME_ERR_INVAL;
	if (offset >= FW_OFFSET_LIMIT || (uint64_t)len > FW_OFFSET_LIMIT - offset)
		return NVME_ERR_TOO_LARGE;
	int rc = nvme_require_cmd(c, NVME_OPT_FIRMWARE, NVME_ADMIN_FW_DOWNLOAD, flags, "Firmware Image Download");
	if (rc != 0)
		return rc;
	uint32_t gran = nvme_fw_granularity(c);
	uint32_t chunk = nvme_fw_chunk_bytes(c);
	if (chunk == 0) {
		nvme_err(c, "firmware download: FWUG %u (x 4 KiB) exceeds the max transfer of %u bytes",
			 (unsigned)c->id.fwug, (unsigned)c->max_xfer);
		return NVME_ERR_UNSUPPORTED;
	}
	if (offset % gran != 0) {
		nvme_err(c, "firmware download: offset %llu is not a multiple of the %u-byte granularity (FWUG %u)",
			 (unsigned long long)offset, (unsigned)gran, (unsigned)c->id.fwug);
		return NVME_ERR_INVAL;
	}
	if (xfer != 0) {
		if (xfer > c->max_xfer) {
			nvme_err(c, "firmware download: pieces of %u bytes exceed the max transfer of %u bytes",
				 (unsigned)xfer, (unsigned)c->max_xfer);
			return NVME_ERR_TOO_LARGE;
		}
		if (xfer % gran != 0) {
			/* the next piece would start off the granularity */
			nvme_err(c, "firmware download: pieces of %u bytes are not a multiple of the %u-byte "
				 "granularity (FWUG %u)", (unsigned)xfer, (unsigned)gran, (unsigned)c->id.fwug);
			return NVME_ERR_INVAL;
		}
		chunk = xfer;
	}
	const uint8_t *p = image;
	uint64_t done = 0;
	while (done < len) {
		uint32_t n = (uint32_t)nvme_min_u64(chunk, len - done);
		uint64_t at = offset + done;
		struct nvme_sqe sqe;
		__builtin_memset(&sqe, 0, sizeof(sqe));
		sqe.opc = NVME_ADMIN_FW_DOWNLOAD;
		sqe.cdw10 = (uint32_t)NVME_SET(NVME_FW_DL_CDW10_NUMD, n / 4u - 1u);
		sqe.cdw11 = (uint32_t)NVME_SET(NVME_FW_DL_CDW11_OFST, at / 4u);
		/* host to controller (opcode 11h): the image is only read */
		rc = nvme_admin_exec(c, &sqe, (void *)(uintptr_t)(p + done), n, NULL);
		if (rc != 0) {
			nvme_err(c, "firmware download at offset %llu (%u bytes): %s", (unsigned long long)at,
				 (unsigned)n, nvme_strerror(rc));
			return rc;
		}
		done += n;
		if (cb != NULL && cb(arg, done, len) != 0)
			return NVME_ERR_CANCELLED;
	}
	nvme_info(c, "firmware image: %llu bytes at offset %llu downloaded in pieces of %u bytes",
		  (unsigned long long)len, (unsigned long long)offset, (unsigned)chunk);
	return 0;
}

NVME_COLD bool nvme_fw_needs_reset(int status)
{
	return status == NVME_ERR_FW_NEEDS_CONV_RESET || status == NVME_ERR_FW_NEEDS_NSSR ||
	       status == NVME_ERR_FW_NEEDS_RESET;
}

NVME_COLD int nvme_fw_commit(struct nvme_ctrl *c, uint8_t slot, uint8_t action, unsigned flags,
		   struct nvme_fw_commit_result *res)
{
	struct nvme_fw_commit_result tmp;
	if (res == NULL)
		res = &tmp;
	__builtin_memset(res, 0, sizeof(*res));
	res->reset = "none";
	res->slot_status = NVME_ERR_NOT_READY;
	if (c == NULL || slot > NVME_FW_MAX_SLOTS || action > NVME_FW_CA_REPLACE_ACTIVATE_NOW)
		return res->status = NVME_ERR_INVAL;
	int rc = nvme_require_cmd(c, NVME_OPT_FIRMWARE, NVME_ADMIN_FW_COMMIT, flags, "Firmware Commit");
	if (rc == 0 && action == NVME_FW_CA_REPLACE_ACTIVATE_NOW)
		rc = nvme_require(c, NVME_OPT_FW_ACTIVATE_NOW, flags, "Firmware Commit (activate without reset)");
	if (rc != 0)
		return res->status = rc;

	struct nvme_sqe sqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_FW_COMMIT;
	sqe.cdw10 = (uint32_t)(NVME_SET(NVME_FW_COMMIT_CDW10_FS, slot) | NVME_SET(NVME_FW_COMMIT_CDW10_CA, action));
	int dev = nvme_admin_exec(c, &sqe, NULL, 0, NULL);
	res->device_status = dev;

	if (dev == 0) {
		rc = 0;
		if (action == NVME_FW_CA_REPLACE)
			res->reset = "not activated";
		else if (action != NVME_FW_CA_REPLACE_ACTIVATE_NOW)
			res->reset = "controller level reset";
	} else if (nvme_status_is(dev, NVME_SCT_COMMAND_SPECIFIC, NVME_SC_FW_ACTIVATION_REQUIRES_CONVENTIONAL_RESET)) {
		rc = NVME_ERR_FW_NEEDS_CONV_RESET;
		res->reset = "conventional reset";
	} else if (nvme_status_is(dev, NVME_SCT_COMMAND_SPECIFIC, NVME_SC_FW_ACTIVATION_REQUIRES_NVM_SUBSYSTEM_RESET)) {
		rc = NVME_ERR_FW_NEEDS_NSSR;
		res->reset = "NVM subsystem reset";
	} else if (nvme_status_is(dev, NVME_SCT_COMMAND_SPECIFIC, NVME_SC_FW_ACTIVATION_REQUIRES_CONTROLLER_RESET)) {
		rc = NVME_ERR_FW_NEEDS_RESET;
		res->reset = "controller level reset";
	} else if (nvme_status_is(dev, NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_FIRMWARE_SLOT)) {
		rc = NVME_ERR_FW_BAD_SLOT;
	} else if (nvme_status_is(dev, NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_FIRMWARE_IMAGE)) {
		rc = NVME_ERR_FW_BAD_IMAGE;
	} else {
		rc = dev;
	}
	res->status = rc;
	if (dev != 0 && !nvme_status_is_device(dev))
		return rc;   /* timeout, device gone...: nothing more to ask */

	if (dev == 0 && action == NVME_FW_CA_REPLACE_ACTIVATE_NOW) {
		int r = nvme_refresh_firmware_rev(c);
		if (r != 0)
			nvme_warn(c, "firmware activated, but re-reading Identify failed: %s", nvme_strerror(r));
	}
	res->slot_status = nvme_fw_slot_read(c, &res->slots);
	nvme_info(c, "firmware commit slot %u action %u: %s; active slot %u, next %u", (unsigned)slot,
		  (unsigned)action, nvme_strerror(rc), (unsigned)res->slots.active_slot,
		  (unsigned)res->slots.next_slot);
	return rc;
}

#else
typedef int nvme_fw_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_FW */
