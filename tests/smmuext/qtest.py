# SPDX-License-Identifier: GPL-2.0-or-later
"""QEMU driven over the qtest wire protocol, with QMP beside it: the one
driver of the harness for machines without a guest.

`-accel qtest` runs no guest CPU: the driver reads and writes guest
physical memory and MMIO with text commands on a socket (`readl ADDR`,
`writeq ADDR VAL`, `b64write ADDR SIZE DATA`, `memset ADDR SIZE BYTE`,
...), each answered by `OK [value]` or `FAIL ...`.  This module starts
such a QEMU with both sockets in a private directory, bounds every wait,
and always leaves the process dead when closed (QMP `quit`, then SIGKILL).

    with QtestVm(machine_args(["smmu-testdev"])) as vm:
        vm.writel(addr, 1)
        vm.qmp("qom-get", path=..., property=...)

QtestVm(args, qtest=False) starts the machine stopped (-S) with the
default accelerator and QMP only, for property and realize checks
(docs/testing.md: a running vCPU with nothing to run can starve QMP).
run_paused() runs a command line QEMU is expected to refuse.

A wait that runs out, or a QEMU that goes away, raises QtestError naming
what was awaited, whether QEMU still runs and the end of its stderr.  A
QMP command that QEMU answers with an error raises QmpError.
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
from .qmp import Qmp, QmpError, QmpNoAnswer

# How much of QEMU's stderr an error message carries (its end).
STDERR_TAIL = 2000


class QtestError(Exception):
    """QEMU did not answer in time, went away, or refused a qtest command."""


def machine_args(devices, machine="virt", extra=()):
    """Options for @machine without default devices, with one -device per
    entry of @devices, then @extra."""
    args = ["-M", machine, "-nodefaults"]
    for dev in devices:
        args += ["-device", dev]
    return args + list(extra)


def run_paused(args, binary=None, timeout=60.0):
    """QEMU with @args, stopped (-S) and without qtest, run to its end:
    for command lines it must refuse at start-up.  The CompletedProcess
    (text output); subprocess.TimeoutExpired if QEMU keeps running."""
    return subprocess.run([binary or paths.QEMU, "-display", "none", "-S"]
                          + list(args), capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


class QtestVm:
    """One QEMU process under qtest (or stopped, with QMP only); a context
    manager."""

    def __init__(self, args, binary=None, wrap=(), timeout=60.0,
                 start_timeout=30.0, qtest=True):
        """@args: machine and device options (no -accel/-qtest/-qmp).
        @wrap: command prefix (e.g. a profiler) that execs QEMU.
        @timeout: default bound, in seconds, on each reply and event.
        @qtest: False starts the machine stopped (-S) under the default
        accelerator, with QMP only."""
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
        if qtest:
            mode = ["-accel", "qtest", "-qtest",
                    "unix:%s,server=on,wait=off" % self.qtest_path,
                    "-qtest-log", "none"]
        else:
            mode = ["-S"]
        self.cmd = list(wrap) + [self.binary, "-display", "none"] + mode + [
            "-chardev", "socket,id=qmp0,path=%s,server=on,wait=off"
            % self.qmp_path,
            "-mon", "chardev=qmp0,mode=control",
        ] + list(args)
        try:
            with open(self.err_path, "w") as err:
                self.proc = subprocess.Popen(self.cmd,
                                             stdin=subprocess.DEVNULL,
                                             stdout=err, stderr=err)
            if qtest:
                self._connect_qtest(start_timeout)
            self._connect_qmp(start_timeout)
        except BaseException:
            self.close()
            raise

    # -- process --------------------------------------------------------------

    def _connect_qtest(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise self._error("the qtest socket", "QEMU did not start")
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.qtest_path)
                self.sock = s
                return
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise self._error("the qtest socket",
                                      "none within %.0f s" % timeout)
                time.sleep(0.05)

    def _connect_qmp(self, timeout):
        try:
            self.qmp_conn = Qmp(self.qmp_path, timeout=timeout,
                                alive=lambda: self.proc.poll() is None)
        except QmpError as e:
            raise self._error("the QMP greeting", str(e)) from e

    def _error(self, what, problem):
        """A QtestError: waiting for @what, @problem happened; with QEMU's
        state and the end of its stderr."""
        rc = None
        if self.proc:
            try:
                # A lost connection usually means QEMU is exiting: give
                # it a moment, so that its status and last words show.
                rc = self.proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
        state = "running" if rc is None else "exited with status %s" % rc
        tail = self.stderr().strip()[-STDERR_TAIL:]
        return QtestError("waiting for %s: %s (QEMU %s; stderr: %s)" % (
            what, problem, state, tail or "empty"))

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def stderr(self):
        try:
            with open(self.err_path) as f:
                return f.read()
        except OSError:
            return ""

    def wait_exit(self, timeout=None):
        """QEMU's exit status, once it exits by itself (e.g. after a
        failed incoming migration) within @timeout seconds."""
        timeout = timeout or self.timeout
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise self._error("QEMU's exit",
                              "still running after %.0f s" % timeout) \
                from None

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

    def qmp(self, cmd, timeout=None, **args):
        """Run QMP @cmd; its return value.  QmpError when QEMU answers
        with an error, QtestError when it does not answer."""
        timeout = timeout or self.timeout
        try:
            return self.qmp_conn.command(cmd, timeout=timeout, **args)
        except QmpNoAnswer as e:
            raise self._error("QMP %s" % cmd, str(e)) from e

    def hmp(self, line):
        return self.qmp("human-monitor-command", **{"command-line": line})

    def wait_event(self, name, timeout=None):
        """The first QMP event called @name (one that arrived while
        waiting for a reply counts); QtestError after @timeout seconds."""
        timeout = timeout or self.timeout
        try:
            event = self.qmp_conn.wait_event(name, timeout)
        except QmpNoAnswer as e:
            raise self._error("QMP event %s" % name, str(e)) from e
        if event is None:
            raise self._error("QMP event %s" % name,
                              "none within %.0f s" % timeout)
        return event

    # -- qtest wire protocol --------------------------------------------------

    def _readline(self, what, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._error(what, "no reply within %.0f s" % timeout)
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise self._error(what, "qtest connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def command(self, line, timeout=None):
        """Send one qtest command; the text after OK."""
        what = "qtest %s" % line[:80]
        if not self.sock:
            raise QtestError("%s: QEMU was started without qtest" % what)
        try:
            self.sock.sendall(line.encode() + b"\n")
        except OSError as e:
            raise self._error(what, "cannot send: %s" % e) from e
        while True:
            reply = self._readline(what, timeout or self.timeout).strip()
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
