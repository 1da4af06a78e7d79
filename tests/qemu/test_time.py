# SPDX-License-Identifier: BSD-2-Clause
"""Clock sources without the PIT: the banner names the source the TSC was
calibrated against, and `sleep 3000` takes 3 s of host wall-clock time
(within 20 %, measured from the echo of the command to the next prompt)."""
import re
import time
from nvmetk_qemu import Machine, TestFile, HarnessError, PROMPT, record_timing

t = TestFile()


def check(name, machine, source, extra=None):
    with Machine(name, machine=machine, qemu_args=extra, nvme=False) as m:
        g = m.expect(r"cpu: TSC (\d+)\.\d+ MHz \(([^,]+), (not )?invariant\)", timeout=120)
        assert g.group(2) == source, "source %r, expected %r" % (g.group(2), source)
        m.expect_prompt(timeout=60)
        # Best of two: a loaded host can delay the echo or the prompt, never
        # make the guest's sleep shorter.
        best = None
        for _ in range(2):
            m.sendline("sleep 3000")
            m.expect(re.escape("sleep 3000"), timeout=30)
            t0 = time.monotonic()
            m.expect(re.escape(PROMPT), timeout=60)
            took = time.monotonic() - t0
            if best is None or abs(took - 3.0) < abs(best - 3.0):
                best = took
            if 2.4 <= took <= 3.6:
                break
        record_timing(name, best, "sleep 3000")
        out = m.run("uptime")
        assert re.search(r"up \d+\.\d{6} s \(TSC \d+ Hz, %s, (not )?invariant\)" % re.escape(source),
                         out), out
        m.sendline("exit 0")
        assert m.wait_exit() == 0
        if not 2.4 <= best <= 3.6:
            raise HarnessError("sleep 3000 took %.2f s of host time (%s, TSC %s MHz)" %
                               (best, source, g.group(1)))


@t.case("time-q35-pit-off")
def _():
    check("time-q35-pit-off", "q35,pit=off", "HPET")


@t.case("time-pc-pit-off")
def _():
    check("time-pc-pit-off", "pc,pit=off", "HPET")


@t.case("time-q35-pit-off-hpet-off")
def _():
    check("time-q35-pit-off-hpet-off", "q35,pit=off,hpet=off", "ACPI PM timer")


@t.case("time-pc-pit-off-hpet-off")
def _():
    check("time-pc-pit-off-hpet-off", "pc,pit=off,hpet=off", "ACPI PM timer")


@t.case("time-pc-no-acpi-pit")
def _():
    check("time-pc-no-acpi-pit", "pc,hpet=off", "PIT", extra="-no-acpi")


@t.case("time-no-source-assumed")
def _():
    # Nothing to calibrate against: a 10 GHz TSC is assumed, which can only
    # make waits longer (the TCG TSC runs near the host's rate).
    with Machine("time-no-source-assumed", machine="pc,pit=off,hpet=off", qemu_args="-no-acpi",
                 nvme=False, script="exit 0") as m:
        m.expect(r"time: PIT does not count \(gated or absent\); not used")
        m.expect(r"time: no clock source works .* assuming a 10 GHz TSC")
        m.expect(r"cpu: TSC 10000\.000 MHz \(assumed 10 GHz, ")
        assert m.wait_exit(timeout=120) == 0


t.run()
