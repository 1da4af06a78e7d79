/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_status.c - turning any status into words.
 *
 * Device status names follow the NVMe base specification 1.4c, section
 * 4.6.1.2 (Status Code definitions, one table per Status Code Type); see
 * REFERENCES.md.
 */
#include "nvme_internal.h"

struct nvme_code_name {
	uint16_t code;       /* SCT << 8 | SC, or -driver error */
	const char *name;
};

#define SC(sct, sc, text) { NVME_STATUS_CODE(NVME_SCT_##sct, NVME_SC_##sc), text }

static const struct nvme_code_name device_names[] = {
	/* Generic Command Status */
	SC(GENERIC, SUCCESS, "Successful Completion"),
	SC(GENERIC, INVALID_OPCODE, "Invalid Command Opcode"),
	SC(GENERIC, INVALID_FIELD, "Invalid Field in Command"),
	SC(GENERIC, CID_CONFLICT, "Command ID Conflict"),
	SC(GENERIC, DATA_TRANSFER_ERROR, "Data Transfer Error"),
	SC(GENERIC, ABORTED_POWER_LOSS, "Commands Aborted due to Power Loss Notification"),
	SC(GENERIC, INTERNAL_ERROR, "Internal Error"),
	SC(GENERIC, ABORT_REQUESTED, "Command Abort Requested"),
	SC(GENERIC, ABORTED_SQ_DELETION, "Command Aborted due to SQ Deletion"),
	SC(GENERIC, ABORTED_FAILED_FUSED, "Command Aborted due to Failed Fused Command"),
	SC(GENERIC, ABORTED_MISSING_FUSED, "Command Aborted due to Missing Fused Command"),
	SC(GENERIC, INVALID_NAMESPACE_OR_FORMAT, "Invalid Namespace or Format"),
	SC(GENERIC, COMMAND_SEQUENCE_ERROR, "Command Sequence Error"),
	SC(GENERIC, INVALID_SGL_SEGMENT_DESCRIPTOR, "Invalid SGL Segment Descriptor"),
	SC(GENERIC, INVALID_NUMBER_OF_SGL_DESCRIPTORS, "Invalid Number of SGL Descriptors"),
	SC(GENERIC, DATA_SGL_LENGTH_INVALID, "Data SGL Length Invalid"),
	SC(GENERIC, METADATA_SGL_LENGTH_INVALID, "Metadata SGL Length Invalid"),
	SC(GENERIC, SGL_DESCRIPTOR_TYPE_INVALID, "SGL Descriptor Type Invalid"),
	SC(GENERIC, INVALID_USE_OF_CMB, "Invalid Use of Controller Memory Buffer"),
	SC(GENERIC, PRP_OFFSET_INVALID, "PRP Offset Invalid"),
	SC(GENERIC, ATOMIC_WRITE_UNIT_EXCEEDED, "Atomic Write Unit Exceeded"),
	SC(GENERIC, OPERATION_DENIED, "Operation Denied"),
	SC(GENERIC, SGL_OFFSET_INVALID, "SGL Offset Invalid"),
	SC(GENERIC, HOST_ID_INCONSISTENT_FORMAT, "Host Identifier Inconsistent Format"),
	SC(GENERIC, KEEP_ALIVE_EXPIRED, "Keep Alive Timer Expired"),
	SC(GENERIC, KEEP_ALIVE_INVALID, "Keep Alive Timeout Invalid"),
	SC(GENERIC, ABORTED_PREEMPT_ABORT, "Command Aborted due to Preempt and Abort"),
	SC(GENERIC, SANITIZE_FAILED, "Sanitize Failed"),
	SC(GENERIC, SANITIZE_IN_PROGRESS, "Sanitize In Progress"),
	SC(GENERIC, SGL_DATA_BLOCK_GRANULARITY_INVALID, "SGL Data Block Granularity Invalid"),
	SC(GENERIC, CMD_NOT_SUPPORTED_QUEUE_IN_CMB, "Command Not Supported for Queue in CMB"),
	SC(GENERIC, NS_WRITE_PROTECTED, "Namespace is Write Protected"),
	SC(GENERIC, COMMAND_INTERRUPTED, "Command Interrupted"),
	SC(GENERIC, TRANSIENT_TRANSPORT_ERROR, "Transient Transport Error"),
	SC(GENERIC, LBA_OUT_OF_RANGE, "LBA Out of Range"),
	SC(GENERIC, CAPACITY_EXCEEDED, "Capacity Exceeded"),
	SC(GENERIC, NS_NOT_READY, "Namespace Not Ready"),
	SC(GENERIC, RESERVATION_CONFLICT, "Reservation Conflict"),
	SC(GENERIC, FORMAT_IN_PROGRESS, "Format In Progress"),
	/* Command Specific Status */
	SC(COMMAND_SPECIFIC, COMPLETION_QUEUE_INVALID, "Completion Queue Invalid"),
	SC(COMMAND_SPECIFIC, INVALID_QUEUE_IDENTIFIER, "Invalid Queue Identifier"),
	SC(COMMAND_SPECIFIC, INVALID_QUEUE_SIZE, "Invalid Queue Size"),
	SC(COMMAND_SPECIFIC, ABORT_COMMAND_LIMIT_EXCEEDED, "Abort Command Limit Exceeded"),
	SC(COMMAND_SPECIFIC, ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED, "Asynchronous Event Request Limit Exceeded"),
	SC(COMMAND_SPECIFIC, INVALID_FIRMWARE_SLOT, "Invalid Firmware Slot"),
	SC(COMMAND_SPECIFIC, INVALID_FIRMWARE_IMAGE, "Invalid Firmware Image"),
	SC(COMMAND_SPECIFIC, INVALID_INTERRUPT_VECTOR, "Invalid Interrupt Vector"),
	SC(COMMAND_SPECIFIC, INVALID_LOG_PAGE, "Invalid Log Page"),
	SC(COMMAND_SPECIFIC, INVALID_FORMAT, "Invalid Format"),
	SC(COMMAND_SPECIFIC, FW_ACTIVATION_REQUIRES_CONVENTIONAL_RESET, "Firmware Activation Requires Conventional Reset"),
	SC(COMMAND_SPECIFIC, INVALID_QUEUE_DELETION, "Invalid Queue Deletion"),
	SC(COMMAND_SPECIFIC, FEATURE_ID_NOT_SAVEABLE, "Feature Identifier Not Saveable"),
	SC(COMMAND_SPECIFIC, FEATURE_NOT_CHANGEABLE, "Feature Not Changeable"),
	SC(COMMAND_SPECIFIC, FEATURE_NOT_NS_SPECIFIC, "Feature Not Namespace Specific"),
	SC(COMMAND_SPECIFIC, FW_ACTIVATION_REQUIRES_NVM_SUBSYSTEM_RESET, "Firmware Activation Requires NVM Subsystem Reset"),
	SC(COMMAND_SPECIFIC, FW_ACTIVATION_REQUIRES_CONTROLLER_RESET, "Firmware Activation Requires Controller Level Reset"),
	SC(COMMAND_SPECIFIC, FW_ACTIVATION_REQUIRES_MAX_TIME_VIOLATION, "Firmware Activation Requires Maximum Time Violation"),
	SC(COMMAND_SPECIFIC, FW_ACTIVATION_PROHIBITED, "Firmware Activation Prohibited"),
	SC(COMMAND_SPECIFIC, OVERLAPPING_RANGE, "Overlapping Range"),
	SC(COMMAND_SPECIFIC, NS_INSUFFICIENT_CAPACITY, "Namespace Insufficient Capacity"),
	SC(COMMAND_SPECIFIC, NS_ID_UNAVAILABLE, "Namespace Identifier Unavailable"),
	SC(COMMAND_SPECIFIC, NS_ALREADY_ATTACHED, "Namespace Already Attached"),
	SC(COMMAND_SPECIFIC, NS_IS_PRIVATE, "Namespace Is Private"),
	SC(COMMAND_SPECIFIC, NS_NOT_ATTACHED, "Namespace Not Attached"),
	SC(COMMAND_SPECIFIC, THIN_PROVISIONING_NOT_SUPPORTED, "Thin Provisioning Not Supported"),
	SC(COMMAND_SPECIFIC, CONTROLLER_LIST_INVALID, "Controller List Invalid"),
	SC(COMMAND_SPECIFIC, DEVICE_SELF_TEST_IN_PROGRESS, "Device Self-test In Progress"),
	SC(COMMAND_SPECIFIC, BOOT_PARTITION_WRITE_PROHIBITED, "Boot Partition Write Prohibited"),
	SC(COMMAND_SPECIFIC, INVALID_CONTROLLER_IDENTIFIER, "Invalid Controller Identifier"),
	SC(COMMAND_SPECIFIC, INVALID_SECONDARY_CONTROLLER_STATE, "Invalid Secondary Controller State"),
	SC(COMMAND_SPECIFIC, INVALID_NUMBER_OF_CONTROLLER_RESOURCES, "Invalid Number of Controller Resources"),
	SC(COMMAND_SPECIFIC, INVALID_RESOURCE_IDENTIFIER, "Invalid Resource Identifier"),
	SC(COMMAND_SPECIFIC, SANITIZE_PROHIBITED_PMR_ENABLED, "Sanitize Prohibited While Persistent Memory Region is Enabled"),
	SC(COMMAND_SPECIFIC, ANA_GROUP_ID_INVALID, "ANA Group Identifier Invalid"),
	SC(COMMAND_SPECIFIC, ANA_ATTACH_FAILED, "ANA Attach Failed"),
	SC(COMMAND_SPECIFIC, CONFLICTING_ATTRIBUTES, "Conflicting Attributes"),
	SC(COMMAND_SPECIFIC, INVALID_PROTECTION_INFORMATION, "Invalid Protection Information"),
	SC(COMMAND_SPECIFIC, ATTEMPTED_WRITE_TO_READ_ONLY_RANGE, "Attempted Write to Read Only Range"),
	/* Zoned Namespace Command Set (ZNS 1.0 section 3.4): command specific */
	SC(COMMAND_SPECIFIC, ZONE_BOUNDARY_ERROR, "Zone Boundary Error: the blocks lie in more than one zone or beyond the zone's capacity"),
	SC(COMMAND_SPECIFIC, ZONE_FULL, "Zone Is Full"),
	SC(COMMAND_SPECIFIC, ZONE_READ_ONLY, "Zone Is Read Only"),
	SC(COMMAND_SPECIFIC, ZONE_OFFLINE, "Zone Is Offline"),
	SC(COMMAND_SPECIFIC, ZONE_INVALID_WRITE, "Zone Invalid Write: the write does not start at the zone's write pointer"),
	SC(COMMAND_SPECIFIC, ZONE_TOO_MANY_ACTIVE, "Too Many Active Zones"),
	SC(COMMAND_SPECIFIC, ZONE_TOO_MANY_OPEN, "Too Many Open Zones"),
	SC(COMMAND_SPECIFIC, ZONE_INVALID_TRANSITION, "Invalid Zone State Transition"),
	SC(GENERIC, IOCS_COMBINATION_REJECTED, "I/O Command Set Combination Rejected"),
	SC(GENERIC, IOCS_NOT_SUPPORTED, "I/O Command Set Not Supported"),
	SC(GENERIC, IOCS_NOT_ENABLED, "I/O Command Set Not Enabled"),
	SC(GENERIC, INVALID_IOCS, "Invalid I/O Command Set"),
	SC(COMMAND_SPECIFIC, COMMAND_SIZE_LIMIT_EXCEEDED, "Command Size Limit Exceeded"),   /* Copy */
	/* Media and Data Integrity Errors */
	SC(MEDIA, WRITE_FAULT, "Write Fault"),
	SC(MEDIA, UNRECOVERED_READ_ERROR, "Unrecovered Read Error"),
	SC(MEDIA, GUARD_CHECK_ERROR, "End-to-end Guard Check Error"),
	SC(MEDIA, APPLICATION_TAG_CHECK_ERROR, "End-to-end Application Tag Check Error"),
	SC(MEDIA, REFERENCE_TAG_CHECK_ERROR, "End-to-end Reference Tag Check Error"),
	SC(MEDIA, COMPARE_FAILURE, "Compare Failure"),
	SC(MEDIA, ACCESS_DENIED, "Access Denied"),
	SC(MEDIA, DEALLOCATED_OR_UNWRITTEN_BLOCK, "Deallocated or Unwritten Logical Block"),
	/* Path Related Status */
	SC(PATH, INTERNAL_PATH_ERROR, "Internal Path Error"),
	SC(PATH, ANA_PERSISTENT_LOSS, "Asymmetric Access Persistent Loss"),
	SC(PATH, ANA_INACCESSIBLE, "Asymmetric Access Inaccessible"),
	SC(PATH, ANA_TRANSITION, "Asymmetric Access Transition"),
	SC(PATH, CONTROLLER_PATHING_ERROR, "Controller Pathing Error"),
	SC(PATH, HOST_PATHING_ERROR, "Host Pathing Error"),
	SC(PATH, COMMAND_ABORTED_BY_HOST, "Command Aborted By Host"),
};

