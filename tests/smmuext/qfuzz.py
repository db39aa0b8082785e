# SPDX-License-Identifier: GPL-2.0-or-later
"""A seeded random campaign against arm-smmuv3-ext inside QEMU (qtest).

The campaign plays a hostile guest with no CPU: over the qtest protocol it
writes and reads both register pages of the SMMU, builds stream tables,
context descriptors, page tables and command queues in guest RAM (mostly
plausible, then with random bits flipped, sometimes pure noise or aimed at
MMIO), consumes the event and PRI queues like a driver (answering stalls
and page requests with RESUME and PRI_RESP), makes smmu-testdev do DMA
(plain, PASID, ATS, PRI), resets the machine, and migrates it at random
points: the state is saved to a file (`migrate exec:cat > FILE`) and
loaded into a fresh QEMU started with `-incoming defer`, where the
campaign goes on.

QEMU must never crash, hang or report a sanitizer error.  Every qtest and
QMP reply is awaited for a bounded time (STEP_TIMEOUT), so a hang is a
failure naming the seed and the step.  Observable checks with exact
values: after a reset CR0 and CR0ACK read 0; after a migration the
registers only the guest writes read back what they read before it.

Each step draws from the campaign's own random.Random(seed), so a seed
with the same number of steps replays the same operations as long as QEMU
answers the same (the campaign reads queue indexes and records back, and
the command queue also runs from a bottom half).  Any failure comes with
the seed, the step and the last 40 steps.
"""
import collections
import json
import os
import random
import re
import shutil
import tempfile
import time

from . import cheader, paths, sanitizer, testdev
from .qmp import QmpError
from .qtest import QtestError, QtestVm

# ---- constants from our headers ---------------------------------------------

_SM3 = {}
for _h in ("models/smmuv3/sm3-regs.h", "models/smmuv3/sm3-tables.h"):
    _SM3.update(cheader.defines(_h, ("SM3_",), env=_SM3))
S = cheader.Namespace(_SM3, "SM3_")
T = testdev.R
prep = cheader.prep


def _enum_values(path, prefix):
    """{name: value} of the 'NAME = value,' enumerators of @path."""
    with open(os.path.join(paths.TOP, path)) as f:
        text = f.read()
    return {m.group(1): int(m.group(2), 0) for m in
            re.finditer(r"\b(%s\w+)\s*=\s*(0x[0-9a-fA-F]+|\d+)" % prefix,
                        text)}


CMD_OPS = _enum_values("models/smmuv3/sm3-ids.h", "SM3_CMD_")
CMD = cheader.Namespace(CMD_OPS, "SM3_CMD_")

# ---- the machine --------------------------------------------------------------

SMMU_BASE = 0x09100000
PAGE1 = 0x10000
RAM = 0x40000000
RAM_MB = 128
BAR0 = testdev.BAR0_ADDR        # smmu-testdev BAR0, in the 32-bit window
WATCH_BAR0 = 0x10001000         # the notifier watcher's BAR0
TD_SLOT, WATCH_SLOT = 5, 6
TD_SID, WATCH_SID = TD_SLOT << 3, WATCH_SLOT << 3
ITS_DOORBELL = 0x08090040       # virt's GITS_TRANSLATER

# Guest RAM layout of the campaign.
STRTAB = RAM + 0x100000         # linear stream table, 256 STEs
CDTAB = RAM + 0x108000          # 64 CDs (or L1 descriptors)
PT = RAM + 0x110000             # 16 page-table pages
PT_PAGES = 16
CMDQ = RAM + 0x120000
EVTQ = RAM + 0x121000
PRIQ = RAM + 0x123000
QLOG2 = 6                       # 64 entries per queue (when IDR1 allows)
DATA = RAM + 0x200000           # DMA data, 1 MiB
DATA_SIZE = 0x100000
TABLES, TABLES_END = STRTAB, RAM + 0x124000

# PCI config offsets of smmu-testdev with pasid, ats and pri on.
PCI_COMMAND, PCI_BAR0 = testdev.PCI_COMMAND, testdev.PCI_BAR0
ATS_CTRL, PASID_CTRL, PRI_CTRL, PRI_ALLOC = (
    testdev.ATS_CTRL, testdev.PASID_CTRL, testdev.PRI_CTRL, testdev.PRI_ALLOC)

# Where hostile pointers aim: our tables, RAM's end, the SMMU's own
# registers, nothing, the GIC ITS doorbell, and smmu-testdev's registers
# (its doorbell starts a DMA from inside the SMMU's own memory access).
# Not the flash at 0: each write to it rebuilds QEMU's memory map (pflash
# command mode), a 4 KiB DMA there takes seconds and a job minutes.
TARGETS = [STRTAB, CDTAB, PT, CMDQ, EVTQ, PRIQ, DATA,
           RAM + (RAM_MB << 20) - 0x40, SMMU_BASE, SMMU_BASE + PAGE1,
           0x7f0000000000, ITS_DOORBELL, BAR0, BAR0 + T.DOORBELL,
           WATCH_BAR0]

