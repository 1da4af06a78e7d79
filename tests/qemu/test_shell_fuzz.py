# SPDX-License-Identifier: BSD-2-Clause
"""Shell fuzzer smoke run (tests/qemu/shell_fuzz.py): SHELL_FUZZ_LINES
generated command lines (default 300) typed over serial with a new seed each
run (NVMETK_SHELL_FUZZ_SEED replays one; the seed is in the test name's
failure reason and the log). Each line must be answered (prompt back, Ctrl-C
after a bound for long commands), every nonzero status must come with
'error:', no CPU exception; nvme0 gets destructive commands (15 % of the lines
with --yes and plausible arguments) and after every line its image may have
changed only in the blocks the line's output said it changes (checked from
the host, shell_fuzz.ImageWatch); the image of the controller that gets only
read-only commands must be unchanged at the end. A long run:
    python3 tests/qemu/shell_fuzz.py --lines 20000 --seed N"""
import os
import random
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import Disk, Controller, controllers
import shell_fuzz

t = TestFile()


@t.case("shell-fuzz-smoke")
def _():
    lines = int(os.environ.get("SHELL_FUZZ_LINES", "300"))
    env = os.environ.get("NVMETK_SHELL_FUZZ_SEED")
    seed = int(env, 0) if env else random.randrange(1 << 32)
    print("shell-fuzz-smoke: seed %d, %d lines (replay: NVMETK_SHELL_FUZZ_SEED=%d)" % (seed, lines, seed))
    try:
        counts = shell_fuzz.run_machine(Machine, OUT, Disk, Controller, controllers, "shell-fuzz-smoke",
                                        lines, seed, timeout=900)
    except AssertionError as e:
        raise AssertionError("seed %d: %s" % (seed, e))
    print("shell-fuzz-smoke: %s" % counts)


t.run()
