/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_fw.c - firmware update: `fw-download` (a Multiboot2 module
 * loaded by GRUB, or a generated test image; nvme_fw_download) and
 * `fw-commit` (nvme_fw_commit). Both need OACS bit 2; QEMU 7.2 lacks it, so
 * they are refused there with the driver's reason (--force sends them and
 * QEMU answers Invalid Command Opcode).
 */
#include "shell_nvme.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"
#include "nvme_fwimage.h"

/* Largest image --generate builds. */
#define FW_GENERATE_MAX (64u * 1024u * 1024u)

/* ------------------------------------------------------------ fw-download */

struct dl_progress {
	char label[32];
	uint64_t done;          /* bytes the driver reported sent */
	bool interrupted;
};

static int dl_progress_cb(void *arg, uint64_t done, uint64_t total)
{
	struct dl_progress *p = arg;
	p->done = done;
	console_progress(p->label, done, total);
	if (done < total && console_check_interrupt()) {
		p->interrupted = true;
		return 1;
	}
	return 0;
}

static void describe_image(const char *source, const void *img, size_t len, uint64_t phys)
{
	struct fwimage_info fi;
	fwimage_inspect(img, len, &fi);
	kprintf("image: %s at 0x%llx, %llu bytes, CRC-32 0x%08x\n", source, (unsigned long long)phys,
		(unsigned long long)len, (unsigned)fi.crc_image);
	if (!fi.ours)
		kprintf("image: not an nvmetk test image (sent as it is)\n");
	else if (fi.valid)
		kprintf("image: nvmetk test image v%u, seed %llu, payload CRC-32 0x%08x: intact\n", (unsigned)fi.version,
			(unsigned long long)fi.seed, (unsigned)fi.crc_payload);
	else
		kprintf("image: nvmetk test image v%u, but damaged: header says %u bytes and payload CRC-32 0x%08x, "
			"found %llu bytes and 0x%08x (sent as it is)\n", (unsigned)fi.version, (unsigned)fi.size,
			(unsigned)fi.crc_stored, (unsigned long long)len, (unsigned)fi.crc_payload);
}

