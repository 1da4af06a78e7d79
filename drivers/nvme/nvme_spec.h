/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_spec.h - NVM Express definitions: registers, queue entries, admin and NVM
 * command set opcodes, data structures and status codes.
 *
 * Pure specification: no driver state lives here, and nothing in this file
 * depends on the driver. The references are NVM Express Base Specification
 * revision 1.4c (2021) unless a line says otherwise; section numbers are listed
 * in drivers/nvme/REFERENCES.md.
 *
 * Conventions
 *  - A register or command-dword field is defined once, as "shift, width":
 *        #define NVME_CAP_MQES  0, 16
 *    and read or built with NVME_GET(value, FIELD) / NVME_SET(FIELD, x).
 *    Single-bit flags additionally get a plain mask (NVME_..._BIT) where handy.
 *  - Wire structures use fixed-width fields only, no bitfields, and carry
 *    "dword N" / byte-offset comments. Their sizes and key offsets are checked
 *    with _Static_assert at the end of this file.
 *  - Multi-byte fields are little endian on the wire; the driver only supports
 *    little-endian hosts (checked in nvme_arch.h).
 */
#ifndef NVME_SPEC_H
#define NVME_SPEC_H

#include <stdint.h>
#include <stddef.h>

/* ------------------------------------------------------------------------ */
/* Field helpers                                                             */
/* ------------------------------------------------------------------------ */

#define NVME_FIELD_MASK_(shift, width)   ((((uint64_t)1 << (width)) - 1) << (shift))
#define NVME_FIELD_GET_(v, shift, width) (((uint64_t)(v) >> (shift)) & (((uint64_t)1 << (width)) - 1))
#define NVME_FIELD_SET_(x, shift, width) (((uint64_t)(x) & (((uint64_t)1 << (width)) - 1)) << (shift))
#define NVME_FIELD_FITS_(x, shift, width) ((uint64_t)(x) <= (((uint64_t)1 << (width)) - 1))
/* The extra level of macro expansion splits "shift, width" into two arguments. */
#define NVME_FIELD_CALL_(m, ...)         m(__VA_ARGS__)

/* Extract FIELD from v (result is uint64_t; cast to the field's size). */
#define NVME_GET(v, FIELD)   NVME_FIELD_CALL_(NVME_FIELD_GET_, v, FIELD)
/* Place x into FIELD (x is truncated to the field width). */
#define NVME_SET(FIELD, x)   NVME_FIELD_CALL_(NVME_FIELD_SET_, x, FIELD)
/* Mask of FIELD in its register. */
#define NVME_MASK(FIELD)     NVME_FIELD_CALL_(NVME_FIELD_MASK_, FIELD)
/* Nonzero if x fits into FIELD without truncation. */
#define NVME_FITS(FIELD, x)  NVME_FIELD_CALL_(NVME_FIELD_FITS_, x, FIELD)

/* ------------------------------------------------------------------------ */
/* Controller registers (section 3.1)                                        */
/* ------------------------------------------------------------------------ */

#define NVME_REG_CAP      0x0000u /* Controller Capabilities, 64 bit */
#define NVME_REG_VS       0x0008u /* Version */
#define NVME_REG_INTMS    0x000Cu /* Interrupt Mask Set */
#define NVME_REG_INTMC    0x0010u /* Interrupt Mask Clear */
#define NVME_REG_CC       0x0014u /* Controller Configuration */
#define NVME_REG_CSTS     0x001Cu /* Controller Status */
#define NVME_REG_NSSR     0x0020u /* NVM Subsystem Reset */
#define NVME_REG_AQA      0x0024u /* Admin Queue Attributes */
#define NVME_REG_ASQ      0x0028u /* Admin Submission Queue Base Address, 64 bit */
#define NVME_REG_ACQ      0x0030u /* Admin Completion Queue Base Address, 64 bit */
#define NVME_REG_CMBLOC   0x0038u /* Controller Memory Buffer Location */
#define NVME_REG_CMBSZ    0x003Cu /* Controller Memory Buffer Size */
#define NVME_REG_BPINFO   0x0040u /* Boot Partition Information */
#define NVME_REG_BPRSEL   0x0044u /* Boot Partition Read Select */
#define NVME_REG_BPMBL    0x0048u /* Boot Partition Memory Buffer Location, 64 bit */
#define NVME_REG_CMBMSC   0x0050u /* CMB Memory Space Control, 64 bit */
#define NVME_REG_CMBSTS   0x0058u /* CMB Status */
#define NVME_REG_CRTO     0x0068u /* Controller Ready Timeouts (NVMe 2.0) */
#define NVME_REG_PMRCAP   0x0E00u /* Persistent Memory Region Capabilities */
#define NVME_REG_PMRCTL   0x0E04u
#define NVME_REG_PMRSTS   0x0E08u
#define NVME_REG_DBS      0x1000u /* first doorbell (admin SQ 0 tail) */

/* Magic value written to NSSR to request an NVM subsystem reset ("NVMe"). */
#define NVME_NSSR_RESET_VALUE 0x4E564D65u

/* Doorbell offsets (section 3.1.24/25): stride is 4 << CAP.DSTRD bytes. */
#define NVME_SQ_TAIL_DB(qid, dstrd) (NVME_REG_DBS + (uint32_t)(2u * (uint32_t)(qid)) * (4u << (dstrd)))
#define NVME_CQ_HEAD_DB(qid, dstrd) (NVME_REG_DBS + (uint32_t)(2u * (uint32_t)(qid) + 1u) * (4u << (dstrd)))

/* CAP - Controller Capabilities (64 bit) */
#define NVME_CAP_MQES     0, 16  /* Maximum Queue Entries Supported, 0's based */
#define NVME_CAP_CQR      16, 1  /* Contiguous Queues Required */
#define NVME_CAP_AMS      17, 2  /* Arbitration Mechanism Supported */
#define NVME_CAP_TO       24, 8  /* Timeout, in 500 ms units */
#define NVME_CAP_DSTRD    32, 4  /* Doorbell Stride: 2^(2+DSTRD) bytes */
#define NVME_CAP_NSSRS    36, 1  /* NVM Subsystem Reset Supported */
#define NVME_CAP_CSS      37, 8  /* Command Sets Supported */
#define NVME_CAP_BPS      45, 1  /* Boot Partition Support */
#define NVME_CAP_MPSMIN   48, 4  /* Memory Page Size Minimum: 2^(12+MPSMIN) */
#define NVME_CAP_MPSMAX   52, 4  /* Memory Page Size Maximum: 2^(12+MPSMAX) */
#define NVME_CAP_PMRS     56, 1  /* Persistent Memory Region Supported */
#define NVME_CAP_CMBS     57, 1  /* Controller Memory Buffer Supported */
#define NVME_CAP_CRWMS    59, 1  /* CRMS: Controller Ready With Media Support (NVMe 2.0) */
#define NVME_CAP_CRIMS    60, 1  /* CRMS: Controller Ready Independent of Media Support (2.0) */

#define NVME_CAP_CSS_NVM      0x01u  /* NVM command set */
#define NVME_CAP_CSS_IOCS     0x40u  /* one or more I/O command sets (NVMe 2.0) */
#define NVME_CAP_CSS_NOIO     0x80u  /* no I/O command set (admin only) */
#define NVME_CAP_AMS_WRR      0x01u  /* weighted round robin with urgent */
#define NVME_CAP_AMS_VENDOR   0x02u

/* CAP.TO is in 500 ms units. */
#define NVME_CAP_TO_TO_MS(to)        ((uint32_t)(to) * 500u)
/* Page size encoded by MPSMIN/MPSMAX/CC.MPS, in bytes (mps <= 15 gives <= 128 MiB). */
#define NVME_MPS_TO_BYTES(mps)       ((uint64_t)1 << (12u + (unsigned)(mps)))
#define NVME_DSTRD_TO_BYTES(dstrd)   ((uint32_t)4u << (unsigned)(dstrd))

/* CRTO - Controller Ready Timeouts (NVMe 2.0), 500 ms units */
#define NVME_CRTO_CRWMT   0, 16  /* Controller Ready With Media Timeout */
#define NVME_CRTO_CRIMT   16, 16 /* Controller Ready Independent of Media Timeout */

/* VS - Version */
#define NVME_VS_TER       0, 8
#define NVME_VS_MNR       8, 8
#define NVME_VS_MJR       16, 16
#define NVME_VS(mjr, mnr, ter) (((uint32_t)(mjr) << 16) | ((uint32_t)(mnr) << 8) | (uint32_t)(ter))

/* CC - Controller Configuration */
#define NVME_CC_EN        0, 1   /* Enable */
#define NVME_CC_CSS       4, 3   /* I/O Command Set Selected */
#define NVME_CC_MPS       7, 4   /* Memory Page Size: 2^(12+MPS) */
#define NVME_CC_AMS       11, 3  /* Arbitration Mechanism Selected */
#define NVME_CC_SHN       14, 2  /* Shutdown Notification */
#define NVME_CC_IOSQES    16, 4  /* I/O SQ Entry Size: 2^n bytes */
#define NVME_CC_IOCQES    20, 4  /* I/O CQ Entry Size: 2^n bytes */
#define NVME_CC_CRIME     24, 1  /* Controller Ready Independent of Media Enable (2.0) */

#define NVME_CC_CSS_NVM       0u
#define NVME_CC_CSS_ADMIN     7u
#define NVME_CC_AMS_RR        0u
#define NVME_CC_AMS_WRR       1u
#define NVME_CC_SHN_NONE      0u
#define NVME_CC_SHN_NORMAL    1u
#define NVME_CC_SHN_ABRUPT    2u

/* CSTS - Controller Status */
#define NVME_CSTS_RDY     0, 1   /* Ready */
#define NVME_CSTS_CFS     1, 1   /* Controller Fatal Status */
#define NVME_CSTS_SHST    2, 2   /* Shutdown Status */
#define NVME_CSTS_NSSRO   4, 1   /* NVM Subsystem Reset Occurred */
#define NVME_CSTS_PP      5, 1   /* Processing Paused */

#define NVME_CSTS_SHST_NORMAL     0u  /* normal operation, no shutdown requested */
#define NVME_CSTS_SHST_OCCURRING  1u
#define NVME_CSTS_SHST_COMPLETE   2u
/* A register that reads all ones means the device is gone (surprise removal,
 * link down): no real controller reports CSTS = FFFFFFFFh. */
#define NVME_REG32_GONE           0xFFFFFFFFu

/* AQA - Admin Queue Attributes (both 0's based, 12 bits) */
#define NVME_AQA_ASQS     0, 12
#define NVME_AQA_ACQS     16, 12
#define NVME_AQA_MAX_ENTRIES 4096u  /* 12-bit 0's based field */

/* ------------------------------------------------------------------------ */
/* Queue entries (section 4.2, 4.6)                                          */
/* ------------------------------------------------------------------------ */

#define NVME_SQE_SIZE       64u
#define NVME_CQE_SIZE       16u
#define NVME_SQES_LOG2      6u    /* value for CC.IOSQES */
#define NVME_CQES_LOG2      4u    /* value for CC.IOCQES */
#define NVME_MIN_QUEUE_ENTRIES 2u /* a queue of one entry can never hold a command */
#define NVME_MAX_IO_QUEUE_ENTRIES 65536u /* 16-bit 0's based QSIZE */
#define NVME_ADMIN_QID      0u

/* Scatter Gather List descriptor (section 4.4) */
struct nvme_sgl_desc {
	uint64_t addr;       /* bytes 0-7 */
	uint32_t length;     /* bytes 8-11 */
	uint8_t  rsvd[3];    /* bytes 12-14 */
	uint8_t  id;         /* byte 15: type (7:4) and subtype (3:0) */
};

#define NVME_SGL_ID_TYPE      4, 4
#define NVME_SGL_ID_SUBTYPE   0, 4
#define NVME_SGL_TYPE_DATA_BLOCK      0x0u
#define NVME_SGL_TYPE_BIT_BUCKET      0x1u
#define NVME_SGL_TYPE_SEGMENT         0x2u
#define NVME_SGL_TYPE_LAST_SEGMENT    0x3u
#define NVME_SGL_TYPE_KEYED_DATA      0x4u
#define NVME_SGL_TYPE_TRANSPORT_DATA  0x5u
#define NVME_SGL_SUBTYPE_ADDRESS      0x0u
#define NVME_SGL_SUBTYPE_OFFSET       0x1u