# Register offsets of page 0, the page-1 aliases, and reserved space.
REGS = [S.IDR0, S.IDR1, S.IDR5, S.IIDR, S.AIDR, S.CR0, S.CR0ACK, S.CR1,
        S.CR2, S.STATUSR, S.GBPA, S.AGBPA, S.IRQ_CTRL, S.IRQ_CTRLACK,
        S.GERROR, S.GERRORN, S.GERROR_IRQ_CFG0, S.GERROR_IRQ_CFG0 + 4,
        S.GERROR_IRQ_CFG1, S.GERROR_IRQ_CFG2, S.STRTAB_BASE,
        S.STRTAB_BASE + 4, S.STRTAB_BASE_CFG, S.CMDQ_BASE, S.CMDQ_BASE + 4,
        S.CMDQ_PROD, S.CMDQ_CONS, S.EVENTQ_BASE, S.EVENTQ_BASE + 4,
        S.EVENTQ_PROD, S.EVENTQ_CONS, S.EVENTQ_IRQ_CFG0,
        S.EVENTQ_IRQ_CFG1, S.EVENTQ_IRQ_CFG2, S.PRIQ_BASE, S.PRIQ_BASE + 4,
        S.PRIQ_PROD, S.PRIQ_CONS, S.PRIQ_IRQ_CFG0, S.PRIQ_IRQ_CFG1,
        S.PRIQ_IRQ_CFG2, S.PIDR0, S.CIDR3,
        PAGE1 + S.EVENTQ_PROD, PAGE1 + S.EVENTQ_CONS,
        PAGE1 + S.PRIQ_PROD, PAGE1 + S.PRIQ_CONS,
        0x0c0c, 0x1000, 0xe00, PAGE1, PAGE1 + 0xfffc]

# Registers only the guest writes: they must survive a migration as they
# were.  (CMDQ_CONS, GERROR and the SMMU-written PROD indexes are left
# out: the command queue runs from a bottom half that may still move them
# between the snapshot and the save.)
STABLE_REGS = {
    "CR0": S.CR0, "CR0ACK": S.CR0ACK, "CR1": S.CR1, "CR2": S.CR2,
    "IRQ_CTRL": S.IRQ_CTRL, "IRQ_CTRLACK": S.IRQ_CTRLACK,
    "GERRORN": S.GERRORN, "GERROR_IRQ_CFG0": S.GERROR_IRQ_CFG0,
    "GERROR_IRQ_CFG1": S.GERROR_IRQ_CFG1,
    "GERROR_IRQ_CFG2": S.GERROR_IRQ_CFG2,
    "STRTAB_BASE": S.STRTAB_BASE, "STRTAB_BASE_CFG": S.STRTAB_BASE_CFG,
    "CMDQ_BASE": S.CMDQ_BASE, "CMDQ_PROD": S.CMDQ_PROD,
    "EVENTQ_BASE": S.EVENTQ_BASE, "EVENTQ_CONS": S.EVENTQ_CONS,
    "EVENTQ_IRQ_CFG0": S.EVENTQ_IRQ_CFG0,
    "EVENTQ_IRQ_CFG1": S.EVENTQ_IRQ_CFG1,
    "PRIQ_BASE": S.PRIQ_BASE, "PRIQ_CONS": S.PRIQ_CONS,
    "PRIQ_IRQ_CFG0": S.PRIQ_IRQ_CFG0, "IDR0": S.IDR0, "IDR1": S.IDR1,
    "IDR5": S.IDR5,
}
WIDE_REGS = {S.GERROR_IRQ_CFG0, S.STRTAB_BASE, S.CMDQ_BASE, S.EVENTQ_BASE,
             S.EVENTQ_IRQ_CFG0, S.PRIQ_BASE, S.PRIQ_IRQ_CFG0}

# SMMU property sets; each seed uses one, its migration target the same.
PROFILES = [
    "",
    "msi=off",
    "stage=1,cmdqs=4,eventqs=3,priqs=2",
    "stage=2,two-level-st=off,sidsize=6,stall=off",
    "ats=off,pri=off,granules=64k",
    "sidsize=8,ssidsize=4,ril=off,httu=off,cmdq-batch=1",
]

# Every reply (qtest or QMP) is awaited at most this long: a longer wait
# is a hang.  ASan builds run several times slower, hence the margin.
STEP_TIMEOUT = float(os.environ.get("SMMU_EXT_FUZZ_STEP_TIMEOUT", "60"))

# How often each operation is drawn (relative weights).
WEIGHTS = {
    "mmio_write": 20, "mmio_read": 8, "setup": 3, "ste": 6, "cd": 5,
    "pt": 8, "map": 4, "cmds": 12, "events": 5, "priq": 3, "dma": 15,
    "td_ctrl": 2, "td_caps": 2, "scribble": 4, "odd_access": 2,
    "recover": 4, "stats": 1, "reset": 0.3, "migrate": 0.15,
}


class CampaignFailure(AssertionError):
    pass


def qemu_args(profile, ram_mb=RAM_MB):
    smmu = "arm-smmuv3-ext,primary-bus=pcie.0,addr=0x%x,id=smmu0" % SMMU_BASE
    if profile:
        smmu += "," + profile
    return ["-M", "virt,gic-version=3", "-m", "%dM" % ram_mb, "-nodefaults",
            "-device", smmu,
            "-device", "smmu-testdev,id=td,bus=pcie.0,addr=%02x.0,"
                       "pasid=on,ats=on,pri=on" % TD_SLOT,
            # DMA-less; registers an IOMMU UNMAP notifier (as vhost does).
            "-device", "smmu-testdev,id=watch,bus=pcie.0,addr=%02x.0,"
                       "iommu-notifier=on" % WATCH_SLOT]


