# SPDX-License-Identifier: BSD-2-Clause
"""CPU exceptions are reported (vector, error code, RIP, CR2, registers)."""
from nvmetk_qemu import Machine, TestFile, PANIC_CODE

t = TestFile()


def fault(name, kind, patterns, uefi=False):
    with Machine(name, uefi=uefi, script="fault " + kind) as m:
        for p in patterns:
            m.expect(p, timeout=120)
        m.expect(r"RIP=[0-9a-f]{16} CS=0008")
        m.expect(r"RAX=[0-9a-f]{16} RBX=")
        m.expect(r"R13=[0-9a-f]{16} R14=[0-9a-f]{16} R15=")
        m.expect(r"CR0=[0-9a-f]{16} CR2=[0-9a-f]{16} CR3=")
        m.expect("System halted.")
        code = m.wait_exit()
        assert code == PANIC_CODE, "exit code %d (expected %d from onpanic=exit)" % (code, PANIC_CODE)


@t.case("fault-pagefault")
def _():
    fault("fault-pagefault", "pf", [r"EXCEPTION 14 \(#PF page fault\) error code 0x2",
                                     r"CR2=0x0000000000000010: page not present, write access"])


@t.case("fault-pagefault-uefi")
def _():
    fault("fault-pagefault-uefi", "pfhigh", [r"EXCEPTION 14 \(#PF page fault\) error code 0x0",
                                             r"CR2=0x00007f0000000000"], uefi=True)


@t.case("fault-invalid-opcode")
def _():
    fault("fault-invalid-opcode", "ud", [r"EXCEPTION 6 \(#UD invalid opcode\)"])


@t.case("fault-general-protection")
def _():
    fault("fault-general-protection", "gp", [r"EXCEPTION 13 \(#GP general protection\)"])


@t.case("fault-divide")
def _():
    fault("fault-divide", "de", [r"EXCEPTION 0 \(#DE divide error\)"])


@t.case("fault-stack-overflow")
def _():
    fault("fault-stack-overflow", "stack", [r"EXCEPTION 8 \(#DF double fault\)",
                                            "kernel stack overflow"])


t.run()
