#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seed corpus of fuzz_nvme.c into corpus/ (small, committed).

Each seed is a device/driver configuration (the first bytes the harness
reads, see LLVMFuzzerTestOneInput) followed by a stream of decision bytes.
Bytes below 150 are the sane choice at every decision point (register read,
payload, completion, allocation) while still selecting varied operations,
so a seed runs a full, plausible session; a few seeds sprinkle bytes that
drop, delay or corrupt completions, set CFS or make the device vanish, so
recovery paths are in the corpus from the start.
"""
import os

def cfg(mqes=63, to=1, mdts=5, nn=2, vs10=False, dstrd=0, lbads12=False, sgls=0, grant=3, vwc=True,
        nsze=0x1000, ioq=2, adepth=30, iodepth=32, xfer_shift=2, auto_dptr=False, aer=True,
        recovery=True, small_bar=False, vs20=False, iocs=False, quirk=None, fam=0, zsze=0, zdes=0):
    c0 = ((mqes - 1) & 0x3F) | (((to - 1) & 3) << 6)
    c1 = (mdts & 7) | ((nn & 3) << 3) | (0x40 if vs10 else 0) | ((0x80 | dstrd) if dstrd else 0)
    c2 = ((1 if lbads12 else 0) | ((sgls & 3) << 1) | (((grant - 1) & 3) << 3) | (0x20 if vwc else 0) |
          (0x40 if vs20 else 0) | (0x80 if iocs else 0))
    d0 = (ioq & 3) | (((adepth - 2) & 0x1F) << 2) | (0x80 if auto_dptr else 0)
    d1 = ((iodepth - 2) & 0x3F) | ((xfer_shift & 3) << 6)
    # last byte: BAR size (bit 0), a quirk bit index (bits 6:1, with bit 7),
    # or without a quirk the families (bits 6:1): FAM_* of fuzz_nvme.c
    bar = (1 if small_bar else 0) | ((0x80 | (quirk << 1)) if quirk is not None else (fam & 0x3F) << 1)
    extra = bytes([zsze, zdes]) if fam & FAM_ZNS else b""   # zone size 16 << zsze, extension
    return bytes([c0, c1, c2, nsze & 0xFF, nsze >> 8, d0, d1, 1 if aer else 0,
                  1 if recovery else 0, bar]) + extra

# the families (issue 18): command sets, metadata/PI, ZNS, namespace
# management, Copy, extended LBA formats (64b guard)
FAM_IOCS, FAM_PI, FAM_ZNS, FAM_NSM, FAM_COPY, FAM_ELBAS = 1, 2, 4, 8, 16, 32

NOPS = 35   # operations of op() in fuzz_nvme.c (40 with a family configuration)

def stream(n, extra=(), every=0, mul=7, nops=NOPS, ops=()):
    out = bytearray()
    for i in range(n):
        b = (i * mul + 3) % nops      # varied operations, all sane decisions
        if ops and i % 3 != 2:
            b = ops[(i * mul) % len(ops)]  # mostly these operations
        if every and i % every == every - 1:
            b = extra[(i // every) % len(extra)]
        out.append(b)
    return bytes(out)

seeds = {
    "sane-512": cfg() + stream(1500),
    "sane-4k-sgl": cfg(lbads12=True, sgls=1, auto_dptr=True, grant=1) + stream(1500),
    "sane-nvme10-1q": cfg(vs10=True, nn=3, ioq=1, iodepth=4, xfer_shift=0) + stream(1200),
    "sane-small-queues": cfg(mqes=3, adepth=2, iodepth=2, ioq=3, grant=4) + stream(1200),
    "drops-and-delays": cfg() + stream(2000, extra=(170, 160, 175, 180, 151), every=37),
    "corrupt-completions": cfg() + stream(2000, extra=(195, 201, 207, 213, 225), every=41),
    "cfs-mid-io": cfg() + stream(2000, extra=(232,), every=211),
    "device-gone": cfg() + stream(900, extra=(238,), every=600),
    "no-recovery": cfg(recovery=False) + stream(1500, extra=(170, 175), every=53),
    "bad-registers": cfg() + stream(1500, extra=(205, 225, 245), every=97),
    "bad-payloads": cfg() + stream(2000, extra=(200, 241), every=31),
    "dstrd-small-bar": cfg(dstrd=13, small_bar=True) + stream(600),
    # NVMe 2.0 / I/O command sets: the NVM limits of Identify CNS 06h
    "nvme20-limits": cfg(vs20=True) + stream(1500, mul=11),
    "iocs-limits-4k": cfg(iocs=True, lbads12=True, xfer_shift=3) + stream(1500, mul=13),
    # quirks a host's PCI IDs select: shared CIDs, queue depth one, no namespace list
    "quirk-shared-cids": cfg(quirk=5, ioq=3) + stream(1200, mul=5),
    "quirk-qdepth-one": cfg(quirk=7) + stream(1200, mul=3),
    # structure-aware payloads and defined statuses/events sprinkled in
    "structured": cfg() + stream(2500, extra=(160, 190, 250, 255), every=23),
    # the families: zoned namespaces (odd NSIDs), metadata and PI (separate
    # or extended, 16b/64b guard), Copy, namespace management, all together
    # with structure-aware payloads and family statuses sprinkled in
    "fam-zns": cfg(nn=3, fam=FAM_IOCS | FAM_ZNS, zsze=1, zdes=1) + stream(1500, mul=5, nops=40, ops=(35, 35, 1, 39, 7)),
    "fam-zns-hostile": cfg(nn=1, fam=FAM_ZNS, zsze=0) + stream(2000, extra=(165, 205, 215, 245), every=13, mul=17, nops=40, ops=(35, 35, 39, 1)),
    "fam-pi-64b": cfg(nn=2, fam=FAM_PI | FAM_ELBAS | FAM_IOCS, vs20=True) + stream(1500, mul=3, nops=40, ops=(36, 36, 0, 1, 15)),
    "fam-pi-16b": cfg(nn=2, fam=FAM_PI, lbads12=True) + stream(1500, mul=9, nops=40, ops=(36, 36, 2, 12)),
    "fam-copy": cfg(fam=FAM_COPY | FAM_PI | FAM_ELBAS, vs20=True) + stream(1500, mul=1, nops=40, ops=(37, 37, 26)),
    "fam-nsmgmt": cfg(nn=3, fam=FAM_NSM) + stream(1500, mul=21, nops=40, ops=(38, 38, 28)),
    "fam-all": cfg(nn=3, fam=0x3F, zsze=2, zdes=0, vs20=True) + stream(2500, extra=(160, 165, 185), every=17, mul=13, nops=40, ops=(35, 36, 37, 38, 39)),
}

here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(here, "corpus"), exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(here, "corpus", "seed-" + name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds written to corpus/")
