# SPDX-License-Identifier: GPL-2.0-or-later
"""Mutated migration streams of arm-smmuv3-ext.

A machine with arm-smmuv3-ext and smmu-testdev is programmed over qtest
(SMMU enabled, queues of 64 entries, a stalling context and one stalled
DMA, a few commands consumed, event records written) and saved with
`migrate exec:cat > FILE`.  The SMMU's section of that stream (vmstate
"arm-smmuv3-ext", laid out by smmuext.vmstream from the stream's own JSON
description) is mutated: named cases aimed at the queue registers, the
stream table configuration, CR0/CR0ACK, GERROR, the ID registers, the
stall table and the version, then seeded random ones.  Each mutated
stream is loaded into a fresh QEMU (`-incoming defer`,
`migrate-incoming exec:cat FILE`).

test_mutated_stream_survives: the load either fails with a message (QEMU
exits with status 1 and says why) or completes; a loaded machine keeps its
own ID registers, keeps working (register reads, commands, DMA, RESUME and
STALL_TERM for every stream, system_reset to CR0 = 0) and quits with
status 0.  Never a crash, a hang or a sanitizer report.

test_loaded_state_is_sane: a state that loads holds in every queue's PROD
and CONS only the index bits the instance has (index and wrap flag of the
largest queue IDR1 allows; the device runs with IDR1 queue sizes of 8, 7
and 7 so that bits above exist) and a defined CMDQ_CONS.ERR code.  Bits
between LOG2SIZE + 1 and there are RES0 that a guest write may store
(6.3.27 and its siblings), harmless because the queue logic masks them.
"""
import os
import random
import time

import pytest

from smmuext import cheader, paths, qfuzz, sanitizer, vmstream
from smmuext.qfuzz import BAR0, CDTAB, CMD, CMDQ, EVTQ, PAGE1, PRIQ, PT, \
    SMMU_BASE, STRTAB, TD_SID, S, T, prep
from smmuext.qmp import QmpError
from smmuext.qtest import QtestError, QtestVm
from smmuext.testdev import Endpoint

RAM_MB = 64
# Queues smaller than 2^19 entries, so that index bits beyond IDR1 exist.
ARGS = qfuzz.qemu_args("cmdqs=8,eventqs=7,priqs=7", ram_mb=RAM_MB)
TIMEOUT = qfuzz.STEP_TIMEOUT
SECTION = "arm-smmuv3-ext"
RANDOM_COUNT = int(os.environ.get("SMMU_EXT_MIGFUZZ_COUNT", "16"))
RANDOM_SEED = int(os.environ.get("SMMU_EXT_MIGFUZZ_SEED", "1"))
QLOG2 = 6
# The model's migration state version (the section's first field).
STATE_VERSION = cheader.defines("models/smmuv3/sm3.h",
                                ("SM3_STATE_VERSION",))["SM3_STATE_VERSION"]
# One line per mutation and its outcome, for docs/robustness.md.
OUTCOME_LOG = os.path.join(paths.LOGS, "migration-mutations-seed%d.txt"
                           % RANDOM_SEED)
ID_REGS = {"IDR0": S.IDR0, "IDR1": S.IDR1, "IDR2": S.IDR2, "IDR3": S.IDR3,
           "IDR4": S.IDR4, "IDR5": S.IDR5, "IIDR": S.IIDR, "AIDR": S.AIDR}

# ---- the source machine --------------------------------------------------------


def w32(vm, off, val):
    vm.writel(SMMU_BASE + off, val)


def w64(vm, off, val):
    vm.writeq(SMMU_BASE + off, val)


def r32(vm, off):
    return vm.readl(SMMU_BASE + off)


def enable_smmu(vm):
    """Linear stream table of 256 STEs, 64-entry queues, all enabled."""
    w64(vm, S.STRTAB_BASE, STRTAB)
    w32(vm, S.STRTAB_BASE_CFG, prep(S.STRTAB_BASE_CFG_LOG2SIZE, 8))
    w64(vm, S.CMDQ_BASE, CMDQ | QLOG2)
    w64(vm, S.EVENTQ_BASE, EVTQ | QLOG2)
    w64(vm, S.PRIQ_BASE, PRIQ | QLOG2)
    w32(vm, S.CR0, S.CR0_SMMUEN | S.CR0_CMDQEN | S.CR0_EVENTQEN |
        S.CR0_PRIQEN)


