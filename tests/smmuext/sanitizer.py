# SPDX-License-Identifier: GPL-2.0-or-later
"""Sanitizer reports of QEMU processes (the build/qemu-asan flavour).

`make check-asan` and `make fuzz-qemu` run QEMU with

    ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=0:log_path=DIR/report
    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=DIR/report

so that the first report stops QEMU (SIGABRT) and lands in
DIR/report.<pid>, where no test's stderr parsing can lose it.  Without
log_path in the environment, reports go to QEMU's stderr; `in_text()`
recognises them there.

A file can also hold only the warning every QEMU prints once, "ASan
doesn't fully support makecontext/swapcontext functions" (QEMU's
coroutines switch stacks with swapcontext and tell ASan about each switch,
so the warning is harmless): only files with a report count.
"""
import glob
import os

# Lines that start every AddressSanitizer / UBSan / LeakSanitizer report.
MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
           "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer",
           "SUMMARY: AddressSanitizer")


def _option(env_name, key):
    for item in os.environ.get(env_name, "").split(":"):
        if item.startswith(key + "="):
            return item[len(key) + 1:]
    return ""


def log_prefix():
    """The log_path prefix of ASAN_OPTIONS (else UBSAN_OPTIONS), or ""."""
    return _option("ASAN_OPTIONS", "log_path") or \
        _option("UBSAN_OPTIONS", "log_path")


def _has_report(path):
    try:
        with open(path, errors="replace") as f:
            return in_text(f.read())
    except OSError:
        return False


def report_files():
    """Every file written so far that holds a report (a set of paths)."""
    prefix = log_prefix()
    if not prefix:
        return set()
    return {p for p in glob.glob(prefix + ".*") if _has_report(p)}


def read_reports(files):
    """The text of @files, each under a header line naming it."""
    out = []
    for path in sorted(files):
        with open(path, errors="replace") as f:
            out.append("==== %s\n%s" % (path, f.read()))
    return "\n".join(out)


def report_for(pid):
    """The report file text of process @pid, or ""."""
    prefix = log_prefix()
    if not prefix or pid is None:
        return ""
    return read_reports(p for p in glob.glob("%s.%d" % (prefix, pid))
                        if _has_report(p))


def in_text(text):
    """Whether @text (a process's stderr, say) holds a sanitizer report."""
    return any(m in text for m in MARKERS)


def findings(pid, stderr_text=""):
    """Everything a sanitizer said about process @pid: its report file and
    any report on its stderr ("" when it said nothing)."""
    parts = [report_for(pid)]
    if in_text(stderr_text):
        parts.append(stderr_text)
    return "\n".join(p for p in parts if p)
