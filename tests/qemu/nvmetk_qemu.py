# SPDX-License-Identifier: BSD-2-Clause
"""nvmetk_qemu - boot the nvmetk ISO in QEMU and talk to it (test harness).

Reusable pieces for tests/qemu/test_*.py (see README.md in this folder):

    from nvmetk_qemu import Machine, TestFile

    t = TestFile()                           # collects PASS/FAIL lines

    @t.case("lspci-bios")
    def _():
        with Machine("lspci-bios", script="lspci; exit 0") as m:
            m.expect(r"1b36:0010 class 01:08:02")
            assert m.wait_exit() == 0

    t.run()

Boot scripts reach the kernel without rebuilding it: the ISO's grub.cfg
searches every disk for /nvmetk.cfg and sources it. Machine writes that file
(timeout 0, a menu entry whose kernel command line carries run="...") onto a
small FAT image made with mtools and attaches it as a second AHCI disk. This
works the same under SeaBIOS and OVMF; without the disk the ISO boots its
normal menu.

QEMU exit status: the kernel's `exit N` writes N to isa-debug-exit (port
0xf4), and QEMU exits with status (N << 1) | 1. Machine.wait_exit() returns N
(and raises if QEMU ended any other way: killed by the timeout, crashed...).

Every run keeps its full serial log in tests/out/<name>.serial.log (plus
<name>.qemu.log with QEMU's own messages and the command line).
"""

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import zlib
import struct

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ISO = os.path.join(ROOT, "build", "nvmetk.iso")
OUT = os.path.join(ROOT, "tests", "out")
OVMF_CODE_CANDIDATES = ["/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_CODE.fd"]
OVMF_VARS_CANDIDATES = ["/usr/share/OVMF/OVMF_VARS_4M.fd", "/usr/share/OVMF/OVMF_VARS.fd"]
PROMPT = "nvmetk> "
PANIC_CODE = 125  # kernel exit code after an exception with onpanic=exit
TIER = "qemu"


class HarnessError(Exception):
    """A test expectation failed; the message says what and shows the log tail."""


def _first_existing(paths):
    for p in paths:
        if os.path.exists(p):
            return p
    return None


def grub_quote(s):
    """Quote a string for a GRUB script word inside double quotes."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


def make_cfg_disk(path, cmdline, timeout=0):
    """Create a FAT image at `path` holding /nvmetk.cfg that boots nvmetk
    with `cmdline` (a string in GRUB syntax) after `timeout` seconds."""
    cfg = (
        "set timeout=%d\n"
        "set default=nvmetk_test\n"
        'menuentry "nvmetk (test harness)" --id nvmetk_test {\n'
        "\tmultiboot2 /boot/nvmetk.elf %s\n"
        "\tnvmetk_modules\n"
        "\tnvmetk_textmode\n"
        "\tboot\n"
        "}\n" % (timeout, cmdline)
    )
    cfg_file = path + ".cfg"
    with open(cfg_file, "w") as f:
        f.write(cfg)
    if os.path.exists(path):
        os.unlink(path)
    subprocess.run(["mformat", "-i", path, "-C", "-f", "1440", "::"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    subprocess.run(["mcopy", "-i", path, cfg_file, "::/nvmetk.cfg"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return cfg


def kernel_cmdline(script=None, extra="", onpanic_exit=True):
    """Build the kernel command line (GRUB syntax) for a boot script."""
    parts = []
    if script is not None:
        parts.append("run=" + grub_quote(script))
    if onpanic_exit:
        parts.append("onpanic=exit")
    if extra:
        parts.append(extra)
    return " ".join(parts)


def ppm_to_png(ppm_path, png_path):
    """Convert QEMU's binary PPM (P6) screendump to PNG (stdlib only)."""
    with open(ppm_path, "rb") as f:
        data = f.read()
    # header: P6\n<w> <h>\n<max>\n
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pos += 1
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos:pos + w * h * 3]
    raw = b"".join(b"\x00" + pixels[y * w * 3:(y + 1) * w * 3] for y in range(h))

    def chunk(kind, body):
        c = struct.pack(">I", len(body)) + kind + body
        return c + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    with open(png_path, "wb") as f:
        f.write(png)
    return w, h, pixels