#define DE(err, text) { (uint16_t)(-(err)), text }

static const struct nvme_code_name driver_names[] = {
	DE(NVME_ERR_INVAL, "invalid argument"),
	DE(NVME_ERR_NOMEM, "out of DMA memory"),
	DE(NVME_ERR_TIMEOUT, "timed out"),
	DE(NVME_ERR_DEVICE_GONE, "device gone (registers read all ones)"),
	DE(NVME_ERR_CTRL_FATAL, "controller fatal status (CSTS.CFS)"),
	DE(NVME_ERR_NOT_READY, "controller not ready"),
	DE(NVME_ERR_HOST_CONFIG, "host porting structure incomplete or invalid"),
	DE(NVME_ERR_PAGE_SIZE, "page size above CAP.MPSMAX (or a CAP.MPSMIN page above 2 MiB)"),
	DE(NVME_ERR_LBA_RANGE, "LBA range outside the namespace"),
	DE(NVME_ERR_NO_NAMESPACE, "no such namespace"),
	DE(NVME_ERR_UNSUPPORTED, "not supported"),
	DE(NVME_ERR_QUEUE_FULL, "queue full"),
	DE(NVME_ERR_BAD_QUEUE, "no such queue pair"),
	DE(NVME_ERR_ABORTED, "command aborted by the driver (reset, deletion or detach)"),
	DE(NVME_ERR_BOUNCE_BUSY, "bounce buffer in use"),
	DE(NVME_ERR_TOO_LARGE, "larger than the maximum transfer or a limit the device reports"),
	DE(NVME_ERR_DMA, "data buffer not usable for DMA"),
	DE(NVME_ERR_COMPARE_MISMATCH, "compare mismatch: the data differ"),
	DE(NVME_ERR_NOT_ADVERTISED, "not supported by this controller (capability bit clear; not sent)"),
	DE(NVME_ERR_CANCELLED, "cancelled by the caller"),
	DE(NVME_ERR_FW_NEEDS_CONV_RESET, "firmware committed; activation requires a conventional reset"),
	DE(NVME_ERR_FW_NEEDS_NSSR, "firmware committed; activation requires an NVM subsystem reset"),
	DE(NVME_ERR_FW_NEEDS_RESET, "firmware committed; activation requires a controller level reset"),
	DE(NVME_ERR_FW_BAD_SLOT, "invalid firmware slot"),
	DE(NVME_ERR_FW_BAD_IMAGE, "invalid firmware image"),
	DE(NVME_ERR_SANITIZE_FAILED, "sanitize operation failed"),
	DE(NVME_ERR_PI_GUARD, "protection information guard check failed (driver check)"),
	DE(NVME_ERR_PI_APP_TAG, "protection information application tag check failed (driver check)"),
	DE(NVME_ERR_PI_REF_TAG, "protection information reference tag check failed (driver check)"),
	DE(NVME_ERR_ABI, "caller built with other NVME_CFG_* switches than the driver"),
	DE(NVME_ERR_BAD_CID, "device returned an invalid command identifier"),
	DE(NVME_ERR_BAD_SQHD, "device returned an invalid SQ head pointer"),
	DE(NVME_ERR_BAD_SQID, "device returned an invalid SQ identifier"),
	DE(NVME_ERR_BAD_CAP, "invalid controller capabilities (CAP)"),
	DE(NVME_ERR_BAD_QES, "queue entry sizes (SQES/CQES) unusable"),
	DE(NVME_ERR_BAD_LBAF, "invalid LBA format (FLBAS/NLBAF)"),
	DE(NVME_ERR_BAD_LBADS, "LBA data size out of range"),
	DE(NVME_ERR_BAD_QUEUE_GRANT, "invalid Number of Queues answer"),
	DE(NVME_ERR_BAD_LOG_LENGTH, "log page length or offset not supported"),
	DE(NVME_ERR_BAD_MDTS, "MDTS below one page"),
	DE(NVME_ERR_BAD_NS_LIST, "invalid namespace list"),
	DE(NVME_ERR_BAD_ID, "invalid Identify data"),
	DE(NVME_ERR_BAD_LOG_DATA, "invalid log page data"),
	DE(NVME_ERR_BAD_ZONE_DATA, "invalid zone report or Zone Append answer"),
};

