# SPDX-License-Identifier: GPL-2.0-or-later
"""A small QMP client (QEMU Machine Protocol over a UNIX socket)."""
import hashlib
import json
import os
import socket
import time


class QmpError(Exception):
    """QEMU refused a command (an error reply), or QMP failed."""


class QmpNoAnswer(QmpError):
    """No reply within the time allowed, or the connection is gone: QEMU
    hangs or has exited (as opposed to answering with an error)."""


class Qmp:
    def __init__(self, path, timeout=30.0, alive=lambda: True):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline or not alive():
                    raise QmpNoAnswer("cannot connect to QMP at %s" % path)
                time.sleep(0.05)
        self.buf = b""
        self.events = []
        self._read(timeout)                  # greeting
        self.command("qmp_capabilities")

    def _read(self, timeout):
        """One JSON message, or None when @timeout passes first."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return None
            except OSError as e:
                raise QmpNoAnswer("QMP connection lost: %s" % e)
            if not chunk:
                raise QmpNoAnswer("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, name, timeout=60.0, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        try:
            self.sock.sendall(json.dumps(msg).encode() + b"\n")
        except OSError as e:
            raise QmpNoAnswer("QMP connection lost: %s" % e)
        while True:
            reply = self._read(timeout)
            if reply is None:
                raise QmpNoAnswer("no reply to %s within %.0f s"
                                  % (name, timeout))
            if "event" in reply:
                self.events.append(reply)
                continue
            if "error" in reply:
                raise QmpError("%s: %s" % (name, reply["error"].get("desc")))
            return reply.get("return")

    def pump(self, timeout):
        """Keep the events that arrive within @timeout seconds (call it
        only with no command waiting for its reply)."""
        msg = self._read(timeout)
        while msg is not None:
            if "event" in msg:
                self.events.append(msg)
            msg = self._read(0)

    def has_event(self, name):
        """Whether an event called @name arrived and was not yet taken."""
        return any(ev["event"] == name for ev in self.events)

    def wait_event(self, name, timeout):
        """The first event called @name (already seen ones count), or None."""
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev["event"] == name:
                    return self.events.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            msg = self._read(min(left, 1.0))
            if msg is not None and "event" in msg:
                self.events.append(msg)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def socket_path(name):
    d = os.path.join("/tmp", "smmu-ext-qmp-%d" % os.getpid())
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, name + ".sock")
    # A UNIX socket path has at most 107 bytes: long names are hashed.
    if len(path.encode()) > 107:
        path = os.path.join(d, hashlib.sha256(name.encode()).hexdigest()[:16]
                            + ".sock")
    return path
