# SPDX-License-Identifier: GPL-2.0-or-later
"""QEMU driven over the qtest wire protocol, with QMP beside it.

`-accel qtest` runs no guest CPU: the driver reads and writes guest
physical memory and MMIO with text commands on a socket (`readl ADDR`,
`writeq ADDR VAL`, `b64write ADDR SIZE DATA`, `memset ADDR SIZE BYTE`,
...), each answered by `OK [value]` or `FAIL ...`.  This module starts
such a QEMU with both sockets in a private directory, bounds every wait,
and always leaves the process dead when closed (QMP `quit`, then SIGKILL).

    with QtestVm(["-M", "virt", "-device", "smmu-testdev"]) as vm:
        vm.writel(addr, 1)
        vm.qmp("qom-get", path=..., property=...)
"""
import base64
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

from . import paths
from .qmp import Qmp, QmpError


class QtestError(Exception):
    pass


class QtestVm:
    """One QEMU process under qtest; a context manager."""

    def __init__(self, args, binary=None, wrap=(), timeout=60.0,
                 start_timeout=30.0):
        """@args: machine and device options (no -accel/-qtest/-qmp).
        @wrap: command prefix (e.g. a profiler) that execs QEMU.
        @timeout: default bound, in seconds, on each qtest reply."""
        self.binary = binary or paths.QEMU
        self.timeout = timeout
        self.dir = tempfile.mkdtemp(prefix="smmu-ext-qtest-")
        self.qtest_path = os.path.join(self.dir, "qtest.sock")
        self.qmp_path = os.path.join(self.dir, "qmp.sock")
        self.err_path = os.path.join(self.dir, "stderr")
        self.proc = None
        self.sock = None
        self.qmp_conn = None
        self.buf = b""
        cmd = list(wrap) + [
            self.binary, "-accel", "qtest", "-display", "none",
            "-qtest", "unix:%s,server=on,wait=off" % self.qtest_path,
            "-qtest-log", "none",
            "-chardev", "socket,id=qmp0,path=%s,server=on,wait=off"
            % self.qmp_path,
            "-mon", "chardev=qmp0,mode=control",
        ] + list(args)
        self.cmd = cmd
        try:
            with open(self.err_path, "w") as err:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                             stdout=err, stderr=err)
            self._connect(start_timeout)
        except BaseException:
            self.close()
            raise

    # -- process --------------------------------------------------------------

    def _connect(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise QtestError("QEMU exited (status %s): %s" % (
                    self.proc.returncode, self.stderr().strip()))
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.qtest_path)
                self.sock = s
                break
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise QtestError("no qtest socket after %.0f s" % timeout)
                time.sleep(0.05)
        try:
            self.qmp_conn = Qmp(self.qmp_path, timeout=timeout,
                                alive=lambda: self.proc.poll() is None)
        except QmpError as e:
            raise QtestError("%s: %s" % (e, self.stderr().strip()))

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def stderr(self):
        try:
            with open(self.err_path) as f:
                return f.read()
        except OSError:
            return ""

    def close(self):
        """Quit QEMU (killing it if it does not go within 10 s)."""
        if self.sock:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None
        if self.qmp_conn:
            try:
                self.qmp_conn.command("quit", timeout=5)
            except (QmpError, OSError):
                pass
            self.qmp_conn.close()
            self.qmp_conn = None
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- QMP ------------------------------------------------------------------

    def qmp(self, cmd, timeout=60.0, **args):
        return self.qmp_conn.command(cmd, timeout=timeout, **args)

    def hmp(self, line):
        return self.qmp("human-monitor-command", **{"command-line": line})

    # -- qtest wire protocol --------------------------------------------------

    def _readline(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise QtestError("no qtest reply within %.0f s" % timeout)
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise QtestError("qtest connection closed: %s"
                                 % self.stderr().strip())
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def command(self, line, timeout=None):
        """Send one qtest command; the text after OK."""
        self.sock.sendall(line.encode() + b"\n")
        while True:
            reply = self._readline(timeout or self.timeout).strip()
            if not reply.startswith("IRQ"):
                break
        if not reply.startswith("OK"):
            raise QtestError("%s -> %s" % (line[:80], reply))
        return reply[2:].strip()

    def readw(self, addr):
        return int(self.command("readw 0x%x" % addr), 16)

    def readl(self, addr):
        return int(self.command("readl 0x%x" % addr), 16)

    def readq(self, addr):
        return int(self.command("readq 0x%x" % addr), 16)

    def writew(self, addr, val, timeout=None):
        self.command("writew 0x%x 0x%x" % (addr, val), timeout)

    def writel(self, addr, val, timeout=None):
        self.command("writel 0x%x 0x%x" % (addr, val), timeout)

    def writeq(self, addr, val, timeout=None):
        self.command("writeq 0x%x 0x%x" % (addr, val), timeout)

    def memread(self, addr, n):
        data = self.command("b64read 0x%x 0x%x" % (addr, n))
        return base64.b64decode(data)

    def memwrite(self, addr, data, chunk=1 << 20):
        """Write @data at @addr (in @chunk-byte commands)."""
        for off in range(0, len(data), chunk):
            part = data[off:off + chunk]
            self.command("b64write 0x%x 0x%x %s" % (
                addr + off, len(part), base64.b64encode(part).decode()))

    def memset(self, addr, n, byte, chunk=64 << 20):
        for off in range(0, n, chunk):
            self.command("memset 0x%x 0x%x 0x%02x" % (
                addr + off, min(chunk, n - off), byte))

    # -- PCI ------------------------------------------------------------------

    def ecam_base(self):
        """Physical address of the (first) PCIe ECAM window."""
        m = re.search(r"([0-9a-f]{16})-[0-9a-f]{16} \(prio -?\d+, i/o\): "
                      r"alias pcie-ecam", self.hmp("info mtree"))
        if not m:
            raise QtestError("no pcie-ecam alias in info mtree")
        return int(m.group(1), 16)
