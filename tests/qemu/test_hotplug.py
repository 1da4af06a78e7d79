# SPDX-License-Identifier: BSD-2-Clause
"""Native PCIe hot-plug (kernel/dev/pcie_hp.c) on q35 with ACPI hot-plug off:
an NVMe controller on a pcie-root-port removed with device_del (the
attention button) while iochk runs, the shell staying usable and `list`
showing it gone; then a controller device_add'ed into an empty slot (and
into the slot just emptied): powered on, enumerated, its BAR placed in the
port's window by the kernel, attached, written from the shell and the write
checked on the image from the host. In-flight commands at device_del:
under iochk (no drain: nvmeremovedrain=0), under bench (the default drain)
and a card gone under iochk (pciehp=surprise): the counts printed must add
up, each command completing once, and a command typed after is refused
naming the removal. A port the firmware gave no memory window: the kernel
opens one (kernel/dev/pci_window.h) clear of everything QEMU lists."""
import os
import re
import time
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import Disk, Controller, controllers, ok

t = TestFile()

NATIVE = ["-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"]


def ports(*ids):
    a = []
    for n, pid in enumerate(ids, 1):
        a += ["-device", "pcie-root-port,id=%s,bus=pcie.0,chassis=%d,slot=%d" % (pid, n, n)]
    return a


