/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xhci_regs.h - xHCI register, TRB and context definitions (eXtensible Host
 * Controller Interface for USB, revision 1.2; section numbers refer to it)
 * and the USB 2.0 request/descriptor constants the keyboard path needs
 * (USB 2.0 chapter 9 and 11, HID 1.11).
 */
#ifndef KERNEL_USB_XHCI_REGS_H
#define KERNEL_USB_XHCI_REGS_H

/* ---- capability registers (5.3) ---- */
#define XHCI_CAPLENGTH 0x00 /* byte 0: length, bytes 2-3: HCIVERSION */
#define XHCI_HCSPARAMS1 0x04
#define XHCI_HCSPARAMS2 0x08
#define XHCI_HCCPARAMS1 0x10
#define XHCI_DBOFF 0x14
#define XHCI_RTSOFF 0x18

#define HCS1_MAX_SLOTS(v) ((v) & 0xff)
#define HCS1_MAX_PORTS(v) (((v) >> 24) & 0xff)
/* Max Scratchpad Buffers: Hi in bits 25:21, Lo in bits 31:27. */
#define HCS2_MAX_SCRATCH(v) (((((v) >> 21) & 0x1f) << 5) | (((v) >> 27) & 0x1f))
#define HCC1_AC64 (1u << 0)
#define HCC1_PPC (1u << 3)  /* port power control */
#define HCC1_CSZ (1u << 2)  /* 64-byte contexts */
#define HCC1_XECP(v) (((v) >> 16) & 0xffff) /* in dwords */

/* ---- operational registers (5.4), at CAPLENGTH ---- */
#define XHCI_USBCMD 0x00
#define XHCI_USBSTS 0x04
#define XHCI_PAGESIZE 0x08
#define XHCI_CRCR 0x18 /* 64-bit */
#define XHCI_DCBAAP 0x30 /* 64-bit */
#define XHCI_CONFIG 0x38
#define XHCI_PORTSC(p) (0x400 + 0x10 * ((p) - 1)) /* p = 1..MaxPorts */

#define CMD_RUN (1u << 0)
#define CMD_HCRST (1u << 1)
#define STS_HCH (1u << 0)  /* halted */
#define STS_HSE (1u << 2)  /* host system error */
#define STS_CNR (1u << 11) /* controller not ready */
#define STS_HCE (1u << 12) /* host controller error */
#define CRCR_RCS (1u << 0)
#define CRCR_CA (1u << 2)  /* command abort */
#define CRCR_CRR (1u << 3) /* command ring running */

/* PORTSC (5.4.8) */
#define PORTSC_CCS (1u << 0)
#define PORTSC_PED (1u << 1)
#define PORTSC_PR (1u << 4)
#define PORTSC_PLS(v) (((v) >> 5) & 0xf)
#define PORTSC_PP (1u << 9)
#define PORTSC_SPEED(v) (((v) >> 10) & 0xf)
#define PORTSC_CSC (1u << 17)
#define PORTSC_PEC (1u << 18)
#define PORTSC_WRC (1u << 19)
#define PORTSC_OCC (1u << 20)
#define PORTSC_PRC (1u << 21)
#define PORTSC_PLC (1u << 22)
#define PORTSC_CEC (1u << 23)
#define PORTSC_WPR (1u << 31)
#define PORTSC_CHANGES 0x00fe0000u /* the RW1C change bits 23:17 */
/* Bits kept when writing PORTSC: port power and the wake enables. Writing 1 to
 * PED would disable the port, and 1 to a change bit would clear it. */
#define PORTSC_KEEP (PORTSC_PP | (7u << 25))

/* Default Protocol Speed IDs (7.2.2.1.1). */
#define SPEED_FS 1
#define SPEED_LS 2
#define SPEED_HS 3
#define SPEED_SS 4
#define SPEED_SSP 5

/* ---- runtime registers (5.5), interrupter 0 at RTSOFF + 0x20 ---- */
#define XHCI_IR0 0x20
#define IR_IMAN 0x00
#define IR_IMOD 0x04
#define IR_ERSTSZ 0x08
#define IR_ERSTBA 0x10 /* 64-bit */
#define IR_ERDP 0x18   /* 64-bit */
#define ERDP_EHB (1u << 3)

/* ---- extended capabilities (7) ---- */
#define XCAP_ID(v) ((v) & 0xff)
#define XCAP_NEXT(v) (((v) >> 8) & 0xff) /* in dwords */
#define XCAP_LEGACY 1
#define XCAP_PROTOCOL 2
#define LEGSUP_BIOS_OWNED (1u << 16)
#define LEGSUP_OS_OWNED (1u << 24)
/* USBLEGCTLSTS (7.1.2): SMI enables in bits 0, 4, 13, 14, 15; the RW1C SMI
 * status bits 29-31. */
#define LEGCTL_SMI_ENABLES ((1u << 0) | (1u << 4) | (1u << 13) | (1u << 14) | (1u << 15))
#define LEGCTL_SMI_STATUS (7u << 29)

/* ---- TRBs (6.4) ---- */
#define TRB_TYPE(t) ((uint32_t)(t) << 10)
#define TRB_GET_TYPE(c) (((c) >> 10) & 0x3f)
#define TRB_CYCLE (1u << 0)
#define TRB_TC (1u << 1)  /* link: toggle cycle */
#define TRB_ISP (1u << 2) /* interrupt on short packet */
#define TRB_IOC (1u << 5)
#define TRB_IDT (1u << 6)
#define TRB_DIR_IN (1u << 16)  /* data/status stage direction */
#define TRB_TRT_NONE (0u << 16)
#define TRB_TRT_OUT (2u << 16)
#define TRB_TRT_IN (3u << 16)
#define TRB_SLOT(s) ((uint32_t)(s) << 24)
#define TRB_EP(e) ((uint32_t)(e) << 16)

