# SPDX-License-Identifier: GPL-2.0-or-later
"""smmu-testdev from Python, on a QtestVm: its register map, its PCI
configuration space through the ECAM window, and its DMA jobs.

The register values come from hw/smmu-testdev.h, parsed here, so a
renumbered register cannot pass unnoticed (docs/smmu-testdev.md).

    vm = QtestVm(machine_args(["smmu-testdev,addr=05.0"]))
    td = Endpoint(vm)                   # BAR0 mapped, bus master on
    res = td.run(R.OP_WRITE, dst=RAM, length=64, pattern=1)
    assert ok(res)
"""
from . import cheader

# SMMU_TESTDEV_* constants of the header: D by full name, R without the
# prefix (R.OP_READ is SMMU_TESTDEV_OP_READ).
D = cheader.defines("hw/smmu-testdev.h", ("SMMU_TESTDEV_",))
R = cheader.Namespace(D, "SMMU_TESTDEV_")
field = cheader.field

PCI_COMMAND = 0x04
PCI_BAR0 = 0x10
PCI_COMMAND_MEMORY_MASTER = 0x6     # memory decoding, bus master
BAR0_ADDR = 0x10000000              # in virt's 32-bit PCI MMIO window
RAM = 0x40000000                    # virt RAM base (128 MiB by default)
RAM_SIZE = 128 << 20
SLOT = 5                            # the tests' device: 00:05.0

# Control registers of the extended capabilities with pasid, ats and pri
# on (in that order of the chain: ATS at 0x100, PASID at 0x108, PRI at
# 0x110).
ATS_CTRL, PASID_CTRL, PRI_CTRL, PRI_STATUS, PRI_ALLOC = \
    0x106, 0x10e, 0x114, 0x116, 0x11c


def pattern_word(seed, index):
    """smmu_testdev_pattern_word() of the header, for golden checks."""
    m = (1 << 64) - 1
    x = (index * 0x9e3779b97f4a7c15 + seed) & m
    x ^= x >> 30
    x = (x * 0xbf58476d1ce4e5b9) & m
    x ^= x >> 27
    x = (x * 0x94d049bb133111eb) & m
    x ^= x >> 31
    return x & 0xffffffff


def pattern_bytes(seed, off, n):
    return bytes((pattern_word(seed, (off + i) >> 2) >> (8 * ((off + i) & 3)))
                 & 0xff for i in range(n))


# ---- configuration space, read and written through the ECAM window ---------


def config_base(vm, slot):
    """Physical address of the configuration space of 00:@slot.0."""
    return vm.ecam_base() + (slot << 15)


def xp_words(vm, addr, count):
    """@count 32-bit words of physical memory, read with HMP xp (works
    without qtest)."""
    out = vm.hmp("xp /%dwx 0x%x" % (count, addr))
    words = []
    for line in out.splitlines():
        words += [int(w, 16) for w in line.split(":", 1)[1].split()]
    return words[:count]


def ext_caps(vm, cfg):
    """[(offset, id, version)] of the extended capability chain of the
    configuration space at @cfg."""
    caps, off = [], 0x100
    while off:
        hdr = xp_words(vm, cfg + off, 1)[0]
        if hdr == 0:
            break
        caps.append((off, hdr & 0xffff, (hdr >> 16) & 0xf))
        off = hdr >> 20
        assert len(caps) < 64, "capability loop"
    return caps


# ---- the device's BAR0 and jobs ------------------------------------------------


class Endpoint:
    """smmu-testdev at 00:@slot.0 of the QtestVm @q, its BAR0 at @bar;
    with @program, BAR0 is set and memory decoding and bus mastering on
    (a migration target gets them from the stream: program=False)."""

    def __init__(self, q, slot=SLOT, program=True, bar=BAR0_ADDR):
        self.q = q
        self.cfg = config_base(q, slot)
        self.bar = bar
        if program:
            self.program()

    def program(self):
        self.q.writel(self.cfg + PCI_BAR0, self.bar)
        self.q.writew(self.cfg + PCI_COMMAND, PCI_COMMAND_MEMORY_MASTER)

    def r32(self, off):
        return self.q.readl(self.bar + off)

    def r64(self, off):
        return self.q.readq(self.bar + off)

    def w32(self, off, val, timeout=None):
        self.q.writel(self.bar + off, val, timeout)

    def w64(self, off, val):
        self.q.writeq(self.bar + off, val)

    def start(self, op, src=0, dst=0, length=0, count=1, stride=0, wset=0,
              pattern=0, timeout=None):
        """Program a job and ring the doorbell.  An untimed job runs inside
        the doorbell write: @timeout bounds it (default: the QtestVm's)."""
        self.w64(R.SRC, src)
        self.w64(R.DST, dst)
        self.w32(R.LEN, length)
        self.w32(R.COUNT, count)
        self.w64(R.STRIDE, stride)
        self.w64(R.WSET, wset)
        self.w32(R.PATTERN, pattern)
        self.w32(R.OP, op)
        self.w32(R.DOORBELL, R.DOORBELL_START, timeout)

    def run(self, op, **job):
        """start() the job; then result()."""
        self.start(op, **job)
        return self.result()

    def result(self):
        return {
            "status": self.r32(R.STATUS),
            "error": field(self.r32(R.ERROR), R.ERROR_CODE),
            "memtx": field(self.r32(R.ERROR), R.ERROR_MEMTX),
            "fault_info": self.r32(R.FAULT_INFO),
            "fault_addr": self.r64(R.FAULT_ADDR),
            "fault_index": self.r64(R.FAULT_INDEX),
            "done": self.r64(R.DONE_COUNT),
            "mismatches": self.r64(R.MISMATCH_COUNT),
            "mismatch_off": self.r64(R.MISMATCH_OFFSET),
            "mismatch_data": self.r32(R.MISMATCH_DATA),
            "job_ns": self.r64(R.JOB_NS),
            "job_bytes": self.r64(R.JOB_BYTES),
        }


def ok(res):
    """Whether the result() @res is a job done without error."""
    return res["status"] == R.STATUS_DONE and res["error"] == R.ERR_NONE
