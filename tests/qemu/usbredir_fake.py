# SPDX-License-Identifier: BSD-2-Clause
"""A misbehaving USB device for QEMU's usb-redir, written from the usbredir
protocol's public definitions (usbredirproto.h): the test plays the
"usb-host" end of the protocol on a Unix socket that QEMU's
`-chardev socket,path=...` connects to, and answers the guest's control
requests as scripted (garbage descriptors, stalls, silence).

Only what the kernel's enumeration needs is implemented: hello, interface and
endpoint info, device connect, control packets, set/get configuration, set
alt setting, interrupt receiving status. Neither side uses 64-bit packet ids
(we do not advertise the capability), so every header is 12 bytes: type,
length, id (little-endian u32 each).
"""
import os
import socket
import struct
import threading

HELLO, DEVICE_CONNECT, RESET, INTERFACE_INFO, EP_INFO = 0, 1, 3, 4, 5
SET_CONFIGURATION, GET_CONFIGURATION, CONFIGURATION_STATUS = 6, 7, 8
SET_ALT_SETTING, GET_ALT_SETTING, ALT_SETTING_STATUS = 9, 10, 11
START_INTERRUPT_RECEIVING, INTERRUPT_RECEIVING_STATUS = 15, 17
CONTROL_PACKET, INTERRUPT_PACKET = 100, 103
CAP_CONNECT_DEVICE_VERSION, CAP_EP_INFO_MAX_PACKET_SIZE = 1, 4
ST_SUCCESS, ST_STALL = 0, 4
SPEED_FULL = 1
TYPE_CONTROL, TYPE_INTERRUPT, TYPE_INVALID = 0, 3, 255

STALL = "stall"    # answer a control request with a stall
SILENT = "silent"  # never answer it


def device_descriptor(vid, pid, cls=0xFF, mps0=64, dtype=1, length=18):
    return struct.pack("<BBHBBBBHHHBBBB", length, dtype, 0x0200, cls, 0, 0, mps0, vid, pid,
                       0x0100, 0, 0, 0, 1)


def config_descriptor(interfaces, total=None):
    """interfaces: list of (class, subclass, protocol, [endpoint descriptor bytes])."""
    body = b""
    for num, (cls, sub, proto, eps) in enumerate(interfaces):
        body += struct.pack("<BBBBBBBBB", 9, 4, num, 0, len(eps), cls, sub, proto, 0)
        for ep in eps:
            body += ep
    total = 9 + len(body) if total is None else total
    return struct.pack("<BBHBBBBB", 9, 2, total, len(interfaces), 1, 0, 0x80, 50) + body


def interrupt_in(addr=0x81, mps=8, interval=10):
    return struct.pack("<BBBBHB", 7, 5, addr, 3, mps, interval)


