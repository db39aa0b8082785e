# SPDX-License-Identifier: GPL-2.0-or-later
"""Read a flattened device tree blob (what QEMU writes with
-machine dumpdtb=FILE): every node by its path, with its properties as
raw bytes.  The format is the Devicetree Specification's ("Flattened
Devicetree (DTB) Format"): a header of big-endian words, then a
structure block of tokens and a strings block of property names."""
import struct

FDT_MAGIC = 0xd00dfeed
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9


def _cstr(blob, off):
    end = blob.index(b"\0", off)
    return blob[off:end].decode(), end + 1


def _align4(off):
    return (off + 3) & ~3


def parse(blob):
    """{path: {property: bytes}}; the root is "/"."""
    magic, _, off_struct, off_strings = struct.unpack_from(">4I", blob, 0)
    if magic != FDT_MAGIC:
        raise ValueError("not a device tree blob (magic 0x%x)" % magic)
    nodes, stack, off = {}, [], off_struct
    while True:
        token, = struct.unpack_from(">I", blob, off)
        off += 4
        if token == FDT_BEGIN_NODE:
            name, off = _cstr(blob, off)
            off = _align4(off)
            stack.append(name)
            path = "/" + "/".join(n for n in stack if n)
            nodes[path] = {}
        elif token == FDT_END_NODE:
            stack.pop()
        elif token == FDT_PROP:
            length, name_off = struct.unpack_from(">2I", blob, off)
            off += 8
            name, _ = _cstr(blob, off_strings + name_off)
            path = "/" + "/".join(n for n in stack if n)
            nodes[path][name] = blob[off:off + length]
            off = _align4(off + length)
        elif token == FDT_NOP:
            continue
        elif token == FDT_END:
            return nodes
        else:
            raise ValueError("bad token %d at 0x%x" % (token, off - 4))


def cells(value):
    """A property as its 32-bit cells."""
    return list(struct.unpack(">%dI" % (len(value) // 4), value))


def strings(value):
    """A string-list property (compatible) as its strings."""
    return value.rstrip(b"\0").decode().split("\0")
