# SPDX-License-Identifier: BSD-2-Clause
"""Memory types: the UEFI framebuffer is mapped write-combining through the
PAT (read back by the kernel from its page tables and IA32_PAT), and no
2 MiB identity page covers anything but RAM (the kernel walks its live page
tables against the memory map; OVMF's map has reserved ranges inside 2 MiB
blocks, SeaBIOS's with 5 GiB has a hole below 4 GiB). `fb bench` prints
fill times for WC and UC (a figure, never checked: TCG ignores memory
types)."""
import os
import re
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import ok, bad

t = TestFile()

IDENT = r"Identity map: (\d+) x 2 MiB \+ (\d+) x 4 KiB pages of RAM \(4 KiB at range edges\); " \
        r"all (\d+) large pages are RAM throughout\n"


@t.case("fb-wc-uefi")
def _():
    name = "fb-wc-uefi"
    with Machine(name, uefi=True) as m:
        m.expect(r"consoles: serial, framebuffer \d+x\d+ 32bpp, \d+x\d+ text, font scale \d+, "
                 r"write-combining,", timeout=150)
        m.expect_prompt(timeout=150)
        out = ok(m, "fb", r"PAT: IA32_PAT 0x0007040100070406 \(firmware left 0x[0-9a-f]{16}\), "
                 r"entry 4 write-combining \(WC\)\n",
                 r"framebuffer: 0x[0-9a-f]+, \d+ bytes, \d+x\d+ 32bpp, pitch \d+\n",
                 r"framebuffer mapping: first page write-combining \(WC\), last page "
                 r"write-combining \(WC\) \(page tables \+ IA32_PAT\)\n")
        assert "differ" not in out, out
        out = ok(m, "mem", IDENT)
        n2m, n4k, checked = (int(x) for x in re.search(IDENT, out).groups())
        # OVMF's map has RAM ranges that end inside 2 MiB blocks: edges exist
        assert n4k > 0 and n2m > 0 and checked >= n2m, out
        out = ok(m, "fb bench 2",
                 r"  write-combining \(WC\) +2 passes in \d+\.\d{3} ms: \d+ MB/s\n",
                 r"  uncached \(UC\) +2 passes in \d+\.\d{3} ms: \d+ MB/s\n",
                 r"  redraw: \d+\.\d{3} ms write-combining, \d+\.\d{3} ms uncached\n",
                 r"mapping restored: write-combining \(WC\)")
        print("# fb bench: " + " / ".join(l.strip() for l in out.split("\n")
                                         if "MB/s" in l or "redraw:" in l))
        ok(m, "fb", r"first page write-combining \(WC\), last page write-combining \(WC\)")
        bad(m, "fb bench 0", r"^error: PASSES must be 1\.\.100")
        bad(m, "fb bench 2 3", r"^error: too many arguments")
        bad(m, "fb nosuch", r"^error: unknown subcommand 'nosuch'")
        # the screen was redrawn after the benchmark: text is there again
        png = os.path.join(OUT, name + ".png")
        w, h, px = m.screendump(png)
        lit = sum(1 for i in range(0, len(px), 3 * 7) if px[i] > 100 or px[i + 1] > 100)
        assert lit > 500, "framebuffer looks empty after fb bench (%d lit samples), see %s" % (lit, png)
        m.sendline("exit 0")
        assert m.wait_exit() == 0


@t.case("identity-edges-bios-5g")
def _():
    with Machine("identity-edges-bios-5g", mem="5G", script="mem; fb; exit 0") as m:
        m.expect(IDENT, timeout=150)
        m.expect(r"entry 4 write-combining \(WC\)\n")
        m.expect(r"framebuffer: none \(VGA text or no screen console\)\n")
        assert m.wait_exit() == 0


t.run()