/* Submission Queue Entry, common command format (section 4.2) */
struct nvme_sqe {
	uint8_t  opc;        /* dword 0, bits 7:0   opcode */
	uint8_t  flags;      /* dword 0, bits 15:8  FUSE (1:0), PSDT (7:6) */
	uint16_t cid;        /* dword 0, bits 31:16 command identifier */
	uint32_t nsid;       /* dword 1 */
	uint32_t cdw2;       /* dword 2 */
	uint32_t cdw3;       /* dword 3 */
	uint64_t mptr;       /* dwords 4-5  metadata pointer */
	union {              /* dwords 6-9  data pointer */
		struct {
			uint64_t prp1;
			uint64_t prp2;
		} prp;
		struct nvme_sgl_desc sgl1;
	} dptr;
	uint32_t cdw10;      /* dword 10 */
	uint32_t cdw11;      /* dword 11 */
	uint32_t cdw12;      /* dword 12 */
	uint32_t cdw13;      /* dword 13 */
	uint32_t cdw14;      /* dword 14 */
	uint32_t cdw15;      /* dword 15 */
};

/* fields of nvme_sqe.flags */
#define NVME_SQE_FLAGS_FUSE  0, 2
#define NVME_SQE_FLAGS_PSDT  6, 2
#define NVME_FUSE_NONE       0u
#define NVME_FUSE_FIRST      1u
#define NVME_FUSE_SECOND     2u
#define NVME_PSDT_PRP        0u
#define NVME_PSDT_SGL_MPTR_CONTIG 1u
#define NVME_PSDT_SGL_MPTR_SGL    2u

/* Completion Queue Entry (section 4.6) */
struct nvme_cqe {
	uint32_t dw0;        /* dword 0: command specific */
	uint32_t dw1;        /* dword 1: command specific (reserved for most) */
	uint16_t sqhd;       /* dword 2, bits 15:0  SQ head pointer */
	uint16_t sqid;       /* dword 2, bits 31:16 SQ identifier */
	uint16_t cid;        /* dword 3, bits 15:0  command identifier */
	uint16_t status;     /* dword 3, bits 31:16 phase tag (bit 0) and status field */
};

/* fields of nvme_cqe.status (the 16-bit half including the phase tag) */
#define NVME_CQE_STATUS_P     0, 1   /* Phase Tag */
#define NVME_CQE_STATUS_SF    1, 15  /* Status Field, as a whole */
/* fields of the 15-bit status field (nvme_cqe.status >> 1), section 4.6.1 */
#define NVME_SF_SC    0, 8    /* Status Code */
#define NVME_SF_SCT   8, 3    /* Status Code Type */
#define NVME_SF_CRD   11, 2   /* Command Retry Delay (index into CRDT1..3) */
#define NVME_SF_M     13, 1   /* More (information in the Error log) */
#define NVME_SF_DNR   14, 1   /* Do Not Retry */

/* ------------------------------------------------------------------------ */
/* Status codes (section 4.6.1.2)                                            */
/* ------------------------------------------------------------------------ */

/* Status Code Types */
#define NVME_SCT_GENERIC          0x0u
#define NVME_SCT_COMMAND_SPECIFIC 0x1u
#define NVME_SCT_MEDIA            0x2u
#define NVME_SCT_PATH             0x3u
#define NVME_SCT_VENDOR           0x7u

/* Generic Command Status (SCT 0) */
#define NVME_SC_SUCCESS                         0x00u
#define NVME_SC_INVALID_OPCODE                  0x01u
#define NVME_SC_INVALID_FIELD                   0x02u
#define NVME_SC_CID_CONFLICT                    0x03u
#define NVME_SC_DATA_TRANSFER_ERROR             0x04u
#define NVME_SC_ABORTED_POWER_LOSS              0x05u
#define NVME_SC_INTERNAL_ERROR                  0x06u
#define NVME_SC_ABORT_REQUESTED                 0x07u
#define NVME_SC_ABORTED_SQ_DELETION             0x08u
#define NVME_SC_ABORTED_FAILED_FUSED            0x09u
#define NVME_SC_ABORTED_MISSING_FUSED           0x0Au
#define NVME_SC_INVALID_NAMESPACE_OR_FORMAT     0x0Bu
#define NVME_SC_COMMAND_SEQUENCE_ERROR          0x0Cu
#define NVME_SC_INVALID_SGL_SEGMENT_DESCRIPTOR  0x0Du
#define NVME_SC_INVALID_NUMBER_OF_SGL_DESCRIPTORS 0x0Eu
#define NVME_SC_DATA_SGL_LENGTH_INVALID         0x0Fu
#define NVME_SC_METADATA_SGL_LENGTH_INVALID     0x10u
#define NVME_SC_SGL_DESCRIPTOR_TYPE_INVALID     0x11u
#define NVME_SC_INVALID_USE_OF_CMB              0x12u
#define NVME_SC_PRP_OFFSET_INVALID              0x13u
#define NVME_SC_ATOMIC_WRITE_UNIT_EXCEEDED      0x14u
#define NVME_SC_OPERATION_DENIED                0x15u
#define NVME_SC_SGL_OFFSET_INVALID              0x16u
#define NVME_SC_HOST_ID_INCONSISTENT_FORMAT     0x18u
#define NVME_SC_KEEP_ALIVE_EXPIRED              0x19u
#define NVME_SC_KEEP_ALIVE_INVALID              0x1Au
#define NVME_SC_ABORTED_PREEMPT_ABORT           0x1Bu
#define NVME_SC_SANITIZE_FAILED                 0x1Cu
#define NVME_SC_SANITIZE_IN_PROGRESS            0x1Du
#define NVME_SC_SGL_DATA_BLOCK_GRANULARITY_INVALID 0x1Eu
#define NVME_SC_CMD_NOT_SUPPORTED_QUEUE_IN_CMB  0x1Fu
#define NVME_SC_NS_WRITE_PROTECTED              0x20u
#define NVME_SC_COMMAND_INTERRUPTED             0x21u
#define NVME_SC_TRANSIENT_TRANSPORT_ERROR       0x22u
/* Generic Command Status, NVM command set values */
#define NVME_SC_LBA_OUT_OF_RANGE                0x80u
#define NVME_SC_CAPACITY_EXCEEDED               0x81u
#define NVME_SC_NS_NOT_READY                    0x82u
#define NVME_SC_RESERVATION_CONFLICT            0x83u
#define NVME_SC_FORMAT_IN_PROGRESS              0x84u

/* Command Specific Status (SCT 1) */
#define NVME_SC_COMPLETION_QUEUE_INVALID        0x00u
#define NVME_SC_INVALID_QUEUE_IDENTIFIER        0x01u
#define NVME_SC_INVALID_QUEUE_SIZE              0x02u
#define NVME_SC_ABORT_COMMAND_LIMIT_EXCEEDED    0x03u
#define NVME_SC_ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED 0x05u
#define NVME_SC_INVALID_FIRMWARE_SLOT           0x06u
#define NVME_SC_INVALID_FIRMWARE_IMAGE          0x07u
#define NVME_SC_INVALID_INTERRUPT_VECTOR        0x08u
#define NVME_SC_INVALID_LOG_PAGE                0x09u
#define NVME_SC_INVALID_FORMAT                  0x0Au
#define NVME_SC_FW_ACTIVATION_REQUIRES_CONVENTIONAL_RESET 0x0Bu
#define NVME_SC_INVALID_QUEUE_DELETION          0x0Cu
#define NVME_SC_FEATURE_ID_NOT_SAVEABLE         0x0Du
#define NVME_SC_FEATURE_NOT_CHANGEABLE          0x0Eu
#define NVME_SC_FEATURE_NOT_NS_SPECIFIC         0x0Fu
#define NVME_SC_FW_ACTIVATION_REQUIRES_NVM_SUBSYSTEM_RESET 0x10u
#define NVME_SC_FW_ACTIVATION_REQUIRES_CONTROLLER_RESET 0x11u
#define NVME_SC_FW_ACTIVATION_REQUIRES_MAX_TIME_VIOLATION 0x12u
#define NVME_SC_FW_ACTIVATION_PROHIBITED        0x13u
#define NVME_SC_OVERLAPPING_RANGE               0x14u
#define NVME_SC_NS_INSUFFICIENT_CAPACITY        0x15u
#define NVME_SC_NS_ID_UNAVAILABLE               0x16u
#define NVME_SC_NS_ALREADY_ATTACHED             0x18u
#define NVME_SC_NS_IS_PRIVATE                   0x19u
#define NVME_SC_NS_NOT_ATTACHED                 0x1Au
#define NVME_SC_THIN_PROVISIONING_NOT_SUPPORTED 0x1Bu
#define NVME_SC_CONTROLLER_LIST_INVALID         0x1Cu
#define NVME_SC_DEVICE_SELF_TEST_IN_PROGRESS    0x1Du
#define NVME_SC_BOOT_PARTITION_WRITE_PROHIBITED 0x1Eu
#define NVME_SC_INVALID_CONTROLLER_IDENTIFIER   0x1Fu
#define NVME_SC_INVALID_SECONDARY_CONTROLLER_STATE 0x20u
#define NVME_SC_INVALID_NUMBER_OF_CONTROLLER_RESOURCES 0x21u
#define NVME_SC_INVALID_RESOURCE_IDENTIFIER     0x22u
#define NVME_SC_SANITIZE_PROHIBITED_PMR_ENABLED 0x23u
#define NVME_SC_ANA_GROUP_ID_INVALID            0x24u
#define NVME_SC_ANA_ATTACH_FAILED               0x25u
/* Command Specific Status, NVM command set values */
#define NVME_SC_CONFLICTING_ATTRIBUTES          0x80u
#define NVME_SC_INVALID_PROTECTION_INFORMATION  0x81u
#define NVME_SC_ATTEMPTED_WRITE_TO_READ_ONLY_RANGE 0x82u

/* Media and Data Integrity Errors (SCT 2) */
#define NVME_SC_WRITE_FAULT                     0x80u
#define NVME_SC_UNRECOVERED_READ_ERROR          0x81u
#define NVME_SC_GUARD_CHECK_ERROR               0x82u
#define NVME_SC_APPLICATION_TAG_CHECK_ERROR     0x83u
#define NVME_SC_REFERENCE_TAG_CHECK_ERROR       0x84u
#define NVME_SC_COMPARE_FAILURE                 0x85u
#define NVME_SC_ACCESS_DENIED                   0x86u
#define NVME_SC_DEALLOCATED_OR_UNWRITTEN_BLOCK  0x87u

/* Path Related Status (SCT 3) */
#define NVME_SC_INTERNAL_PATH_ERROR             0x00u
#define NVME_SC_ANA_PERSISTENT_LOSS             0x01u
#define NVME_SC_ANA_INACCESSIBLE                0x02u
#define NVME_SC_ANA_TRANSITION                  0x03u
#define NVME_SC_CONTROLLER_PATHING_ERROR        0x60u
#define NVME_SC_HOST_PATHING_ERROR              0x70u
#define NVME_SC_COMMAND_ABORTED_BY_HOST         0x71u

/* The 11-bit (SCT << 8 | SC) code of a status field, for switch statements. */
#define NVME_STATUS_CODE(sct, sc) ((uint16_t)(((unsigned)(sct) << 8) | (unsigned)(sc)))

/* ------------------------------------------------------------------------ */
/* Opcodes (sections 5 and 6 of the base specification, NVM command set)     */
/* ------------------------------------------------------------------------ */

