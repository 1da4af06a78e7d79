# SPDX-License-Identifier: BSD-2-Clause
"""Boot scripts from the kernel command line (run="..."), exit statuses, set -e."""
from nvmetk_qemu import Machine, TestFile, HarnessError

t = TestFile()


@t.case("script-exit-bios")
def _():
    with Machine("script-exit-bios", script='echo scripted "two  spaces"; lspci; exit 3') as m:
        m.expect(r"run> echo scripted \"two  spaces\"")
        m.expect("scripted two  spaces")
        m.expect("run> lspci")
        m.expect("1b36:0010 class 01:08:02")
        m.expect("run> exit 3")
        assert m.wait_exit() == 3


@t.case("script-exit-uefi")
def _():
    with Machine("script-exit-uefi", uefi=True, script="lspci; exit 4") as m:
        m.expect("1b36:0010 class 01:08:02", timeout=120)
        assert m.wait_exit() == 4


@t.case("script-then-shell")
def _():
    with Machine("script-then-shell", script="echo first; echo second") as m:
        m.expect("run> echo first")
        m.expect("second")
        m.expect("boot script done")
        m.expect_prompt()
        out = m.run("echo typed after script")
        assert "typed after script" in out
        m.sendline("exit 2")
        assert m.wait_exit() == 2


@t.case("script-set-e")
def _():
    with Machine("script-set-e", script="set -e; echo before; nosuchcmd; echo never") as m:
        m.expect("before")
        m.expect("error: unknown command 'nosuchcmd'")
        code = m.wait_exit()
        assert code == 127, "exit code %d" % code
        assert "never" not in m.text().split("run> nosuchcmd")[-1], "script went on after set -e"


@t.case("script-keeps-going")
def _():
    # Without set -e a failing command does not stop the script.
    with Machine("script-keeps-going", script="nosuchcmd; mem alloc bogus; echo still-here; exit 0") as m:
        m.expect("error: unknown command 'nosuchcmd'")
        m.expect("usage: mem")
        m.expect("still-here")
        assert m.wait_exit() == 0


@t.case("poweroff-debug-exit")
def _():
    with Machine("poweroff-debug-exit", script="poweroff") as m:
        m.expect("powering off")
        assert m.wait_exit() == 0


@t.case("reboot")
def _():
    # QEMU runs with -no-reboot, so a successful reset ends QEMU with status 0.
    with Machine("reboot", script="reboot", debug_exit=False) as m:
        m.expect("rebooting")
        m.proc.wait(timeout=60)
        if m.proc.returncode != 0:
            raise HarnessError("QEMU status %s after reboot, expected 0\n%s" % (m.proc.returncode, m.tail()))


@t.case("poweroff-acpi")
def _():
    # Without isa-debug-exit, poweroff must use ACPI S5: QEMU exits with 0.
    for uefi in (False, True):
        name = "poweroff-acpi-" + ("uefi" if uefi else "bios")
        with Machine(name, uefi=uefi, script="poweroff", debug_exit=False) as m:
            m.expect("powering off", timeout=120)
            m.proc.wait(timeout=60)
            st = m.proc.returncode
            if st != 0:
                raise HarnessError("%s: QEMU status %s, expected 0 after ACPI S5\n%s" % (name, st, m.tail()))


t.run()
