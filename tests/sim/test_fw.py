# SPDX-License-Identifier: BSD-2-Clause
"""Firmware Image Download and Firmware Commit through the shell: every
commit action with the slot log printed afterwards, the reset-required
answers, and an image the controller refuses (QEMU answers both commands
Invalid Opcode, so these success paths run only here)."""
from simtest import Sim

FW = ["--fw-image", "fw2.bin=2.0", "--fw-image", "fw3.bin=3.0,8k"]


def test_actions_0_1_2_and_reset(t):
    r = Sim(*FW).run(
        "fw-download --module fw2.bin\n"
        "fw-commit -s 2 -a 0 --yes\n"          # replace, not activated
        "fw-log\n"
        "fw-download --module fw3.bin\n"
        "fw-commit -s 3 -a 1 --yes\n"          # replace and activate at the next reset
        "fw-commit -s 2 -a 2 --yes\n"          # activate slot 2 at the next reset instead
        "reset\n"
        "fw-log\n"
        "id-ctrl\n")
    t.clean(r)
    t.has(r, r"^fw-download: Success: 65536 bytes in 1 piece", "download of the 64 KiB image")
    t.has(r, r"^fw-download: Success: 8192 bytes in 1 piece", "download of the 8 KiB image")
    a0 = r.section(r"^fw-commit: Success: replace the image in slot 2", r"^run|^nvmetk>")
    t.has(r, r"slot 2: 2\.0 *$", "slot 2 holds 2.0, not active", text=a0)
    t.has(r, r"slot 1: 1\.0 +active", "slot 1 still active after action 0", text=a0)
    t.has(r, r"^afi  : 0x1 \(active slot 1, next reset: no change\)", "fw-log after action 0")
    t.has(r, r"^frs2 : 2\.0 *$", "fw-log slot 2 after action 0")
    t.has(r, r"^fw-commit: Success: replace the image in slot 3 .*activate it at the next reset", "action 1")
    t.has(r, r"slot 3: 3\.0 +next reset", "slot 3 next after action 1")
    t.has(r, r"^fw-commit: Success: activate the image in slot 2 \(now '2\.0'\) at the next reset", "action 2")
    t.has(r, r"firmware 2\.0, NVMe", "the reset brings up 2.0")
    t.has(r, r"^afi  : 0x2 \(active slot 2, next reset: no change\)", "fw-log after the reset")
    t.has(r, r"^frs2 : 2\.0  \(active\)", "slot 2 active in the log")
    t.has(r, r"^frs3 : 3\.0 *$", "slot 3 keeps 3.0")
    t.has(r, r"^fr +: 2\.0", "Identify FR after the reset")


def test_action_3_immediate(t):
    r = Sim(*FW).run("fw-download --module fw3.bin\nfw-commit -s 3 -a 3 --yes\nfw-log\n")
    t.clean(r)
    t.has(r, r"^fw-commit: Success: replace the image in slot 3 .*activate it now, without a reset")
    t.has(r, r"^activated: running firmware '3\.0'")
    t.has(r, r"^frs3 : 3\.0  \(active\)")


def test_reset_required_answers(t):
    for kind, words in (("controller", "a controller level reset .*Requires Controller Level Reset"),
                        ("nssr", "a NVM subsystem reset .*Requires NVM Subsystem Reset"),
                        ("conventional", "a conventional reset .*Requires Conventional Reset")):
        r = Sim("--fw-reset", kind, *FW).run("fw-download --module fw2.bin\nfw-commit -s 2 -a 3 --yes\nfw-log\n")
        t.clean(r)
        t.has(r, r"^the new firmware runs after " + words, "reset-required text for " + kind)
        t.has(r, r"^afi  : 0x21 \(active slot 1, next reset: slot 2\)", "fw-log after " + kind)
    # and the controller reset then activates it
    r = Sim("--fw-reset", "controller", *FW).run("fw-download --module fw2.bin\nfw-commit -s 2 -a 3 --yes\nreset\nfw-log\n")
    t.clean(r)
    t.has(r, r"^frs2 : 2\.0  \(active\)", "2.0 active after the reset")


def test_failing_image_and_slot(t):
    r = Sim(*FW).run(
        "fw-download --generate 4096\n"
        "fw-commit -s 2 -a 0 --yes\n"      # an nvmetk test image: the model validates images
        "fw-log\n"
        "fw-download --module fw2.bin\n"
        "fw-commit -s 1 -a 0 --yes\n"      # slot 1 is read only
        "fw-commit -s 2 -a 3 --yes\n")
    t.clean(r)
    t.has(r, r"^error: fw-commit failed: Invalid Firmware Image", "bad image refused")
    t.has(r, r"^frs2 : \(empty\)", "slot 2 still empty")
    t.has(r, r"^error: .*(read only|Invalid Firmware Slot)", "slot 1 refused")
    t.has(r, r"activated: running firmware '2\.0'", "the good image still works after")


def test_no_immediate_activation_refused(t):
    r = Sim("--fw-no-immediate", *FW).run("fw-download --module fw2.bin\nfw-commit -s 2 -a 3 --yes\n")
    t.clean(r)
    t.has(r, r"^error: Firmware Commit \(activate without reset\): not supported .*FRMW bit 4")


def test_confirmation(t):
    r = Sim(*FW).run("fw-download --module fw2.bin\nfw-commit -s 2 -a 1\nno\nfw-log\nfw-commit -s 2 -a 1\nyes\nfw-log\n")
    t.clean(r)
    t.has(r, r"type 'yes' to continue", "the question")
    t.has(r, r"^aborted: nothing was changed", "'no' aborts")
    t.has(r, r"^fw-commit: Success", "'yes' commits")
    t.has(r, r"^afi  : 0x21", "next reset: slot 2 after 'yes'")
