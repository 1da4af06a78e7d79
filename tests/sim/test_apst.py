# SPDX-License-Identifier: BSD-2-Clause
"""Autonomous Power State Transition (Feature 0Ch, issue 19) through the
shell: `set-feature -f 0xc` writes the table, `get-feature -f 0xc` and
`power` show it, idle time moves the simulated controller (`--apst`) to the
table's non-operational state and a read brings it back; a table naming an
operational state is refused; without `--apst` the feature is absent."""
from simtest import Sim

# 4 states: 0 and 1 operational, 2 and 3 not. Entry 0: to PS 2 after 50 ms
# idle (ITPS 2 = 0x10 in bits 7:3, ITPT 50 = 0x32 in bits 31:8); entry 2: to
# PS 3 after 2000 ms (0x18, 0x07d0).
TABLE = "1032000000000000" + "0000000000000000" + "18d0070000000000"


def ps_lines(r):
    import re
    return [int(x) for x in re.findall(r"^current power state: (\d+) ", r.out, re.M)]


def test_apst_enable_idle_and_wake(t):
    r = Sim("--power-states", "4", "--apst").run(
        "power\n"
        "set-feature -f 0xc -v 1 --data %s\n"
        "get-feature -f 0xc\n"
        "sleep 300\npower\n"          # idle 300 ms: PS 0 -> PS 2
        "sleep 2500\npower\n"         # idle 2.5 s in PS 2: -> PS 3
        "read -s 0 -c 7\npower\n" % TABLE)   # an I/O wakes it: back to PS 0
    t.clean(r)
    t.has(r, r"^autonomous power state transitions: disabled$", "APST offered, off at first")
    t.has(r, r"^set-feature:0x0c \(Autonomous Power State Transition\), value:0x00000001, save:0, "
             r"result:0x00000000$", "set-feature 0x0c")
    t.has(r, r"^get-feature:0x0c \(Autonomous Power State Transition\), Current value:0x00000001$",
          "get-feature 0x0c: enabled")
    t.has(r, r"^00000000  10 32 00 00 00 00 00 00  00 00 00 00 00 00 00 00  ", "the table read back")
    t.has(r, r"^autonomous power state transitions: enabled$", "power: enabled")
    t.has(r, r"^  from ps 0: to ps 2 after 50 ms idle$", "power: entry 0")
    t.has(r, r"^  from ps 2: to ps 3 after 2000 ms idle$", "power: entry 2")
    t.has(r, r"^read: Success: nvme0n1 LBA 0\.\.7 ", "read")
    t.eq(ps_lines(r), [0, 2, 3, 0], "current power state: before, after 300 ms idle, after 2.5 s more, after a read")


def test_apst_refusals(t):
    r = Sim("--power-states", "4", "--apst").run(
        "set-feature -f 0xc -v 1 --data 0832000000000000\n"   # PS 0 -> PS 1: operational
        "set-feature -f 0xc -v 1 --data 3032000000000000\n"   # PS 0 -> PS 6: no such state
        "power\n")
    t.clean(r)
    t.eq(len([l for l in r.out.splitlines()
              if l.startswith("error: set-feature 0x0c (Autonomous Power State Transition) failed: ")
              and "Invalid Field in Command" in l]), 2, "both tables refused with Invalid Field")
    t.has(r, r"^autonomous power state transitions: disabled$", "nothing changed")
    r = Sim("--power-states", "4").run("power\nset-feature -f 0xc -v 1 --data 1032000000000000\n")
    t.has(r, r"^autonomous power state transitions: not supported \(APSTA bit 0 clear\)$", "absent without --apst")
    t.has(r, r"^error: nvme0 does not support Autonomous Power State Transition \(Identify Controller: "
             r"APSTA bit 0 is 0\)", "set-feature refused by the shell")
