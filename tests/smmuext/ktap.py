# SPDX-License-Identifier: GPL-2.0-or-later
"""Parse the KTAP that the guest's /init prints on the serial console."""
import re
from dataclasses import dataclass, field

_RESULT = re.compile(r"^(not ok|ok) (\d+) (\S+)(?: # (.*))?$")
_PLAN = re.compile(r"^1\.\.(\d+)$")


@dataclass
class KtapResult:
    number: int
    name: str
    status: str            # "pass", "fail" or "skip"
    reason: str = ""
    diagnostics: list = field(default_factory=list)


@dataclass
class KtapReport:
    plan: int = -1         # -1: no plan line seen
    results: dict = field(default_factory=dict)   # name -> KtapResult
    started: bool = False  # "KTAP version 1" seen

    def complete(self):
        return self.plan >= 0 and len(self.results) == self.plan


def parse(text):
    """Parse console output; kernel messages around the KTAP are ignored."""
    report = KtapReport()
    diags = []
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        if line.startswith("KTAP version"):
            report.started = True
            continue
        if not report.started:
            continue
        if line.startswith("# "):
            diags.append(line[2:])
            continue
        m = _PLAN.match(line)
        if m:
            report.plan = int(m.group(1))
            continue
        m = _RESULT.match(line)
        if m:
            ok, num, name, directive = m.groups()
            directive = directive or ""
            if directive.startswith("SKIP"):
                status, reason = "skip", directive[4:].strip()
            else:
                status = "pass" if ok == "ok" else "fail"
                reason = directive
            report.results[name] = KtapResult(int(num), name, status, reason,
                                              diags)
            diags = []
    return report
