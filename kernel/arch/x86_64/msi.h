/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msi.h - MSI/MSI-X message composition for x86 (Intel SDM vol. 3, 11.11).
 *
 * Without interrupt remapping the message address carries the destination
 * APIC ID in bits 19:12: 8 bits, so only APIC IDs 0-255 can be reached
 * (x2APIC IDs above 255 need an IOMMU's remapping table, or the
 * "extended destination ID" that only some hypervisors offer, neither of
 * which this kernel sets up). Pure: the host unit tests (tests/kunit) run it.
 */
#ifndef KERNEL_MSI_H
#define KERNEL_MSI_H

#include <stdint.h>

#define MSI_ADDRESS_BASE 0xFEE00000u
#define MSI_MAX_APIC_ID 255u

/* Fills the message address/data for fixed delivery, edge-triggered, of
 * vector to the CPU with this APIC ID. Returns 0, or -1 (nothing written)
 * when the APIC ID cannot be expressed or the vector is reserved (< 16). */
int msi_compose(uint32_t apic_id, uint8_t vector, uint32_t *addr, uint32_t *data);

#endif