enum {
	TRB_NORMAL = 1, TRB_SETUP = 2, TRB_DATA = 3, TRB_STATUS = 4, TRB_LINK = 6,
	TRB_ENABLE_SLOT = 9, TRB_DISABLE_SLOT = 10, TRB_ADDRESS_DEVICE = 11,
	TRB_CONFIGURE_EP = 12, TRB_EVALUATE_CTX = 13, TRB_RESET_EP = 14, TRB_STOP_EP = 15,
	TRB_SET_TR_DEQ = 16, TRB_NOOP_CMD = 23,
	TRB_EV_TRANSFER = 32, TRB_EV_CMD_DONE = 33, TRB_EV_PORT = 34, TRB_EV_HOST = 37,
};

/* Completion codes (6.4.5). */
enum {
	CC_SUCCESS = 1, CC_DATA_BUFFER = 2, CC_BABBLE = 3, CC_TRANSACTION = 4, CC_TRB = 5,
	CC_STALL = 6, CC_RESOURCE = 7, CC_BANDWIDTH = 8, CC_NO_SLOTS = 9, CC_SLOT_NOT_ENABLED = 11,
	CC_SHORT_PACKET = 13, CC_CONTEXT_STATE = 19, CC_STOPPED = 26,
};

struct xhci_trb {
	uint32_t d0, d1; /* parameter */
	uint32_t d2;     /* status */
	uint32_t d3;     /* control: cycle, type, flags, slot/endpoint */
};
_Static_assert(sizeof(struct xhci_trb) == 16, "TRB is 16 bytes");

/* Event Ring Segment Table entry (6.5). */
struct xhci_erst {
	uint32_t base_lo, base_hi;
	uint32_t size; /* TRBs in the segment */
	uint32_t rsvd;
};
_Static_assert(sizeof(struct xhci_erst) == 16, "ERST entry is 16 bytes");

/* ---- contexts (6.2); 32 or 64 bytes each (HCCPARAMS1.CSZ) ---- */
/* Slot context dwords */
#define SLOT0_ROUTE(r) ((uint32_t)(r) & 0xfffff)
#define SLOT0_SPEED(s) ((uint32_t)(s) << 20)
#define SLOT0_MTT (1u << 25)
#define SLOT0_HUB (1u << 26)
#define SLOT0_ENTRIES(n) ((uint32_t)(n) << 27)
#define SLOT1_ROOT_PORT(p) ((uint32_t)(p) << 16)
#define SLOT1_NPORTS(n) ((uint32_t)(n) << 24)
#define SLOT2_TT_SLOT(s) ((uint32_t)(s))
#define SLOT2_TT_PORT(p) ((uint32_t)(p) << 8)
#define SLOT2_TTT(t) ((uint32_t)(t) << 16)
#define SLOT3_STATE(v) (((v) >> 27) & 0x1f)
/* Endpoint context dwords */
#define EP0_INTERVAL(i) ((uint32_t)(i) << 16)
#define EP1_CERR(c) ((uint32_t)(c) << 1)
#define EP1_TYPE(t) ((uint32_t)(t) << 3)
#define EP1_MPS(m) ((uint32_t)(m) << 16)
#define EP4_AVG_TRB(l) ((uint32_t)(l))
#define EP4_MAX_ESIT(l) ((uint32_t)(l) << 16)
#define EP_TYPE_CONTROL 4
#define EP_TYPE_INT_IN 7

/* ---- USB requests and descriptors (USB 2.0 9.3, 9.4, 9.6; 11.24) ---- */
#define USB_REQ_GET_STATUS 0
#define USB_REQ_CLEAR_FEATURE 1
#define USB_REQ_SET_FEATURE 3
#define USB_REQ_GET_DESCRIPTOR 6
#define USB_REQ_SET_CONFIGURATION 9
#define USB_DT_DEVICE 1
#define USB_DT_CONFIG 2
#define USB_DT_STRING 3
#define USB_DT_INTERFACE 4
#define USB_DT_ENDPOINT 5
#define USB_DT_HUB 0x29
#define USB_CLASS_HID 3
#define USB_CLASS_MASS_STORAGE 8
#define USB_CLASS_HUB 9
/* HID class requests (HID 1.11 7.2) */
#define HID_REQ_SET_REPORT 0x09
#define HID_REQ_SET_IDLE 0x0a
#define HID_REQ_SET_PROTOCOL 0x0b
/* Hub port features and status (USB 2.0 11.24.2) */
#define HUB_PORT_RESET 4
#define HUB_PORT_POWER 8
#define HUB_C_PORT_CONNECTION 16
#define HUB_C_PORT_ENABLE 17
#define HUB_C_PORT_RESET 20
#define HUB_PS_CONNECTION (1u << 0)
#define HUB_PS_ENABLE (1u << 1)
#define HUB_PS_RESET (1u << 4)
#define HUB_PS_LOW_SPEED (1u << 9)
#define HUB_PS_HIGH_SPEED (1u << 10)
#define HUB_PC_CONNECTION (1u << 0)
#define HUB_PC_RESET (1u << 4)

#endif
