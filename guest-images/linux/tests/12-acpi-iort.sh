# SPDX-License-Identifier: GPL-2.0-or-later
# The ACPI IORT, when the guest booted through UEFI with ACPI: one line per
# SMMUv3 node (its base and the GSIVs of its four interrupts) and per ID
# mapping of a root complex (its requester ids and the node they go to),
# read from the table's bytes (IO Remapping Table, ARM DEN 0049: the node
# array's count at byte 36 and offset at 40; a node's type at 0, length at
# 1; SMMUv3, type 4: base at 16, event, PRI, GERR and sync GSIVs at 44;
# root complex, type 2: mapping count at 8 and offset at 12; a mapping is
# input base, number of ids minus one, output base and output node
# offset, 20 bytes).  The ids are printed as the inclusive range the
# mapping covers.
. /etc/testlib.sh
iort=/sys/firmware/acpi/tables/IORT
[ -r $iort ] || skip "no ACPI IORT (booted with a device tree)"
od -A n -t u1 -v $iort | awk '
{ for (i = 1; i <= NF; i++) b[n++] = $i }
function u(o, k,   v, j) { v = 0; for (j = k - 1; j >= 0; j--) v = v * 256 + b[o + j]; return v }
function kind(t) { return t == 0 ? "ITS group" : t == 2 ? "root complex" : t == 4 ? "SMMUv3" : "type " t }
END {
    nodes = u(36, 4); off = u(40, 4)
    printf "IORT: %d nodes\n", nodes
    for (k = 0; k < nodes && off < n; k++) {
        t = b[off]
        if (t == 4)
            printf "SMMUv3 node: base 0x%x, GSIV event %d pri %d gerr %d sync %d\n",
                   u(off + 16, 8), u(off + 44, 4), u(off + 48, 4),
                   u(off + 52, 4), u(off + 56, 4)
        if (t == 2)
            for (m = 0; m < u(off + 8, 4); m++) {
                e = off + u(off + 12, 4) + 20 * m
                printf "root complex: ids 0x%x..0x%x -> %s\n", u(e, 4),
                       u(e, 4) + u(e + 4, 4), kind(b[u(e + 12, 4)])
            }
        off += u(off + 1, 2)
    }
}'