/* Admin command set */
#define NVME_ADMIN_DELETE_SQ          0x00u
#define NVME_ADMIN_CREATE_SQ          0x01u
#define NVME_ADMIN_GET_LOG_PAGE       0x02u
#define NVME_ADMIN_DELETE_CQ          0x04u
#define NVME_ADMIN_CREATE_CQ          0x05u
#define NVME_ADMIN_IDENTIFY           0x06u
#define NVME_ADMIN_ABORT              0x08u
#define NVME_ADMIN_SET_FEATURES       0x09u
#define NVME_ADMIN_GET_FEATURES       0x0Au
#define NVME_ADMIN_ASYNC_EVENT        0x0Cu
#define NVME_ADMIN_NS_MANAGEMENT      0x0Du
#define NVME_ADMIN_FW_COMMIT          0x10u
#define NVME_ADMIN_FW_DOWNLOAD        0x11u
#define NVME_ADMIN_DEVICE_SELF_TEST   0x14u
#define NVME_ADMIN_NS_ATTACHMENT      0x15u
#define NVME_ADMIN_KEEP_ALIVE         0x18u
#define NVME_ADMIN_DIRECTIVE_SEND     0x19u
#define NVME_ADMIN_DIRECTIVE_RECV     0x1Au
#define NVME_ADMIN_VIRT_MANAGEMENT    0x1Cu
#define NVME_ADMIN_NVME_MI_SEND       0x1Du
#define NVME_ADMIN_NVME_MI_RECV       0x1Eu
#define NVME_ADMIN_DOORBELL_BUFFER_CONFIG 0x7Cu
#define NVME_ADMIN_FORMAT_NVM         0x80u
#define NVME_ADMIN_SECURITY_SEND      0x81u
#define NVME_ADMIN_SECURITY_RECV      0x82u
#define NVME_ADMIN_SANITIZE           0x84u
#define NVME_ADMIN_GET_LBA_STATUS     0x86u

/* NVM command set (I/O) */
#define NVME_CMD_FLUSH                0x00u
#define NVME_CMD_WRITE                0x01u
#define NVME_CMD_READ                 0x02u
#define NVME_CMD_WRITE_UNCORRECTABLE  0x04u
#define NVME_CMD_COMPARE              0x05u
#define NVME_CMD_WRITE_ZEROES         0x08u
#define NVME_CMD_DSM                  0x09u
#define NVME_CMD_VERIFY               0x0Cu
#define NVME_CMD_RESV_REGISTER        0x0Du
#define NVME_CMD_RESV_REPORT          0x0Eu
#define NVME_CMD_RESV_ACQUIRE         0x11u
#define NVME_CMD_RESV_RELEASE         0x15u
#define NVME_CMD_COPY                 0x19u

/* Bits 1:0 of an opcode give its data transfer direction (section 4.2). */
#define NVME_OPC_XFER        0, 2
#define NVME_XFER_NONE       0u
#define NVME_XFER_HOST_TO_CTRL 1u
#define NVME_XFER_CTRL_TO_HOST 2u
#define NVME_XFER_BIDIRECTIONAL 3u

/* Namespace identifiers */
#define NVME_NSID_NONE       0x00000000u
#define NVME_NSID_ALL        0xFFFFFFFFu  /* broadcast */

/* ------------------------------------------------------------------------ */
/* Admin command dwords                                                       */
/* ------------------------------------------------------------------------ */

/* Create I/O Completion Queue (5.3) */
#define NVME_CREATE_CQ_CDW10_QID    0, 16
#define NVME_CREATE_CQ_CDW10_QSIZE  16, 16   /* 0's based */
#define NVME_CREATE_CQ_CDW11_PC     0, 1     /* physically contiguous */
#define NVME_CREATE_CQ_CDW11_IEN    1, 1     /* interrupts enabled */
#define NVME_CREATE_CQ_CDW11_IV     16, 16   /* interrupt vector */

/* Create I/O Submission Queue (5.4) */
#define NVME_CREATE_SQ_CDW10_QID    0, 16
#define NVME_CREATE_SQ_CDW10_QSIZE  16, 16   /* 0's based */
#define NVME_CREATE_SQ_CDW11_PC     0, 1
#define NVME_CREATE_SQ_CDW11_QPRIO  1, 2
#define NVME_CREATE_SQ_CDW11_CQID   16, 16
#define NVME_CREATE_SQ_CDW12_NVMSETID 0, 16
#define NVME_QPRIO_URGENT  0u
#define NVME_QPRIO_HIGH    1u
#define NVME_QPRIO_MEDIUM  2u
#define NVME_QPRIO_LOW     3u

/* Delete I/O Submission/Completion Queue (5.6, 5.5) */
#define NVME_DELETE_Q_CDW10_QID     0, 16

/* Abort (5.1) */
#define NVME_ABORT_CDW10_SQID       0, 16
#define NVME_ABORT_CDW10_CID        16, 16
#define NVME_ABORT_DW0_NOT_ABORTED  0, 1     /* completion dword 0, bit 0 */

/* Identify (5.15) */
#define NVME_IDENTIFY_CDW10_CNS     0, 8
#define NVME_IDENTIFY_CDW10_CNTID   16, 16
#define NVME_IDENTIFY_CDW11_NVMSETID 0, 16
#define NVME_IDENTIFY_CDW11_CSI     24, 8    /* Command Set Identifier (CNS 05h..08h; NVMe 2.0) */
#define NVME_IDENTIFY_DATA_SIZE     4096u

#define NVME_CNS_NS                     0x00u
#define NVME_CNS_CTRL                   0x01u
#define NVME_CNS_ACTIVE_NS_LIST         0x02u
#define NVME_CNS_NS_ID_DESCRIPTORS      0x03u
#define NVME_CNS_NVM_SET_LIST           0x04u
#define NVME_CNS_CS_NS                  0x05u   /* I/O Command Set specific Identify Namespace (2.0) */
#define NVME_CNS_CS_CTRL                0x06u   /* I/O Command Set specific Identify Controller (2.0) */
#define NVME_CNS_ALLOCATED_NS_LIST      0x10u
#define NVME_CNS_ALLOCATED_NS           0x11u
#define NVME_CNS_NS_CTRL_LIST           0x12u
#define NVME_CNS_CTRL_LIST              0x13u
#define NVME_CNS_PRIMARY_CTRL_CAPS      0x14u
#define NVME_CNS_SECONDARY_CTRL_LIST    0x15u
#define NVME_CNS_NS_GRANULARITY_LIST    0x16u
#define NVME_CNS_UUID_LIST              0x17u

/* Command Set Identifiers (CSI, NVMe 2.0) */
#define NVME_CSI_NVM                    0x00u
#define NVME_CSI_KV                     0x01u
#define NVME_CSI_ZNS                    0x02u

/* A namespace list (CNS 02h, 10h, Changed Namespace List log) holds up to
 * 1024 NSIDs in increasing order, zero-terminated when shorter. */
#define NVME_NS_LIST_ENTRIES            1024u

/* Get Log Page (5.14) */
#define NVME_GET_LOG_CDW10_LID      0, 8
#define NVME_GET_LOG_CDW10_LSP      8, 4
#define NVME_GET_LOG_CDW10_RAE      15, 1    /* retain asynchronous event */
#define NVME_GET_LOG_CDW10_NUMDL    16, 16   /* number of dwords, 0's based, low half */
#define NVME_GET_LOG_CDW11_NUMDU    0, 16    /* high half */
#define NVME_GET_LOG_CDW11_LSI      16, 16
/* cdw12/cdw13: Log Page Offset lower/upper, in bytes, must be dword aligned */
#define NVME_GET_LOG_CDW14_UUID     0, 7

#define NVME_LID_ERROR                   0x01u
#define NVME_LID_SMART                   0x02u
#define NVME_LID_FW_SLOT                 0x03u
#define NVME_LID_CHANGED_NS              0x04u
#define NVME_LID_CMD_EFFECTS             0x05u
#define NVME_LID_DEVICE_SELF_TEST        0x06u
#define NVME_LID_TELEMETRY_HOST          0x07u
#define NVME_LID_TELEMETRY_CTRL          0x08u
#define NVME_LID_ENDURANCE_GROUP         0x09u
#define NVME_LID_PRED_LAT_NVMSET         0x0Au
#define NVME_LID_PRED_LAT_AGG            0x0Bu
#define NVME_LID_ANA                     0x0Cu
#define NVME_LID_PERSISTENT_EVENT        0x0Du
#define NVME_LID_LBA_STATUS              0x0Eu
#define NVME_LID_ENDURANCE_GROUP_AGG     0x0Fu
#define NVME_LID_RESERVATION_NOTIFICATION  0x80u
#define NVME_LID_SANITIZE_STATUS         0x81u

/* Set/Get Features (5.21, 5.13) */
#define NVME_FEAT_CDW10_FID         0, 8
#define NVME_FEAT_CDW10_SEL         8, 3     /* Get Features: select */
#define NVME_FEAT_CDW10_SV          31, 1    /* Set Features: save */
#define NVME_FEAT_CDW14_UUID        0, 7     /* UUID index (0 = none) */
#define NVME_FEAT_SEL_CURRENT       0u
#define NVME_FEAT_SEL_DEFAULT       1u
#define NVME_FEAT_SEL_SAVED         2u
#define NVME_FEAT_SEL_SUPPORTED_CAPS 3u
/* Get Features with SEL=3: completion dword 0 capability bits */
#define NVME_FEAT_CAP_SAVEABLE      0, 1
#define NVME_FEAT_CAP_NS_SPECIFIC   1, 1
#define NVME_FEAT_CAP_CHANGEABLE    2, 1

#define NVME_FEAT_ARBITRATION           0x01u
#define NVME_FEAT_POWER_MGMT            0x02u
#define NVME_FEAT_LBA_RANGE_TYPE        0x03u
#define NVME_FEAT_TEMP_THRESHOLD        0x04u
#define NVME_FEAT_ERROR_RECOVERY        0x05u
#define NVME_FEAT_VOLATILE_WC           0x06u
#define NVME_FEAT_NUM_QUEUES            0x07u
#define NVME_FEAT_IRQ_COALESCING        0x08u
#define NVME_FEAT_IRQ_CONFIG            0x09u
#define NVME_FEAT_WRITE_ATOMICITY       0x0Au
#define NVME_FEAT_ASYNC_EVENT_CONFIG    0x0Bu
#define NVME_FEAT_AUTO_PST              0x0Cu
#define NVME_FEAT_HOST_MEM_BUFFER       0x0Du
#define NVME_FEAT_TIMESTAMP             0x0Eu
#define NVME_FEAT_KEEP_ALIVE            0x0Fu
#define NVME_FEAT_HOST_THERMAL_MGMT     0x10u
#define NVME_FEAT_NON_OP_POWER_STATE    0x11u
#define NVME_FEAT_READ_RECOVERY_LEVEL   0x12u
#define NVME_FEAT_PRED_LAT_CONFIG       0x13u
#define NVME_FEAT_PRED_LAT_WINDOW       0x14u
#define NVME_FEAT_LBA_STATUS_INTERVAL   0x15u
#define NVME_FEAT_HOST_BEHAVIOR         0x16u
#define NVME_FEAT_SANITIZE_CONFIG       0x17u
#define NVME_FEAT_ENDURANCE_EVENT_CONFIG 0x18u
#define NVME_FEAT_SW_PROGRESS_MARKER    0x80u
#define NVME_FEAT_HOST_ID               0x81u
#define NVME_FEAT_RESV_NOTIFICATION_MASK 0x82u
#define NVME_FEAT_RESV_PERSISTENCE      0x83u
#define NVME_FEAT_NS_WRITE_PROTECT      0x84u

/* Feature value layouts (dword 11 of Set Features, dword 0 of the Get completion) */
#define NVME_FEAT_ARB_AB            0, 3     /* arbitration burst, 2^n; 7 = no limit */
#define NVME_FEAT_ARB_LPW           8, 8     /* low priority weight, 0's based */
#define NVME_FEAT_ARB_MPW           16, 8
#define NVME_FEAT_ARB_HPW           24, 8
#define NVME_FEAT_PM_PS             0, 5     /* power state */
#define NVME_FEAT_PM_WH             5, 3     /* workload hint */
#define NVME_FEAT_TT_TMPTH          0, 16    /* temperature threshold, kelvin */
#define NVME_FEAT_TT_TMPSEL         16, 4    /* 0 composite, 1..8 sensor, 0xF all */
#define NVME_FEAT_TT_THSEL          20, 2    /* 0 over, 1 under */
#define NVME_FEAT_TT_THSEL_OVER     0u
#define NVME_FEAT_TT_THSEL_UNDER    1u
#define NVME_FEAT_ER_TLER           0, 16    /* time limited error recovery, 100 ms */
#define NVME_FEAT_ER_DULBE          16, 1
#define NVME_FEAT_VWC_WCE           0, 1     /* volatile write cache enable */
#define NVME_FEAT_NQ_NSQ            0, 16    /* number of SQs, 0's based */
#define NVME_FEAT_NQ_NCQ            16, 16   /* number of CQs, 0's based */
#define NVME_FEAT_IC_THR            0, 8     /* aggregation threshold, 0's based */
#define NVME_FEAT_IC_TIME           8, 8     /* aggregation time, 100 us units */
#define NVME_FEAT_IVC_IV            0, 16
#define NVME_FEAT_IVC_CD            16, 1    /* coalescing disable */
#define NVME_FEAT_WA_DN             0, 1
#define NVME_FEAT_AEC_SMART         0, 8     /* SMART/health critical warnings to report */
#define NVME_FEAT_AEC_NAN           8, 1     /* namespace attribute notices */
#define NVME_FEAT_AEC_FAN           9, 1     /* firmware activation notices */
#define NVME_FEAT_AEC_TLN           10, 1    /* telemetry log notices */
#define NVME_FEAT_AEC_ANACN         11, 1    /* ANA change notices */
#define NVME_FEAT_AEC_PLEALCN       12, 1
#define NVME_FEAT_AEC_LSIAN         13, 1
#define NVME_FEAT_AEC_EGEALCN       14, 1
#define NVME_FEAT_APST_APSTE        0, 1
#define NVME_FEAT_KA_KATO           0, 32    /* keep alive timeout, ms */