class Machine:
    last = None  # the most recently created Machine (for failure reports)

    """One QEMU run of the nvmetk ISO.

    name        used for the log files under tests/out/
    uefi        False: SeaBIOS (QEMU default); True: OVMF
    mem         guest RAM, QEMU syntax ("128M", "5G")
    script      boot script for run="..." (None: no script, interactive shell)
    cmdline     extra kernel command-line words (GRUB syntax)
    nvme        attach the default controller (-device nvme,id=nvme0) with a
                sparse disk image of nvme_size
    qemu_args   extra QEMU arguments (list or string), e.g. more nvme-ns devices
    accel       "tcg" (default) or "kvm"
    timeout     seconds before the whole QEMU run is killed (`timeout`)
    debug_exit  add isa-debug-exit (default True)
    cfg_disk    attach the FAT config disk (default True; False boots the
                ISO exactly as a user would, with its menu timeout)
    cdrom       attach the ISO as an IDE CD-ROM, boot entry 0 (default True;
                False when the test attaches the ISO itself, e.g. as a USB stick)
    onpanic_exit  pass onpanic=exit so an exception ends QEMU at once (code 125)
    machine     QEMU -M value (default "q35"), e.g. "pc" or "q35,pit=off,hpet=off"
    serial      "com1" (default): the harness's line is COM1; "pci": there is
                no COM1 (-serial none) and the line is a PCI 16550
                (-device pci-serial), which the kernel finds at PCI time
    """

    def __init__(self, name, uefi=False, mem="128M", script=None, cmdline="", nvme=True,
                 nvme_size="64M", qemu_args=None, accel=None, timeout=180, debug_exit=True,
                 cfg_disk=True, onpanic_exit=True, smp=1, machine="q35", serial="com1",
                 cdrom=True):
        self.name = name
        self.machine = machine
        self.uefi = uefi
        self.mem = mem
        self.script = script
        self.cmdline = cmdline
        self.nvme = nvme
        self.nvme_size = nvme_size
        if isinstance(qemu_args, str):
            qemu_args = shlex.split(qemu_args)
        self.qemu_args = list(qemu_args or [])
        self.accel = accel or os.environ.get("NVMETK_ACCEL", "tcg")
        self.timeout = timeout
        self.debug_exit = debug_exit
        self.cfg_disk = cfg_disk
        self.cdrom = cdrom
        self.onpanic_exit = onpanic_exit
        self.smp = smp
        if serial not in ("com1", "pci"):
            raise HarnessError("serial must be 'com1' or 'pci', not %r" % (serial,))
        self.serial = serial
        self.workdir = os.path.join(OUT, name)
        self.serial_log_path = os.path.join(OUT, name + ".serial.log")
        self.qemu_log_path = os.path.join(OUT, name + ".qemu.log")
        self.monitor_path = os.path.join(self.workdir, "monitor.sock")
        self.proc = None
        self.output = bytearray()
        self._lock = threading.Condition()
        self._pos = 0  # expect() consumes output up to here
        self._reader = None
        self._mon = None
        self.start_time = None
        self.exit_status = None
        Machine.last = self

    # ---------------------------------------------------------------- setup
    def command(self):
        os.makedirs(self.workdir, exist_ok=True)
        args = ["timeout", "--kill-after=5", str(self.timeout), "qemu-system-x86_64",
                "-M", self.machine, "-accel", self.accel, "-m", self.mem, "-smp", str(self.smp),
                "-display", "none", "-vga", "std",
                "-chardev", "stdio,id=ser0,signal=off"]
        if self.serial == "pci":
            args += ["-serial", "none", "-device", "pci-serial,chardev=ser0"]
        else:
            args += ["-serial", "chardev:ser0"]
        args += ["-monitor", "unix:%s,server=on,wait=off" % self.monitor_path,
                "-no-reboot"]
        if self.uefi:
            code = _first_existing(OVMF_CODE_CANDIDATES)
            vars_src = _first_existing(OVMF_VARS_CANDIDATES)
            if not code or not vars_src:
                raise HarnessError("OVMF firmware not found (install the ovmf package)")
            vars_copy = os.path.join(self.workdir, "OVMF_VARS.fd")
            shutil.copyfile(vars_src, vars_copy)
            args += ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + code,
                     "-drive", "if=pflash,format=raw,unit=1,file=" + vars_copy]
        if self.cdrom:
            args += ["-drive", "file=%s,media=cdrom,if=none,id=cd0,readonly=on" % ISO,
                     "-device", "ide-cd,drive=cd0,bus=ide.0,bootindex=0"]
        if self.cfg_disk:
            cfg_img = os.path.join(self.workdir, "cfg.img")
            self.cfg_text = make_cfg_disk(
                cfg_img, kernel_cmdline(self.script, self.cmdline, self.onpanic_exit))
            args += ["-drive", "file=%s,format=raw,if=none,id=cfg0" % cfg_img,
                     # bootindex: OVMF only connects devices in the boot order,
                     # and GRUB can only search disks the firmware connected.
                     "-device", "ide-hd,drive=cfg0,bus=ide.1,bootindex=1"]
        if self.nvme:
            disk = os.path.join(self.workdir, "nvme0.img")
            subprocess.run(["truncate", "-s", "0", disk], check=True)
            subprocess.run(["truncate", "-s", self.nvme_size, disk], check=True)
            args += ["-drive", "file=%s,format=raw,if=none,id=nvm0" % disk,
                     "-device", "nvme,id=nvme0,serial=nvmetk0,drive=nvm0"]
        if self.debug_exit:
            args += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        args += self.qemu_args
        return args

    def start(self):
        args = self.command()
        if os.path.exists(self.monitor_path):
            os.unlink(self.monitor_path)
        self._qemu_log = open(self.qemu_log_path, "w")
        self._qemu_log.write(" ".join(shlex.quote(a) for a in args) + "\n")
        self._qemu_log.flush()
        self._serial_log = open(self.serial_log_path, "wb")
        self.start_time = time.monotonic()
        # Own process group, so close() can end `timeout` and QEMU together.
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._qemu_log, cwd=ROOT, start_new_session=True)
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        return self

    def _read_loop(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            with self._lock:
                if not chunk:
                    self._lock.notify_all()
                    break
                self.output += chunk
                self._serial_log.write(chunk)
                self._serial_log.flush()
                self._lock.notify_all()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            if self.exit_status is None:
                self.exit_status = self.proc.returncode
        if self._reader:
            self._reader.join(timeout=5)
        if self._mon:
            self._mon.close()
            self._mon = None
        for f in ("_serial_log", "_qemu_log"):
            if hasattr(self, f):
                getattr(self, f).close()

    # ---------------------------------------------------------------- output
    def text(self):
        """All serial output so far, decoded (CR removed)."""
        with self._lock:
            return self.output.decode("utf-8", "replace").replace("\r", "")

    def tail(self, lines=25):
        t = self.text().rstrip("\n").split("\n")
        return "\n".join("    | " + l for l in t[-lines:])

    def elapsed(self):
        return time.monotonic() - self.start_time

    def expect(self, pattern, timeout=60, regex=True):
        """Wait until `pattern` (regex, or literal with regex=False) appears in
        the serial output after the previous match; return the match object.
        Raises HarnessError with the log tail on timeout or QEMU exit."""
        rx = re.compile(pattern if regex else re.escape(pattern))
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                text = self.output.decode("utf-8", "replace").replace("\r", "")
                m = rx.search(text, self._pos)
                if m:
                    self._pos = m.end()
                    return m
                if self.proc.poll() is not None and not self._reader.is_alive():
                    raise HarnessError("QEMU exited (status %s) before %r appeared\n%s" %
                                       (self.proc.returncode, pattern, self._tail_locked(text)))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise HarnessError("timeout (%ds) waiting for %r\n%s" %
                                       (timeout, pattern, self._tail_locked(text)))
                self._lock.wait(min(left, 0.5))

    def _tail_locked(self, text, lines=25):
        t = text.rstrip("\n").split("\n")
        return "\n".join("    | " + l for l in t[-lines:])

    def expect_prompt(self, timeout=60):
        return self.expect(re.escape(PROMPT), timeout)

    # ---------------------------------------------------------------- input
    def send(self, text, delay=0.005):
        """Type `text` on the serial line one character at a time."""
        for ch in text.encode():
            self.proc.stdin.write(bytes([ch]))
            self.proc.stdin.flush()
            if delay:
                time.sleep(delay)

    def sendline(self, text, delay=0.005):
        self.send(text + "\r", delay)

    def run(self, cmd, timeout=60):
        """Type a command at the prompt, wait for the next prompt, and return
        the output in between (without the echoed command line)."""
        self.sendline(cmd)
        self.expect(re.escape(cmd), timeout)
        start = self._pos
        self.expect_prompt(timeout)
        return self.text()[start:self._pos - len(PROMPT)]

    # ---------------------------------------------------------------- monitor
    def monitor(self, command, timeout=10):
        """Run an HMP monitor command; return its text output."""
        if self._mon is None:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.connect(self.monitor_path)
                    break
                except OSError:
                    s.close()
                    if time.monotonic() > deadline:
                        raise HarnessError("cannot connect to the QEMU monitor")
                    time.sleep(0.1)
            s.settimeout(timeout)
            self._mon = s
            self._mon_read_until_prompt()
        self._mon.sendall((command + "\n").encode())
        return self._mon_read_until_prompt()

    def _mon_read_until_prompt(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            chunk = self._mon.recv(4096)
            if not chunk:
                break
            buf += chunk
        return buf.decode("utf-8", "replace")

    def sendkey(self, keys, delay=0.05):
        """Press keys on the guest keyboard (PS/2, or USB when the machine has
        no i8042) with the monitor: a string of characters (letters,
        digits, space, '-', '.', '/') or a list of QEMU key names ("ret",
        "shift-a", "ctrl-c")."""
        names = {" ": "spc", "-": "minus", ".": "dot", "/": "slash", "\n": "ret",
                 "=": "equal", ",": "comma", ";": "semicolon"}
        seq = keys if isinstance(keys, list) else [names.get(c, c) for c in keys]
        for k in seq:
            self.monitor("sendkey " + k)
            time.sleep(delay)

    def screendump(self, png_path):
        """Save the screen as PNG; returns (width, height, rgb_bytes)."""
        ppm = png_path + ".ppm"
        self.monitor("screendump " + ppm)
        for _ in range(50):
            if os.path.exists(ppm) and os.path.getsize(ppm) > 0:
                break
            time.sleep(0.1)
        time.sleep(0.3)
        return ppm_to_png(ppm, png_path)

    # ---------------------------------------------------------------- exit
    def wait_exit(self, timeout=60):
        """Wait for QEMU to end; return the kernel's exit code N (QEMU status
        (N << 1) | 1). Raises HarnessError for any other ending."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise HarnessError("QEMU still running %ds after the exit was expected\n%s" %
                               (timeout, self.tail()))
        self._reader.join(timeout=5)
        st = self.exit_status = self.proc.returncode
        if st == 124 or st == 137:
            raise HarnessError("QEMU killed by the %ds timeout\n%s" % (self.timeout, self.tail()))
        if st is None or st < 0 or st % 2 == 0:
            raise HarnessError("QEMU ended with status %s, not through isa-debug-exit\n%s" %
                               (st, self.tail()))
        return st >> 1


class TestFile:
    """Runs the cases of one test file and prints one protocol line each:
    PASS qemu/<name> | FAIL qemu/<name>: <reason> | SKIP qemu/<name>: <reason>."""

    def __init__(self):
        self.cases = []
        self.failed = 0

    def case(self, name):
        def deco(fn):
            self.cases.append((name, fn))
            return fn
        return deco

    def run(self):
        only = os.environ.get("NVMETK_TEST")  # run one case by name
        for name, fn in self.cases:
            if only and only != name:
                continue
            t0 = time.monotonic()
            Machine.last = None
            try:
                res = fn()
                took = time.monotonic() - t0
                if isinstance(res, str) and res.startswith("SKIP"):
                    print("SKIP %s/%s: %s" % (TIER, name, res[5:].strip()), flush=True)
                else:
                    print("PASS %s/%s" % (TIER, name), flush=True)
                record_timing(name, took)
            except HarnessError as e:
                self.failed += 1
                print("FAIL %s/%s: %s" % (TIER, name, e), flush=True)
            except AssertionError as e:
                self.failed += 1
                msg = str(e) or "assertion failed: " + _assert_line()
                if Machine.last is not None:
                    msg += "\n" + Machine.last.tail()
                print("FAIL %s/%s: %s" % (TIER, name, msg), flush=True)
            except Exception:
                self.failed += 1
                print("FAIL %s/%s: harness error\n%s" % (TIER, name, traceback.format_exc()),
                      flush=True)
        sys.exit(1 if self.failed else 0)


def record_timing(name, seconds, what="case"):
    """Append a timing line to tests/out/qemu-timings.txt (never a pass/fail
    criterion)."""
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "qemu-timings.txt"), "a") as f:
        f.write("%-28s %-10s %7.2fs\n" % (name, what, seconds))


def _assert_line():
    tb = traceback.extract_tb(sys.exc_info()[2])
    if tb:
        fr = tb[-1]
        return "%s:%d: %s" % (os.path.basename(fr.filename), fr.lineno, fr.line)
    return "?"