def install_stalling_context(vm):
    """Stage 1 for smmu-testdev: a CD with S=1 (faults stall) over an
    empty page table, so that every access faults and stalls."""
    ste = [S.STE0_V | prep(S.STE0_CONFIG, S.STE0_CONFIG_S1) |
           prep(S.STE0_S1CONTEXTPTR, CDTAB >> 6), 0, 0, 0, 0, 0, 0, 0]
    cd = [prep(S.CD0_T0SZ, 25) | S.CD0_EPD1 | S.CD0_V | prep(S.CD0_IPS, 2) |
          S.CD0_AA64 | S.CD0_R | S.CD0_A | S.CD0_S | prep(S.CD0_ASID, 1),
          prep(S.CD1_TTB0, PT >> 4), 0, 0xff, 0, 0, 0, 0]
    vm.memset(PT, 0x1000, 0)
    for addr, words in ((STRTAB + TD_SID * 64, ste), (CDTAB, cd)):
        vm.memwrite(addr, b"".join(w.to_bytes(8, "little") for w in words))


def stalled_dma(vm):
    """A read that faults and stalls (no ATS, no PRI)."""
    vm.writeq(BAR0 + T.SRC, 0x1000)
    vm.writel(BAR0 + T.LEN, 4)
    vm.writel(BAR0 + T.COUNT, 1)
    vm.writel(BAR0 + T.OP, T.OP_READ | T.OP_NO_ATS | T.OP_NO_PRI)
    vm.writel(BAR0 + T.DOORBELL, T.DOORBELL_START)


def run_commands(vm, n):
    """@n CMD_SYNCs, consumed at once (the queue is empty and enabled)."""
    for i in range(n):
        vm.memwrite(CMDQ + i * 16, CMD.SYNC.to_bytes(8, "little") + bytes(8))
    w32(vm, S.CMDQ_PROD, n)


def wait_status(vm, done, deadline_s=TIMEOUT):
    """query-migrate of @vm until its status is in @done; the status."""
    deadline = time.monotonic() + deadline_s
    while True:
        status = vm.qmp("query-migrate", timeout=TIMEOUT).get("status")
        if status in done or time.monotonic() > deadline:
            return status
        time.sleep(0.02)


def save_source(path):
    """Program the source machine and save it to @path; its ID registers."""
    with QtestVm(ARGS, timeout=TIMEOUT, start_timeout=TIMEOUT) as vm:
        Endpoint(vm, qfuzz.TD_SLOT, bar=BAR0)     # BAR0 on, bus master
        enable_smmu(vm)
        install_stalling_context(vm)
        run_commands(vm, 3)
        stalled_dma(vm)
        ids = {k: r32(vm, off) for k, off in ID_REGS.items()}
        vm.qmp("migrate", uri="exec:cat > %s" % path)
        assert wait_status(vm, ("completed", "failed")) == "completed"
    return ids


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("migmut") / "source.vmstate")
    ids = save_source(path)
    with open(path, "rb") as f:
        stream = f.read()
    os.makedirs(paths.LOGS, exist_ok=True)
    open(OUTCOME_LOG, "w").close()
    return stream, vmstream.find_section(stream, SECTION), ids


@pytest.mark.asan
def test_source_state_has_a_stall_and_consumed_commands(source):
    """The saved section holds what the mutations aim at: the model's
    state version, one stall (tag 0, SMMU-wide next tag 1), CMDQ_CONS 3,
    EVENTQ_PROD 1."""
    stream, sec, _ = source
    f = sec.fields
    assert vmstream.get(stream, f["arch.version"]) == STATE_VERSION
    assert vmstream.get(stream, f["arch.stalls[0].valid"]) == 1
    assert vmstream.get(stream, f["arch.stalls[0].sid"]) == TD_SID
    assert vmstream.get(stream, f["arch.stalls[0].stag"]) == 0
    assert vmstream.get(stream, f["arch.next_stag"]) == 1
    assert vmstream.get(stream, reg(sec, S.CMDQ_CONS)) == 3
    assert vmstream.get(stream, reg(sec, S.EVENTQ_PROD)) == 1