/* APST feature data (NVMe 1.4 5.21.1.12, figure 276): 32 entries of 8 bytes,
 * one per power state, each a little-endian 64-bit value. */
#define NVME_APST_TABLE_BYTES       256u
#define NVME_APST_ENTRIES           32u
#define NVME_APST_ENTRY_ITPS        3, 5     /* idle transition power state */
#define NVME_APST_ENTRY_ITPT        8, 24    /* idle time prior to transition, ms */

/* Timestamp feature data (5.21.1.14): 8 bytes */
#define NVME_TIMESTAMP_DATA_SIZE    8u
#define NVME_TIMESTAMP_ATTR_SYNCH   0, 1     /* byte 6 */
#define NVME_TIMESTAMP_ATTR_ORIGIN  1, 3     /* byte 6 */
#define NVME_TIMESTAMP_MS_MASK      0x0000FFFFFFFFFFFFull

/* Asynchronous Event Request completion dword 0 (5.2) */
#define NVME_AER_DW0_TYPE           0, 3
#define NVME_AER_DW0_INFO           8, 8
#define NVME_AER_DW0_LID            16, 8
#define NVME_AER_TYPE_ERROR         0u
#define NVME_AER_TYPE_SMART         1u
#define NVME_AER_TYPE_NOTICE        2u
#define NVME_AER_TYPE_IO_SPECIFIC   6u
#define NVME_AER_TYPE_VENDOR        7u
/* info values for NVME_AER_TYPE_ERROR */
#define NVME_AER_ERROR_INVALID_DOORBELL_WRITE   0x00u
#define NVME_AER_ERROR_INVALID_DOORBELL_VALUE   0x01u
#define NVME_AER_ERROR_DIAGNOSTIC_FAILURE       0x02u
#define NVME_AER_ERROR_PERSISTENT_INTERNAL      0x03u
#define NVME_AER_ERROR_TRANSIENT_INTERNAL       0x04u
#define NVME_AER_ERROR_FW_IMAGE_LOAD            0x05u
/* info values for NVME_AER_TYPE_SMART */
#define NVME_AER_SMART_RELIABILITY              0x00u
#define NVME_AER_SMART_TEMPERATURE              0x01u
#define NVME_AER_SMART_SPARE                    0x02u
/* info values for NVME_AER_TYPE_NOTICE */
#define NVME_AER_NOTICE_NS_CHANGED              0x00u
#define NVME_AER_NOTICE_FW_ACTIVATION_STARTING  0x01u
#define NVME_AER_NOTICE_TELEMETRY_CHANGED       0x02u
#define NVME_AER_NOTICE_ANA_CHANGE              0x03u
#define NVME_AER_NOTICE_PRED_LAT_CHANGE         0x04u
#define NVME_AER_NOTICE_LBA_STATUS_ALERT        0x05u
#define NVME_AER_NOTICE_ENDURANCE_EVENT_CHANGE  0x06u
/* info values for NVME_AER_TYPE_IO_SPECIFIC */
#define NVME_AER_IO_RESERVATION_LOG             0x00u
#define NVME_AER_IO_SANITIZE_COMPLETED          0x01u
#define NVME_AER_IO_SANITIZE_COMPLETED_WITH_NDA 0x02u

/* Firmware Commit (5.11) */
#define NVME_FW_COMMIT_CDW10_FS     0, 3     /* firmware slot, 0 = controller chooses */
#define NVME_FW_COMMIT_CDW10_CA     3, 3     /* commit action */
#define NVME_FW_COMMIT_CDW10_BPID   31, 1
#define NVME_FW_CA_REPLACE                  0u /* download to slot, not activated */
#define NVME_FW_CA_REPLACE_ACTIVATE_RESET   1u /* download to slot, activate at next reset */
#define NVME_FW_CA_ACTIVATE_RESET           2u /* activate existing slot at next reset */
#define NVME_FW_CA_REPLACE_ACTIVATE_NOW     3u /* activate immediately, without reset */
#define NVME_FW_CA_BOOT_PARTITION_REPLACE   6u
#define NVME_FW_CA_BOOT_PARTITION_ACTIVATE  7u
#define NVME_FW_MAX_SLOTS                   7u

/* Firmware Image Download (5.12): both dword counts/offsets */
#define NVME_FW_DL_CDW10_NUMD       0, 32    /* number of dwords, 0's based */
#define NVME_FW_DL_CDW11_OFST       0, 32    /* offset in dwords */

/* Format NVM (5.23) */
#define NVME_FORMAT_CDW10_LBAF      0, 4
#define NVME_FORMAT_CDW10_MSET      4, 1     /* metadata settings: 1 = extended LBA */
#define NVME_FORMAT_CDW10_PI        5, 3
#define NVME_FORMAT_CDW10_PIL       8, 1
#define NVME_FORMAT_CDW10_SES       9, 3     /* secure erase settings */
#define NVME_FORMAT_SES_NONE        0u
#define NVME_FORMAT_SES_USER_DATA   1u
#define NVME_FORMAT_SES_CRYPTO      2u

/* Sanitize (5.24); always NSID 0 */
#define NVME_SANITIZE_CDW10_SANACT  0, 3
#define NVME_SANITIZE_CDW10_AUSE    3, 1     /* allow unrestricted sanitize exit */
#define NVME_SANITIZE_CDW10_OWPASS  4, 4     /* overwrite pass count (0 means 16) */
#define NVME_SANITIZE_CDW10_OIPBP   8, 1     /* overwrite invert pattern between passes */
#define NVME_SANITIZE_CDW10_NDAS    9, 1     /* no deallocate after sanitize */
#define NVME_SANITIZE_CDW11_OVRPAT  0, 32    /* overwrite pattern */
#define NVME_SANACT_EXIT_FAILURE    1u
#define NVME_SANACT_BLOCK_ERASE     2u
#define NVME_SANACT_OVERWRITE       3u
#define NVME_SANACT_CRYPTO_ERASE    4u

/* Doorbell Buffer Config (5.10): PRP1 = shadow doorbells page, PRP2 = EventIdx page */

/* ------------------------------------------------------------------------ */
/* NVM command dwords (NVM Command Set; base spec 1.4 section 6)             */
/* ------------------------------------------------------------------------ */

/* Read, Write, Compare, Write Zeroes, Verify, Write Uncorrectable:
 * cdw10 = starting LBA bits 31:0, cdw11 = bits 63:32 */
#define NVME_RW_CDW12_NLB           0, 16    /* number of logical blocks, 0's based */
#define NVME_RW_CDW12_DTYPE         20, 4    /* directive type (read/write) */
#define NVME_RW_CDW12_STC           24, 1    /* storage tag check */
#define NVME_RW_CDW12_DEAC          25, 1    /* Write Zeroes: deallocate */
#define NVME_RW_CDW12_PRINFO        26, 4
#define NVME_RW_CDW12_FUA           30, 1    /* force unit access */
#define NVME_RW_CDW12_LR            31, 1    /* limited retry */
#define NVME_RW_CDW13_DSM           0, 8
#define NVME_RW_CDW13_DSPEC         16, 16
#define NVME_RW_MAX_BLOCKS          65536u   /* NLB is 16 bits, 0's based */

/* Dataset Management (6.7) */
#define NVME_DSM_CDW10_NR           0, 8     /* number of ranges, 0's based */
#define NVME_DSM_CDW11_IDR          0, 1     /* integral dataset for read */
#define NVME_DSM_CDW11_IDW          1, 1     /* integral dataset for write */
#define NVME_DSM_CDW11_AD           2, 1     /* deallocate */
#define NVME_DSM_MAX_RANGES         256u

/* DSM range context attributes (figure "Context Attributes") */
#define NVME_DSM_CA_AF              0, 4     /* access frequency */
#define NVME_DSM_CA_AL              4, 2     /* access latency */
#define NVME_DSM_CA_SR              8, 1     /* sequential read range */
#define NVME_DSM_CA_SW              9, 1     /* sequential write range */
#define NVME_DSM_CA_WP              10, 1    /* write prepare */
#define NVME_DSM_CA_CAS             24, 8    /* command access size, in LBAs */

struct nvme_dsm_range {
	uint32_t cattr;      /* bytes 0-3   context attributes */
	uint32_t nlb;        /* bytes 4-7   length in logical blocks (1's based) */
	uint64_t slba;       /* bytes 8-15  starting LBA */
};

/* Reservation Register (6.11) */
#define NVME_RESV_REG_CDW10_RREGA   0, 3
#define NVME_RESV_REG_CDW10_IEKEY   3, 1
#define NVME_RESV_REG_CDW10_CPTPL   30, 2
#define NVME_RREGA_REGISTER         0u
#define NVME_RREGA_UNREGISTER       1u
#define NVME_RREGA_REPLACE          2u
#define NVME_CPTPL_NO_CHANGE        0u
#define NVME_CPTPL_CLEAR            2u
#define NVME_CPTPL_PERSIST          3u
struct nvme_resv_register_data {
	uint64_t crkey;      /* bytes 0-7   current reservation key */
	uint64_t nrkey;      /* bytes 8-15  new reservation key */
};

/* Reservation Acquire (6.10) */
#define NVME_RESV_ACQ_CDW10_RACQA   0, 3
#define NVME_RESV_ACQ_CDW10_IEKEY   3, 1
#define NVME_RESV_ACQ_CDW10_RTYPE   8, 8
#define NVME_RACQA_ACQUIRE          0u
#define NVME_RACQA_PREEMPT          1u
#define NVME_RACQA_PREEMPT_ABORT    2u
struct nvme_resv_acquire_data {
	uint64_t crkey;      /* bytes 0-7   current reservation key */
	uint64_t prkey;      /* bytes 8-15  preempt reservation key */
};

/* Reservation Release (6.12) */
#define NVME_RESV_REL_CDW10_RRELA   0, 3
#define NVME_RESV_REL_CDW10_IEKEY   3, 1
#define NVME_RESV_REL_CDW10_RTYPE   8, 8
#define NVME_RRELA_RELEASE          0u
#define NVME_RRELA_CLEAR            1u

/* Reservation types (figure "Reservation Type Encoding") */
#define NVME_RTYPE_NONE                     0u
#define NVME_RTYPE_WRITE_EXCLUSIVE          1u
#define NVME_RTYPE_EXCLUSIVE_ACCESS         2u
#define NVME_RTYPE_WE_REGISTRANTS_ONLY      3u
#define NVME_RTYPE_EA_REGISTRANTS_ONLY      4u
#define NVME_RTYPE_WE_ALL_REGISTRANTS       5u
#define NVME_RTYPE_EA_ALL_REGISTRANTS       6u