def close_checked(vm):
    """Quit @vm; "" if it exited 0 without a sanitizer report, else why."""
    pid = vm.pid
    stderr = vm.stderr()
    vm.close()
    problems = []
    rc = vm.proc.returncode if vm.proc else None
    if rc != 0:
        problems.append("QEMU exit status %s" % rc)
    found = sanitizer.findings(pid, stderr)
    if found:
        problems.append(found)
    return "\n".join(problems)


class Campaign:
    """One seed's campaign; run() returns its summary."""

    def __init__(self, seed, steps, workdir=None):
        self.seed = seed
        self.steps = steps
        self.rng = random.Random(seed)
        self.profile = PROFILES[seed % len(PROFILES)]
        self.args = qemu_args(self.profile)
        self.dir = workdir or tempfile.mkdtemp(prefix="smmu-ext-qfuzz-")
        self.history = collections.deque(maxlen=40)
        self.counts = collections.Counter()
        self.op_seconds = collections.Counter()   # total time per operation
        self.op_max = {}                          # longest single step
        self.vm = None
        self.step_no = 0
        self.ecam = None
        self.idr1 = 0
        self.totals = collections.Counter()   # model statistics, all QEMUs
        self.stalls = []        # (sid, stag) seen in event records
        self.page_reqs = []     # (sid, ssid, ssv, grpid) from the PRI queue
        # A reset and a migration at random points of every campaign, so
        # that even a short one has both; more are drawn by WEIGHTS.
        points = self.rng.sample(range(max(steps, 2)), 2)
        self.forced = {points[0]: "reset", points[1]: "migrate"}

    # -- QEMU processes ---------------------------------------------------------

    def start(self, incoming=False):
        extra = ["-incoming", "defer"] if incoming else []
        return QtestVm(self.args + extra, timeout=STEP_TIMEOUT,
                       start_timeout=STEP_TIMEOUT)

    def qmp(self, cmd, **args):
        return self.vm.qmp(cmd, timeout=STEP_TIMEOUT, **args)

    # -- register and memory access ------------------------------------------

    def w32(self, off, val):
        self.vm.writel(SMMU_BASE + off, val & 0xffffffff)

    def w64(self, off, val):
        self.vm.writeq(SMMU_BASE + off, val & (2 ** 64 - 1))

    def r32(self, off):
        return self.vm.readl(SMMU_BASE + off)

    def r64(self, off):
        return self.vm.readq(SMMU_BASE + off)

    def wmem64(self, addr, *qwords):
        data = b"".join((q & (2 ** 64 - 1)).to_bytes(8, "little")
                        for q in qwords)
        self.vm.memwrite(addr, data)

    def td_w32(self, off, val):
        self.vm.writel(BAR0 + off, val & 0xffffffff)

    def td_w64(self, off, val):
        self.vm.writeq(BAR0 + off, val & (2 ** 64 - 1))

    def td_cfg(self, slot):
        return self.ecam + (slot << 15)

    def program_endpoints(self):
        """BARs and memory + bus-master enables (again after a reset)."""
        for slot, bar in ((TD_SLOT, BAR0), (WATCH_SLOT, WATCH_BAR0)):
            self.vm.writel(self.td_cfg(slot) + PCI_BAR0, bar)
            self.vm.writew(self.td_cfg(slot) + PCI_COMMAND, 0x6)

    # -- random values -----------------------------------------------------------

    def target(self):
        return self.rng.choice(TARGETS)

    def value(self):
        """A hostile register value."""
        kind = self.rng.randrange(5)
        if kind == 0:
            return self.rng.getrandbits(64)
        if kind == 1:
            # A base or address register aimed somewhere interesting, with
            # a plausible LOG2SIZE in the low bits.
            return self.target() | self.rng.randrange(0, 24)
        if kind == 2:
            return self.rng.choice([0, 1, 0xf, 0xff, 0xffffffff, 2 ** 63,
                                    2 ** 64 - 1, 1 << 31, 1 << QLOG2])
        if kind == 3:
            return self.rng.getrandbits(32)
        return 1 << self.rng.randrange(64)

    def flip(self, words, max_flips=3):
        """@words (a list of 64-bit ints) with up to @max_flips bits flipped."""
        words = list(words)
        if self.rng.randrange(3):
            return words        # two times in three: as built
        for _ in range(self.rng.randrange(1, max_flips + 1)):
            i = self.rng.randrange(len(words))
            words[i] ^= 1 << self.rng.randrange(64)
        return words

    def queue_log2(self, field):
        """Our queues' LOG2SIZE as the SMMU will use it (IDR1 caps it)."""
        return min(QLOG2, cheader.field(self.idr1, field))

    # -- operations -----------------------------------------------------------------
    # Each returns a short description for the failure log.

    def op_mmio_write(self):
        off = self.rng.choice(REGS) if self.rng.randrange(4) else \
            self.rng.randrange(0, 2 * PAGE1, 4)
        val = self.value()
        if self.rng.randrange(2):
            self.w32(off, val)
            return "writel +0x%x 0x%x" % (off, val & 0xffffffff)
        self.w64(off & ~7, val)
        return "writeq +0x%x 0x%x" % (off & ~7, val)

    def op_mmio_read(self):
        off = self.rng.choice(REGS) if self.rng.randrange(4) else \
            self.rng.randrange(0, 2 * PAGE1, 4)
        if self.rng.randrange(2):
            return "readl +0x%x = 0x%x" % (off, self.r32(off))
        return "readq +0x%x = 0x%x" % (off & ~7, self.r64(off & ~7))

    def op_odd_access(self):
        """Accesses the register file does not accept: 1 and 2 bytes,
        unaligned, and straddling the end of the frame."""
        off = self.rng.choice([S.CR0 + 2, S.CMDQ_PROD + 1, S.GERRORN,
                               2 * PAGE1 - 4, S.STRTAB_BASE + 4])
        kind = self.rng.randrange(4)
        addr = SMMU_BASE + off
        if kind == 0:
            self.vm.command("writeb 0x%x 0x%x" % (addr, self.rng.getrandbits(8)))
        elif kind == 1:
            self.vm.writew(addr, self.rng.getrandbits(16))
        elif kind == 2:
            self.vm.readw(addr)
        else:
            self.vm.readq(addr)
        return "odd access kind %d at +0x%x" % (kind, off)

    def op_setup(self):
        """A plausible configuration: tables, queues, interrupts, enables."""
        cmdq_log2 = self.queue_log2(S.IDR1_CMDQS)
        self.w64(S.STRTAB_BASE, STRTAB | (self.rng.randrange(2) *
                                          S.STRTAB_BASE_RA))
        self.w32(S.STRTAB_BASE_CFG,
                 prep(S.STRTAB_BASE_CFG_LOG2SIZE, self.rng.choice([8, 8, 6, 31])) |
                 prep(S.STRTAB_BASE_CFG_FMT, self.rng.choice([0, 0, 0, 1])) |
                 prep(S.STRTAB_BASE_CFG_SPLIT, self.rng.choice([6, 8, 11])))
        self.w64(S.CMDQ_BASE, CMDQ | cmdq_log2)
        self.w32(S.CMDQ_PROD, 0)
        self.w32(S.CMDQ_CONS, 0)
        self.w64(S.EVENTQ_BASE, EVTQ | self.queue_log2(S.IDR1_EVENTQS))
        self.w32(PAGE1 + S.EVENTQ_PROD, 0)
        self.w32(PAGE1 + S.EVENTQ_CONS, 0)
        self.w64(S.PRIQ_BASE, PRIQ | self.queue_log2(S.IDR1_PRIQS))
        self.w32(PAGE1 + S.PRIQ_PROD, 0)
        self.w32(PAGE1 + S.PRIQ_CONS, 0)
        for cfg0 in (S.GERROR_IRQ_CFG0, S.EVENTQ_IRQ_CFG0, S.PRIQ_IRQ_CFG0):
            self.w64(cfg0, self.rng.choice([0, ITS_DOORBELL, self.target()]))
        self.w32(S.IRQ_CTRL, self.rng.randrange(8))
        self.w32(S.CR2, self.rng.randrange(8))
        cr0 = S.CR0_SMMUEN | S.CR0_CMDQEN | S.CR0_EVENTQEN | S.CR0_PRIQEN
        if self.rng.randrange(4) == 0:
            cr0 = self.rng.getrandbits(9)
        self.w32(S.CR0, cr0)
        self.stalls.clear()
        self.page_reqs.clear()
        return "setup cr0=0x%x" % cr0

    def ste_words(self):
        """A plausible STE (abort, bypass, S1, S2 or nested), 8 dwords."""
        config = self.rng.choice([0, 4, 5, 5, 6, 6, 7, 7, self.rng.randrange(8)])
        d = [0] * 8
        d[0] = S.STE0_V | prep(S.STE0_CONFIG, config)
        if config & 1:          # stage 1 in use
            d[0] |= prep(S.STE0_S1CONTEXTPTR, CDTAB >> 6) | \
                prep(S.STE0_S1FMT, self.rng.choice([0, 0, 1, 2])) | \
                prep(S.STE0_S1CDMAX, self.rng.choice([0, 0, 4, 31]))
            d[1] |= prep(S.STE1_S1DSS, self.rng.randrange(4))
        d[1] |= prep(S.STE1_EATS, self.rng.choice([0, 1, 1, 2])) | \
            prep(S.STE1_S1STALLD, self.rng.randrange(2))
        if config & 2:          # stage 2 in use
            d[2] = prep(S.STE2_S2VMID, self.rng.randrange(4)) | \
                prep(S.STE2_S2T0SZ, self.rng.choice([25, 25, 16, 39, 63])) | \
                prep(S.STE2_S2SL0, self.rng.choice([1, 1, 0, 2, 3])) | \
                prep(S.STE2_S2TG, self.rng.choice([0, 0, 1, 2])) | \
                prep(S.STE2_S2PS, self.rng.choice([2, 5, 7])) | \
                S.STE2_S2AA64 | S.STE2_S2R | \
                prep(S.STE2_S2S, self.rng.randrange(2)) | \
                prep(S.STE2_S2HA, self.rng.randrange(2)) | \
                prep(S.STE2_S2HD, self.rng.randrange(2))
            d[3] = prep(S.STE3_S2TTB, PT >> 4)
        return self.flip(d)

    def op_ste(self):
        sid = self.rng.choice([TD_SID, TD_SID, TD_SID, WATCH_SID,
                               self.rng.randrange(256)])
        words = self.ste_words() if self.rng.randrange(8) else \
            [self.rng.getrandbits(64) for _ in range(8)]
        self.wmem64(STRTAB + sid * 64, *words)
        if self.rng.randrange(2):
            self.submit([(CMD.CFGI_STE | prep(S.CMD0_SID, sid),
                          S.CMD1_CFGI_LEAF)])
        return "ste sid %d d0=0x%x" % (sid, words[0])

    def cd_words(self):
        d = [0] * 8
        d[0] = prep(S.CD0_T0SZ, self.rng.choice([25, 25, 16, 48, 63])) | \
            prep(S.CD0_TG0, self.rng.choice([0, 0, 1, 2, 3])) | \
            S.CD0_EPD1 | S.CD0_V | prep(S.CD0_IPS, self.rng.choice([2, 5])) | \
            S.CD0_AA64 | S.CD0_R | S.CD0_A | \
            prep(S.CD0_S, self.rng.randrange(2)) | \
            prep(S.CD0_HA, self.rng.randrange(2)) | \
            prep(S.CD0_HD, self.rng.randrange(2)) | \
            prep(S.CD0_ASID, self.rng.randrange(4))
        d[1] = prep(S.CD1_TTB0, PT >> 4)
        d[3] = 0xff                     # MAIR0 attr 0: normal write-back
        return self.flip(d)

    def op_cd(self):
        ssid = self.rng.choice([0, 0, 0, 1, self.rng.randrange(64)])
        words = self.cd_words() if self.rng.randrange(8) else \
            [self.rng.getrandbits(64) for _ in range(8)]
        if self.rng.randrange(6) == 0:
            # A level-1 CD descriptor (2-level tables): V and an L2 pointer.
            words[0] = 1 | (self.rng.choice([CDTAB, PT, self.target()]) & ~0x3f)
        self.wmem64(CDTAB + ssid * 64, *words)
        if self.rng.randrange(2):
            self.submit([(CMD.CFGI_CD | prep(S.CMD0_SID, TD_SID) |
                          prep(S.CMD0_SSID, ssid), S.CMD1_CFGI_LEAF)])
        return "cd ssid %d d0=0x%x" % (ssid, words[0])

    def descriptor(self):
        kind = self.rng.randrange(6)
        if kind == 0:           # table: another page-table page (loops too)
            return PT + self.rng.randrange(PT_PAGES) * 0x1000 | 3
        if kind == 1:           # page or block: data, AF set, some AP
            return DATA + self.rng.randrange(DATA_SIZE >> 12) * 0x1000 | \
                1 << 10 | 3 << 8 | self.rng.randrange(4) << 6 | \
                self.rng.choice([1, 3])
        if kind == 2:           # a leaf aimed at MMIO or nothing
            return (self.target() & ~0xfff) | 1 << 10 | 3
        if kind == 3:
            return 0
        return self.rng.getrandbits(64)

    def op_pt(self):
        n = self.rng.randrange(1, 8)
        for _ in range(n):
            page = self.rng.randrange(PT_PAGES)
            # Indexes 0 and 1 are on the walks of the DATA window.
            idx = self.rng.choice([0, 1, 1, 2, self.rng.randrange(512)])
            self.wmem64(PT + page * 0x1000 + idx * 8, self.descriptor())
        return "pt %d descriptors" % n

    def op_map(self):
        """A valid 4 KiB 3-level chain mapping one page of DATA at its own
        address (so bypass and translation both land in RAM, never in the
        flash): L1 (PT page 0) -> L2 (page 1) -> L3 (page 2) -> DATA."""
        page = self.rng.randrange(DATA_SIZE >> 12)
        iova = DATA + page * 0x1000
        s2 = self.rng.randrange(2)
        # Stage 1: AP=01 (read/write); stage 2: S2AP=11, MemAttr=0xf.
        attrs = (3 << 6 | 0xf << 2) if s2 else (1 << 6)
        self.wmem64(PT + (iova >> 30 & 511) * 8, PT + 0x1000 | 3)
        self.wmem64(PT + 0x1000 + (iova >> 21 & 511) * 8, PT + 0x2000 | 3)
        self.wmem64(PT + 0x2000 + (iova >> 12 & 511) * 8,
                    iova | 1 << 10 | 3 << 8 | attrs | 3)
        return "map iova 0x%x (s2 %d)" % (iova, s2)

    def op_scribble(self):
        at = self.rng.randrange(TABLES, TABLES_END - 8, 8)
        val = self.rng.getrandbits(64)
        self.wmem64(at, val)
        return "scribble 0x%x = 0x%x" % (at, val)

    # -- the command queue ----------------------------------------------------------

    def command(self):
        """One command: mostly architected opcodes with fitting fields."""
        op = self.rng.choice(list(CMD_OPS.values()) + [self.rng.randrange(256)])
        sid = self.rng.choice([TD_SID, TD_SID, WATCH_SID,
                               self.rng.getrandbits(16)])
        d0 = op | prep(S.CMD0_SID, sid)
        d1 = 0
        noise = self.rng.randrange(4) == 0
        if op == CMD.SYNC:
            d0 |= prep(S.CMD0_SYNC_CS, self.rng.randrange(4)) | \
                prep(S.CMD0_SYNC_MSIDATA, self.rng.getrandbits(32))
            d1 = self.target() & S.CMD1_SYNC_MSIADDR
        elif op == CMD.RESUME and self.stalls:
            sid, stag = self.stalls.pop(0)
            d0 = op | prep(S.CMD0_SID, sid) | \
                prep(S.CMD0_RESUME_AC, self.rng.randrange(4))
            d1 = stag
        elif op == CMD.PRI_RESP and self.page_reqs:
            sid, ssid, ssv, grpid = self.page_reqs.pop(0)
            d0 = op | prep(S.CMD0_SID, sid) | prep(S.CMD0_SSID, ssid) | \
                prep(S.CMD0_SSV, ssv)
            d1 = grpid | prep(S.CMD1_PRI_RESP, self.rng.choice([0, 1, 1, 2]))
        elif op == CMD.ATC_INV:
            d0 |= prep(S.CMD0_ATC_GLOBAL, self.rng.randrange(2))
            d1 = (self.rng.randrange(0x200) << 12) | \
                self.rng.choice([0, 1, 9, 52, 63])
        elif op in (CMD.CFGI_STE_RANGE, CMD.CFGI_STE, CMD.CFGI_CD,
                    CMD.CFGI_CD_ALL):
            d1 = self.rng.choice([0, 1, 31, 0x1f])
        else:
            d0 |= self.rng.getrandbits(24) << 8 & 0xffffff00
            d1 = self.rng.getrandbits(64)
        if noise:
            d0 ^= 1 << self.rng.randrange(64)
            d1 ^= self.rng.getrandbits(64)
        return d0, d1

    def submit(self, cmds):
        """Write @cmds at CMDQ_PROD of our queue and move PROD past them."""
        log2 = self.queue_log2(S.IDR1_CMDQS)
        wrap_mask = (1 << (log2 + 1)) - 1
        prod = self.r32(S.CMDQ_PROD) & wrap_mask
        for i, (d0, d1) in enumerate(cmds):
            slot = (prod + i) & ((1 << log2) - 1)
            self.wmem64(CMDQ + slot * 16, d0, d1)
        new = (prod + len(cmds)) & wrap_mask
        if self.rng.randrange(20) == 0:
            new = self.rng.getrandbits(32)      # a hostile PROD
        self.w32(S.CMDQ_PROD, new)
        return new

    def op_cmds(self):
        cmds = [self.command() for _ in range(self.rng.randrange(1, 9))]
        if self.rng.randrange(3) == 0:
            cmds.append((CMD.SYNC | prep(S.CMD0_SYNC_CS, 0), 0))
        prod = self.submit(cmds)
        return "cmds %s prod=0x%x" % (
            ",".join("%02x" % (d0 & 0xff) for d0, _ in cmds), prod)

    # -- a driver's side of the output queues -----------------------------------

    def op_events(self):
        """Read new event records, keep stall tags for RESUME, move CONS."""
        log2 = self.queue_log2(S.IDR1_EVENTQS)
        prod = self.r32(PAGE1 + S.EVENTQ_PROD)
        cons = self.r32(PAGE1 + S.EVENTQ_CONS)
        mask = (1 << (log2 + 1)) - 1
        n = 0
        while (cons & mask) != (prod & mask) and n < 8:
            slot = cons & ((1 << log2) - 1)
            rec = self.vm.memread(EVTQ + slot * 32, 16)
            d0 = int.from_bytes(rec[:8], "little")
            d1 = int.from_bytes(rec[8:], "little")
            if d1 & S.EVT1_STALL:
                self.stalls.append((cheader.field(d0, S.EVT0_SID),
                                    cheader.field(d1, S.EVT1_STAG)))
            cons = (cons & S.Q_OVFLG) | ((cons + 1) & mask)
            n += 1
        # Acknowledge an overflow by copying PROD.OVFLG.
        cons = (cons & ~S.Q_OVFLG) | (prod & S.Q_OVFLG)
        self.w32(PAGE1 + S.EVENTQ_CONS, cons)
        del self.stalls[16:]
        return "events %d, stalls %d" % (n, len(self.stalls))

    def op_priq(self):
        """Read page requests, keep their groups for PRI_RESP, move CONS."""
        log2 = self.queue_log2(S.IDR1_PRIQS)
        prod = self.r32(PAGE1 + S.PRIQ_PROD)
        cons = self.r32(PAGE1 + S.PRIQ_CONS)
        mask = (1 << (log2 + 1)) - 1
        n = 0
        while (cons & mask) != (prod & mask) and n < 8:
            slot = cons & ((1 << log2) - 1)
            rec = self.vm.memread(PRIQ + slot * 16, 16)
            d0 = int.from_bytes(rec[:8], "little")
            d1 = int.from_bytes(rec[8:], "little")
            if d0 & S.PRI0_LAST:
                self.page_reqs.append((
                    cheader.field(d0, S.PRI0_SID),
                    cheader.field(d0, S.PRI0_SSID),
                    cheader.field(d0, S.PRI0_SSV),
                    cheader.field(d1, S.PRI1_GRPID)))
            cons = (cons & S.Q_OVFLG) | ((cons + 1) & mask)
            n += 1
        cons = (cons & ~S.Q_OVFLG) | (prod & S.Q_OVFLG)
        self.w32(PAGE1 + S.PRIQ_CONS, cons)
        del self.page_reqs[16:]
        return "priq %d, groups %d" % (n, len(self.page_reqs))

    def op_recover(self):
        """What a driver does after a global error: skip the command that
        stopped the queue (CMDQ_CONS.ERR) and acknowledge GERROR by making
        GERRORN equal to it."""
        gerror = self.r32(S.GERROR)
        cons = self.r32(S.CMDQ_CONS)
        if cheader.field(cons, S.CMDQ_CONS_ERR):
            log2 = self.queue_log2(S.IDR1_CMDQS)
            idx = cons & ((1 << (log2 + 1)) - 1)
            # Overwrite the failed command with a plain CMD_SYNC.
            self.wmem64(CMDQ + (idx & ((1 << log2) - 1)) * 16, CMD.SYNC, 0)
        self.w32(S.GERRORN, gerror)
        return "recover gerror 0x%x cons 0x%x" % (gerror, cons)

    # -- smmu-testdev -----------------------------------------------------------------

    def iova(self):
        kind = self.rng.randrange(12)
        if kind <= 7:           # the window op_map maps
            return DATA + self.rng.randrange(0, DATA_SIZE - 0x2000)
        if kind <= 9:
            return self.target() + self.rng.randrange(0, 0x3000)
        if kind == 10:          # wraps past 2^64 (the device refuses)
            return 2 ** 64 - 0x1000 * self.rng.randrange(1, 3)
        return self.rng.getrandbits(48)

    def op_dma(self):
        code = self.rng.choice([T.OP_READ, T.OP_VERIFY, T.OP_WRITE,
                                T.OP_COPY] * 3 +
                               [T.OP_NOP, self.rng.randrange(16)])
        op = code | prep(T.OP_PAT, self.rng.randrange(2))
        if self.rng.randrange(3) == 0:
            op |= T.OP_PASID
            self.td_w32(T.PASID, self.rng.choice([0, 1, self.rng.getrandbits(20)]))
        if self.rng.randrange(2):
            op |= T.OP_NO_ATS
        if self.rng.randrange(3) == 0:
            op |= T.OP_NO_PRI
        if self.rng.randrange(30) == 0:
            op |= T.OP_RESERVED & (1 << self.rng.randrange(12, 32))
        src, dst = self.iova(), self.iova()
        length = self.rng.choice([1, 4, 64, 256, 4096, 8192])
        count = self.rng.randrange(1, 5)
        self.td_w64(T.SRC, src)
        self.td_w64(T.DST, dst)
        self.td_w32(T.LEN, length)
        self.td_w32(T.COUNT, count)
        self.td_w64(T.STRIDE, self.rng.choice([0, 4096, 0x10000, length]))
        self.td_w64(T.WSET, self.rng.choice([0, 0, 0x10000]))
        self.td_w32(T.PATTERN, self.rng.getrandbits(32))
        self.td_w32(T.OP, op)
        self.td_w32(T.DOORBELL, T.DOORBELL_START)
        if self.rng.randrange(4) == 0:
            self.td_w32(T.DOORBELL, T.DOORBELL_ABORT)
        status = self.vm.readl(BAR0 + T.STATUS)
        return "dma op 0x%x src 0x%x dst 0x%x len %d x%d -> status 0x%x" % (
            op, src, dst, length, count, status)

    def op_td_ctrl(self):
        ctrl = self.rng.randrange(8)
        self.td_w32(T.CTRL, ctrl)
        self.td_w32(T.IRQ_ENABLE, self.rng.randrange(4))
        self.td_w32(T.IRQ_ACK, self.rng.randrange(4))
        return "td ctrl 0x%x" % ctrl

    def op_td_caps(self):
        """PCI-level switches: bus mastering, ATS (with STU), PASID, PRI
        (enable, reset, credits)."""
        cfg = self.td_cfg(TD_SLOT)
        which = self.rng.randrange(4)
        if which == 0:
            # Bus mastering off now and then (jobs fail until it is back).
            self.vm.writew(cfg + PCI_COMMAND, self.rng.choice([0x6] * 3 + [0x2]))
        elif which == 1:
            self.vm.writew(cfg + ATS_CTRL,
                           self.rng.choice([0x8000, 0x8000, 0, 0x801f]))
        elif which == 2:
            self.vm.writew(cfg + PASID_CTRL, self.rng.choice([1, 1, 0, 7]))
        else:
            self.vm.writel(cfg + PRI_ALLOC, self.rng.choice([1, 4, 32, 0x1000]))
            self.vm.writew(cfg + PRI_CTRL, self.rng.choice([1, 1, 2, 3, 0]))
        return "td caps %d" % which

    # -- machine level ---------------------------------------------------------------

    def stats(self):
        return self.qmp("qom-get", path="/machine/peripheral/smmu0",
                        property="stats")

    def add_totals(self, st):
        """Statistics are not migrated: sum them over QEMU processes."""
        for key in ("translations", "commands", "events", "events-lost",
                    "cerror-ill", "cerror-abt", "cerror-atc-inv-sync"):
            self.totals[key] += st[key]
        for group in ("commands-by-type", "events-by-type"):
            for name, n in st[group].items():
                self.totals["%s/%s" % (group, name)] += n

    def op_stats(self):
        st = self.stats()
        return "stats translations %d" % st["translations"]

    def op_reset(self):
        """system_reset: the SMMU comes back disabled (CR0 = CR0ACK = 0)."""
        self.qmp("system_reset")
        self.vm.wait_event("RESET", STEP_TIMEOUT)
        cr0, ack = self.r32(S.CR0), self.r32(S.CR0ACK)
        if (cr0, ack) != (0, 0):
            raise CampaignFailure("after system_reset CR0=0x%x CR0ACK=0x%x, "
                                  "expected 0 and 0" % (cr0, ack))
        self.program_endpoints()
        self.stalls.clear()
        self.page_reqs.clear()
        return "reset"

    def snapshot(self):
        return {name: (self.r64(off) if off in WIDE_REGS else self.r32(off))
                for name, off in STABLE_REGS.items()}

    def wait_migration(self, vm, done):
        """Poll query-migrate on @vm until its status is in @done."""
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            status = vm.qmp("query-migrate", timeout=STEP_TIMEOUT).get("status")
            if status in done:
                return status
            if status in ("failed", "cancelled"):
                raise CampaignFailure("migration %s" % status)
            if time.monotonic() > deadline:
                raise CampaignFailure("migration still %s after %.0f s" % (
                    status, STEP_TIMEOUT))
            time.sleep(0.02)

    def op_migrate(self):
        """Save to a file, quit, load into a fresh QEMU, go on there."""
        before = self.snapshot()
        self.add_totals(self.stats())
        path = os.path.join(self.dir, "vmstate")
        self.qmp("migrate", uri="exec:cat > %s" % path)
        self.wait_migration(self.vm, ("completed",))
        old, self.vm = self.vm, None
        problem = close_checked(old)
        if problem:
            raise CampaignFailure("source QEMU after migration: " + problem)
        self.vm = self.start(incoming=True)
        self.qmp("migrate-incoming", uri="exec:cat %s" % path)
        self.wait_migration(self.vm, ("completed",))
        self.wait_running()
        size = os.path.getsize(path)
        os.unlink(path)
        after = self.snapshot()
        diff = {k: (hex(before[k]), hex(after[k])) for k in before
                if before[k] != after[k]}
        if diff:
            raise CampaignFailure("registers changed by migration "
                                  "(before, after): %s" % diff)
        return "migrate (%d bytes)" % size

    def wait_running(self):
        deadline = time.monotonic() + STEP_TIMEOUT
        while self.qmp("query-status")["status"] != "running":
            if time.monotonic() > deadline:
                raise CampaignFailure("destination not running after "
                                      "%.0f s" % STEP_TIMEOUT)
            time.sleep(0.02)

    # -- the loop ------------------------------------------------------------------

    def pick(self):
        forced = self.forced.pop(self.step_no, None)
        if forced:
            return forced
        names = list(WEIGHTS)
        return self.rng.choices(names, [WEIGHTS[n] for n in names])[0]

    def failure(self, exc):
        lines = ["seed %d (profile %r), step %d of %d: %s: %s" % (
            self.seed, self.profile, self.step_no, self.steps,
            type(exc).__name__, exc)]
        lines.append("last steps:")
        lines += ["  %6d %s" % h for h in self.history]
        if self.vm is not None:
            lines.append("QEMU stderr:\n" + self.vm.stderr()[-4000:])
            found = sanitizer.findings(self.vm.pid, self.vm.stderr())
            if found:
                lines.append(found)
        return CampaignFailure("\n".join(lines))

    def run(self):
        start = time.monotonic()
        try:
            self.vm = self.start()
            self.ecam = self.vm.ecam_base()
            self.idr1 = self.r32(S.IDR1)
            self.program_endpoints()
            self.wmem64(TABLES, *[self.rng.getrandbits(64) for _ in
                                  range((TABLES_END - TABLES) // 8)])
            self.op_setup()
            for self.step_no in range(self.steps):
                name = self.pick()
                self.history.append((self.step_no, name))
                t0 = time.monotonic()
                desc = getattr(self, "op_" + name)()
                took = time.monotonic() - t0
                self.history[-1] = (self.step_no, desc)
                self.counts[name] += 1
                self.op_seconds[name] += took
                self.op_max[name] = max(self.op_max.get(name, 0), took)
                if self.step_no % 100 == 99:
                    status = self.qmp("query-status")["status"]
                    if status != "running":
                        raise CampaignFailure("status %r" % status)
            self.add_totals(self.stats())
        except (QtestError, QmpError, CampaignFailure, OSError) as e:
            raise self.failure(e) from e
        finally:
            vm, self.vm = self.vm, None
            problem = close_checked(vm) if vm else ""
        if problem:
            raise CampaignFailure("seed %d: at exit: %s" % (self.seed, problem))
        shutil.rmtree(self.dir, ignore_errors=True)
        return {"seed": self.seed, "profile": self.profile,
                "steps": self.steps, "seconds": round(time.monotonic() - start, 1),
                "ops": dict(self.counts), "model": dict(self.totals),
                "op_seconds": {k: round(v, 3) for k, v in self.op_seconds.items()},
                "op_max_seconds": {k: round(v, 3) for k, v in self.op_max.items()}}


def run(seed, steps, workdir=None):
    return Campaign(seed, steps, workdir).run()


def parse_seeds(text):
    """'1-5,9' -> [1, 2, 3, 4, 5, 9]."""
    seeds = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-", 1)
            seeds += range(int(lo), int(hi) + 1)
        elif part:
            seeds.append(int(part))
    return seeds


def summarize(directory):
    """Totals of the per-seed JSON summaries in @directory."""
    runs = []
    for fn in sorted(os.listdir(directory)):
        if fn.endswith(".json"):
            with open(os.path.join(directory, fn)) as f:
                runs.append(json.load(f))
    ops, model = collections.Counter(), collections.Counter()
    op_max = {}
    for r in runs:
        ops.update(r["ops"])
        model.update(r["model"])
        for k, v in r["op_max_seconds"].items():
            op_max[k] = max(op_max.get(k, 0), v)
    return {"seeds": sorted(r["seed"] for r in runs),
            "steps": sum(r["steps"] for r in runs),
            "seconds": round(sum(r["seconds"] for r in runs), 1),
            "ops": dict(sorted(ops.items())),
            "model": dict(sorted(model.items())),
            "op_max_seconds": dict(sorted(op_max.items()))}


if __name__ == "__main__":
    import sys
    print(json.dumps(summarize(sys.argv[1]), indent=1))