# ---- mutations -------------------------------------------------------------------


def reg(sec, off):
    return sec.fields["arch.regs[%d]" % (off // 4)]


def set_reg(off, value):
    return lambda stream, sec: vmstream.put(stream, reg(sec, off), value)


def xor_reg(off, bits):
    def mutate(stream, sec):
        f = reg(sec, off)
        return vmstream.put(stream, f, vmstream.get(stream, f) ^ bits)
    return mutate


def set_field(name, value):
    return lambda stream, sec: vmstream.put(stream, sec.fields[name], value)


def all_stalls_valid(stream, sec):
    """Sixteen stalls of one stream with the same tag."""
    for i in range(16):
        stream = vmstream.put(stream, sec.fields["arch.stalls[%d].valid" % i], 1)
        stream = vmstream.put(stream, sec.fields["arch.stalls[%d].sid" % i],
                              TD_SID)
        stream = vmstream.put(stream, sec.fields["arch.stalls[%d].stag" % i], 7)
    return stream


def stalls_of_unknown_streams(stream, sec):
    for i in range(16):
        stream = vmstream.put(stream, sec.fields["arch.stalls[%d].valid" % i], 1)
        stream = vmstream.put(stream, sec.fields["arch.stalls[%d].sid" % i],
                              0xffffffff - i)
        stream = vmstream.put(stream, sec.fields["arch.stalls[%d].stag" % i],
                              0xffff - i)
    return stream


def truncate_in_section(stream, sec):
    return stream[:sec.start + sec.size // 2]


def extra_bytes_in_section(stream, sec):
    at = sec.start + sec.size
    return stream[:at] + bytes(4) + stream[at:]


Q_IDX_ALL = S.Q_IDX | S.Q_OVFLG
MUTATIONS = {
    # Queue bases: LOG2SIZE above IDR1's maximum, address bits above OAS.
    "cmdq-log2size-31": set_reg(S.CMDQ_BASE, CMDQ | 31),
    "eventq-log2size-31": set_reg(S.EVENTQ_BASE, EVTQ | 31),
    "priq-log2size-31": set_reg(S.PRIQ_BASE, PRIQ | 31),
    "cmdq-base-above-oas": set_reg(S.CMDQ_BASE + 4, 0x000fffff),
    "eventq-base-all-ones": set_reg(S.EVENTQ_BASE + 4, 0xffffffff),
    "cmdq-base-zero-size": set_reg(S.CMDQ_BASE, CMDQ),
    # Queue pointers beyond the 64-entry queues.
    "cmdq-prod-beyond": set_reg(S.CMDQ_PROD, 0x000fffff),
    "cmdq-cons-beyond": set_reg(S.CMDQ_CONS, 0x000fffff),
    "cmdq-cons-err-0x7f": set_reg(S.CMDQ_CONS, 0x7f000003),
    "cmdq-prod-all-ones": set_reg(S.CMDQ_PROD, 0xffffffff),
    "eventq-prod-beyond": set_reg(S.EVENTQ_PROD, 0x000fffff),
    "eventq-cons-beyond": set_reg(S.EVENTQ_CONS, 0x000fffc0),
    "eventq-prod-ovflg": xor_reg(S.EVENTQ_PROD, S.Q_OVFLG),
    "eventq-full": set_reg(S.EVENTQ_PROD, 1 << QLOG2),
    "priq-prod-beyond": set_reg(S.PRIQ_PROD, Q_IDX_ALL),
    "priq-cons-beyond": set_reg(S.PRIQ_CONS, 0x00080000),
    "cmdq-prod-bit-flip-19": xor_reg(S.CMDQ_PROD, 1 << 19),
    "cmdq-cons-bit-flip-7": xor_reg(S.CMDQ_CONS, 1 << 7),
    # Stream table configuration.
    "strtab-log2size-63": set_reg(S.STRTAB_BASE_CFG, 63),
    "strtab-fmt-reserved": set_reg(S.STRTAB_BASE_CFG,
                                   prep(S.STRTAB_BASE_CFG_FMT, 3) | 8),
    "strtab-2lvl-split-31": set_reg(S.STRTAB_BASE_CFG,
                                    prep(S.STRTAB_BASE_CFG_FMT, 1) |
                                    prep(S.STRTAB_BASE_CFG_SPLIT, 31) | 32),
    "strtab-base-all-ones": set_reg(S.STRTAB_BASE + 4, 0xffffffff),
    # Control and error registers.
    "cr0-all-ones": set_reg(S.CR0, 0xffffffff),
    "cr0ack-differs": set_reg(S.CR0ACK, 0),
    "cr0-off-ack-on": set_reg(S.CR0, 0),
    "gerror-all-ones": set_reg(S.GERROR, 0xffffffff),
    "gerrorn-all-ones": set_reg(S.GERRORN, 0xffffffff),
    "irq-ctrl-all-ones": set_reg(S.IRQ_CTRL, 0xffffffff),
    "gbpa-update-stuck": set_reg(S.GBPA, 1 << 31),
    # ID registers come from the instance, not the stream.
    "idr0-zero": set_reg(S.IDR0, 0),
    "idr1-all-ones": set_reg(S.IDR1, 0xffffffff),
    "idr5-zero": set_reg(S.IDR5, 0),
    "reg-file-end": set_reg(0xffc, 0xffffffff),
    # Stalls and the other fields.
    "stall-valid-byte-0xff": set_field("arch.stalls[0].valid", 0xff),
    "stall-duplicate-tags": all_stalls_valid,
    "stall-unknown-streams": stalls_of_unknown_streams,
    "stall-slot-15-only": set_field("arch.stalls[15].valid", 1),
    "next-stag-0xffff": set_field("arch.next_stag", 0xffff),
    "atc-inv-error-0xff": set_field("arch.atc_inv_error", 0xff),
    # The version and the framing.
    "version-next": set_field("arch.version", STATE_VERSION + 1),
    "version-0": set_field("arch.version", 0),
    "truncated": truncate_in_section,
    "section-too-long": extra_bytes_in_section,
}

# Must fail to load (the device checks the version; the framing is QEMU's).
MUST_REFUSE = {"version-next", "version-0", "truncated", "section-too-long"}

def random_mutation(rng, sec):
    """(description, mutate) drawn from @rng: a field of the section (most
    often a queue register or the stall table) set to an extreme, a random
    value, or with one bit flipped."""
    hot = [reg(sec, off) for off in (
        S.CMDQ_BASE, S.CMDQ_BASE + 4, S.CMDQ_PROD, S.CMDQ_CONS,
        S.EVENTQ_BASE, S.EVENTQ_PROD, S.EVENTQ_CONS, S.PRIQ_BASE,
        S.PRIQ_PROD, S.PRIQ_CONS, S.STRTAB_BASE, S.STRTAB_BASE_CFG, S.CR0,
        S.CR0ACK, S.GERROR, S.GERRORN, S.IRQ_CTRL)]
    hot += [f for n, f in sec.fields.items() if not n.startswith("arch.regs")]
    field = rng.choice(hot) if rng.randrange(4) else \
        rng.choice(list(sec.fields.values()))
    kind = rng.randrange(4)
    bits = 8 * field.size
    if kind == 0:
        flip = 1 << rng.randrange(bits)
        how = "flip bit %d" % flip.bit_length()

        def mutate(stream, _sec):
            return vmstream.put(stream, field,
                                vmstream.get(stream, field) ^ flip)
    else:
        value = [0, (1 << bits) - 1, rng.getrandbits(bits)][kind - 1]
        how = "= 0x%x" % value

        def mutate(stream, _sec):
            return vmstream.put(stream, field, value)
    return "%s %s" % (field.name, how), mutate


def random_cases():
    """Seeded random mutations, drawn once the layout is known; the field
    list does not depend on the saved values, so a seed gives the same
    cases every run."""
    return ["random-%d" % i for i in range(RANDOM_COUNT)]


# ---- loading ------------------------------------------------------------------


class Loaded:
    """What a load gave: 'refused' (QEMU exited, @rc, @stderr) or 'loaded'
    (@vm runs the loaded state)."""

    def __init__(self, kind, vm, rc=None, stderr=""):
        self.kind, self.vm, self.rc, self.stderr = kind, vm, rc, stderr


def finish_refused(vm):
    """QEMU is exiting after a failed load: its status and what it said."""
    try:
        rc = vm.wait_exit(TIMEOUT)
    except QtestError:                      # a hang
        vm.close()
        raise AssertionError("QEMU neither loaded nor exited within %.0f s"
                             % TIMEOUT)
    stderr = vm.stderr()
    pid = vm.pid
    vm.close()
    found = sanitizer.findings(pid, stderr)
    assert not found, found
    return Loaded("refused", None, rc, stderr)


def load(stream, path):
    """Start a fresh QEMU and load @stream (written to @path) into it."""
    with open(path, "wb") as f:
        f.write(stream)
    vm = QtestVm(ARGS + ["-incoming", "defer"], timeout=TIMEOUT,
                 start_timeout=TIMEOUT)
    try:
        vm.qmp("migrate-incoming", uri="exec:cat %s" % path, timeout=TIMEOUT)
        status = wait_status(vm, ("completed", "failed"))
    except (QmpError, QtestError, OSError):
        return finish_refused(vm)
    if status != "completed":
        return finish_refused(vm)
    deadline = time.monotonic() + TIMEOUT
    while vm.qmp("query-status", timeout=TIMEOUT)["status"] != "running":
        assert time.monotonic() < deadline, "loaded but never running"
        time.sleep(0.02)
    return Loaded("loaded", vm)


def assert_clean_refusal(res):
    """exit(1) after 'load of migration failed', no signal, no report."""
    assert res.rc == 1, "QEMU exit status %s: %s" % (res.rc, res.stderr)
    assert "load of migration failed" in res.stderr, res.stderr


def exercise(vm):
    """Use the loaded SMMU the ways a guest could: every register read,
    the command queue kicked (a SYNC, then RESUME and STALL_TERM for the
    testdev's stream), a DMA, statistics, and a system reset."""
    for off in range(0, 0x100, 4):
        r32(vm, off)
    for off in (S.EVENTQ_PROD, S.EVENTQ_CONS, S.PRIQ_PROD, S.PRIQ_CONS):
        vm.readl(SMMU_BASE + PAGE1 + off)
    cons = r32(vm, S.CMDQ_CONS)
    w32(vm, S.GERRORN, r32(vm, S.GERROR))
    prod = r32(vm, S.CMDQ_PROD) & ((1 << (QLOG2 + 1)) - 1)
    cmds = [(CMD.RESUME | prep(S.CMD0_SID, TD_SID), 0),
            (CMD.STALL_TERM | prep(S.CMD0_SID, TD_SID), 0),
            (CMD.SYNC, 0)]
    for i, (d0, d1) in enumerate(cmds):
        slot = (prod + i) & ((1 << QLOG2) - 1)
        vm.memwrite(CMDQ + slot * 16, d0.to_bytes(8, "little") +
                    d1.to_bytes(8, "little"))
    w32(vm, S.CMDQ_PROD, (prod + len(cmds)) & ((1 << (QLOG2 + 1)) - 1))
    stalled_dma(vm)
    vm.qmp("qom-get", path="/machine/peripheral/smmu0", property="stats")
    vm.qmp("system_reset")
    assert vm.wait_event("RESET", TIMEOUT) is not None
    assert (r32(vm, S.CR0), r32(vm, S.CR0ACK)) == (0, 0)
    return cons


def quit_cleanly(vm):
    problem = qfuzz.close_checked(vm)
    assert not problem, problem


def queue_problems(vm):
    """What is insane in the loaded queue registers (a list of strings)."""
    idr1 = r32(vm, S.IDR1)
    problems = []
    queues = (("CMDQ", S.CMDQ_BASE, S.CMDQ_PROD, S.CMDQ_CONS, S.IDR1_CMDQS),
              ("EVENTQ", S.EVENTQ_BASE, PAGE1 + S.EVENTQ_PROD,
               PAGE1 + S.EVENTQ_CONS, S.IDR1_EVENTQS),
              ("PRIQ", S.PRIQ_BASE, PAGE1 + S.PRIQ_PROD,
               PAGE1 + S.PRIQ_CONS, S.IDR1_PRIQS))
    for name, _base, prod, cons, qs in queues:
        log2 = cheader.field(idr1, qs)
        for which, off in (("PROD", prod), ("CONS", cons)):
            idx = vm.readl(SMMU_BASE + off) & S.Q_IDX
            if idx >> (log2 + 1):
                problems.append("%s_%s index 0x%x beyond IDR1's 2^%d "
                                "entries" % (
                    name, which, idx, log2))
    err = cheader.field(r32(vm, S.CMDQ_CONS), S.CMDQ_CONS_ERR)
    if err > 3:
        problems.append("CMDQ_CONS.ERR 0x%x is no CERROR code" % err)
    return problems


# name -> queue_problems() of the loaded state, or None when refused: the
# sanity test reuses what the survival test loaded (a load under ASan
# costs seconds).
LOADED_PROBLEMS = {}


def check_survives(stream, sec, ids, mutate, path):
    """'refused' or 'loaded', and the loaded state's queue problems."""
    res = load(mutate(stream, sec), path)
    if res.kind == "refused":
        assert_clean_refusal(res)
        return "refused", None
    try:
        got = {k: r32(res.vm, off) for k, off in ID_REGS.items()}
        assert got == ids, "ID registers taken from the stream"
        problems = queue_problems(res.vm)
        exercise(res.vm)
    finally:
        quit_cleanly(res.vm)
    return "loaded", problems


def mutation_for(name, sec):
    if name.startswith("random-"):
        rng = random.Random("%d/%s" % (RANDOM_SEED, name))
        return random_mutation(rng, sec)
    return name, MUTATIONS[name]


# ---- the tests ---------------------------------------------------------------------


@pytest.mark.asan
def test_unmutated_stream_loads_with_the_same_registers(source, tmp_path):
    stream, sec, ids = source
    res = load(stream, str(tmp_path / "vmstate"))
    assert res.kind == "loaded", res.stderr
    try:
        assert {k: r32(res.vm, off) for k, off in ID_REGS.items()} == ids
        assert r32(res.vm, S.CMDQ_CONS) == 3
        assert r32(res.vm, S.CMDQ_PROD) == 3
        assert res.vm.readl(SMMU_BASE + PAGE1 + S.EVENTQ_PROD) == 1
        assert r32(res.vm, S.CR0ACK) == (S.CR0_SMMUEN | S.CR0_CMDQEN |
                                          S.CR0_EVENTQEN | S.CR0_PRIQEN)
    finally:
        quit_cleanly(res.vm)


@pytest.mark.asan
@pytest.mark.parametrize("name", sorted(MUTATIONS) + random_cases())
def test_mutated_stream_survives(source, tmp_path, name):
    stream, sec, ids = source
    desc, mutate = mutation_for(name, sec)
    outcome, problems = check_survives(stream, sec, ids, mutate,
                                       str(tmp_path / "vmstate"))
    LOADED_PROBLEMS[name] = problems
    with open(OUTCOME_LOG, "a") as f:
        f.write("%s\t%s\t%s\t%s\n" % (name, desc, outcome,
                                       "; ".join(problems or [])))
    if name in MUST_REFUSE:
        assert outcome == "refused"


@pytest.mark.asan
@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_loaded_state_is_sane(source, tmp_path, name):
    stream, sec, ids = source
    if name not in LOADED_PROBLEMS:         # run on its own
        LOADED_PROBLEMS[name] = check_survives(
            stream, sec, ids, MUTATIONS[name], str(tmp_path / "vmstate"))[1]
    problems = LOADED_PROBLEMS[name]
    assert not problems, problems