/* Reservation Report (6.13) */
#define NVME_RESV_REPORT_CDW10_NUMD 0, 32    /* number of dwords, 0's based */
#define NVME_RESV_REPORT_CDW11_EDS  0, 1     /* extended data structure */
struct nvme_resv_status {
	uint32_t gen;        /* bytes 0-3   generation */
	uint8_t  rtype;      /* byte 4      reservation type */
	uint8_t  regctl[2];  /* bytes 5-6   number of registered controllers (unaligned) */
	uint8_t  rsvd7[2];   /* bytes 7-8 */
	uint8_t  ptpls;      /* byte 9      persist through power loss state */
	uint8_t  rsvd10[14]; /* bytes 10-23 */
};
struct nvme_resv_registrant {
	uint16_t cntlid;     /* bytes 0-1 */
	uint8_t  rcsts;      /* byte 2      bit 0: holds the reservation */
	uint8_t  rsvd3[5];   /* bytes 3-7 */
	uint64_t hostid;     /* bytes 8-15 */
	uint64_t rkey;       /* bytes 16-23 */
};
struct nvme_resv_registrant_ext {
	uint16_t cntlid;     /* bytes 0-1 */
	uint8_t  rcsts;      /* byte 2 */
	uint8_t  rsvd3[5];   /* bytes 3-7 */
	uint64_t rkey;       /* bytes 8-15 */
	uint8_t  hostid[16]; /* bytes 16-31 (128-bit host identifier) */
	uint8_t  rsvd32[32]; /* bytes 32-63 */
};

/* ------------------------------------------------------------------------ */
/* Identify data structures (5.15.2)                                         */
/* ------------------------------------------------------------------------ */

/* Power State Descriptor (figure 249) */
struct nvme_power_state {
	uint16_t mp;         /* bytes 0-1   maximum power (centiwatts, or 0.0001 W if MXPS) */
	uint8_t  rsvd2;
	uint8_t  flags;      /* byte 3      MXPS (bit 0), NOPS (bit 1) */
	uint32_t enlat;      /* bytes 4-7   entry latency, us */
	uint32_t exlat;      /* bytes 8-11  exit latency, us */
	uint8_t  rrt;        /* byte 12     relative read throughput (4:0) */
	uint8_t  rrl;        /* byte 13     relative read latency (4:0) */
	uint8_t  rwt;        /* byte 14     relative write throughput (4:0) */
	uint8_t  rwl;        /* byte 15     relative write latency (4:0) */
	uint16_t idlp;       /* bytes 16-17 idle power */
	uint8_t  ips;        /* byte 18     idle power scale (7:6) */
	uint8_t  rsvd19;
	uint16_t actp;       /* bytes 20-21 active power */
	uint8_t  apws;       /* byte 22     active power workload (2:0), scale (7:6) */
	uint8_t  rsvd23[9];  /* bytes 23-31 */
};
#define NVME_PSD_FLAGS_MXPS  0, 1
#define NVME_PSD_FLAGS_NOPS  1, 1

/* Identify Controller data structure (figure 247) */
struct nvme_id_ctrl {
	/* Controller capabilities and features, bytes 0-255 */
	uint16_t vid;           /* 0    PCI vendor ID */
	uint16_t ssvid;         /* 2    PCI subsystem vendor ID */
	char     sn[20];        /* 4    serial number, ASCII, space padded */
	char     mn[40];        /* 24   model number */
	char     fr[8];         /* 64   firmware revision */
	uint8_t  rab;           /* 72   recommended arbitration burst */
	uint8_t  ieee[3];       /* 73   IEEE OUI */
	uint8_t  cmic;          /* 76   multi-path I/O and namespace sharing */
	uint8_t  mdts;          /* 77   maximum data transfer size: 2^n * CAP.MPSMIN page, 0 = none */
	uint16_t cntlid;        /* 78   controller ID */
	uint32_t ver;           /* 80   version */
	uint32_t rtd3r;         /* 84   RTD3 resume latency, us */
	uint32_t rtd3e;         /* 88   RTD3 entry latency, us */
	uint32_t oaes;          /* 92   optional asynchronous events supported */
	uint32_t ctratt;        /* 96   controller attributes */
	uint16_t rrls;          /* 100  read recovery levels supported */
	uint8_t  rsvd102[9];    /* 102 */
	uint8_t  cntrltype;     /* 111  controller type */
	uint8_t  fguid[16];     /* 112  FRU globally unique identifier */
	uint16_t crdt1;         /* 128  command retry delay times, 100 ms units */
	uint16_t crdt2;         /* 130 */
	uint16_t crdt3;         /* 132 */
	uint8_t  rsvd134[106];  /* 134 */
	uint8_t  nvmi[16];      /* 240  NVMe Management Interface */
	/* Admin command set attributes and optional controller capabilities, 256-511 */
	uint16_t oacs;          /* 256  optional admin command support */
	uint8_t  acl;           /* 258  abort command limit, 0's based */
	uint8_t  aerl;          /* 259  asynchronous event request limit, 0's based */
	uint8_t  frmw;          /* 260  firmware updates */
	uint8_t  lpa;           /* 261  log page attributes */
	uint8_t  elpe;          /* 262  error log page entries, 0's based */
	uint8_t  npss;          /* 263  number of power states support, 0's based */
	uint8_t  avscc;         /* 264  admin vendor specific command configuration */
	uint8_t  apsta;         /* 265  autonomous power state transition attributes */
	uint16_t wctemp;        /* 266  warning composite temperature threshold, K */
	uint16_t cctemp;        /* 268  critical composite temperature threshold, K */
	uint16_t mtfa;          /* 270  maximum time for firmware activation, 100 ms */
	uint32_t hmpre;         /* 272  host memory buffer preferred size, 4 KiB units */
	uint32_t hmmin;         /* 276  host memory buffer minimum size */
	uint8_t  tnvmcap[16];   /* 280  total NVM capacity, bytes (128 bit) */
	uint8_t  unvmcap[16];   /* 296  unallocated NVM capacity, bytes (128 bit) */
	uint32_t rpmbs;         /* 312  replay protected memory block support */
	uint16_t edstt;         /* 316  extended device self-test time, minutes */
	uint8_t  dsto;          /* 318  device self-test options */
	uint8_t  fwug;          /* 319  firmware update granularity, 4 KiB units; 0 = none given, FFh = no restriction */
	uint16_t kas;           /* 320  keep alive support, 100 ms */
	uint16_t hctma;         /* 322  host controlled thermal management attributes */
	uint16_t mntmt;         /* 324  minimum thermal management temperature */
	uint16_t mxtmt;         /* 326  maximum thermal management temperature */
	uint32_t sanicap;       /* 328  sanitize capabilities */
	uint32_t hmminds;       /* 332  host memory buffer minimum descriptor entry size */
	uint16_t hmmaxd;        /* 336  host memory maximum descriptors entries */
	uint16_t nsetidmax;     /* 338  NVM set identifier maximum */
	uint16_t endgidmax;     /* 340  endurance group identifier maximum */
	uint8_t  anatt;         /* 342  ANA transition time */
	uint8_t  anacap;        /* 343  ANA capabilities */
	uint32_t anagrpmax;     /* 344  ANA group identifier maximum */
	uint32_t nanagrpid;     /* 348  number of ANA group identifiers */
	uint32_t pels;          /* 352  persistent event log size, 64 KiB units */
	uint8_t  rsvd356[156];  /* 356 */
	/* NVM command set attributes, 512-703 */
	uint8_t  sqes;          /* 512  SQ entry size: required (3:0), maximum (7:4), log2 */
	uint8_t  cqes;          /* 513  CQ entry size: required (3:0), maximum (7:4), log2 */
	uint16_t maxcmd;        /* 514  maximum outstanding commands (fabrics) */
	uint32_t nn;            /* 516  number of namespaces (maximum NSID) */
	uint16_t oncs;          /* 520  optional NVM command support */
	uint16_t fuses;         /* 522  fused operation support */
	uint8_t  fna;           /* 524  format NVM attributes */
	uint8_t  vwc;           /* 525  volatile write cache */
	uint16_t awun;          /* 526  atomic write unit normal, 0's based */
	uint16_t awupf;         /* 528  atomic write unit power fail, 0's based */
	uint8_t  nvscc;         /* 530  NVM vendor specific command configuration */
	uint8_t  nwpc;          /* 531  namespace write protection capabilities */
	uint16_t acwu;          /* 532  atomic compare & write unit */
	uint16_t ocfs;          /* 534  optional copy formats supported (NVMe 2.0) */
	uint32_t sgls;          /* 536  SGL support */
	uint32_t mnan;          /* 540  maximum number of allowed namespaces */
	uint8_t  rsvd544[224];  /* 544 */
	char     subnqn[256];   /* 768  NVM subsystem NVMe qualified name */
	uint8_t  rsvd1024[768]; /* 1024 */
	uint8_t  nvmof[256];    /* 1792 NVMe over Fabrics attributes */
	struct nvme_power_state psd[32]; /* 2048 power state descriptors */
	uint8_t  vs[1024];      /* 3072 vendor specific */
};

/* Identify Controller fields */
#define NVME_ID_CTRL_SQES_MIN       0, 4
#define NVME_ID_CTRL_SQES_MAX       4, 4
#define NVME_ID_CTRL_CQES_MIN       0, 4
#define NVME_ID_CTRL_CQES_MAX       4, 4

#define NVME_OAES_NS_ATTR_NOTICES   8, 1
#define NVME_OAES_FW_ACTIVATION_NOTICES 9, 1
#define NVME_OAES_ANA_CHANGE_NOTICES 11, 1

/* OACS - optional admin command support */
#define NVME_OACS_SECURITY          0, 1
#define NVME_OACS_FORMAT            1, 1
#define NVME_OACS_FIRMWARE          2, 1
#define NVME_OACS_NS_MGMT           3, 1
#define NVME_OACS_SELF_TEST         4, 1
#define NVME_OACS_DIRECTIVES        5, 1
#define NVME_OACS_NVME_MI           6, 1
#define NVME_OACS_VIRT_MGMT         7, 1
#define NVME_OACS_DBBUF             8, 1   /* Doorbell Buffer Config */
#define NVME_OACS_GET_LBA_STATUS    9, 1

/* FRMW - firmware updates */
#define NVME_FRMW_SLOT1_RO          0, 1   /* first slot is read only */
#define NVME_FRMW_NUM_SLOTS         1, 3   /* 1..7 */
#define NVME_FRMW_ACTIVATE_NO_RESET 4, 1

/* LPA - log page attributes */
#define NVME_LPA_SMART_PER_NS       0, 1
#define NVME_LPA_CMD_EFFECTS        1, 1
#define NVME_LPA_EXTENDED_DATA      2, 1   /* NUMDU, offsets supported */
#define NVME_LPA_TELEMETRY          3, 1
#define NVME_LPA_PERSISTENT_EVENT   4, 1

/* SANICAP - sanitize capabilities */
#define NVME_SANICAP_CES            0, 1   /* crypto erase supported */
#define NVME_SANICAP_BES            1, 1   /* block erase supported */
#define NVME_SANICAP_OWS            2, 1   /* overwrite supported */
#define NVME_SANICAP_NDI            29, 1  /* no-deallocate inhibited */
#define NVME_SANICAP_NODMMAS        30, 2  /* no-deallocate modifies media after sanitize */

/* ONCS - optional NVM command support */
#define NVME_ONCS_COMPARE           0, 1
#define NVME_ONCS_WRITE_UNCORRECTABLE 1, 1
#define NVME_ONCS_DSM               2, 1
#define NVME_ONCS_WRITE_ZEROES      3, 1
#define NVME_ONCS_SAVE_SELECT       4, 1   /* save field and select field of features */
#define NVME_ONCS_RESERVATIONS      5, 1
#define NVME_ONCS_TIMESTAMP         6, 1
#define NVME_ONCS_VERIFY            7, 1
#define NVME_ONCS_COPY              8, 1

/* VWC - volatile write cache */
#define NVME_VWC_PRESENT            0, 1
#define NVME_VWC_FLUSH_BROADCAST    1, 2

/* FNA - format NVM attributes */
#define NVME_FNA_FORMAT_ALL_NS      0, 1
#define NVME_FNA_SECURE_ERASE_ALL_NS 1, 1
#define NVME_FNA_CRYPTO_ERASE       2, 1

/* SGLS - SGL support */
#define NVME_SGLS_SUPPORT           0, 2
#define NVME_SGLS_SUPPORT_NONE      0u
#define NVME_SGLS_SUPPORT_ANY_ALIGN 1u
#define NVME_SGLS_SUPPORT_DWORD_ALIGN 2u
#define NVME_SGLS_KEYED             2, 1
#define NVME_SGLS_BIT_BUCKET        16, 1
#define NVME_SGLS_MPTR_CONTIG       17, 1
#define NVME_SGLS_OVERSIZE          18, 1
#define NVME_SGLS_MPTR_SGL          19, 1
#define NVME_SGLS_ADDRESS_OFFSET    20, 1
#define NVME_SGLS_TRANSPORT         21, 1

