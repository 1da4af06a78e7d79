# SPDX-License-Identifier: BSD-2-Clause
"""The kernel builds without any driver sources (drivers/nvme empty or absent)."""
import os
import subprocess
from nvmetk_qemu import TestFile, ROOT, HarnessError

t = TestFile()


@t.case("kernel-builds-without-driver")
def _():
    out = os.path.join("build", "nodriver")
    p = subprocess.run(["make", "-s", "-C", ROOT, "BUILD=" + out, "DRIVER_SRCS=", "kernel"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    if p.returncode != 0:
        raise HarnessError("make DRIVER_SRCS= kernel failed:\n" + p.stdout.decode()[-3000:])
    elf = os.path.join(ROOT, out, "nvmetk.elf")
    assert os.path.exists(elf), "no %s" % elf
    objs = subprocess.run(["find", os.path.join(ROOT, out), "-path", "*drivers*", "-name", "*.o"],
                          stdout=subprocess.PIPE).stdout.decode().split()
    assert not objs, "driver objects were built: %s" % objs


t.run()