static const char *const sct_names[8] = {
	"Generic Command Status", "Command Specific Status", "Media and Data Integrity Error",
	"Path Related Status", "Reserved Status Code Type", "Reserved Status Code Type",
	"Reserved Status Code Type", "Vendor Specific Status",
};

NVME_COLD static const char *lookup(const struct nvme_code_name *t, size_t n, uint16_t code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

NVME_COLD const char *nvme_strerror(int status)
{
	if (status == 0)
		return "ok";
	if (nvme_status_is_device(status)) {
		unsigned sct = nvme_status_sct(status), sc = nvme_status_sc(status);
		const char *s = lookup(device_names, sizeof(device_names) / sizeof(device_names[0]),
				       NVME_STATUS_CODE(sct, sc));
		if (s != NULL)
			return s;
		if (sct == NVME_SCT_VENDOR || sc >= 0xC0u)
			return "Vendor Specific status";
		return sct_names[sct & 7u];   /* unknown code of a known type */
	}
	if (status < 0 && status > -0x10000) {
		const char *s = lookup(driver_names, sizeof(driver_names) / sizeof(driver_names[0]),
				       (uint16_t)(-status));
		if (s != NULL)
			return s;
	}
	return "unknown status";
}

NVME_COLD static const char *driver_symbol(int status)
{
	switch (status) {
	case NVME_ERR_INVAL: return "NVME_ERR_INVAL";
	case NVME_ERR_NOMEM: return "NVME_ERR_NOMEM";
	case NVME_ERR_TIMEOUT: return "NVME_ERR_TIMEOUT";
	case NVME_ERR_DEVICE_GONE: return "NVME_ERR_DEVICE_GONE";
	case NVME_ERR_CTRL_FATAL: return "NVME_ERR_CTRL_FATAL";
	case NVME_ERR_NOT_READY: return "NVME_ERR_NOT_READY";
	case NVME_ERR_HOST_CONFIG: return "NVME_ERR_HOST_CONFIG";
	case NVME_ERR_PAGE_SIZE: return "NVME_ERR_PAGE_SIZE";
	case NVME_ERR_LBA_RANGE: return "NVME_ERR_LBA_RANGE";
	case NVME_ERR_NO_NAMESPACE: return "NVME_ERR_NO_NAMESPACE";
	case NVME_ERR_UNSUPPORTED: return "NVME_ERR_UNSUPPORTED";
	case NVME_ERR_QUEUE_FULL: return "NVME_ERR_QUEUE_FULL";
	case NVME_ERR_BAD_QUEUE: return "NVME_ERR_BAD_QUEUE";
	case NVME_ERR_ABORTED: return "NVME_ERR_ABORTED";
	case NVME_ERR_BOUNCE_BUSY: return "NVME_ERR_BOUNCE_BUSY";
	case NVME_ERR_TOO_LARGE: return "NVME_ERR_TOO_LARGE";
	case NVME_ERR_DMA: return "NVME_ERR_DMA";
	case NVME_ERR_COMPARE_MISMATCH: return "NVME_ERR_COMPARE_MISMATCH";
	case NVME_ERR_NOT_ADVERTISED: return "NVME_ERR_NOT_ADVERTISED";
	case NVME_ERR_CANCELLED: return "NVME_ERR_CANCELLED";
	case NVME_ERR_FW_NEEDS_CONV_RESET: return "NVME_ERR_FW_NEEDS_CONV_RESET";
	case NVME_ERR_FW_NEEDS_NSSR: return "NVME_ERR_FW_NEEDS_NSSR";
	case NVME_ERR_FW_NEEDS_RESET: return "NVME_ERR_FW_NEEDS_RESET";
	case NVME_ERR_FW_BAD_SLOT: return "NVME_ERR_FW_BAD_SLOT";
	case NVME_ERR_FW_BAD_IMAGE: return "NVME_ERR_FW_BAD_IMAGE";
	case NVME_ERR_SANITIZE_FAILED: return "NVME_ERR_SANITIZE_FAILED";
	case NVME_ERR_ABI: return "NVME_ERR_ABI";
	case NVME_ERR_BAD_CID: return "NVME_ERR_BAD_CID";
	case NVME_ERR_BAD_SQHD: return "NVME_ERR_BAD_SQHD";
	case NVME_ERR_BAD_SQID: return "NVME_ERR_BAD_SQID";
	case NVME_ERR_BAD_CAP: return "NVME_ERR_BAD_CAP";
	case NVME_ERR_BAD_QES: return "NVME_ERR_BAD_QES";
	case NVME_ERR_BAD_LBAF: return "NVME_ERR_BAD_LBAF";
	case NVME_ERR_BAD_LBADS: return "NVME_ERR_BAD_LBADS";
	case NVME_ERR_BAD_QUEUE_GRANT: return "NVME_ERR_BAD_QUEUE_GRANT";
	case NVME_ERR_BAD_LOG_LENGTH: return "NVME_ERR_BAD_LOG_LENGTH";
	case NVME_ERR_BAD_MDTS: return "NVME_ERR_BAD_MDTS";
	case NVME_ERR_BAD_NS_LIST: return "NVME_ERR_BAD_NS_LIST";
	case NVME_ERR_BAD_ID: return "NVME_ERR_BAD_ID";
	case NVME_ERR_BAD_LOG_DATA: return "NVME_ERR_BAD_LOG_DATA";
	case NVME_ERR_BAD_ZONE_DATA: return "NVME_ERR_BAD_ZONE_DATA";
	default: return NULL;
	}
}

NVME_COLD size_t nvme_status_describe(int status, char *buf, size_t len)
{
	if (nvme_status_is_device(status)) {
		return nvme_format(buf, len, "%s (SCT %xh SC %02xh%s%s%s)", nvme_strerror(status),
				   nvme_status_sct(status), nvme_status_sc(status),
				   nvme_status_dnr(status) ? ", DNR" : "",
				   nvme_status_more(status) ? ", More" : "",
				   nvme_status_crd(status) == 1 ? ", CRD 1" :
				   nvme_status_crd(status) == 2 ? ", CRD 2" :
				   nvme_status_crd(status) == 3 ? ", CRD 3" : "");
	}
	const char *sym = driver_symbol(status);
	if (status == 0)
		return nvme_format(buf, len, "ok");
	if (sym != NULL)
		return nvme_format(buf, len, "%s (%s)", nvme_strerror(status), sym);
	return nvme_format(buf, len, "unknown status %d", status);
}