/* CMIC - multi-path I/O and namespace sharing */
#define NVME_CMIC_MULTI_PORT        0, 1
#define NVME_CMIC_MULTI_CTRL        1, 1
#define NVME_CMIC_SRIOV             2, 1
#define NVME_CMIC_ANA               3, 1

/* LBA Format data structure (figure 251) */
struct nvme_lbaf {
	uint16_t ms;         /* bytes 0-1  metadata size per LBA */
	uint8_t  lbads;      /* byte 2     LBA data size, 2^n bytes (n >= 9) */
	uint8_t  rp;         /* byte 3     relative performance (1:0) */
};
#define NVME_LBAF_RP                0, 2
#define NVME_LBADS_MIN              9u    /* 512 bytes; smaller values are not supported */
#define NVME_ID_NS_MAX_LBAF         64u   /* NVMe 2.0 extends the table to 64 entries */
#define NVME_ID_NS_LBAF_1_4         16u   /* NVMe 1.4: up to 16 formats */

/* Identify Namespace data structure, NVM command set (figure 245) */
struct nvme_id_ns {
	uint64_t nsze;          /* 0    namespace size, LBAs */
	uint64_t ncap;          /* 8    namespace capacity, LBAs */
	uint64_t nuse;          /* 16   namespace utilization, LBAs */
	uint8_t  nsfeat;        /* 24   namespace features */
	uint8_t  nlbaf;         /* 25   number of LBA formats, 0's based */
	uint8_t  flbas;         /* 26   formatted LBA size */
	uint8_t  mc;            /* 27   metadata capabilities */
	uint8_t  dpc;           /* 28   end-to-end data protection capabilities */
	uint8_t  dps;           /* 29   end-to-end data protection type settings */
	uint8_t  nmic;          /* 30   namespace multi-path I/O and sharing */
	uint8_t  rescap;        /* 31   reservation capabilities */
	uint8_t  fpi;           /* 32   format progress indicator */
	uint8_t  dlfeat;        /* 33   deallocate logical block features */
	uint16_t nawun;         /* 34   namespace atomic write unit normal */
	uint16_t nawupf;        /* 36   namespace atomic write unit power fail */
	uint16_t nacwu;         /* 38   namespace atomic compare & write unit */
	uint16_t nabsn;         /* 40   namespace atomic boundary size normal */
	uint16_t nabo;          /* 42   namespace atomic boundary offset */
	uint16_t nabspf;        /* 44   namespace atomic boundary size power fail */
	uint16_t noiob;         /* 46   namespace optimal I/O boundary */
	uint8_t  nvmcap[16];    /* 48   NVM capacity, bytes (128 bit) */
	uint16_t npwg;          /* 64   namespace preferred write granularity */
	uint16_t npwa;          /* 66   namespace preferred write alignment */
	uint16_t npdg;          /* 68   namespace preferred deallocate granularity */
	uint16_t npda;          /* 70   namespace preferred deallocate alignment */
	uint16_t nows;          /* 72   namespace optimal write size */
	uint16_t mssrl;         /* 74   maximum single source range length (Copy) */
	uint32_t mcl;           /* 76   maximum copy length */
	uint8_t  msrc;          /* 80   maximum source range count, 0's based */
	uint8_t  rsvd81[11];    /* 81 */
	uint32_t anagrpid;      /* 92   ANA group identifier */
	uint8_t  rsvd96[3];     /* 96 */
	uint8_t  nsattr;        /* 99   namespace attributes (bit 0: write protected) */
	uint16_t nvmsetid;      /* 100  NVM set identifier */
	uint16_t endgid;        /* 102  endurance group identifier */
	uint8_t  nguid[16];     /* 104  namespace globally unique identifier */
	uint8_t  eui64[8];      /* 120  IEEE extended unique identifier */
	struct nvme_lbaf lbaf[NVME_ID_NS_MAX_LBAF]; /* 128 LBA formats 0..63 */
	uint8_t  vs[3712];      /* 384  vendor specific */
};

/*
 * I/O Command Set specific Identify Controller data structure for the NVM
 * command set (CNS 06h, CSI 00h; NVM Command Set Specification 1.0). The
 * size limits are powers of two in units of the minimum memory page size
 * (CAP.MPSMIN): a command larger than 2^n such pages may be refused; 0 means
 * no limit. The Dataset Management processing limits concern commands with
 * the Deallocate attribute; 0 means not reported (no limit).
 */
struct nvme_id_ctrl_nvm {
	uint8_t  vsl;           /* 0    Verify Size Limit */
	uint8_t  wzsl;          /* 1    Write Zeroes Size Limit */
	uint8_t  wusl;          /* 2    Write Uncorrectable Size Limit */
	uint8_t  dmrl;          /* 3    Dataset Management Ranges Limit: ranges per command */
	uint32_t dmrsl;         /* 4    Dataset Management Range Size Limit: blocks per range */
	uint64_t dmsl;          /* 8    Dataset Management Size Limit: blocks per command */
	uint8_t  rsvd16[4080];  /* 16 */
};

/* FLBAS - formatted LBA size */
#define NVME_FLBAS_INDEX_LO         0, 4   /* bits 3:0 of the format index */
#define NVME_FLBAS_EXTENDED         4, 1   /* metadata at the end of each LBA */
/* DPS: end-to-end data protection type settings */
#define NVME_DPS_PIT                0, 3   /* protection information type, 0 = disabled */
#define NVME_DPS_PIP                3, 1   /* PI in the first bytes of the metadata */
#define NVME_FLBAS_INDEX_HI         5, 2   /* bits 5:4 of the format index (NVMe 2.0, NLBAF > 16) */
/* NSFEAT */
#define NVME_NSFEAT_THIN            0, 1
#define NVME_NSFEAT_NSABP           1, 1
#define NVME_NSFEAT_DAE             2, 1
#define NVME_NSFEAT_UIDREUSE        3, 1
#define NVME_NSFEAT_OPTPERF         4, 1
/* DLFEAT - what a deallocated block reads back as */
#define NVME_DLFEAT_READ_VALUE      0, 3
#define NVME_DLFEAT_READ_NOT_REPORTED 0u
#define NVME_DLFEAT_READ_ZEROES       1u
#define NVME_DLFEAT_READ_ONES         2u
#define NVME_DLFEAT_WZ_DEALLOC      3, 1   /* Write Zeroes DEAC supported */
#define NVME_DLFEAT_GUARD_CRC       4, 1
/* RESCAP - reservation capabilities */
#define NVME_RESCAP_PTPL            0, 1
#define NVME_RESCAP_WE              1, 1
#define NVME_RESCAP_EA              2, 1
#define NVME_RESCAP_WERO            3, 1
#define NVME_RESCAP_EARO            4, 1
#define NVME_RESCAP_WEAR            5, 1
#define NVME_RESCAP_EAAR            6, 1
#define NVME_RESCAP_IEKEY           7, 1
/* FPI - format progress indicator */
#define NVME_FPI_PERCENT_REMAINING  0, 7
#define NVME_FPI_SUPPORTED          7, 1

/* Namespace Identification Descriptor (CNS 03h) header */
struct nvme_ns_id_desc {
	uint8_t  nidt;       /* byte 0   type */
	uint8_t  nidl;       /* byte 1   length of the identifier */
	uint8_t  rsvd[2];    /* bytes 2-3 */
	/* identifier follows */
};
#define NVME_NIDT_EUI64  1u
#define NVME_NIDT_NGUID  2u
#define NVME_NIDT_UUID   3u
#define NVME_NIDT_CSI    4u

/* ------------------------------------------------------------------------ */
/* Log pages (5.14.1)                                                         */
/* ------------------------------------------------------------------------ */

/* Error Information log entry (figure 198) */
struct nvme_error_log_entry {
	uint64_t error_count;   /* 0    unique, incrementing error identifier */
	uint16_t sqid;          /* 8    SQ of the failed command (FFFFh: not specific) */
	uint16_t cid;           /* 10   command identifier (FFFFh: not specific) */
	uint16_t status;        /* 12   phase tag (bit 0) and status field (15:1) */
	uint16_t pel;           /* 14   parameter error location: byte (7:0), bit (10:8) */
	uint64_t lba;           /* 16   first LBA that experienced the error */
	uint32_t nsid;          /* 24 */
	uint8_t  vsia;          /* 28   vendor specific information available */
	uint8_t  trtype;        /* 29   transport type */
	uint8_t  rsvd30[2];     /* 30 */
	uint64_t csi;           /* 32   command specific information */
	uint16_t ttsi;          /* 40   transport type specific information */
	uint8_t  rsvd42[22];    /* 42 */
};
#define NVME_ERROR_LOG_PEL_BYTE  0, 8
#define NVME_ERROR_LOG_PEL_BIT   8, 3

/* SMART / Health Information log (figure 200); 128-bit counters are little endian byte arrays */
struct nvme_smart_log {
	uint8_t  critical_warning;   /* 0 */
	uint8_t  temperature[2];     /* 1    composite temperature, K (unaligned) */
	uint8_t  avail_spare;        /* 3    percent */
	uint8_t  spare_thresh;       /* 4    percent */
	uint8_t  percent_used;       /* 5    may exceed 100 (up to 255) */
	uint8_t  endgrp_crit_warning;/* 6    endurance group critical warning summary */
	uint8_t  rsvd7[25];          /* 7 */
	uint8_t  data_units_read[16];    /* 32   thousands of 512-byte units */
	uint8_t  data_units_written[16]; /* 48 */
	uint8_t  host_reads[16];         /* 64   read commands completed */
	uint8_t  host_writes[16];        /* 80   write commands completed */
	uint8_t  ctrl_busy_time[16];     /* 96   minutes */
	uint8_t  power_cycles[16];       /* 112 */
	uint8_t  power_on_hours[16];     /* 128 */
	uint8_t  unsafe_shutdowns[16];   /* 144 */
	uint8_t  media_errors[16];       /* 160 */
	uint8_t  num_err_log_entries[16];/* 176 */
	uint32_t warning_temp_time;  /* 192  minutes above WCTEMP */
	uint32_t critical_temp_time; /* 196  minutes above CCTEMP */
	uint16_t temp_sensor[8];     /* 200  K, 0 = not implemented */
	uint32_t thm_temp1_trans_count; /* 216 */
	uint32_t thm_temp2_trans_count; /* 220 */
	uint32_t thm_temp1_total_time;  /* 224 seconds */
	uint32_t thm_temp2_total_time;  /* 228 seconds */
	uint8_t  rsvd232[280];       /* 232 */
};
/* critical_warning bits */
#define NVME_SMART_CW_SPARE         0, 1
#define NVME_SMART_CW_TEMPERATURE   1, 1
#define NVME_SMART_CW_RELIABILITY   2, 1
#define NVME_SMART_CW_READ_ONLY     3, 1
#define NVME_SMART_CW_VOLATILE_BACKUP 4, 1
#define NVME_SMART_CW_PMR_READ_ONLY 5, 1
/* Kelvin to Celsius, for the temperature fields */
#define NVME_KELVIN_TO_CELSIUS(k)   ((int)(k) - 273)

/* Firmware Slot Information log (figure 201) */
struct nvme_fw_slot_log {
	uint8_t  afi;            /* 0    active firmware info */
	uint8_t  rsvd1[7];       /* 1 */
	char     frs[NVME_FW_MAX_SLOTS][8]; /* 8   revision of slots 1..7, ASCII, 0 = empty */
	uint8_t  rsvd64[448];    /* 64 */
};
#define NVME_FW_AFI_ACTIVE          0, 3   /* slot currently running */
#define NVME_FW_AFI_NEXT_RESET      4, 3   /* slot activated at next reset, 0 = none */

/* Commands Supported and Effects log (figure 203) */
struct nvme_cmd_effects_log {
	uint32_t acs[256];       /* 0     admin commands, indexed by opcode */
	uint32_t iocs[256];      /* 1024  I/O commands, indexed by opcode */
	uint8_t  rsvd2048[2048]; /* 2048 */
};
#define NVME_CMD_EFFECTS_CSUPP      0, 1   /* command supported */
#define NVME_CMD_EFFECTS_LBCC       1, 1   /* logical block content change */
#define NVME_CMD_EFFECTS_NCC        2, 1   /* namespace capability change */
#define NVME_CMD_EFFECTS_NIC        3, 1   /* namespace inventory change */
#define NVME_CMD_EFFECTS_CCC        4, 1   /* controller capability change */
#define NVME_CMD_EFFECTS_CSE        16, 3  /* command submission and execution */
#define NVME_CMD_EFFECTS_UUID_SEL   19, 1

