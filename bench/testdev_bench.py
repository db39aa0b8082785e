#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""smmu-testdev translation benchmark: host time per DMA access behind no
IOMMU, QEMU's built-in SMMUv3, arm-smmuv3-ext and arm-smmuv2-ext, for
working sets from 64 KiB to 1 GiB, with three kinds of translation: stage 1 with the 4 KiB
granule, stage 1 with the 64 KiB granule, and nested (stage 1 and stage 2,
4 KiB granules).  No guest runs: QEMU is driven over qtest (see
docs/benchmarks.md for the method).

    bench/testdev_bench.py [--runs N] [--count N] [--wsets 64K,1G,...]
                           [--configs none,builtin,smmuv3-ext,...]
                           [--kinds s1-4k,s1-64k,nested]
                           [--wrap "perf record -g -o FILE --"]

It is a benchmark: it prints a table and whether the goals (ours/built-in
<= 1.0 at every working set, and the fast-path goals) hold for each kind
both SMMUs ran, and fails (exit 1) only when something does not run:
QEMU, the set-up, a job ending in error or an SMMU recording an event.

Quick self-check (every kind and configuration, a few seconds):

    bench/testdev_bench.py --runs 1 --count 4096 --wsets 64KiB,16MiB
"""
import argparse
import array
import os
import shlex
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests"))
from smmuext import cheader, paths, testdev  # noqa: E402
from smmuext.cheader import field, prep  # noqa: E402
from smmuext.qmp import QmpError  # noqa: E402
from smmuext.qtest import QtestError, QtestVm  # noqa: E402

# ---- register and descriptor layouts, from the C headers ------------------

TD = testdev.R
_SM3 = cheader.defines("models/smmuv3/sm3-regs.h", ("SM3_",))
_SM3.update(cheader.defines("models/smmuv3/sm3-tables.h", ("SM3_",)))
SM3 = cheader.Namespace(_SM3, "SM3_")
SM2 = cheader.Namespace(cheader.defines("models/smmuv2/sm2-regs.h",
                                        ("SM2_",)), "SM2_")


# The register arrays of sm2-regs.h (function-like macros the parser skips)
def sm2_smr(n):
    return 0x800 + 4 * n            # GR0 SMRn


def sm2_s2cr(n):
    return 0xc00 + 4 * n            # GR0 S2CRn


def sm2_cbar(n):
    return 4 * n                    # GR1 CBARn


def sm2_cba2r(n):
    return 0x800 + 4 * n            # GR1 CBA2Rn



# Translation table descriptor bits (VMSAv8-64), as the walker reads them
DESC = cheader.Namespace(cheader.defines("models/common/sm-walk.h",
                                         ("SM_DESC_",)), "SM_DESC_")

# Command opcodes (IHI 0070 4.1); they are model-internal in sm3-cmd.c.
CMD_CFGI_STE_RANGE = 0x04           # with Range 31: CFGI_ALL
CMD_TLBI_NSNH_ALL = 0x30
CMD_SYNC = 0x46

# ---- the job ----------------------------------------------------------------

COUNT = 1 << 20                     # accesses per job
LEN = 64                            # bytes per access
PAGE = 4096
STRIDE = PAGE + LEN                 # a new page (and a new line) each time
WSETS = [64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20,
         256 << 20, 1 << 30]
# smmuv3-ext: ours with timing=off, the functional model alone, as the
# built-in is (ours/built-in compares these two);
# smmuv3-ext-timing: ours with timing=on (the default), to print the
# cost of timing;
# smmuv3-ext-nofast (only when asked for): ours with fast-path=off, the
# full translation path on every access (what the fast path saves)
# smmuv2-ext, smmuv2-ext-timing: our SMMUv2 / MMU-500 (a stage-1 context
# bank; nested: that bank with CBAR.TYPE 3 on a stage-2 bank) with
# timing=off (v2/built-in compares it) and on (its default)
# builtin-10.0, smmuv3-ext-10.0: the built-in and ours (timing off) on
# Debian 13's QEMU 10.0 (make qemu QEMU=10.0), whose built-in has stage 2
# and nested translation; left out when build/qemu-10.0 is not built
CONFIGS = ("none", "builtin", "smmuv3-ext", "smmuv3-ext-timing",
           "smmuv2-ext", "smmuv2-ext-timing", "builtin-10.0",
           "smmuv3-ext-10.0")
QEMU10 = os.path.join(paths.BUILD, "qemu-10.0", "qemu-system-aarch64")
QEMU10_SUFFIX = "-10.0"
EXTRA_CONFIGS = ("smmuv3-ext-nofast",)


class Kind:
    """One kind of translation the jobs go through: its granule (@page,
    also the size of the pages the tables map) and whether stage 2 is
    nested under stage 1.  Its rows are labelled with @tag."""

    def __init__(self, name, tag, page, nested, title):
        self.name, self.tag, self.page = name, tag, page
        self.nested, self.title = nested, title
        self.stride = page + LEN    # a new page (and a new line) each time

    def label(self, ws):
        return size_name(ws) + (" " + self.tag if self.tag else "")


S1_4K = Kind("s1-4k", "", 4 << 10, False, "stage 1, 4 KiB granule")
S1_64K = Kind("s1-64k", "[64K]", 64 << 10, False, "stage 1, 64 KiB granule")
NESTED = Kind("nested", "[nested]", 4 << 10, True,
              "stage 1 + stage 2 (nested), 4 KiB granules")
KINDS = {k.name: k for k in (S1_4K, S1_64K, NESTED)}
# QEMU 7.2's SMMUv3 implements stage 1 only (decode_ste() refuses
# Config 0b11x with "SMMUv3 does not support stage 2 yet").
BUILTIN_KINDS = ("s1-4k", "s1-64k")
SMMUV2_KINDS = ("s1-4k", "s1-64k", "nested")


def kind_of(kind):
    return KINDS[kind] if isinstance(kind, str) else kind


# ---- guest physical layout (virt: RAM from 1 GiB) -------------------------

RAM = 0x40000000
RAM_MB = 2048
STRTAB = RAM + 0x00100000           # linear stream table, 256 STEs (16 KiB)
CDTAB = RAM + 0x00110000            # one CD
CMDQ = RAM + 0x00120000             # 256 commands
EVTQ = RAM + 0x00130000             # 256 event records
PT_BASE = RAM + 0x01000000          # stage-1 tables: the start table first
S2_BASE = RAM + 0x03000000          # stage-2 tables (nested)
DATA = RAM + 0x10000000             # what IOVA [0, 1 GiB) maps to
BAR0 = testdev.BAR0_ADDR            # in virt's 32-bit PCI MMIO window
SLOT = testdev.SLOT                 # smmu-testdev at 00:05.0
SID = SLOT << 3                     # bus 0: requester id = devfn
STRTAB_LOG2 = 8
Q_LOG2 = 8
IA_BITS = 48                        # T0SZ 16: a 4-level walk, like Linux
IPS = 4                             # 44 bits: the built-in's OAS
ASID = 1

# Nested: the IPA space the stage-1 side (CD, stage-1 tables, their
# output) sees.  Guest RAM appears at IPA 512 GiB, so that an IPA is never
# the PA it maps to; 40-bit IPAs (S2T0SZ 24) walked from level 1
# (S2SL0 1) need two concatenated level-1 tables, and RAM lands in the
# second one.
IPA_RAM = 0x8000000000
S2_IA_BITS = 40
S2_START_LEVEL = 1
S2_SL0 = 1                          # 4 KiB granule: 0b01 starts at level 1
S1_IPS_NESTED = 2                   # CD.IPS 40 bits: the IPA size
VMID = 1
S2_CONFIG_SPAN = 32 << 20           # RAM [0, 32 MiB): STEs, CD, S1 tables

BUILTIN_BASE = 0x09050000           # VIRT_SMMU
EXT_BASE = 0x09100000


def ipa(pa):
    """The IPA at which the nested kind's stage 2 maps guest RAM @pa."""
    return pa - RAM + IPA_RAM


