# SPDX-License-Identifier: BSD-2-Clause
"""Memory map, page allocator and identity mapping with small and large RAM."""
import re
from nvmetk_qemu import Machine, TestFile, record_timing

t = TestFile()


def mem_case(name, mem, uefi=False, expect_high=False):
    with Machine(name, uefi=uefi, mem=mem, script="mem; mem test; exit 0", timeout=400) as m:
        m.expect(r"memory: \d+ MiB usable", timeout=300)
        record_timing(name, m.elapsed(), "to-kernel")
        m.expect("Memory map")
        m.expect(r"Allocator: (\d+) pages managed")
        top = m.expect(r"RAM top: 0x([0-9a-f]+) \(")
        ram_top = int(top.group(1), 16)
        m.expect("mem test: passed", timeout=120)
        log = m.text()
        # vmm_virt_to_phys's remembered leaves are forgotten at an unmap
        assert re.search(r"ok   translation after unmap: 0x[0-9a-f]+", log), "no translation-after-unmap check"
        if expect_high:
            assert ram_top > (1 << 32), "RAM top 0x%x not above 4 GiB" % ram_top
            assert "ok   1 MiB run above 4 GiB" in log, "no allocation above 4 GiB"
        assert "kernel image" in log and "Multiboot2 information" in log
        assert m.wait_exit() == 0


@t.case("mem-128M-bios")
def _():
    mem_case("mem-128M-bios", "128M")


@t.case("mem-8G-bios")
def _():
    mem_case("mem-8G-bios", "8G", expect_high=True)


@t.case("mem-8G-uefi")
def _():
    mem_case("mem-8G-uefi", "8G", uefi=True, expect_high=True)


@t.case("mem-alloc-free")
def _():
    with Machine("mem-alloc-free") as m:
        m.expect_prompt()
        out = m.run("mem alloc 16 --align 64k --max 0x1000000")
        g = re.search(r"allocated 0x([0-9a-f]+) \(16 pages\)", out)
        assert g, out
        addr = int(g.group(1), 16)
        assert addr % 65536 == 0 and addr + 16 * 4096 <= 0x1000000, hex(addr)
        out = m.run("mem free 0x%x 16" % addr)
        assert "freed" in out, out
        out = m.run("mem free 0x%x 16" % addr)  # double free is refused
        assert "double free" in out and "error: free refused" in out, out
        out = m.run("mem free 0x100000 1")  # kernel image
        assert "reserved" in out, out
        out = m.run("mem alloc 1 --align 3000")
        assert "power of two" in out, out
        out = m.run("mem alloc 100000000")
        assert "error: no run" in out, out
        m.sendline("exit 0")
        assert m.wait_exit() == 0


t.run()