/* Sanitize Status log (figure 207) */
struct nvme_sanitize_log {
	uint16_t sprog;          /* 0    progress: fraction complete, numerator of n/65536 */
	uint16_t sstat;          /* 2    status */
	uint32_t scdw10;         /* 4    cdw10 of the last Sanitize command */
	uint32_t eto;            /* 8    estimated time for overwrite, s (FFFFFFFFh: no estimate) */
	uint32_t etbe;           /* 12   estimated time for block erase */
	uint32_t etce;           /* 16   estimated time for crypto erase */
	uint32_t etond;          /* 20   overwrite with no-deallocate */
	uint32_t etbend;         /* 24   block erase with no-deallocate */
	uint32_t etcend;         /* 28   crypto erase with no-deallocate */
	uint8_t  rsvd32[480];    /* 32 */
};
#define NVME_SSTAT_STATUS           0, 3
#define NVME_SSTAT_OVERWRITE_PASSES 3, 5
#define NVME_SSTAT_GLOBAL_ERASED    8, 1
#define NVME_SSTAT_NEVER_SANITIZED  0u
#define NVME_SSTAT_COMPLETED        1u
#define NVME_SSTAT_IN_PROGRESS      2u
#define NVME_SSTAT_FAILED           3u
#define NVME_SSTAT_COMPLETED_NO_DEALLOC 4u
#define NVME_SANITIZE_NO_ESTIMATE   0xFFFFFFFFu
#define NVME_SPROG_DONE             65536u   /* SPROG counts to 65535 (~100%) */

/* Changed Namespace List log: a namespace list (NVME_NS_LIST_ENTRIES); if more
 * than 1024 namespaces changed, the first entry is FFFFFFFFh. */
#define NVME_CHANGED_NS_OVERFLOW    0xFFFFFFFFu

/* ------------------------------------------------------------------------ */
/* Static checks                                                              */
/* ------------------------------------------------------------------------ */

#define NVME_SPEC_ASSERT_SIZE(t, n)       _Static_assert(sizeof(t) == (n), #t " must be " #n " bytes")
#define NVME_SPEC_ASSERT_OFF(t, f, n)     _Static_assert(offsetof(t, f) == (n), #t "." #f " must be at byte " #n)

NVME_SPEC_ASSERT_SIZE(struct nvme_sgl_desc, 16);
NVME_SPEC_ASSERT_SIZE(struct nvme_sqe, 64);
NVME_SPEC_ASSERT_OFF(struct nvme_sqe, nsid, 4);
NVME_SPEC_ASSERT_OFF(struct nvme_sqe, mptr, 16);
NVME_SPEC_ASSERT_OFF(struct nvme_sqe, dptr, 24);
NVME_SPEC_ASSERT_OFF(struct nvme_sqe, cdw10, 40);
NVME_SPEC_ASSERT_OFF(struct nvme_sqe, cdw15, 60);
NVME_SPEC_ASSERT_SIZE(struct nvme_cqe, 16);
NVME_SPEC_ASSERT_OFF(struct nvme_cqe, sqhd, 8);
NVME_SPEC_ASSERT_OFF(struct nvme_cqe, cid, 12);
NVME_SPEC_ASSERT_OFF(struct nvme_cqe, status, 14);
NVME_SPEC_ASSERT_SIZE(struct nvme_dsm_range, 16);
NVME_SPEC_ASSERT_SIZE(struct nvme_resv_register_data, 16);
NVME_SPEC_ASSERT_SIZE(struct nvme_resv_acquire_data, 16);
NVME_SPEC_ASSERT_SIZE(struct nvme_resv_status, 24);
NVME_SPEC_ASSERT_SIZE(struct nvme_resv_registrant, 24);
NVME_SPEC_ASSERT_SIZE(struct nvme_resv_registrant_ext, 64);
NVME_SPEC_ASSERT_SIZE(struct nvme_power_state, 32);
NVME_SPEC_ASSERT_SIZE(struct nvme_id_ctrl, 4096);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, sn, 4);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, mn, 24);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, fr, 64);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, mdts, 77);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, ver, 80);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, rtd3e, 88);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, cntrltype, 111);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, crdt1, 128);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, nvmi, 240);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, oacs, 256);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, frmw, 260);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, elpe, 262);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, wctemp, 266);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, tnvmcap, 280);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, fwug, 319);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, sanicap, 328);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, pels, 352);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, sqes, 512);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, nn, 516);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, oncs, 520);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, vwc, 525);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, sgls, 536);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, subnqn, 768);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, psd, 2048);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl, vs, 3072);
NVME_SPEC_ASSERT_SIZE(struct nvme_id_ctrl_nvm, 4096);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl_nvm, wzsl, 1);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl_nvm, wusl, 2);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl_nvm, dmrl, 3);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl_nvm, dmrsl, 4);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl_nvm, dmsl, 8);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ctrl_nvm, rsvd16, 16);
NVME_SPEC_ASSERT_SIZE(struct nvme_lbaf, 4);
NVME_SPEC_ASSERT_SIZE(struct nvme_id_ns, 4096);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ns, nlbaf, 25);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ns, flbas, 26);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ns, rescap, 31);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ns, dlfeat, 33);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ns, nvmcap, 48);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ns, mssrl, 74);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ns, anagrpid, 92);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ns, nguid, 104);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ns, eui64, 120);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ns, lbaf, 128);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ns, vs, 384);
NVME_SPEC_ASSERT_SIZE(struct nvme_ns_id_desc, 4);
NVME_SPEC_ASSERT_SIZE(struct nvme_error_log_entry, 64);
NVME_SPEC_ASSERT_OFF(struct nvme_error_log_entry, status, 12);
NVME_SPEC_ASSERT_OFF(struct nvme_error_log_entry, lba, 16);
NVME_SPEC_ASSERT_OFF(struct nvme_error_log_entry, csi, 32);
NVME_SPEC_ASSERT_SIZE(struct nvme_smart_log, 512);
NVME_SPEC_ASSERT_OFF(struct nvme_smart_log, temperature, 1);
NVME_SPEC_ASSERT_OFF(struct nvme_smart_log, data_units_read, 32);
NVME_SPEC_ASSERT_OFF(struct nvme_smart_log, power_on_hours, 128);
NVME_SPEC_ASSERT_OFF(struct nvme_smart_log, media_errors, 160);
NVME_SPEC_ASSERT_OFF(struct nvme_smart_log, warning_temp_time, 192);
NVME_SPEC_ASSERT_OFF(struct nvme_smart_log, temp_sensor, 200);
NVME_SPEC_ASSERT_OFF(struct nvme_smart_log, thm_temp2_total_time, 228);
NVME_SPEC_ASSERT_SIZE(struct nvme_fw_slot_log, 512);
NVME_SPEC_ASSERT_OFF(struct nvme_fw_slot_log, frs, 8);
NVME_SPEC_ASSERT_SIZE(struct nvme_cmd_effects_log, 4096);
NVME_SPEC_ASSERT_OFF(struct nvme_cmd_effects_log, iocs, 1024);
NVME_SPEC_ASSERT_SIZE(struct nvme_sanitize_log, 512);
NVME_SPEC_ASSERT_OFF(struct nvme_sanitize_log, eto, 8);
NVME_SPEC_ASSERT_OFF(struct nvme_sanitize_log, etcend, 28);

/* ------------------------------------------------------------------------ */
/* I/O command sets and Zoned Namespaces (feature "zns": nvme_iocs.c,       */
/* nvme_zns.c). NVMe 2.0 base specification 3.1.3.5 (CC.CSS), 5.17.2.20     */
/* (Identify I/O Command Set data structure, CNS 1Ch), 5.27.1.21 (I/O       */
/* Command Set Profile, FID 19h); NVMe Zoned Namespace Command Set          */
/* Specification 1.0/1.1 (ZNS): sections 3.1.1 (Identify Namespace), 3.1.2  */
/* (Identify Controller), 3.3.1 (Zone Append), 3.4.1 (Zone Management       */
/* Receive), 3.4.2 (Zone Management Send), 3.3.2 / 3.4 (status codes).      */
/* ------------------------------------------------------------------------ */

#define NVME_CC_CSS_IOCS            6u      /* all I/O command sets of the profile (CAP.CSS bit 6) */
#define NVME_CNS_IOCS               0x1Cu   /* I/O Command Set data structure */
#define NVME_IOCS_VECTORS           512u    /* 64-bit vectors in the 4 KiB answer */
#define NVME_FEAT_IOCS_PROFILE      0x19u   /* I/O Command Set Profile */
#define NVME_FEAT_IOCS_PROFILE_IDX  0, 9    /* cdw11: I/O Command Set Combination Index */
#define NVME_SC_INVALID_IOCS        0x2Cu   /* Generic: Invalid I/O Command Set */
#define NVME_SC_IOCS_NOT_SUPPORTED  0x29u   /* Generic: I/O Command Set Not Supported */
#define NVME_SC_IOCS_NOT_ENABLED    0x2Au   /* Generic: I/O Command Set Not Enabled */
#define NVME_SC_IOCS_COMBINATION_REJECTED 0x2Bu /* Generic: I/O Command Set Combination Rejected */

/* ZNS I/O opcodes */
#define NVME_CMD_ZONE_MGMT_SEND     0x79u
#define NVME_CMD_ZONE_MGMT_RECV     0x7Au
#define NVME_CMD_ZONE_APPEND        0x7Du

/* Zone Management Send: cdw10/11 SLBA, cdw13 */
#define NVME_ZMS_CDW13_ZSA          0, 8    /* Zone Send Action */
#define NVME_ZMS_CDW13_SELECT_ALL   8, 1
#define NVME_ZSA_CLOSE              0x01u
#define NVME_ZSA_FINISH             0x02u
#define NVME_ZSA_OPEN               0x03u
#define NVME_ZSA_RESET              0x04u
#define NVME_ZSA_OFFLINE            0x05u
#define NVME_ZSA_SET_ZDE            0x10u   /* Set Zone Descriptor Extension */

/* Zone Management Receive: cdw10/11 SLBA, cdw12 NUMD (0's based dwords), cdw13 */
#define NVME_ZMR_CDW13_ZRA          0, 8    /* Zone Receive Action */
#define NVME_ZMR_CDW13_ZRASF        8, 8    /* reporting option */
#define NVME_ZMR_CDW13_PARTIAL      16, 1
#define NVME_ZRA_REPORT             0x00u
#define NVME_ZRA_EXT_REPORT         0x01u
#define NVME_ZRASF_ALL              0x00u
#define NVME_ZRASF_EMPTY            0x01u
#define NVME_ZRASF_IMP_OPEN         0x02u
#define NVME_ZRASF_EXP_OPEN         0x03u
#define NVME_ZRASF_CLOSED           0x04u
#define NVME_ZRASF_FULL             0x05u
#define NVME_ZRASF_READ_ONLY        0x06u
#define NVME_ZRASF_OFFLINE          0x07u

/* Report Zones data: a 64-byte header, then descriptors (each followed by
 * ZDES * 64 bytes of extension in an Extended Report) */
struct nvme_zone_report_hdr {
	uint64_t nr_zones;      /* 0 */
	uint8_t  rsvd8[56];     /* 8 */
};
struct nvme_zone_desc {
	uint8_t  zt;            /* 0    zone type (3:0) */
	uint8_t  zs;            /* 1    zone state (7:4) */
	uint8_t  za;            /* 2    zone attributes */
	uint8_t  zai;           /* 3    zone attributes information */
	uint8_t  rsvd4[4];      /* 4 */
	uint64_t zcap;          /* 8    zone capacity, blocks */
	uint64_t zslba;         /* 16   zone start LBA */
	uint64_t wp;            /* 24   write pointer */
	uint8_t  rsvd32[32];    /* 32 */
};
#define NVME_ZONE_DESC_ZT           0, 4
#define NVME_ZONE_DESC_ZS           4, 4
#define NVME_ZT_SEQ_WRITE_REQUIRED  0x2u
#define NVME_ZS_EMPTY               0x1u
#define NVME_ZS_IMP_OPEN            0x2u
#define NVME_ZS_EXP_OPEN            0x3u
#define NVME_ZS_CLOSED              0x4u
#define NVME_ZS_READ_ONLY           0xDu
#define NVME_ZS_FULL                0xEu
#define NVME_ZS_OFFLINE             0xFu
#define NVME_ZA_ZFC                 0, 1    /* zone finished by the controller */
#define NVME_ZA_FZR                 1, 1    /* finish zone recommended */
#define NVME_ZA_RZR                 2, 1    /* reset zone recommended */
#define NVME_ZA_ZDEV                7, 1    /* zone descriptor extension valid */