def size_name(n):
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return "%d %s" % (n >> shift, unit)
    return "%d B" % n


def parse_size(text):
    text = text.strip().upper().rstrip("IB")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    return int(text.rstrip("KMG")) * mult


class BenchError(Exception):
    pass


# ---- page tables and configuration structures -----------------------------

def _le64(words):
    a = array.array("Q", words)
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


# Stage-1 leaf attributes: valid page, AttrIndx 0, AP[1] (EL0 access,
# read/write), inner shareable, AF, non-global.
S1_ATTRS = (DESC.VALID | DESC.TABLE | DESC.AP1 | prep(DESC.SH, 3) |
            DESC.AF | DESC.NG)
# Stage-2 leaf attributes: valid page, MemAttr 0b1111 (Normal, inner and
# outer write-back), S2AP read/write, inner shareable, AF.
S2_ATTRS = (DESC.VALID | DESC.TABLE | prep(DESC.S2_MEMATTR, 0xf) |
            DESC.S2AP_R | DESC.S2AP_W | prep(DESC.SH, 3) | DESC.AF)


class Tables:
    """VMSAv8-64 translation tables of one stage, built in Python.

    @base: physical address of the start table (aligned to its size); the
    next-level tables follow it, one granule each, in the order they are
    first needed.  @granule: 4096 or 65536.  @ia_bits: input size.
    @start_level: given for stage 2 (S2SL0); stage 1 starts at the level
    the input size gives.  A start table with more index bits than one
    table holds is that many concatenated tables (stage 2).  @ref turns a
    table's physical address into what a table descriptor holds (the IPA,
    for stage-1 tables under stage 2)."""

    def __init__(self, base, granule, ia_bits, start_level=None, ref=None):
        self.gs = granule.bit_length() - 1
        self.bpl = self.gs - 3                  # index bits per level
        self.granule = granule
        if start_level is None:
            start_level = 3
            while ia_bits - self.shift(start_level) > self.bpl:
                start_level -= 1
        self.start = start_level
        start_bits = ia_bits - self.shift(start_level)
        if not 1 <= start_bits <= self.bpl + 4:
            raise ValueError("%d-bit input from level %d: %d index bits" % (
                ia_bits, start_level, start_bits))
        size = 8 << start_bits
        if base % size:
            raise ValueError("start table at 0x%x not %d-aligned" % (base,
                                                                      size))
        self.base = base
        self.ia_bits = ia_bits
        self.ref = ref or (lambda pa: pa)
        self.tables = {base: [0] * (1 << start_bits)}
        self.child = {}                         # (table, index): table
        self.next = base + max(size, granule)

    def shift(self, level):
        """Input bits below the index of @level."""
        return self.gs + self.bpl * (3 - level)

    def _index(self, table, ia, level):
        return (ia >> self.shift(level)) & (len(self.tables[table]) - 1)

    def _leaf_table(self, ia):
        """The level-3 table for @ia, created with its parents if new."""
        table = self.base
        for level in range(self.start, 3):
            i = self._index(table, ia, level)
            sub = self.child.get((table, i))
            if sub is None:
                sub = self.next
                self.next += self.granule
                self.tables[sub] = [0] * (1 << self.bpl)
                self.child[(table, i)] = sub
                self.tables[table][i] = (self.ref(sub) | DESC.VALID |
                                         DESC.TABLE)
            table = sub
        return table

    def map(self, ia, oa, size, attrs):
        """Map [@ia, @ia + @size) to @oa onwards with pages of the
        granule (all three granule-aligned)."""
        page = self.granule
        if (ia | oa | size) % page or ia + size > 1 << self.ia_bits:
            raise ValueError("map 0x%x+0x%x -> 0x%x" % (ia, size, oa))
        per_table = 1 << self.bpl
        while size:
            table = self._leaf_table(ia)
            first = (ia >> self.gs) & (per_table - 1)
            n = min(per_table - first, size // page)
            self.tables[table][first:first + n] = [
                oa + i * page | attrs for i in range(n)]
            ia, oa, size = ia + n * page, oa + n * page, size - n * page
        return self

    def chunks(self):
        """(address, bytes) of every table, adjacent tables merged."""
        out = []
        for addr in sorted(self.tables):
            data = _le64(self.tables[addr])
            if out and out[-1][0] + len(out[-1][1]) == addr:
                out[-1] = (out[-1][0], out[-1][1] + data)
            else:
                out.append((addr, data))
        return out


def page_tables(size):
    """(address, bytes) chunks of a stage-1 4 KiB-granule, 48-bit table
    mapping IOVA [0, size) to DATA + IOVA with 4 KiB pages (read/write,
    EL0-accessible, inner shareable, AF set, non-global): at PT_BASE the
    level-0 table, then level 1, level 2 and the level-3 tables."""
    return Tables(PT_BASE, PAGE, IA_BITS).map(0, DATA, size,
                                              S1_ATTRS).chunks()


def kind_tables(kind, size):
    """(address, bytes) chunks of the tables of @kind mapping IOVA
    [0, size) (rounded up to a page) to DATA + IOVA: the stage-1 tables at
    PT_BASE and, nested, the stage-2 tables at S2_BASE."""
    kind = kind_of(kind)
    size = -(-size // kind.page) * kind.page
    if not kind.nested:
        return Tables(PT_BASE, kind.page, IA_BITS).map(
            0, DATA, size, S1_ATTRS).chunks()
    s1 = Tables(PT_BASE, kind.page, IA_BITS, ref=ipa).map(
        0, ipa(DATA), size, S1_ATTRS)
    s2 = Tables(S2_BASE, kind.page, S2_IA_BITS, S2_START_LEVEL)
    s2.map(ipa(RAM), RAM, S2_CONFIG_SPAN, S2_ATTRS)
    s2.map(ipa(DATA), DATA, size, S2_ATTRS)
    if s1.next > RAM + S2_CONFIG_SPAN or s2.next > DATA:
        raise BenchError("tables overflow their space")
    return s1.chunks() + s2.chunks()


def ste_words(cdtab, kind=S1_4K):
    """The STE: stage 1 (CD at @cdtab), or nested with the stage-2 tables
    at S2_BASE (@cdtab then an IPA)."""
    kind = kind_of(kind)
    ste = [0] * 8
    config = SM3.STE0_CONFIG_NESTED if kind.nested else SM3.STE0_CONFIG_S1
    ste[0] = (SM3.STE0_V | prep(SM3.STE0_CONFIG, config) |
              prep(SM3.STE0_S1FMT, SM3.STE0_S1FMT_LINEAR) |
              (cdtab & SM3.STE0_S1CONTEXTPTR))
    ste[1] = (prep(SM3.STE1_S1DSS, SM3.STE1_S1DSS_TERMINATE) |
              prep(SM3.STE1_S1CIR, 1) | prep(SM3.STE1_S1COR, 1) |
              prep(SM3.STE1_S1CSH, 3) | prep(SM3.STE1_SHCFG, 1))
    if kind.nested:
        ste[2] = (prep(SM3.STE2_S2VMID, VMID) |
                  prep(SM3.STE2_S2T0SZ, 64 - S2_IA_BITS) |
                  prep(SM3.STE2_S2SL0, S2_SL0) |
                  prep(SM3.STE2_S2IR0, 1) | prep(SM3.STE2_S2OR0, 1) |
                  prep(SM3.STE2_S2SH0, 3) |
                  prep(SM3.STE2_S2TG, SM3.STE2_S2TG_4K) |
                  prep(SM3.STE2_S2PS, IPS) | SM3.STE2_S2AA64 |
                  SM3.STE2_S2R)
        ste[3] = S2_BASE & SM3.STE3_S2TTB
    return ste


def cd_words(ttb0, kind=S1_4K):
    """The CD: T0SZ 16, TG0 of the kind's granule, TTB0 @ttb0 (an IPA,
    nested)."""
    kind = kind_of(kind)
    tg0 = {4 << 10: 0, 64 << 10: 1}[kind.page]     # CD.TG0: 4K, 64K
    cd = [0] * 8
    cd[0] = (prep(SM3.CD0_T0SZ, 64 - IA_BITS) | prep(SM3.CD0_TG0, tg0) |
             prep(SM3.CD0_IR0, 1) | prep(SM3.CD0_OR0, 1) |
             prep(SM3.CD0_SH0, 3) | SM3.CD0_EPD1 | SM3.CD0_V |
             prep(SM3.CD0_IPS, S1_IPS_NESTED if kind.nested else IPS) |
             SM3.CD0_AA64 | SM3.CD0_A |
             SM3.CD0_R | prep(SM3.CD0_ASID, ASID))
    cd[1] = ttb0 & SM3.CD1_TTB0
    cd[3] = prep(SM3.CD3_MAIR0, 0xff)           # AttrIndx 0: Normal WB
    return cd


# ---- the SMMU, programmed the same way for both ----------------------------

class Smmu:
    P1 = SM3.PAGE_SIZE                          # page-1 register offset

    def __init__(self, vm, base):
        self.vm, self.base = vm, base
        self.prod = 0

    def r32(self, off):
        return self.vm.readl(self.base + off)

    def w32(self, off, val):
        self.vm.writel(self.base + off, val)

    def w64(self, off, val):
        self.vm.writeq(self.base + off, val)

    def wait(self, off, mask, want, what, timeout=10.0):
        deadline = time.monotonic() + timeout
        while (self.r32(off) & mask) != want:
            if time.monotonic() > deadline:
                raise BenchError("SMMU at 0x%x: %s timed out" % (self.base,
                                                                  what))

    def set_cr0(self, val):
        self.w32(SM3.CR0, val)
        self.wait(SM3.CR0ACK, 0xffffffff, val, "CR0ACK 0x%x" % val)

    def check_idr(self, kind=S1_4K):
        kind = kind_of(kind)
        idr0, idr5 = self.r32(SM3.IDR0), self.r32(SM3.IDR5)
        gran = SM3.IDR5_GRAN64K if kind.page == 64 << 10 else \
            SM3.IDR5_GRAN4K
        if not (idr0 & SM3.IDR0_S1P and
                field(idr0, SM3.IDR0_TTF) & SM3.IDR0_TTF_AA64 and
                idr5 & gran and field(idr5, SM3.IDR5_OAS) >= IPS and
                (idr0 & SM3.IDR0_S2P or not kind.nested)):
            raise BenchError("SMMU at 0x%x lacks what %s needs: stage 1%s "
                             "/ AArch64 / %d KiB granule / 44-bit OAS "
                             "(IDR0 0x%x IDR5 0x%x)" % (
                                 self.base, kind.name,
                                 " and 2" if kind.nested else "",
                                 kind.page >> 10, idr0, idr5))

    def command(self, w0, w1=0):
        slot = self.prod & ((1 << Q_LOG2) - 1)
        self.vm.memwrite(CMDQ + 16 * slot, _le64([w0, w1]))
        self.prod = (self.prod + 1) & ((2 << Q_LOG2) - 1)

    def sync(self, timeout=10.0):
        """Issue the queued commands and a CMD_SYNC; wait for them."""
        self.command(CMD_SYNC)
        self.w32(SM3.CMDQ_PROD, self.prod)
        deadline = time.monotonic() + timeout
        while True:
            cons = self.r32(SM3.CMDQ_CONS)
            if self.gerror() & SM3.GERROR_CMDQ_ERR:
                raise BenchError("SMMU at 0x%x: command error %d at CONS "
                                 "0x%x" % (self.base,
                                           field(cons, SM3.CMDQ_CONS_ERR),
                                           cons & ((2 << Q_LOG2) - 1)))
            if cons & ((2 << Q_LOG2) - 1) == self.prod:
                return
            if time.monotonic() > deadline:
                raise BenchError("SMMU at 0x%x: command queue stuck at "
                                 "CONS 0x%x" % (self.base, cons))

    def invalidate_all(self):
        """CFGI_ALL, TLBI_NSNH_ALL (every VMID and ASID, both stages) and
        CMD_SYNC."""
        self.command(CMD_CFGI_STE_RANGE, prep(SM3.CMD1_CFGI_RANGE, 31))
        self.command(CMD_TLBI_NSNH_ALL)
        self.sync()

    def gerror(self):
        return (self.r32(SM3.GERROR) ^ self.r32(SM3.GERRORN)) & \
            SM3.GERROR_ALL

    def events(self):
        return self.r32(self.P1 + SM3.EVENTQ_PROD) & ((2 << Q_LOG2) - 1)

    def setup(self, kind=S1_4K):
        """Stream table, queues, then enable (the tables are in place)."""
        kind = kind_of(kind)
        self.check_idr(kind)
        vm = self.vm
        to_ipa = ipa if kind.nested else (lambda pa: pa)
        vm.memwrite(STRTAB + 64 * SID, _le64(ste_words(to_ipa(CDTAB),
                                                       kind)))
        vm.memwrite(CDTAB, _le64(cd_words(to_ipa(PT_BASE), kind)))
        self.w64(SM3.STRTAB_BASE, STRTAB & SM3.STRTAB_BASE_ADDR)
        self.w32(SM3.STRTAB_BASE_CFG,
                 prep(SM3.STRTAB_BASE_CFG_LOG2SIZE, STRTAB_LOG2) |
                 prep(SM3.STRTAB_BASE_CFG_FMT, SM3.STRTAB_FMT_LINEAR))
        for base_reg, addr, prod in ((SM3.CMDQ_BASE, CMDQ, SM3.CMDQ_PROD),
                                     (SM3.EVENTQ_BASE, EVTQ,
                                      self.P1 + SM3.EVENTQ_PROD)):
            self.w64(base_reg, (addr & SM3.Q_BASE_ADDR) |
                     prep(SM3.Q_BASE_LOG2SIZE, Q_LOG2))
            self.w32(prod, 0)
            self.w32(prod + 4, 0)                  # CONS follows PROD
        self.w32(SM3.CMDQ_CONS, 0)
        self.w32(SM3.CR1, prep(SM3.CR1_QUEUE_IC, 1) |
                 prep(SM3.CR1_QUEUE_OC, 1) | prep(SM3.CR1_QUEUE_SH, 3) |
                 prep(SM3.CR1_TABLE_IC, 1) | prep(SM3.CR1_TABLE_OC, 1) |
                 prep(SM3.CR1_TABLE_SH, 3))
        self.w32(SM3.CR2, 0)
        cr0 = SM3.CR0_CMDQEN | SM3.CR0_EVENTQEN
        self.set_cr0(cr0)
        self.invalidate_all()
        self.set_cr0(cr0 | SM3.CR0_SMMUEN)

    def check_quiet(self, what):
        """No event recorded and no global error: every translation so
        far succeeded."""
        events, gerror = self.events(), self.gerror()
        if events or gerror:
            raise BenchError("%s: %d events recorded, GERROR 0x%x" % (
                what, events, gerror))


class Smmu2:
    """arm-smmuv2-ext programmed as Linux's arm-smmu programs it for one
    master: stream match group 0 matches the testdev's StreamID exactly,
    its S2CR sends it to the first bank that can do stage 1 (the first
    after the stage-2-only ones), a stage-1 bank (CBAR.TYPE 1) whose TTBR0
    is the stage-1 tables at PT_BASE; then sCR0 clears CLIENTPD.  Nested:
    that bank has CBAR.TYPE 3 on stage-2 bank 0 (VMID 1, the stage-2
    tables at S2_BASE), and its TTBR0 is the IPA of PT_BASE."""

    def __init__(self, vm, base):
        self.vm, self.base = vm, base
        idr1 = self.r32(SM2.SIDR1)
        page = 1 << (16 if idr1 & SM2.IDR1_PAGESIZE else 12)
        self.page = page
        self.numpage = 2 << field(idr1, SM2.IDR1_NUMPAGENDXB)
        self.cbndx = field(idr1, SM2.IDR1_NUMS2CB)
        self.cb = self.cb_page(self.cbndx)
        self.gr1 = base + page

    def cb_page(self, n):
        """Where context bank @n's registers are."""
        return self.base + (self.numpage + n) * self.page

    def r32(self, off):
        return self.vm.readl(self.base + off)

    def w32(self, off, val):
        self.vm.writel(self.base + off, val)

    def check_idr(self, kind):
        idr0, idr2 = self.r32(SM2.SIDR0), self.r32(SM2.SIDR2)
        gran = SM2.IDR2_PTFS_64K if kind.page == 64 << 10 else \
            SM2.IDR2_PTFS_4K
        if (kind.nested and not (idr0 & SM2.IDR0_NTS and self.cbndx)) or \
                not (idr0 & SM2.IDR0_S1TS and idr2 & gran):
            raise BenchError("SMMUv2 at 0x%x lacks what %s needs (sIDR0 "
                             "0x%x sIDR2 0x%x)" % (self.base, kind.name,
                                                    idr0, idr2))

    def setup(self, kind=S1_4K):
        kind = kind_of(kind)
        self.check_idr(kind)
        vm, cb = self.vm, self.cb
        tg0 = {4 << 10: 0, 64 << 10: 1}[kind.page]     # TCR.TG0: 4K, 64K
        to_ipa = ipa if kind.nested else (lambda pa: pa)
        vm.writel(self.gr1 + sm2_cba2r(self.cbndx), SM2.CBA2R_VA64)
        vm.writel(self.gr1 + sm2_cbar(self.cbndx),
                  prep(SM2.CBAR_TYPE, SM2.CBAR_TYPE_NESTED) |
                  prep(SM2.CBAR_S2CBNDX, self.S2_BANK) if kind.nested else
                  prep(SM2.CBAR_TYPE, SM2.CBAR_TYPE_S1_BYPASS))
        if kind.nested:
            self.setup_s2_bank()
        vm.writel(cb + SM2.CB_TCR2, prep(SM2.TCR2_PASIZE, S1_IPS_NESTED
                                         if kind.nested else IPS))
        vm.writeq(cb + SM2.CB_TTBR0, to_ipa(PT_BASE) | ASID << 48)
        vm.writel(cb + SM2.CB_TCR, prep(SM2.TCR_T0SZ, 64 - IA_BITS) |
                  prep(SM2.TCR_TG0, tg0) | SM2.TCR_EPD1)
        vm.writel(cb + SM2.CB_MAIR0, 0xff)         # AttrIndx 0: Normal WB
        vm.writel(cb + SM2.CB_SCTLR, SM2.SCTLR_CFIE | SM2.SCTLR_CFRE |
                  SM2.SCTLR_AFE | SM2.SCTLR_TRE | SM2.SCTLR_M)
        self.w32(sm2_smr(0), SM2.SMR_VALID | prep(SM2.SMR_ID, SID))
        self.w32(sm2_s2cr(0), prep(SM2.S2CR_TYPE, SM2.S2CR_TYPE_TRANS) |
                 prep(SM2.S2CR_CBNDX, self.cbndx))
        self.invalidate_all()
        self.w32(SM2.SCR0, SM2.SCR0_GFRE | SM2.SCR0_GFIE |
                 SM2.SCR0_GCFGFRE | SM2.SCR0_GCFGFIE | SM2.SCR0_USFCFG)

    S2_BANK = 0

    def setup_s2_bank(self):
        """Bank 0 for stage 2 as Linux's arm-smmu programs a stage-2
        domain: CBAR.TYPE 0 with VMID, TCR in the VTCR layout (T0SZ,
        SL0, 4 KiB TG0, PS, RES1 bit 31), TTBR0 the stage-2 tables."""
        vm, n = self.vm, self.S2_BANK
        cb = self.cb_page(n)
        vm.writel(self.gr1 + sm2_cba2r(n), SM2.CBA2R_VA64)
        vm.writel(self.gr1 + sm2_cbar(n),
                  prep(SM2.CBAR_TYPE, SM2.CBAR_TYPE_S2) |
                  prep(SM2.CBAR_VMID, VMID))
        vm.writel(cb + SM2.CB_TCR, (1 << 31) |
                  prep(SM2.VTCR_PS, IPS) | prep(SM2.TCR_TG0, 0) |
                  prep(SM2.VTCR_SL0, S2_SL0) |
                  prep(SM2.TCR_T0SZ, 64 - S2_IA_BITS))
        vm.writeq(cb + SM2.CB_TTBR0, S2_BASE)
        vm.writel(cb + SM2.CB_SCTLR, SM2.SCTLR_CFIE | SM2.SCTLR_CFRE |
                  SM2.SCTLR_AFE | SM2.SCTLR_TRE | SM2.SCTLR_M)

    def invalidate_all(self):
        """TLBIALLNSNH, then sTLBGSYNC and wait for sTLBGSTATUS."""
        self.w32(SM2.TLBIALLNSNH, 0)
        self.w32(SM2.STLBGSYNC, 0)
        deadline = time.monotonic() + 10.0
        while self.r32(SM2.STLBGSTATUS) & 1:
            if time.monotonic() > deadline:
                raise BenchError("SMMUv2 at 0x%x: TLB sync timed out" %
                                 self.base)

    def check_quiet(self, what):
        """No global and no context fault recorded."""
        gfsr, fsr = self.r32(SM2.SGFSR), self.vm.readl(self.cb + SM2.CB_FSR)
        if gfsr or fsr:
            raise BenchError("%s: sGFSR 0x%x, FSR 0x%x" % (what, gfsr, fsr))


# ---- the test device --------------------------------------------------------

class Testdev(testdev.Endpoint):
    """smmu-testdev at 00:05.0, checked to be there and answering."""

    def __init__(self, vm):
        super().__init__(vm, SLOT, program=False, bar=BAR0)
        ids = vm.readl(self.cfg)
        if ids != (TD.DEVICE << 16) | TD.VENDOR:
            raise BenchError("no smmu-testdev at 00:%02x.0 (ids 0x%08x)" % (
                SLOT, ids))
        self.program()
        if self.r32(TD.ID) != TD.ID_VALUE:
            raise BenchError("smmu-testdev BAR0 not answering")

    def run(self, op, length=LEN, count=1, timeout=600.0, **job):
        """Run one job; its JOB_NS.  A job that does not end DONE with
        every access done, no error and no mismatch raises BenchError."""
        # The job runs inside the doorbell write.
        self.start(op, length=length, count=count, timeout=timeout, **job)
        status = self.r32(TD.STATUS)
        err = self.r32(TD.ERROR)
        done = self.r64(TD.DONE_COUNT)
        mismatches = self.r64(TD.MISMATCH_COUNT)
        if status != TD.STATUS_DONE or err or done != count or mismatches:
            raise BenchError(
                "job failed: STATUS 0x%x ERROR code %d memtx %d, %d of %d "
                "accesses done, %d bytes mismatched, FAULT_ADDR 0x%x "
                "FAULT_INFO 0x%x" % (
                    status, field(err, TD.ERROR_CODE),
                    field(err, TD.ERROR_MEMTX), done, count, mismatches,
                    self.r64(TD.FAULT_ADDR), self.r32(TD.FAULT_INFO)))
        return self.r64(TD.JOB_NS)


# ---- one QEMU per configuration, kind and run -----------------------------

def qemu_binary(config):
    """The QEMU a configuration runs on: build/qemu-10.0's for *-10.0."""
    return QEMU10 if config.endswith(QEMU10_SUFFIX) else paths.QEMU


def qemu_args(config, kind=S1_4K):
    kind = kind_of(kind)
    machine = "virt,gic-version=3"
    devices = []
    config = config[:-len(QEMU10_SUFFIX)] \
        if config.endswith(QEMU10_SUFFIX) else config
    if config == "builtin":
        machine += ",iommu=smmuv3"
        if kind.nested:
            # QEMU 10.0's built-in: stage 1 unless asked (7.2 has no
            # nested kind to run)
            devices += ["-global", "arm-smmuv3.stage=nested"]
    elif config.startswith("smmuv3-ext"):
        # timing spelled out both ways: the column must not follow the
        # property's default; so is stage=nested for the nested rows
        devices += ["-device", "arm-smmuv3-ext,id=smmu0,primary-bus=pcie.0,"
                    "addr=0x%x,timing=%s,fast-path=%s%s" % (
                        EXT_BASE, "on" if config.endswith("-timing")
                        else "off",
                        "off" if config.endswith("-nofast") else "on",
                        ",stage=nested" if kind.nested else "")]
    elif config.startswith("smmuv2-ext"):
        devices += ["-device", "arm-smmuv2-ext,id=smmu0,primary-bus=pcie.0,"
                    "addr=0x%x,timing=%s%s" % (
                        EXT_BASE, "on" if config.endswith("-timing")
                        else "off", ",stage=nested" if kind.nested else "")]
    devices += ["-device", "smmu-testdev,id=td,addr=%02x.0" % SLOT]
    return ["-M", machine, "-m", "%dM" % RAM_MB, "-nodefaults"] + devices


def probe_offsets(top, page):
    """Offsets (from IOVA 0) that the probe writes go to: lines in the
    first, second, middle and last page of the mapping, at 0x3080 into
    the page (4 KiB pages: 0x80), whatever fits below @top."""
    pages = max(top // page, 1)
    out = []
    for p in sorted({0, 1, pages // 2, pages - 1}):
        off = p * page + (0x3080 % page)
        if off + LEN <= top and off not in out:
            out.append(off)
    return out


def check_mapping(vm, td, smmu, kind, iova, top, what):
    """The mapping is live: 64 bytes written through IOVA (iova + off)
    land at DATA + off and read back through it, at each probe offset;
    the 0x5a filling is put back."""
    seed = 0x1234
    want = testdev.pattern_bytes(seed, 0, LEN)
    for off in probe_offsets(top, kind.page):
        td.run(TD.OP_WRITE, dst=iova + off, length=LEN, pattern=seed)
        got = vm.memread(DATA + off, LEN)
        if got != want:
            raise BenchError("%s: DMA through IOVA 0x%x did not reach "
                             "DATA + 0x%x" % (what, iova + off, off))
        td.run(TD.OP_VERIFY, src=iova + off, length=LEN, pattern=seed)
        vm.memset(DATA + off, LEN, 0x5a)
        if smmu:
            smmu.check_quiet(what)


def ext_stats(vm):
    return vm.qmp("qom-get", path="/machine/peripheral/smmu0",
                  property="stats")


def s2_walk_lookups(st):
    return sum(c["lookups"] for n, c in st["walk-caches"].items()
               if n.startswith("s2"))


def measure(config, wsets, count, wrap, log, kind=S1_4K):
    """{wset: ns per access} for one QEMU running every working set."""
    kind = kind_of(kind)
    what = "%s %s" % (config, kind.name)
    ours = config.startswith("smmuv3-ext")
    v2 = config.startswith("smmuv2-ext")
    with QtestVm(qemu_args(config, kind), binary=qemu_binary(config),
                 wrap=wrap) as vm:
        top = max(wsets)
        # Back the data with real host pages (never-written guest RAM reads
        # as the host's shared zero page, which would flatter every run).
        vm.memset(DATA, -(-top // kind.page) * kind.page, 0x5a)
        td = Testdev(vm)
        smmu = None
        iova = DATA
        if config != "none":
            for addr, data in kind_tables(kind, top):
                vm.memwrite(addr, data)
            smmu = Smmu2(vm, EXT_BASE) if v2 else \
                Smmu(vm, BUILTIN_BASE if config.startswith("builtin")
                     else EXT_BASE)
            smmu.setup(kind)
            iova = 0
        check_mapping(vm, td, smmu, kind, iova, top, what)
        out = {}
        for ws in wsets:
            if smmu:
                smmu.invalidate_all()
            st0 = ext_stats(vm) if ours or v2 else None
            ns = td.run(TD.OP_READ, src=iova, length=LEN, count=count,
                        stride=kind.stride, wset=ws)
            out[ws] = ns / count
            log("  %-17s %-17s %7.1f ns/access" % (config, kind.label(ws),
                                                   out[ws]))
            if smmu:
                smmu.check_quiet("%s, %s" % (what, size_name(ws)))
            if v2:
                st1 = ext_stats(vm)
                n = st1["translations"] - st0["translations"]
                if n != count or st1["faults"] != st0["faults"]:
                    raise BenchError("%s, %s: %d translations for %d "
                                     "accesses, %d faults" % (
                                         what, size_name(ws), n, count,
                                         st1["faults"] - st0["faults"]))
            if ours:
                # each access is one translation, and nested ones walk
                # stage 2 (every set starts with empty caches)
                st1 = ext_stats(vm)
                n = st1["translations"] - st0["translations"]
                ev = st1["events"] - st0["events"]
                s2 = s2_walk_lookups(st1) - s2_walk_lookups(st0)
                if n != count or ev or (kind.nested and not s2):
                    raise BenchError(
                        "%s, %s: %d translations for %d accesses, %d "
                        "events, %d stage-2 walk-cache lookups" % (
                            what, size_name(ws), n, count, ev, s2))
        if ours:
            st = ext_stats(vm)
            log("  smmuv3-ext stats: %d translations, TLB %d hits "
                "%d misses %d evictions%s" % (
                    st["translations"], st["tlb"]["hits"],
                    st["tlb"]["misses"], st["tlb"]["evictions"],
                    ", %d stage-2 walk-cache lookups" % s2_walk_lookups(st)
                    if kind.nested else ""))
    return out


def runs_config(config, kind):
    if config == "builtin":
        return kind.name in BUILTIN_KINDS
    if config.endswith(QEMU10_SUFFIX):
        # QEMU 10.0's built-in has nested translation, but the nested rows'
        # stage 2 (40-bit IPAs from level 1: two concatenated level-1
        # tables) it walks wrongly: smmu_ptw_64_s2() adds the second
        # table's offset to VTTB, then masks it away with the level's index
        # mask, and reads the first table (QEMU 10.0.13)
        return kind.name in BUILTIN_KINDS
    if config.startswith("smmuv2-ext"):
        return kind.name in SMMUV2_KINDS
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int,
                    default=int(os.environ.get("BENCH_TESTDEV_RUNS", "2")),
                    help="QEMU runs per configuration; the best counts")
    ap.add_argument("--count", type=int, default=COUNT,
                    help="accesses per job (default %(default)s)")
    ap.add_argument("--wsets", default=",".join(size_name(w).replace(" ", "")
                                                for w in WSETS),
                    help="working sets, e.g. 64KiB,1GiB")
    ap.add_argument("--configs", default=",".join(CONFIGS),
                    help="subset of %s" % ",".join(CONFIGS + EXTRA_CONFIGS))
    ap.add_argument("--kinds", default=",".join(KINDS),
                    help="subset of %s (default: all)" % ",".join(KINDS))
    ap.add_argument("--wrap", default="",
                    help="command prefix for QEMU, e.g. a profiler")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="only the table")
    opts = ap.parse_args()

    wsets = [parse_size(w) for w in opts.wsets.split(",") if w]
    configs = [c for c in opts.configs.split(",") if c]
    bad = [c for c in configs if c not in CONFIGS + EXTRA_CONFIGS]
    if bad or not configs:
        sys.exit("testdev_bench: unknown configuration %s" % bad)
    kinds = [k for k in opts.kinds.split(",") if k]
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        sys.exit("testdev_bench: unknown kind %s (%s)" % (bad,
                                                          ",".join(KINDS)))
    kinds = [KINDS[k] for k in KINDS if k in kinds]
    if not wsets or any(w % PAGE or w < PAGE or w > 1 << 30 for w in wsets):
        sys.exit("testdev_bench: working sets must be 4 KiB multiples, "
                 "at most 1 GiB")
    if not os.path.exists(paths.QEMU):
        sys.exit("testdev_bench: %s not built (make qemu)" % paths.QEMU)
    if not os.path.exists(QEMU10):
        dropped = [c for c in configs if c.endswith(QEMU10_SUFFIX)]
        configs = [c for c in configs if c not in dropped]
        if dropped:
            print("testdev_bench: %s left out: %s is not built "
                  "(make qemu QEMU=10.0)" % (",".join(dropped), QEMU10))
    wrap = shlex.split(opts.wrap)

    def log(msg):
        if not opts.quiet:
            print(msg, flush=True)

    # SIGTERM/SIGHUP unwind like ^C, so every QEMU is closed on the way out.
    def _stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)

    best = {}
    t0 = time.monotonic()
    try:
        for run in range(opts.runs):
            for kind in kinds:
                for config in configs:
                    if not runs_config(config, kind):
                        continue
                    log("testdev_bench: run %d/%d, %s, %s" % (
                        run + 1, opts.runs, kind.name, config))
                    for ws, ns in measure(config, wsets, opts.count, wrap,
                                          log, kind).items():
                        key = (kind.name, config, ws)
                        best[key] = min(best.get(key, ns), ns)
    except (BenchError, QtestError, QmpError, OSError) as e:
        sys.exit("testdev_bench: FAILED: %s" % e)
    except KeyboardInterrupt:
        sys.exit("testdev_bench: interrupted")

    print()
    print("smmu-testdev READ benchmark: %d accesses of %d bytes per job, "
          "stride page + %d, best of %d (%.0f s)" % (
              opts.count, LEN, LEN, opts.runs, time.monotonic() - t0))
    labels = ['rows "%s":' % kind.label(wsets[0]) for kind in kinds]
    for kind, label in zip(kinds, labels):
        print("%-*s %s, stride %d%s%s" % (
            max(map(len, labels)), label, kind.title, kind.stride,
            "" if "builtin" not in configs or kind.name in BUILTIN_KINDS
            else "; builtin: - (QEMU 7.2's SMMUv3 has no stage 2)",
            "" if "builtin-10.0" not in configs or
            kind.name in BUILTIN_KINDS
            else "; *-10.0: - (QEMU 10.0's built-in walks concatenated "
                 "stage-2 tables wrongly)"))
    print("host ns per DMA access")
    print_table(best, kinds, configs, wsets)


def print_table(best, kinds, configs, wsets):
    cols = [c for c in CONFIGS + EXTRA_CONFIGS if c in configs]
    head = "%-18s" % "working set" + "".join("%20s" % c for c in cols)
    both = "builtin" in cols and "smmuv3-ext" in cols
    timing = "smmuv3-ext" in cols and "smmuv3-ext-timing" in cols
    overhead = both and "none" in cols
    v2 = "builtin" in cols and "smmuv2-ext" in cols
    both10 = "builtin-10.0" in cols and "smmuv3-ext-10.0" in cols
    if both:
        head += "%16s" % "ours/built-in"
    if overhead:
        head += "%16s" % "overhead o/b"
    if timing:
        head += "%16s" % "timing on/off"
    if v2:
        head += "%16s" % "v2/built-in"
    if both10:
        head += "%16s" % "10.0: o/b"
    print(head)

    def cell(key, width):
        return ("%*.1f" % (width, best[key]) if key in best
                else "%*s" % (width, "-"))

    for kind in kinds:
        k = kind.name
        for ws in wsets:
            line = "%-18s" % kind.label(ws) + "".join(
                cell((k, c, ws), 20) for c in cols)
            have = (k, "builtin", ws) in best
            if both:
                line += ("%16.2f" % ours_builtin(best, k, ws) if have
                         else "%16s" % "-")
            if overhead:
                line += ("%16.2f" % overhead_ratio(best, ws, k) if have
                         else "%16s" % "-")
            if timing:
                line += "%16.2f" % (best[(k, "smmuv3-ext-timing", ws)] /
                                    best[(k, "smmuv3-ext", ws)])
            if v2:
                line += ("%16.2f" % (best[(k, "smmuv2-ext", ws)] /
                                     best[(k, "builtin", ws)])
                         if have and (k, "smmuv2-ext", ws) in best
                         else "%16s" % "-")
            if both10:
                line += ("%16.2f" % ours_builtin(best, k, ws, "-10.0")
                         if (k, "builtin-10.0", ws) in best
                         else "%16s" % "-")
            print(line)
    if both10:
        for kind in kinds:
            if kind.name not in BUILTIN_KINDS:
                continue
            worst = max(ours_builtin(best, kind.name, ws, "-10.0")
                        for ws in wsets)
            print()
            print("goal%s, QEMU 10.0: ours/built-in <= 1.0 at every "
                  "working set: %s (worst %.2f)" % (
                      " " + kind.tag if kind.tag else "",
                      "holds" if worst <= 1.0 else "DOES NOT HOLD", worst))
    if not both:
        return
    for kind in kinds:
        if kind.name not in BUILTIN_KINDS:
            print()
            print("%s: no goal (QEMU 7.2's SMMUv3 has no stage 2)" %
                  kind.tag)
            continue
        ratios = [ours_builtin(best, kind.name, ws) for ws in wsets]
        worst = max(ratios)
        pre = "goal%s: " % (" " + kind.tag if kind.tag else "")
        print()
        print("%sours/built-in <= 1.0 at every working set: %s "
              "(worst %.2f)" % (pre, "holds" if worst <= 1.0
                                else "DOES NOT HOLD", worst))
        print_fast_path_goals(best, wsets, kind, pre, overhead)


def ours_builtin(best, kind, ws, qemu=""):
    """Ours (timing off) over the built-in, both on one QEMU (@qemu: the
    configurations' suffix, "" for 7.2)."""
    return (best[(kind, "smmuv3-ext" + qemu, ws)] /
            best[(kind, "builtin" + qemu, ws)])


def overhead_ratio(best, ws, kind="s1-4k"):
    """Our cost over no IOMMU, against the built-in's (TLB hits: <= 0.5)."""
    none = best[(kind, "none", ws)]
    return ((best[(kind, "smmuv3-ext", ws)] - none) /
            max(best[(kind, "builtin", ws)] - none, 1e-9))


# The fast path's goals are set in pages: the built-in's IOTLB holds 256
# of them (up to 1 MiB with 4 KiB pages, 16 MiB with 64 KiB pages), ours
# by default 2048, so from 4096 pages (16 MiB, 256 MiB) every access of
# both misses.
HIT_PAGES = 256
MISS_PAGES = 4096


def print_fast_path_goals(best, wsets, kind, pre="goal: ", overhead=True):
    """The translation fast path's goals (issue 14), where measured:
    working sets the TLB holds (up to 256 pages: 1 MiB of 4 KiB pages),
    our overhead over no IOMMU at most half the built-in's; working sets
    of 4096 pages and more (16 MiB of 4 KiB pages: TLB misses, walk-cache
    hits), our total at most 0.35 of the built-in's."""
    hit = [ws for ws in wsets if ws <= HIT_PAGES * kind.page]
    miss = [ws for ws in wsets if ws >= MISS_PAGES * kind.page]
    if hit and overhead:
        worst = max(overhead_ratio(best, ws, kind.name) for ws in hit)
        print("%sTLB hits (<= %s), our overhead over no IOMMU <= "
              "0.5 of the built-in's: %s (worst %.2f)" % (
                  pre, size_name(HIT_PAGES * kind.page),
                  "holds" if worst <= 0.5 else "does not hold", worst))
    if miss:
        worst = max(ours_builtin(best, kind.name, ws) for ws in miss)
        print("%sTLB misses (>= %s), ours/built-in <= 0.35: %s "
              "(worst %.2f)" % (pre, size_name(MISS_PAGES * kind.page),
                                "holds" if worst <= 0.35
                                else "does not hold", worst))


if __name__ == "__main__":
    main()