class FakeDevice:
    """One usb-redir peer. `answers` maps (bmRequestType, bRequest, wValue)
    to bytes, STALL or SILENT; anything not listed is stalled. The device is
    connected (becomes visible on its port) only when connect() is called."""

    def __init__(self, workdir, name, vid, pid, answers, interfaces=((0xFF, 0, 0),), eps=()):
        self.path = os.path.join(workdir, name + ".sock")
        os.makedirs(workdir, exist_ok=True)
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.vid, self.pid = vid, pid
        self.answers = answers
        self.interfaces = interfaces
        self.eps = eps  # (address, type, interval, interface, max packet)
        self.requests = []  # (bmRequestType, bRequest, wValue) seen
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(self.path)
        self.srv.listen(1)
        self.conn = None
        self.lock = threading.Lock()
        self.int_started = 0  # start_interrupt_receiving requests seen
        self.int_cond = threading.Condition()
        self.connected = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def qemu_args(self, chardev_id, bus="xhci.0", port=None):
        dev = "usb-redir,chardev=%s,bus=%s" % (chardev_id, bus)
        if port is not None:
            dev += ",port=%s" % port
        return ["-chardev", "socket,id=%s,path=%s" % (chardev_id, self.path), "-device", dev]

    def _send(self, ptype, pid, payload):
        with self.lock:
            self.conn.sendall(struct.pack("<III", ptype, len(payload), pid) + payload)

    def _recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.conn.recv(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf

    def connect(self):
        """Plug the device in: interface and endpoint info, then connect."""
        if not self.connected.wait(60):
            raise RuntimeError("QEMU never connected to %s" % self.path)
        n = len(self.interfaces)
        info = struct.pack("<I", n)
        for field in range(4):
            col = [i if field == 0 else self.interfaces[i][field - 1] for i in range(n)]
            info += bytes(col) + bytes(32 - n)
        self._send(INTERFACE_INFO, 0, info)
        types, intervals, ifaces, mps = [TYPE_INVALID] * 32, [0] * 32, [0] * 32, [0] * 32
        for i in (0, 16):  # EP0 OUT and IN
            types[i], mps[i] = TYPE_CONTROL, 64
        for addr, etype, interval, iface, emps in self.eps:
            i = (addr & 0x0F) | (16 if addr & 0x80 else 0)
            types[i], intervals[i], ifaces[i], mps[i] = etype, interval, iface, emps
        epinfo = bytes(types) + bytes(intervals) + bytes(ifaces) + struct.pack("<32H", *mps)
        self._send(EP_INFO, 0, epinfo)
        cls = self.interfaces[0][0]
        self._send(DEVICE_CONNECT, 0, struct.pack("<BBBBHHH", SPEED_FULL, cls, 0, 0, self.vid,
                                                   self.pid, 0x0100))

    def _serve(self):
        try:
            self.conn, _ = self.srv.accept()
            caps = (1 << CAP_CONNECT_DEVICE_VERSION) | (1 << CAP_EP_INFO_MAX_PACKET_SIZE)
            self._send(HELLO, 0, b"nvmetk-fake".ljust(64, b"\0") + struct.pack("<I", caps))
            self.connected.set()
            while True:
                ptype, length, pid = struct.unpack("<III", self._recv_exact(12))
                payload = self._recv_exact(length) if length else b""
                self._handle(ptype, pid, payload)
        except (EOFError, OSError):
            return

    def _handle(self, ptype, pid, payload):
        if ptype == CONTROL_PACKET:
            ep, req, rtype, _st, value, index, length = struct.unpack("<BBBBHHH", payload[:10])
            self.requests.append((rtype, req, value))
            ans = self.answers.get((rtype, req, value), STALL)
            if ans == SILENT:
                return
            if ans == STALL:
                hdr = struct.pack("<BBBBHHH", ep, req, rtype, ST_STALL, value, index, 0)
                self._send(CONTROL_PACKET, pid, hdr)
                return
            data = ans[:length] if rtype & 0x80 else b""
            hdr = struct.pack("<BBBBHHH", ep, req, rtype, ST_SUCCESS, value, index,
                              len(data) if rtype & 0x80 else length)
            self._send(CONTROL_PACKET, pid, hdr + data)
        elif ptype in (SET_CONFIGURATION, GET_CONFIGURATION):
            cfg = payload[0] if ptype == SET_CONFIGURATION and payload else 1
            self._send(CONFIGURATION_STATUS, pid, bytes([ST_SUCCESS, cfg]))
        elif ptype in (SET_ALT_SETTING, GET_ALT_SETTING):
            iface = payload[0] if payload else 0
            alt = payload[1] if ptype == SET_ALT_SETTING and len(payload) > 1 else 0
            self._send(ALT_SETTING_STATUS, pid, bytes([ST_SUCCESS, iface, alt]))
        elif ptype == START_INTERRUPT_RECEIVING:
            self._send(INTERRUPT_RECEIVING_STATUS, pid, bytes([ST_SUCCESS, payload[0]]))
            with self.int_cond:
                self.int_started += 1
                self.int_cond.notify_all()
        # hello, reset, cancel and the rest need no answer

    def wait_interrupt_started(self, count, timeout=60):
        """Wait until QEMU has started interrupt receiving `count` times (it
        starts when the guest polls the endpoint, again after a reset)."""
        with self.int_cond:
            if not self.int_cond.wait_for(lambda: self.int_started >= count, timeout):
                raise RuntimeError("interrupt receiving started %d times, expected %d" %
                                   (self.int_started, count))

    def interrupt(self, data, ep=0x81, status=ST_SUCCESS):
        """Send one interrupt IN packet (a report, or an error status)."""
        self._send(INTERRUPT_PACKET, 0, struct.pack("<BBH", ep, status, len(data)) + data)

    def close(self):
        for s in (self.conn, self.srv):
            try:
                if s:
                    s.close()
            except OSError:
                pass