/* Zoned Identify Namespace (CNS 05h, CSI 02h) */
struct nvme_zns_lbafe {
	uint64_t zsze;          /* 0    zone size, blocks */
	uint8_t  zdes;          /* 8    zone descriptor extension size, 64-byte units */
	uint8_t  rsvd9[7];      /* 9 */
};
struct nvme_id_ns_zns {
	uint16_t zoc;           /* 0    zone operation characteristics */
	uint16_t ozcs;          /* 2    optional zoned command support */
	uint32_t mar;           /* 4    max active resources, 0's based; FFFFFFFFh none */
	uint32_t mor;           /* 8    max open resources, 0's based; FFFFFFFFh none */
	uint32_t rrl;           /* 12   reset recommended limit, s */
	uint32_t frl;           /* 16   finish recommended limit, s */
	uint8_t  rsvd20[2796];  /* 20 */
	struct nvme_zns_lbafe lbafe[16]; /* 2816 (one per LBA format) */
	uint8_t  rsvd3072[768]; /* 3072 */
	uint8_t  vs[256];       /* 3840 */
};
#define NVME_ZOC_VZCAP              0, 1    /* variable zone capacity */
#define NVME_ZOC_ZAE                1, 1    /* zone active excursions */
#define NVME_OZCS_RAZB              0, 1    /* reads across zone boundaries */
#define NVME_ZNS_NO_LIMIT           0xFFFFFFFFu

/* Zoned Identify Controller (CNS 06h, CSI 02h) */
struct nvme_id_ctrl_zns {
	uint8_t  zasl;          /* 0    zone append size limit: 2^n min pages, 0 = MDTS */
	uint8_t  rsvd1[4095];
};

/* ZNS status codes (Command Specific, SCT 1h) */
#define NVME_SC_ZONE_BOUNDARY_ERROR      0xB8u
#define NVME_SC_ZONE_FULL                0xB9u
#define NVME_SC_ZONE_READ_ONLY           0xBAu
#define NVME_SC_ZONE_OFFLINE             0xBBu
#define NVME_SC_ZONE_INVALID_WRITE       0xBCu
#define NVME_SC_ZONE_TOO_MANY_ACTIVE     0xBDu
#define NVME_SC_ZONE_TOO_MANY_OPEN       0xBEu
#define NVME_SC_ZONE_INVALID_TRANSITION  0xBFu

NVME_SPEC_ASSERT_SIZE(struct nvme_zone_report_hdr, 64);
NVME_SPEC_ASSERT_SIZE(struct nvme_zone_desc, 64);
NVME_SPEC_ASSERT_OFF(struct nvme_zone_desc, zcap, 8);
NVME_SPEC_ASSERT_OFF(struct nvme_zone_desc, wp, 24);
NVME_SPEC_ASSERT_SIZE(struct nvme_zns_lbafe, 16);
NVME_SPEC_ASSERT_SIZE(struct nvme_id_ns_zns, 4096);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ns_zns, lbafe, 2816);
NVME_SPEC_ASSERT_SIZE(struct nvme_id_ctrl_zns, 4096);

/* ------------------------------------------------------------------------ */
/* Metadata and end-to-end protection information (feature: PI, nvme_pi.c)  */
/* NVMe 1.4 section 8.3 (End-to-end Protection Information); NVM Command    */
/* Set Specification 1.0 section 5.2 (PI formats, 64b guard) and figure 114 */
/* (I/O Command Set specific Identify Namespace, CNS 05h CSI 00h).           */
/* ------------------------------------------------------------------------ */

/* PRINFO (Read/Write/Compare/Verify/Write Zeroes cdw12 bits 29:26) */
#define NVME_PRINFO_PRCHK_REF       0x1u     /* check the reference tag */
#define NVME_PRINFO_PRCHK_APP       0x2u     /* check the application tag */
#define NVME_PRINFO_PRCHK_GUARD     0x4u     /* check the guard */
#define NVME_PRINFO_PRACT           0x8u     /* the controller inserts (write) / strips (read) PI */
/* cdw14: initial (expected) logical block reference tag bits 31:0;
 * cdw3 bits 15:0: bits 47:32 of it with the 64b guard format (STS 0);
 * cdw15: application tag (15:0) and its mask (31:16) */
#define NVME_RW_CDW15_LBAT          0, 16
#define NVME_RW_CDW15_LBATM         16, 16

/* DPS protection information types */
#define NVME_PI_TYPE_NONE           0u
#define NVME_PI_TYPE1               1u
#define NVME_PI_TYPE2               2u
#define NVME_PI_TYPE3               3u

/* Identify Controller CTRATT bit 15: Extended LBA Formats Supported (ELBAS) */
#define NVME_CTRATT_ELBAS           15, 1

/* Extended LBA format dword (ELBAF, CNS 05h CSI 00h) */
#define NVME_ELBAF_STS              0, 7     /* storage tag size, bits */
#define NVME_ELBAF_PIF              7, 2     /* protection information format */
#define NVME_PIF_16B_GUARD          0u       /* 8-byte PI: CRC-16 guard, 32-bit reference tag */
#define NVME_PIF_32B_GUARD          1u       /* 16-byte PI: CRC-32C guard (not supported by the driver) */
#define NVME_PIF_64B_GUARD          2u       /* 16-byte PI: CRC-64 guard, 48-bit reference tag */

/* I/O Command Set specific Identify Namespace, NVM command set */
struct nvme_id_ns_nvm {
	uint64_t lbstm;         /* 0    logical block storage tag mask */
	uint8_t  pic;           /* 8    protection information capabilities */
	uint8_t  rsvd9[3];      /* 9 */
	uint32_t elbaf[NVME_ID_NS_MAX_LBAF]; /* 12  extended LBA formats 0..63 */
	uint8_t  rsvd268[3828]; /* 268 */
};
NVME_SPEC_ASSERT_SIZE(struct nvme_id_ns_nvm, 4096);
NVME_SPEC_ASSERT_OFF(struct nvme_id_ns_nvm, elbaf, 12);

/* The PI tuple at the big-endian wire layout (all fields big-endian): */
/* 16b guard: guard 0-1, application tag 2-3, reference tag 4-7 */
#define NVME_PI8_SIZE               8u
/* 64b guard: guard 0-7, application tag 8-9, storage+reference tag 10-15 */
#define NVME_PI16_SIZE              16u
#define NVME_PI_APP_ESCAPE          0xFFFFu  /* application tag that disables checking */
#define NVME_PI_REF32_ESCAPE        0xFFFFFFFFull
#define NVME_PI_REF48_ESCAPE        0xFFFFFFFFFFFFull

/* ------------------------------------------------------------------------ */
/* Copy and namespace management/attachment (nvme_copy.c, nvme_nsmgmt.c)    */
/* ------------------------------------------------------------------------ */

/* Copy command (NVM Command Set 1.0, 3.2.2; opcode 19h): SDLBA in dwords
 * 10-11, dword 12 below, ILBRT dword 14 (bits 47:32 in dword 3 with a
 * 64-bit guard), LBAT 15:0 / LBATM 31:16 in dword 15. */
#define NVME_COPY_CDW12_NR          0, 8    /* source ranges, 0's based */
#define NVME_COPY_CDW12_DESFMT      8, 4    /* descriptor format */
#define NVME_COPY_CDW12_PRINFOR     12, 4   /* PI action/checks on the reads */
#define NVME_COPY_CDW12_PRINFOW     26, 4   /* PI action/checks on the write */
#define NVME_COPY_CDW12_FUA         30, 1
#define NVME_COPY_CDW12_LR          31, 1
#define NVME_COPY_CDW15_LBAT        0, 16
#define NVME_COPY_CDW15_LBATM       16, 16
#define NVME_COPY_MAX_RANGES        256u    /* NR is 8 bits, MSRC 0's based */
#define NVME_COPY_RANGE_MAX_BLOCKS  65536u  /* a range's NLB is 16 bits, 0's based */
/* OCFS (Identify Controller 534): descriptor formats supported */
#define NVME_OCFS_FORMAT0           0, 1
#define NVME_OCFS_FORMAT1           1, 1
/* NVM command set Identify Namespace (CNS 05h, CSI 00h; NVM Command Set
 * 1.0 figure 97): LBSTM (0-7), PIC (8), then one 32-bit Extended LBA
 * Format per LBA format from byte 12: storage tag size 6:0, PIF 8:7 */
#define NVME_ID_NS_NVM_ELBAF_OFF    12u
#define NVME_ELBAF_STS              0, 7
#define NVME_ELBAF_PIF              7, 2
/* Command Specific Status of Copy: a size limit (MSSRL, MCL, MSRC) exceeded */
#define NVME_SC_COMMAND_SIZE_LIMIT_EXCEEDED 0x83u

/* Source Range Entry, descriptor format 0h (16-bit guard PI or none): 32 bytes */
struct nvme_copy_range_f0 {
	uint64_t rsvd0;         /* 0 */
	uint64_t slba;          /* 8    starting LBA */
	uint16_t nlb;           /* 16   blocks, 0's based */
	uint16_t rsvd18;        /* 18 */
	uint32_t rsvd20;        /* 20 */
	uint32_t eilbrt;        /* 24   expected initial logical block reference tag */
	uint16_t elbat;         /* 28   expected logical block application tag */
	uint16_t elbatm;        /* 30   ... its mask */
};
/* Source Range Entry, descriptor format 1h (32/64-bit guard PI): 40 bytes;
 * the 80-bit storage and reference tag field ends with the 48-bit
 * reference tag, most significant byte first (no storage tag). */
struct nvme_copy_range_f1 {
	uint64_t rsvd0;         /* 0 */
	uint64_t slba;          /* 8 */
	uint16_t nlb;           /* 16   0's based */
	uint8_t  rsvd18[8];     /* 18 */
	uint8_t  elbt[10];      /* 26   expected storage and reference tag */
	uint16_t elbat;         /* 36 */
	uint16_t elbatm;        /* 38 */
};

/* Namespace Management (opcode 0Dh, NVMe 1.4 5.20) and Namespace Attachment
 * (15h, 5.19): SEL in dword 10, CSI of a new namespace in dword 11 (2.0). */
#define NVME_NSMGMT_CDW10_SEL       0, 4
#define NVME_NSMGMT_SEL_CREATE      0u
#define NVME_NSMGMT_SEL_DELETE      1u
#define NVME_NSMGMT_CDW11_CSI       24, 8
#define NVME_NSATT_CDW10_SEL        0, 4
#define NVME_NSATT_SEL_ATTACH       0u
#define NVME_NSATT_SEL_DETACH       1u
/* Controller List (figure 137): a count then up to 2047 increasing IDs */
#define NVME_CTRL_LIST_MAX          2047u
struct nvme_ctrl_list {
	uint16_t num;           /* 0    identifiers that follow */
	uint16_t ids[NVME_CTRL_LIST_MAX]; /* 2 */
};
/* Host Software Specified Fields of Namespace Management create: the
 * Identify Namespace layout; the controller reads NSZE, NCAP, FLBAS, DPS,
 * NMIC (and ANAGRPID, NVMSETID, ENDGID, which the driver leaves 0). */

NVME_SPEC_ASSERT_SIZE(struct nvme_copy_range_f0, 32);
NVME_SPEC_ASSERT_OFF(struct nvme_copy_range_f0, eilbrt, 24);
NVME_SPEC_ASSERT_SIZE(struct nvme_copy_range_f1, 40);
NVME_SPEC_ASSERT_OFF(struct nvme_copy_range_f1, elbt, 26);
NVME_SPEC_ASSERT_OFF(struct nvme_copy_range_f1, elbat, 36);
NVME_SPEC_ASSERT_SIZE(struct nvme_ctrl_list, 4096);

#endif /* NVME_SPEC_H */
