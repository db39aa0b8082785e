# SPDX-License-Identifier: GPL-2.0-or-later
"""One device's section in a saved QEMU migration stream, field by field.

A stream saved with `migrate exec:cat > FILE` ends with a JSON description
of every device section (QEMU_VM_VMDESCRIPTION: field names, types,
sizes, array lengths).  A section of a device state starts with

    0x04 (QEMU_VM_SECTION_FULL), be32 section id, u8 length, idstr,
    be32 instance id, be32 version id

followed by the fields in order (integers big-endian, bool one byte) and
the footer 0x7e (QEMU_VM_SECTION_FOOTER), be32 section id.  find_section()
locates a device's section from its idstr, lays its fields out from the
JSON description and checks the footer where the layout says it is, so a
wrong layout cannot silently patch the wrong bytes.
"""
import json
import struct
from collections import namedtuple

SECTION_FULL = 0x04
SECTION_FOOTER = 0x7e
VMDESCRIPTION = 0x06

Field = namedtuple("Field", "name offset size type")
Section = namedtuple("Section", "idstr section_id start size fields")


class StreamError(Exception):
    pass


def vmdesc(stream):
    """The JSON description at the end of @stream (a dict): the last JSON
    object after a QEMU_VM_VMDESCRIPTION byte and its be32 length that
    ends the stream.  Its first key depends on the QEMU (7.2: page_size,
    10.0: configuration), so the object is found by where it ends."""
    at = len(stream)
    while True:
        at = stream.rfind(b'{"', 0, at)
        if at < 5:
            raise StreamError("no VM description in the stream")
        (length,) = struct.unpack(">I", stream[at - 4:at])
        if stream[at - 5] == VMDESCRIPTION and at + length == len(stream):
            return json.loads(stream[at:])


def _layout(fields, base, prefix):
    """Flatten a JSON field list into Fields at offsets from @base."""
    out = []
    off = base
    for f in fields:
        count = f.get("array_len", 1)
        for i in range(count):
            name = prefix + f["name"] + ("[%d]" % i if "array_len" in f else "")
            if f["type"] == "struct":
                out += _layout(f["struct"]["fields"], off, name + ".")
            else:
                out.append(Field(name, off, f["size"], f["type"]))
            off += f["size"]
    return out


def find_section(stream, idstr, instance_id=0):
    """The Section of device @idstr (e.g. 'arm-smmuv3-ext')."""
    desc = [d for d in vmdesc(stream)["devices"]
            if d["name"] == idstr and d["instance_id"] == instance_id]
    if not desc:
        raise StreamError("%s/%d is not in the VM description" % (
            idstr, instance_id))
    if desc[0].get("subsections"):
        raise StreamError("%s has subsections: not supported" % idstr)
    name = idstr.encode()
    header = bytes([len(name)]) + name + struct.pack(">I", instance_id)
    at = stream.find(header)
    while at >= 0 and stream[at - 5] != SECTION_FULL:
        at = stream.find(header, at + 1)
    if at < 0:
        raise StreamError("no section header for %s" % idstr)
    (section_id,) = struct.unpack(">I", stream[at - 4:at])
    start = at + len(header) + 4            # after the version id
    fields = _layout(desc[0]["fields"], start, "")
    size = sum(f.size for f in fields)
    footer = bytes([SECTION_FOOTER]) + struct.pack(">I", section_id)
    if stream[start + size:start + size + 5] != footer:
        raise StreamError("%s: no footer after %d bytes of fields" % (
            idstr, size))
    return Section(idstr, section_id, start, size,
                   {f.name: f for f in fields})


_FORMATS = {1: ">B", 2: ">H", 4: ">I", 8: ">Q"}


def get(stream, field):
    (value,) = struct.unpack(_FORMATS[field.size],
                             stream[field.offset:field.offset + field.size])
    return value


def put(stream, field, value):
    """@stream (bytes) with @field set to @value (truncated to its size)."""
    value &= (1 << (8 * field.size)) - 1
    data = struct.pack(_FORMATS[field.size], value)
    return stream[:field.offset] + data + stream[field.offset + field.size:]
