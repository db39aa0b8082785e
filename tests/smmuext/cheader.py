# SPDX-License-Identifier: GPL-2.0-or-later
"""Integer constants of our C headers, for Python drivers.

The register layouts live in C headers (hw/smmu-testdev.h,
models/smmuv3/sm3-regs.h, sm3-tables.h, ...).  Python code that programs
those devices reads the numbers from the headers rather than copying them,
so a renumbered field cannot go unnoticed.  Only object-like #defines whose
value is an integer expression are kept; the field macros the headers use
(SM_MASK, SM_BIT, SMMU_TESTDEV_MASK) and UINT64_C/UINT64_MAX are
understood.
"""
import os
import re

from . import paths

U64 = (1 << 64) - 1


def _mask(hi, lo):
    return ((1 << (hi + 1)) - 1) & ~((1 << lo) - 1)


_FUNCS = {
    "SM_MASK": _mask,
    "SM_BIT": lambda n: _mask(n, n),
    "SMMU_TESTDEV_MASK": _mask,
    "UINT64_C": lambda v: v,
    "UINT32_C": lambda v: v,
    "UINT64_MAX": U64,
    "UINT32_MAX": (1 << 32) - 1,
}


def _to_python(expr):
    expr = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b", r"\1", expr)
    expr = re.sub(r"\(\s*(?:uint64_t|uint32_t|unsigned)\s*\)", "", expr)
    return expr.replace("/", "//")


def defines(path, prefixes=None, env=None):
    """{name: int} of the integer #defines of @path.

    @prefixes, a tuple of strings, keeps only names starting with one of
    them (earlier definitions are still usable in later expressions).
    @env: constants already known (from headers included by this one).
    """
    if not os.path.isabs(path):
        path = os.path.join(paths.TOP, path)
    with open(path) as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text).replace("\\\n", " ")
    known = dict(env or {})
    out = {}
    for m in re.finditer(r"^\s*#\s*define\s+(\w+)\s+(.+)$", text, re.M):
        name, expr = m.group(1), m.group(2).strip()
        if name in _FUNCS:
            continue
        try:
            # Our own headers: the expressions are trusted input.
            value = eval(_to_python(expr), {"__builtins__": {}},  # noqa: S307
                         dict(_FUNCS, **known))
        except Exception:  # noqa: BLE001 (function-like or non-numeric)
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            continue
        known[name] = value
        if prefixes is None or name.startswith(tuple(prefixes)):
            out[name] = value
    return out


class Namespace:
    """Attribute access to a dict of constants, with a prefix stripped:
    Namespace(d, "SM3_").CR0 is d["SM3_CR0"]."""

    def __init__(self, consts, prefix=""):
        self._c = {k[len(prefix):]: v for k, v in consts.items()
                   if k.startswith(prefix)}

    def __getattr__(self, name):
        try:
            return self._c[name]
        except KeyError:
            raise AttributeError(name) from None

    def __contains__(self, name):
        return name in self._c


def field(value, mask):
    """The field @mask of @value, shifted down (sm_get())."""
    return (value & mask) >> ((mask & -mask).bit_length() - 1)


def prep(mask, value):
    """@value placed in the field @mask (sm_prep())."""
    return (value << ((mask & -mask).bit_length() - 1)) & mask