static int cmd_fw_download(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "module", .short_name = 'm', .takes_value = true },
		{ .name = "generate", .short_name = 'g', .takes_value = true },
		{ .name = "seed", .takes_value = true },
		{ .name = "xfer", .short_name = 'x', .takes_value = true },
		{ .name = "offset", .short_name = 'O', .takes_value = true },
		NVSH_OPT_FORCE,
		{ 0 },
	};
	struct nvsh_target tg;
	uint64_t gen = 0, seed = 0, xfer = 0, offset = 0;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc || (rc = nvsh_opt_u64_max(opts, "generate", FW_GENERATE_MAX, &gen)) ||
	    (rc = nvsh_opt_u64(opts, "seed", &seed)) || (rc = nvsh_opt_u64_max(opts, "xfer", 0xFFFFFFFFull, &xfer)) ||
	    (rc = nvsh_opt_u64_max(opts, "offset", (1ull << 34) - 4, &offset)))
		return rc;
	struct shell_opt *om = nvsh_opt(opts, "module"), *og = nvsh_opt(opts, "generate");
	bool force = nvsh_isset(opts, "force");
	if (om->set == og->set)
		return shell_usage_error(om->set ? "give --module or --generate, not both"
						 : "missing --module NAME or --generate SIZE: which image?");
	if (nvsh_isset(opts, "seed") && !og->set)
		return shell_usage_error("--seed goes with --generate");
	bool have_xfer = nvsh_isset(opts, "xfer");
	if (have_xfer && (xfer == 0 || xfer % 4))
		return shell_usage_error("--xfer %s: a piece is a positive multiple of 4 bytes",
					 nvsh_opt(opts, "xfer")->value);
	if (offset % 4)
		return shell_usage_error("--offset %s: the offset is a multiple of 4 bytes (Firmware Image Download "
					 "counts dwords)", nvsh_opt(opts, "offset")->value);

	/* the plan: pieces of --xfer, or the driver's choice (FWUG and the max
	 * transfer); the driver checks the same rules again */
	const struct nvme_id_ctrl *id = nvme_ctrl_id(tg.c);
	uint32_t gran = nvme_fw_granularity(tg.c);
	uint32_t maxx = nvme_ctrl_max_transfer(tg.c);
	uint32_t chunk = nvme_fw_chunk_bytes(tg.c);
	char mx[24], gs[64];
	nvsh_fmt_size(maxx, mx, sizeof(mx));
	ksnprintf(gs, sizeof(gs), "%u bytes (FWUG %u%s)", (unsigned)gran, (unsigned)id->fwug,
		  id->fwug == 0 ? " = not reported, taken as 4 KiB" : id->fwug == 0xFF ? " = no restriction" : " x 4 KiB");
	if (chunk == 0) {
		return shell_error("%s: FWUG %u (x 4 KiB) exceeds the max transfer of %s: no piece size fits", tg.t->name,
				   (unsigned)id->fwug, mx);
	}
	if (have_xfer && xfer > maxx)
		return shell_usage_error("--xfer %llu is above the max transfer of %s (%u bytes)", (unsigned long long)xfer,
					 mx, (unsigned)maxx);
	if (have_xfer && xfer % gran)
		return shell_usage_error("--xfer %llu: pieces must be a multiple of the firmware update granularity, %s",
					 (unsigned long long)xfer, gs);
	if (offset % gran)
		return shell_usage_error("--offset %llu: the offset must be a multiple of the firmware update granularity, "
					 "%s", (unsigned long long)offset, gs);
	if (have_xfer)
		chunk = (uint32_t)xfer;
	/* the image */
	const uint8_t *img;
	size_t len;
	uint64_t phys;
	struct nvsh_buf gb = { 0 };
	char source[96];
	if (om->set) {
		struct platform_module mod;
		const struct platform_module *m = &mod;
		if (!platform_module_find(om->value, &mod)) {
			char mods[160];
			platform_module_list(mods, sizeof(mods));
			return shell_usage_error("no boot module '%s' (loaded: %s; GRUB's module2 loads them)", om->value,
						 mods);
		}
		img = (const uint8_t *)m->data;
		len = m->len;
		phys = m->phys;
		ksnprintf(source, sizeof(source), "module '%s'", m->name);
		if (len == 0 || len % 4)
			return shell_usage_error("module '%s' is %llu bytes: an image must be a positive multiple of 4 "
						 "bytes (Firmware Image Download moves dwords)", m->name,
						 (unsigned long long)len);
	} else {
		if (gen < FWIMAGE_HEADER_SIZE || gen % 4)
			return shell_usage_error("--generate %s: the size must be a multiple of 4, at least %u bytes",
						 og->value, (unsigned)FWIMAGE_HEADER_SIZE);
		if (!nvsh_buf_alloc(&gb, (size_t)gen, (size_t)gen))
			return shell_error("no memory for a %llu-byte image", (unsigned long long)gen);
		fwimage_generate(gb.p, (size_t)gen, seed);
		img = gb.p;
		len = (size_t)gen;
		phys = gb.phys;
		ksnprintf(source, sizeof(source), "generated test image (seed %llu)", (unsigned long long)seed);
	}
	describe_image(source, img, len, phys);
	if (len > (1ull << 34) - offset) {
		nvsh_buf_free(&gb);
		return shell_usage_error("--offset %llu + %llu bytes is beyond the 16 GiB a Firmware Image Download "
					 "offset can name", (unsigned long long)offset, (unsigned long long)len);
	}

	uint64_t pieces = (len + chunk - 1) / chunk;
	uint64_t last = len - (pieces - 1) * chunk;
	kprintf("plan: %llu Firmware Image Download command%s: ", (unsigned long long)pieces, pieces == 1 ? "" : "s");
	if (pieces == 1)
		kprintf("%llu bytes", (unsigned long long)len);
	else if (last == chunk)
		kprintf("%llu x %u bytes", (unsigned long long)pieces, (unsigned)chunk);
	else
		kprintf("%llu x %u bytes + %llu bytes", (unsigned long long)(pieces - 1), (unsigned)chunk,
			(unsigned long long)last);
	if (offset)
		kprintf(" at offsets %llu..%llu", (unsigned long long)offset, (unsigned long long)(offset + len - 1));
	if (have_xfer)
		kprintf(" (piece size %u: --xfer; max transfer %s, granularity %s)\n", (unsigned)chunk, mx, gs);
	else
		kprintf(" (piece size %u: max transfer %s, FWUG %u%s)\n", (unsigned)chunk, mx, (unsigned)id->fwug,
			id->fwug == 0 ? " = not reported, 4 KiB units" : id->fwug == 0xFF ? " = no restriction" : " x 4 KiB");

	struct dl_progress pr = { .done = 0 };
	ksnprintf(pr.label, sizeof(pr.label), "fw-download %s", tg.t->name);
	uint64_t t0 = time_now_us();
	rc = nvme_fw_download(tg.c, img, len, offset, have_xfer ? (uint32_t)xfer : 0, dl_progress_cb, &pr,
			      force ? NVME_CMD_FORCE : 0);
	uint64_t ms = (time_now_us() - t0) / 1000;
	nvsh_buf_free(&gb);
	if (rc == NVME_ERR_CANCELLED) {
		kprintf("\ninterrupted: %llu of %llu bytes downloaded (%llu of %llu pieces); nothing was committed: the\n"
			"controller discards the partial image at the next download from offset 0 or reset\n",
			(unsigned long long)pr.done, (unsigned long long)len, (unsigned long long)(pr.done / chunk),
			(unsigned long long)pieces);
		return SHELL_ERR;
	}
	if (rc == NVME_ERR_NOT_ADVERTISED)
		return nvsh_status(&tg, "fw-download", rc);
	if (rc) {
		if (pr.done)
			kprintf("\n");
		char why[112];
		nvme_status_describe(rc, why, sizeof(why));
		uint64_t at = pr.done;
		uint64_t n = len - at < chunk ? len - at : chunk;
		return shell_error("fw-download failed at offset %llu (piece %llu of %llu, %llu bytes): %s",
				   (unsigned long long)(offset + at), (unsigned long long)(at / chunk + 1),
				   (unsigned long long)pieces, (unsigned long long)n, why);
	}
	kprintf("fw-download: Success: %llu bytes in %llu piece%s, %llu ms; activate with fw-commit --slot N "
		"--action A\n", (unsigned long long)len, (unsigned long long)pieces, pieces == 1 ? "" : "s",
		(unsigned long long)ms);
	if (offset)
		kprintf("note: sent at offset %llu: the controller needs the image's earlier part too (a download at "
			"offset 0 starts a new image)\n", (unsigned long long)offset);
	return SHELL_OK;
}
NVSH_COMMAND("fw-download",
	     "fw-download [DEVICE] (--module NAME | --generate SIZE [--seed S]) [--xfer BYTES] [--offset BYTES] [--force]",
	     "download a firmware image to the controller (nvme-cli fw-download)",
	     NVSH_HELP_CTRL
	     "The image comes from a Multiboot2 module (-m/--module NAME: GRUB loads it with\n"
	     "'module2 FILE NAME'; NAME matches the module's string, its first word or that\n"
	     "word's file name; the ISO carries 'fw-test.bin', see 'mem') or is generated\n"
	     "(-g/--generate SIZE: the nvmetk firmware test image: 32-byte header 'NVMETKFW',\n"
	     "version 1, size, seed, CRC-32 of the payload; then splitmix64 words of --seed S,\n"
	     "as the 'random' pattern; kernel/nvme_fwimage.h). It is printed with its size and\n"
	     "CRC-32 (and checked if it is a test image), then the plan: the number of\n"
	     "Firmware Image Download commands and their size: by default the largest multiple\n"
	     "of the firmware update granularity (FWUG x 4 KiB; FWUG 0 is taken as 4 KiB)\n"
	     "within the max transfer. -x/--xfer BYTES sets the piece size (nvme-cli's --xfer):\n"
	     "a multiple of the granularity, at most the max transfer. -O/--offset BYTES sends\n"
	     "the image to that offset of the controller's image (nvme-cli's --offset, in bytes:\n"
	     "a multiple of 4 and of the granularity), e.g. the rest of an image whose first\n"
	     "part went earlier; offset 0 starts a new image. A progress bar follows the\n"
	     "pieces; Ctrl-C stops between them (nothing is committed). Needs OACS bit 2, or\n"
	     "opcode 11h in the effects log (QEMU 7.2: neither).\n" NVSH_HELP_FORCE,
	     cmd_fw_download);