def wait_gone_from_qemu(m, dev_id, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if dev_id not in m.monitor("info qtree"):
            return
        time.sleep(0.5)
    raise AssertionError("QEMU still lists %s %d s after the slot was powered off" % (dev_id, timeout))


@t.case("hotplug-remove-during-iochk-then-add")
def _():
    name = "hotplug-remove-during-iochk-then-add"
    wd = os.path.join(OUT, name)
    keep = Disk(wd, "keep", 16 << 20, seed=81)
    gone = Disk(wd, "gone", 16 << 20, seed=82)
    new = Disk(wd, "new", 16 << 20, seed=83)
    c0 = Controller("c0", "nvmetk-fixed")
    c0.ns(1, keep, 512)
    c1 = Controller("c1", "nvmetk-pulled", extra="bus=rp1")
    c1.ns(1, gone, 512)
    args = NATIVE + ports("rp1", "rp2") + controllers([c0, c1])
    args += ["-drive", "file=%s,format=raw,if=none,id=hot1" % new.path]
    # nvmeremovedrain=0: no drain at removal, so the commands iochk has in
    # flight when device_del comes all fail (the default drain lets them
    # finish: tested with bench in hotplug-add-uefi-then-remove-and-readd)
    with Machine(name, nvme=False, qemu_args=args, cmdline="nvmeremovedrain=0", timeout=600) as m:
        m.expect(r"pcie: 2 hot-plug slots watched", timeout=240)
        # PCI order: the controller behind the root port (bus 1) comes first
        m.expect_prompt(timeout=120)
        boot = m.text()
        pulled = re.search(r'(nvme\d+): model "QEMU NVMe Ctrl", serial "nvmetk-pulled"', boot).group(1)
        fixed = re.search(r'(nvme\d+): model "QEMU NVMe Ctrl", serial "nvmetk-fixed"', boot).group(1)
        ok(m, "list", pulled + "n1", fixed + "n1")
        # a long random iochk on the controller that goes away
        ok(m, "iochk %sn1 --phase fill --count 16384 --seed 7 --yes" % pulled, r"IOCHK phase=fill result=ok",
           timeout=300)
        # the read after ';' runs before the prompt's idle poll removes the
        # card: it must be refused at once, naming the removal
        m.sendline("iochk %sn1 --phase random --count 16384 --seed 7 --passes 1000 --qd 32 --yes; "
                   "read %sn1 --count 1" % (pulled, pulled))
        m.expect(r"iochk %sn1 --phase random" % pulled, timeout=60)
        time.sleep(3)
        m.monitor("device_del c1")
        start = m._pos
        m.expect(r"pcie: slot 1 \(port 00:0[0-9a-f]\.0\): removal requested: stopping the running "
                 r"command", timeout=120)
        why = r"pcie slot 1: removal requested"
        m.expect(pulled + r": being removed \(%s\): new commands refused" % why, timeout=60)
        g = m.expect(r"iochk: %s is being removed \(%s\): stopping with (\d+) commands in flight"
                     % (pulled, why), timeout=60)
        inflight = int(g.group(1))
        assert inflight > 0, g.group(0)
        # no drain: no Flush (it would queue behind them), the normal
        # shutdown's queue deletions end every command still in flight:
        # QEMU completes what it had started (usually all of them: it is
        # fast under TCG), the driver aborts the rest; each exactly once
        m.expect(pulled + r": removal: %d I/O commands? in flight: 0 completed in the 0 ms drain, %d to abort"
                 % (inflight, inflight), timeout=60)
        m.expect(pulled + r": (not flushed \(%d I/O commands still in flight\), |no volatile write cache, )"
                 r"shutdown complete" % inflight, timeout=60)
        g = m.expect(r"error: %s removed under iochk \(%s\): of (\d+) commands in flight, (\d+) completed, "
                     r"(\d+) failed" % (pulled, why), timeout=120)
        n, done, failed = (int(x) for x in g.groups())
        assert n == inflight and done + failed == n, g.group(0)
        m.expect(r"IOCHK phase=random result=fail", timeout=60)
        m.expect(r"error: %s is being removed \(%s\): no new commands" % (pulled, why), timeout=60)
        # the removal itself happens at the prompt
        m.expect(r"pcie: slot 1 \(port [^)]*\): attention button: removing the card", timeout=60)
        m.expect(pulled + r": removed", timeout=60)
        m.expect(r"pcie: slot 1 \(port [^)]*\): powered off, slot empty", timeout=60)
        m.expect_prompt(timeout=60)
        run = m.text()[start:]
        # each command completed once; nothing waited for a timeout
        for bad_text in ("not in flight", "did not complete", "warning: ", "timed out"):
            assert bad_text not in run, m.tail(60)
        wait_gone_from_qemu(m, "nvmetk-pulled")
        out = ok(m, "list")
        assert pulled not in out and fixed + "n1" in out, out
        out = m.run("read %sn1 --count 1" % pulled)  # unknown now: an error, the shell stays
        assert "error: " in out, out
        ok(m, "write %sn1 -s 100 --count 8 --pattern random --seed 81" % fixed,
           fixed + r"n1 LBA 100\.\.107")
        keep.write_pattern(100, 8, 512, "random", seed=81)
        ok(m, "rescan", r"slot 1: .*empty, power off, removals 1", r"slot 2: .*empty")
        # hot-add into the empty slot 2: it takes the lowest free name
        m.monitor("device_add nvme,id=c2,serial=nvmetk-hot,drive=hot1,bus=rp2")
        m.expect(r"pcie: slot 2 \(port [^)]*\): card present: powering on", timeout=60)
        g = m.expect(pulled + r": ([0-9a-f]{2}):00\.0 1b36:0010, BAR0 (0x[0-9a-f]+) \(", timeout=60)
        assert int(g.group(2), 16) != 0, g.group(0)
        m.expect(pulled + r': model "QEMU NVMe Ctrl", serial "nvmetk-hot"', timeout=60)
        m.expect(pulled + r": attached in \d+ ms", timeout=60)
        m.expect_prompt(timeout=60)
        ok(m, "list", r"nvmetk-hot")
        ok(m, "write %sn1 -s 4096 --count 16 --pattern random --seed 83" % pulled,
           pulled + r"n1 LBA 4096\.\.4111")
        new.write_pattern(4096, 16, 512, "random", seed=83)
        ok(m, "read %sn1 -s 4096 --count 16 --check random --seed 83" % pulled, r"matches")
        m.sendline("exit 0")
        assert m.wait_exit(timeout=120) == 0
    keep.check()
    new.check()



@t.case("hotplug-surprise-removal-during-iochk")
def _():
    """pciehp=surprise: the slot is powered off under the running iochk
    without the driver being told (a card pulled without warning). Every
    command in flight completes once with an error, iochk ends, the idle
    poll handles the lost presence, the other controller still works."""
    name = "hotplug-surprise-removal-during-iochk"
    wd = os.path.join(OUT, name)
    keep = Disk(wd, "keep", 16 << 20, seed=91)
    gone = Disk(wd, "gone", 16 << 20, seed=92)
    c0 = Controller("c0", "nvmetk-fixed")
    c0.ns(1, keep, 512)
    c1 = Controller("c1", "nvmetk-yanked", extra="bus=rp1")
    c1.ns(1, gone, 512)
    args = NATIVE + ports("rp1") + controllers([c0, c1])
    with Machine(name, nvme=False, qemu_args=args, cmdline="pciehp=surprise", timeout=600) as m:
        m.expect(r"pcie: 1 hot-plug slot watched", timeout=240)
        m.expect_prompt(timeout=120)
        boot = m.text()
        yanked = re.search(r'(nvme\d+): model "QEMU NVMe Ctrl", serial "nvmetk-yanked"', boot).group(1)
        fixed = re.search(r'(nvme\d+): model "QEMU NVMe Ctrl", serial "nvmetk-fixed"', boot).group(1)
        ok(m, "iochk %sn1 --phase fill --count 16384 --seed 9 --yes" % yanked, r"IOCHK phase=fill result=ok",
           timeout=300)
        m.sendline("iochk %sn1 --phase random --count 16384 --seed 9 --passes 1000 --qd 32 --yes" % yanked)
        m.expect(r"iochk %sn1 --phase random" % yanked, timeout=60)
        time.sleep(3)
        m.monitor("device_del c1")
        m.expect(r"pciehp=surprise: slot powered off under the running command", timeout=120)
        out_start = m._pos
        # the next busy poll sees the presence lost: nothing is sent to the
        # card, the driver is detached at once and every command in flight
        # fails (unless the driver noticed the loss first: then the run
        # already ended with its I/O errors)
        g = m.expect(r"(iochk: %s is being removed \(pcie slot 1: card gone \(presence lost\)\): stopping with "
                     r"(\d+) commands in flight)|(IOCHK phase=random result=fail)" % yanked, timeout=300)
        if g.group(1):
            inflight = int(g.group(2))
            m.expect(yanked + r": removal: card gone: %d I/O commands? in flight fail, nothing sent" % inflight,
                     timeout=60)
            g = m.expect(r"error: %s removed under iochk \(pcie slot 1: card gone \(presence lost\)\): of (\d+) "
                         r"commands in flight, (\d+) completed, (\d+) failed" % yanked, timeout=120)
            assert tuple(int(x) for x in g.groups()) == (inflight, 0, inflight), g.group(0)
            m.expect(r"IOCHK phase=random result=fail", timeout=60)
        m.expect(r"pcie: slot 1 \(port [^)]*\): card gone \(presence lost\): surprise removal", timeout=120)
        m.expect(yanked + r": removed without shutdown: card gone", timeout=60)
        m.expect_prompt(timeout=60)
        assert "did not complete" not in m.text()[out_start:], m.tail(40)
        wait_gone_from_qemu(m, "nvmetk-yanked")
        out = ok(m, "list")
        assert yanked not in out and fixed + "n1" in out, out
        ok(m, "rescan", r"slot 1: .*empty, power off, removals 0, surprise 1")
        ok(m, "write %sn1 -s 100 --count 8 --pattern random --seed 91" % fixed, fixed + r"n1 LBA 100\.\.107")
        keep.write_pattern(100, 8, 512, "random", seed=91)
        m.sendline("exit 0")
        assert m.wait_exit(timeout=120) == 0
    keep.check()



@t.case("hotplug-add-uefi-then-remove-and-readd")
def _():
    """OVMF: a controller device_add'ed into an empty slot (OVMF's window for
    the port), written, removed with device_del at the prompt, and a new one
    added into the same slot: the same name, I/O checked on both images."""
    name = "hotplug-add-uefi-then-remove-and-readd"
    wd = os.path.join(OUT, name)
    first = Disk(wd, "first", 16 << 20, seed=101)
    second = Disk(wd, "second", 16 << 20, seed=102)
    args = NATIVE + ports("rp1")
    args += ["-drive", "file=%s,format=raw,if=none,id=h1" % first.path,
             "-drive", "file=%s,format=raw,if=none,id=h2" % second.path]
    with Machine(name, nvme=False, uefi=True, qemu_args=args, timeout=600) as m:
        m.expect(r"pcie: 1 hot-plug slot watched", timeout=300)
        m.expect_prompt(timeout=120)
        for dev, drive, serial, disk, seed in (("a1", "h1", "nvmetk-a1", first, 5),
                                                ("a2", "h2", "nvmetk-a2", second, 6)):
            m.monitor("device_add nvme,id=%s,serial=%s,drive=%s,bus=rp1" % (dev, serial, drive))
            m.expect(r"pcie: slot 1 \(port [^)]*\): card present: powering on", timeout=60)
            m.expect(r'nvme0: model "QEMU NVMe Ctrl", serial "%s"' % serial, timeout=60)
            m.expect(r"nvme0: attached in \d+ ms", timeout=60)
            m.expect_prompt(timeout=60)
            ok(m, "write nvme0n1 -s 2048 --count 8 --pattern random --seed %d" % seed, r"nvme0n1 LBA 2048\.\.2055")
            disk.write_pattern(2048, 8, 512, "random", seed=seed)
            if dev == "a1":
                # removed under a bench (reads only): the default drain
                # (250 ms) lets the commands in flight finish; the counts
                # must add up and the next command must be refused or run
                m.sendline("bench nvme0n1 --rw randread --qd 32 --time 120")
                m.expect(r"bench nvme0n1 --rw randread", timeout=60)
                time.sleep(3)
                m.monitor("device_del " + dev)
                why = r"pcie slot 1: removal requested"
                m.expect(r"nvme0: being removed \(%s\): new commands refused" % why, timeout=120)
                g = m.expect(r"bench: nvme0 is being removed \(%s\): stopping with (\d+) commands in flight"
                             % why, timeout=60)
                inflight = int(g.group(1))
                g = m.expect(r"nvme0: removal: (\d+) I/O commands? in flight: (\d+) completed in the 250 ms "
                             r"drain, (\d+) to abort", timeout=60)
                n, done, left = (int(x) for x in g.groups())
                assert n == inflight and done + left == n, g.group(0)
                g = m.expect(r"error: nvme0 removed under bench \(%s\): of (\d+) commands in flight, "
                             r"(\d+) completed, (\d+) failed" % why, timeout=120)
                assert (int(g.group(1)), int(g.group(2)), int(g.group(3))) == (n, done, left), g.group(0)
                assert "did not complete" not in m.tail(40), m.tail(40)
            else:
                m.monitor("device_del " + dev)
            m.expect(r"pcie: slot 1 \(port [^)]*\): attention button: removing the card", timeout=60)
            m.expect(r"nvme0: removed \(slot", timeout=60)
            m.expect(r"powered off, slot empty", timeout=60)
            wait_gone_from_qemu(m, serial)
            m.expect_prompt(timeout=60)
        ok(m, "list", r"no NVMe controllers")
        out = m.run("read --count 1")
        assert out.strip().startswith("error: no NVMe controller found"), out
        out = m.run("id-ctrl nvme0")
        assert out.strip().startswith("error: no controller nvme0 (known: none)"), out
        ok(m, "rescan", r"slot 1: .*empty, power off, removals 2, surprise 0, insertions 2")
        m.sendline("exit 0")
        assert m.wait_exit(timeout=120) == 0
    first.check()
    second.check()



@t.case("hotplug-add-no-bridge-window")
def _():
    """A root port the firmware reserved nothing for (mem-reserve=0,
    pref64-reserve=0, io-reserve=0: OVMF leaves its windows closed;
    SeaBIOS 1.16 opens a memory window on it all the same, seen here): the controller device_add'ed there gets a memory
    window the kernel opens itself, its BAR0 inside it, and works. The
    window must overlap no RAM, no ECAM, no other BAR or window QEMU
    lists, and sit below the I/O APIC."""
    name = "hotplug-add-no-bridge-window"
    wd = os.path.join(OUT, name)
    keep = Disk(wd, "keep", 16 << 20, seed=111)
    new = Disk(wd, "new", 16 << 20, seed=112)
    c0 = Controller("c0", "nvmetk-fixed")
    c0.ns(1, keep, 512)
    # (QEMU refuses pref32-reserve and pref64-reserve together)
    args = NATIVE + ["-device", "pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1,mem-reserve=0,"
                     "pref64-reserve=0,io-reserve=0"]
    args += controllers([c0])
    args += ["-drive", "file=%s,format=raw,if=none,id=hot1" % new.path]
    with Machine(name, nvme=False, uefi=True, qemu_args=args, timeout=600) as m:
        m.expect(r"pcie: 1 hot-plug slot watched", timeout=300)
        m.expect_prompt(timeout=120)
        m.monitor("device_add nvme,id=c1,serial=nvmetk-nowin,drive=hot1,bus=rp1")
        m.expect(r"pcie: slot 1 \(port [^)]*\): card present: powering on", timeout=60)
        g = m.expect(r"pcie: slot 1 \(port [^)]*\): no memory window from the firmware: opened "
                     r"(0x[0-9a-f]+)-(0x[0-9a-f]+) \((\d+) MiB, free in the 32-bit PCI hole", timeout=60)
        wb, wl = int(g.group(1), 16), int(g.group(2), 16)
        g = m.expect(r"nvme1: ([0-9a-f]{2}):00\.0 1b36:0010, BAR0 (0x[0-9a-f]+) \(", timeout=60)
        bar0 = int(g.group(2), 16)
        assert wb <= bar0 < wl, (hex(wb), hex(wl), hex(bar0))
        m.expect(r'nvme1: model "QEMU NVMe Ctrl", serial "nvmetk-nowin"', timeout=60)
        m.expect(r"nvme1: attached in \d+ ms", timeout=60)
        m.expect_prompt(timeout=60)
        # what QEMU says is mapped: no other BAR or bridge window there
        info = m.monitor("info pci", timeout=30)
        others = []
        for mm in re.finditer(r"(?:BAR\d+: (?:\d+ bit )?(?:prefetchable )?memory at|memory range "
                              r"\[)\s*(0x[0-9a-f]+)[^\n]*?(?:\[|, )(0x[0-9a-f]+)\]", info):
            a, b = int(mm.group(1), 16), int(mm.group(2), 16)
            if a < b and not (a == wb and b == wl) and not (a == bar0):
                others.append((a, b))
        assert len(others) >= 2, "no BARs parsed from info pci:\n" + info
        for a, b in others:
            assert b < wb or a > wl, "window 0x%x-0x%x overlaps 0x%x-0x%x:\n%s" % (wb, wl, a, b, info)
        assert wb >= 128 << 20 and wl < 0xFEC00000, hex(wb)
        assert wl < 0xB0000000 or wb > 0xBFFFFFFF, "window in the ECAM range"
        ok(m, "write nvme1n1 -s 4096 --count 16 --pattern random --seed 113", r"nvme1n1 LBA 4096\.\.4111")
        new.write_pattern(4096, 16, 512, "random", seed=113)
        ok(m, "read nvme1n1 -s 4096 --count 16 --check random --seed 113", r"matches")
        ok(m, "write nvme0n1 -s 8 --count 8 --pattern random --seed 114 --yes", r"nvme0n1 LBA 8\.\.15")
        keep.write_pattern(8, 8, 512, "random", seed=114)
        m.sendline("exit 0")
        assert m.wait_exit(timeout=120) == 0
    keep.check()
    new.check()


t.run()