/* ------------------------------------------------------------ fw-commit */

static const char *const action_names[] = { "replace", "replace-activate", "activate", "replace-activate-now" };

static int parse_action(const char *s, uint64_t *a)
{
	for (unsigned i = 0; i < 4; i++)
		if (strcmp(s, action_names[i]) == 0) {
			*a = i;
			return SHELL_OK;
		}
	if (!parse_u64(s, a))
		return shell_usage_error("bad value for --action: '%s' (0..3 or replace, replace-activate, activate, "
					 "replace-activate-now)", s);
	if (*a == 6 || *a == 7)
		return shell_usage_error("--action %s: boot partition actions are not supported", s);
	if (*a > 3)
		return shell_usage_error("--action %s is out of range (0..3)", s);
	return SHELL_OK;
}

static void print_slots(const struct nvme_fw_slot_info *fw)
{
	for (unsigned s = 0; s < fw->nslots && s < NVME_FW_MAX_SLOTS; s++)
		kprintf("  slot %u: %-8s%s%s\n", s + 1, fw->rev[s][0] ? fw->rev[s] : "(empty)",
			s + 1 == fw->active_slot ? "  active" : "", s + 1 == fw->next_slot ? "  next reset" : "");
}

static int cmd_fw_commit(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "slot", .short_name = 's', .takes_value = true },
		{ .name = "action", .short_name = 'a', .takes_value = true },
		NVSH_OPT_YES, NVSH_OPT_FORCE,
		{ 0 },
	};
	struct nvsh_target tg;
	uint64_t slot = 0, action = 0;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc || (rc = nvsh_opt_u64_max(opts, "slot", 7, &slot)))
		return rc;
	struct shell_opt *oa = nvsh_opt(opts, "action");
	if (!oa->set)
		return shell_usage_error("missing --action (0 replace, 1 replace-activate, 2 activate, "
					 "3 replace-activate-now)");
	if ((rc = parse_action(oa->value, &action)))
		return rc;
	bool force = nvsh_isset(opts, "force");
	if ((rc = nvsh_require_cmd(&tg, NVME_OPT_FIRMWARE, NVME_ADMIN_FW_COMMIT, force, "Firmware Commit")) ||
	    (action == NVME_FW_CA_REPLACE_ACTIVATE_NOW &&
	     (rc = nvsh_require(&tg, NVME_OPT_FW_ACTIVATE_NOW, force, "Firmware Commit (activate without reset)"))))
		return rc;
	const struct nvme_id_ctrl *id = nvme_ctrl_id(tg.c);
	unsigned nslots = (unsigned)NVME_GET(id->frmw, NVME_FRMW_NUM_SLOTS);
	if (slot > nslots && !force)
		return shell_usage_error("--slot %llu: %s has %u firmware slot%s (FRMW %#x); 0 lets it choose",
					 (unsigned long long)slot, tg.t->name, nslots, nslots == 1 ? "" : "s",
					 (unsigned)id->frmw);
	if (slot == 1 && NVME_GET(id->frmw, NVME_FRMW_SLOT1_RO) && action != NVME_FW_CA_ACTIVATE_RESET && !force)
		return shell_usage_error("--slot 1 is read only (FRMW bit 0): only --action 2 (activate) can use it");
	struct nvme_fw_slot_info before;
	bool have_before = nvme_fw_slot_read(tg.c, &before) == 0;
	char slotname[32];
	if (slot)
		ksnprintf(slotname, sizeof(slotname), "slot %u%s%s%s", (unsigned)slot,
			  have_before ? " (now '" : "", have_before ? before.rev[slot - 1] : "", have_before ? "')" : "");
	else
		strlcpy(slotname, "a slot the controller chooses", sizeof(slotname));
	static const char *const what[] = {
		"replace the image in %s with the downloaded image (not activated)",
		"replace the image in %s with the downloaded image and activate it at the next reset",
		"activate the image in %s at the next reset",
		"replace the image in %s with the downloaded image and activate it now, without a reset",
	};
	char desc[160];
	ksnprintf(desc, sizeof(desc), what[action], slotname);
	kprintf("%s: running firmware '%s'\n", tg.t->name, nvme_ctrl_firmware(tg.c));
	if ((rc = nvsh_confirm(&tg, nvsh_isset(opts, "yes"), "%s (Firmware Commit, action %u)", desc, (unsigned)action)))
		return rc;
	struct nvme_fw_commit_result res;
	rc = nvme_fw_commit(tg.c, (uint8_t)slot, (uint8_t)action, force ? NVME_CMD_FORCE : 0, &res);
	if (rc == NVME_ERR_NOT_ADVERTISED)
		return nvsh_status(&tg, "fw-commit", rc);
	if (rc == 0 || nvme_fw_needs_reset(rc)) {
		kprintf("fw-commit: Success: %s\n", desc);
		if (nvme_fw_needs_reset(rc)) {
			char st[96];
			nvme_status_describe(res.device_status, st, sizeof(st));
			kprintf("the new firmware runs after a %s (the device answered %s)%s\n", res.reset, st,
				rc == NVME_ERR_FW_NEEDS_RESET ? "; 'reset' does a controller reset" : "");
		} else if (action == NVME_FW_CA_REPLACE_ACTIVATE_NOW) {
			kprintf("activated: running firmware '%s'\n", nvme_ctrl_firmware(tg.c));
		} else if (action != NVME_FW_CA_REPLACE) {
			kprintf("the new firmware runs after a %s ('reset' does one)\n", res.reset);
		}
	} else {
		char st[96];
		nvme_status_describe(res.device_status ? res.device_status : rc, st, sizeof(st));
		shell_error("fw-commit failed: %s%s", st,
			    rc == NVME_ERR_FW_BAD_IMAGE   ? " (the downloaded image was refused)"
			    : rc == NVME_ERR_FW_BAD_SLOT ? " (the slot was refused)"
							 : "");
	}
	if (res.slot_status == 0) {
		kprintf("firmware slots now:\n");
		print_slots(&res.slots);
	}
	return rc == 0 || nvme_fw_needs_reset(rc) ? SHELL_OK : SHELL_ERR;
}
NVSH_COMMAND("fw-commit", "fw-commit [DEVICE] [-s SLOT] -a ACTION [--yes] [--force]",
	     "commit a downloaded firmware image to a slot and/or activate it (nvme-cli fw-commit)",
	     NVSH_HELP_CTRL
	     "-s/--slot 0..7 (0: the controller chooses; at most FRMW's slot count), -a/--action:\n"
	     "  0 replace               store the downloaded image in the slot, not activated\n"
	     "  1 replace-activate      store it and activate it at the next reset\n"
	     "  2 activate              activate the image already in the slot at the next reset\n"
	     "  3 replace-activate-now  store it and activate it now (needs FRMW bit 4)\n"
	     "Shows the controller's model, serial, running firmware and what changes, and asks\n"
	     "for 'yes' unless --yes. Results in words: Success; 'the new firmware runs after a\n"
	     "conventional reset / NVM subsystem reset / controller level reset' when the device\n"
	     "says so; Invalid Firmware Slot or Invalid Firmware Image as errors. The Firmware\n"
	     "Slot log is printed afterwards. Needs OACS bit 2 (QEMU 7.2: not set).\n" NVSH_HELP_FORCE,
	     cmd_fw_commit);
