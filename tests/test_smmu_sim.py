# SPDX-License-Identifier: GPL-2.0-or-later
"""smmu-sim (docs/smmu-sim.md): observable behaviour with numbers derived
by hand from the architecture, the model's cache geometry and the
parameter files.

Facts the derivations use:
- the functional TLB (Sm3Stats, JSON "model.tlb") has 256 entries, 4
  ways, 64 sets; its set is the page number XOR constants, so 64
  consecutive aligned pages take 64 different sets and 256 consecutive
  pages fill it exactly (4 per set): nothing is evicted;
- the model looks the TLB up once per translation, whatever the timing
  engine's micro-TLB does, so misses + hits == translations;
- the driver maps IOVA -> 2^47 + IOVA, stage 1 by default, with a 48-bit
  VA (4-level walk from level 0 with the 4K granule).
"""
import json
import os
import subprocess

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIM = os.path.join(TOP, "build", "models", "sim", "smmu-sim")
PARAMS = os.path.join(TOP, "models", "common", "params")

# The parameters of models/smmuv3/tests/test-sm3-timing.c (TIMING).
UNIT_TEST_TIMING = """\
utlb.entries = 1; utlb.ways = 0; utlb.latency = 1
tlb.latency = 3; tlb.location = tbu
cfg.latency = 2
walkc.latency = 5; walkc.probe = serial
ipac.latency = 0; walk.step = 0
link.tbu_to_tcu = 7; link.tcu_to_tbu = 11
mem.latency = 100
cmd.cfgi = 10; cmd.tlbi = 20; cmd.atc_inv = 10
cmd.atc_inv_round_trip = 2000; cmd.sync = 10
cmd.prefetch = 10; cmd.other = 10
event.write = 0; event.msi = 0
slots.tcu = 64; slots.ptw = 16; slots.tbu = 16
"""


@pytest.fixture(scope="module", autouse=True)
def built():
    subprocess.run(["ninja", "-C", os.path.join(TOP, "build", "models"),
                    "sim/smmu-sim"], check=True, stdout=subprocess.DEVNULL)


def run(*args, check=True, stdin=None, cwd=None):
    return subprocess.run([SIM, *args], capture_output=True, text=True,
                          check=check, input=stdin, cwd=cwd)


def run_json(*args, **kw):
    return json.loads(run(*args, "--json", "-", **kw).stdout)


def test_seq_fitting_the_tlb():
    # 1 MiB of 4 KiB pages = 256 pages = the TLB exactly (see the module
    # comment): one miss per page, every other translation hits.
    d = run_json("--gen", "seq", "--count", "100000", "--wset", "1M")
    assert d["results"]["translations"] == 100000
    assert d["model"]["tlb"]["misses"] == 256
    assert d["model"]["tlb"]["hits"] == 100000 - 256
    assert d["model"]["tlb"]["evictions"] == 0
    # The walk: levels 0, 1 and 2 read once (the walk caches keep them),
    # the leaf once per page.
    assert d["engine"]["reads"]["s1"] == [1, 1, 1, 256]
    # Sequential 64-byte accesses: 64 per page, 256 pages per pass, a
    # 32-entry micro-TLB that cannot hold a pass: the first access of
    # each page misses, 100000 / 64 = 1562.5 -> 1563 pages touched.
    assert d["engine"]["utlb"] == {"hits": 100000 - 1563, "misses": 1563}


def test_timing_changes_no_functional_counter():
    on = run_json("--gen", "random", "--count", "20000", "--wset", "4M")
    off = run_json("--gen", "random", "--count", "20000", "--wset", "4M",
                   "--no-timing")
    assert off["engine"] is None and off["timing"] is False
    assert on["model"] == off["model"]
    assert on["results"]["ok"] == off["results"]["ok"] == 20000


def test_block_mapping_needs_512x_fewer_misses():
    # One pass over 64 MiB with one access per 4 KiB: 16384 pages, each
    # a miss (64 MiB is 64x the TLB); with 2 MiB blocks the same accesses
    # touch 32 blocks, each a miss once: 16384 / 32 = 512.
    args = ["--gen", "stride", "--stride", "4K", "--wset", "64M",
            "--count", "16384"]
    page = run_json(*args)
    block = run_json(*args, "--set", "mapping=block")
    assert page["model"]["tlb"]["misses"] == 16384
    assert block["model"]["tlb"]["misses"] == 32
    assert page["model"]["tlb"]["misses"] == 512 * block["model"]["tlb"]["misses"]


@pytest.mark.parametrize("mapping,step,reach", [
    ("page", 4 << 10, 1 << 20),             # 256 x 4 KiB
    ("block", 2 << 20, 512 << 20),          # 256 x 2 MiB
])
def test_tlb_reach_knee(mapping, step, reach):
    """The TLB (256 entries, 4 ways, LRU: 64 sets) reaches 256 pages or
    blocks.  Cycling four times over exactly the reach, one access per
    page or block, misses only the first time round (64 sets x 4 ways
    hold them all); over twice the reach each set cycles through 8 with
    4 ways, and LRU then misses every access."""
    def misses(wset):
        n = wset // step
        d = run_json("--gen", "stride", "--stride", str(step + 64),
                     "--wset", str(wset), "--count", str(4 * n),
                     "--set", "mapping=" + mapping)
        assert d["results"]["faults"] == 0
        return d["model"]["tlb"]["misses"]
    assert misses(reach) == 256
    assert misses(2 * reach) == 4 * 512


@pytest.mark.parametrize("granule,block,misses", [
    # 64 MiB: 4096 16 KiB pages, 1024 64 KiB pages, two 32 MiB blocks; a
    # 512 MiB block covers it whole (the range is rounded up to it).
    ("16k", "page", 4096), ("64k", "page", 1024), ("16k", "block", 2),
    ("64k", "block", 1),
])
def test_granules(granule, block, misses):
    d = run_json("--gen", "stride", "--stride", "4K", "--wset", "64M",
                 "--count", "16384", "--set", "granule=" + granule,
                 "--set", "mapping=" + block)
    assert d["results"]["faults"] == 0
    assert d["model"]["tlb"]["misses"] == misses


@pytest.mark.parametrize("stage", ["2", "nested"])
def test_other_stages_translate(stage):
    d = run_json("--gen", "stride", "--count", "256", "--wset", "1M",
                 "--set", "stage=" + stage)
    assert d["results"]["ok"] == 256
    assert d["model"]["tlb"]["misses"] == 256
    # Stage 2 alone walks stage 2 only; nested walks both.
    s1 = sum(d["engine"]["reads"]["s1"])
    s2 = sum(d["engine"]["reads"]["s2"])
    assert (s1 == 0) == (stage == "2") and s2 > 0


def test_cold_walk_default_params():
    # mmu-600.conf (the built-in set), first translation: micro-TLB 1 +
    # TLB in the TBU 3 + link 8 + config lookup 3 + STE read 150 + CD
    # read 150 + one parallel walk-cache lookup 4 + 4 table reads of
    # 150 + walk.step 1 + link 8 = 931.
    trace = "0 0 - 0x100000000 4 r\n"
    d = run_json("--trace", "-", "--params",
                 os.path.join(PARAMS, "mmu-600.conf"), stdin=trace)
    assert d["engine"]["latency"]["min"] == 931
    assert d["engine"]["latency"]["max"] == 931


def test_unit_test_latencies(tmp_path):
    # models/smmuv3/tests/test-sm3-timing.c, test_translation_latencies:
    # StreamID 5, stage 1, 4K pages; cold 639, same page 1 (micro-TLB),
    # next page 129 (walk-cache hit at level 2), first page again 4 (the
    # 1-entry micro-TLB lost it, the main TLB in the TBU has it).  Six
    # streams so that StreamID 5 exists; the 4th line carries extra
    # fields, as a QEMU timing-log will, and they are ignored.
    conf = tmp_path / "unit.conf"
    conf.write_text(UNIT_TEST_TIMING)
    trace = tmp_path / "unit.trace"
    trace.write_text("# time sid ssid iova size access\n"
                     "1000 5 - 0x40000008 4 r\n"
                     "5000 5 - 0x40000010 4 r\n"
                     "6000 5 - 0x40001000 4 r\n"
                     "7000 5 - 0x40000008 4 r 4 ok 0x800040000008\n")
    log = tmp_path / "log"
    r = run("--params", str(conf), "--trace", str(trace), "--set",
            "streams=6", "--set", "map=0x40000000:8K", "--log", str(log))
    lat = [int(line.split()[6]) for line in log.read_text().splitlines()]
    assert lat == [639, 1, 129, 4]
    assert "translations: 4 " in r.stdout
    # The log is itself a trace: it replays to the same latencies.
    log2 = tmp_path / "log2"
    run("--params", str(conf), "--trace", str(log), "--set", "streams=6",
        "--set", "map=0x40000000:8K", "--log", str(log2))
    assert log2.read_text() == log.read_text()


def test_single_line_cold_walk_639(tmp_path):
    conf = tmp_path / "unit.conf"
    conf.write_text(UNIT_TEST_TIMING)
    d = run_json("--params", str(conf), "--trace", "-", "--set", "streams=6",
                 stdin="1000 5 - 0x100000008 4 r\n")
    assert d["engine"]["latency"]["max"] == 639
    assert d["summary"]["lat_mean"] == 639.0


def test_trace_three_lines_stream_ids(tmp_path):
    trace = tmp_path / "t"
    trace.write_text("10 0 - 0x100000000 64 r\n"
                     "# a comment line\n"
                     "20 2 - 0x100001000 64 w   # trailing comment\n"
                     "30 1 - 0x100002000 64 r\n")
    log = tmp_path / "log"
    d = run_json("--trace", str(trace), "--set", "streams=3", "--log",
                 str(log))
    assert d["results"]["translations"] == 3
    assert d["results"]["ok"] == 3
    lines = [l.split() for l in log.read_text().splitlines()]
    assert [l[1] for l in lines] == ["0", "2", "1"]
    assert [l[5] for l in lines] == ["r", "w", "r"]
    # Private tables: three streams, three STE and three CD misses.
    assert d["engine"]["ste"]["misses"] == 3


def test_stream_beyond_table_faults():
    d = run_json("--trace", "-", stdin="0 7 - 0x100000000 4 r\n")
    assert d["results"]["faults"] == 1
    assert d["results"]["faults_by_event"] == {"C_BAD_STREAMID": 1}


def test_shared_tables_share_tlb_entries():
    # streams gen: StreamIDs 0..3 in turn, each stepping 4 KiB over 64 KiB
    # (16 pages).  Private: 4 ASIDs x 16 pages = 64 misses; shared: one
    # ASID and VMID, 16 misses.
    args = ["--gen", "streams", "--streams", "4", "--wset", "64K",
            "--count", "256"]
    assert run_json(*args)["model"]["tlb"]["misses"] == 64
    assert run_json(*args, "--set", "tables=shared")["model"]["tlb"][
        "misses"] == 16


def test_same_run_same_json():
    args = ["--gen", "random", "--count", "50000", "--wset", "16M",
            "--seed", "7", "--json", "-"]
    a = run(*args).stdout
    assert a == run(*args).stdout
    assert a != run(*args[:-2], "--seed", "8", "--json", "-").stdout


def test_sweep_parallel_equals_serial_and_merge(tmp_path):
    base = ["--gen", "seq", "--count", "20000"]
    sweep = ["--sweep", "wset=64K,1M,4M", "--json", "-"]
    j1 = run(*base, *sweep, "-j", "1").stdout
    j2 = run(*base, *sweep, "-j", "2").stdout
    assert j1 == j2
    doc = json.loads(j1)
    assert [p["point"]["value"] for p in doc] == ["64K", "1M", "4M"]
    assert [p["model"]["tlb"]["misses"] for p in doc] == [16, 256, 313]
    # The same points as separate commands, merged.
    cmds = run(*base, "--sweep", "wset=64K,1M,4M",
               "--emit-commands").stdout.splitlines()
    assert len(cmds) == 3
    for c in cmds:
        subprocess.run(c, shell=True, check=True, cwd=tmp_path,
                       stdout=subprocess.DEVNULL)
    files = sorted(str(p) for p in tmp_path.glob("point-*.json"))
    merged = run("--merge", *files, "--json", "-").stdout
    assert merged == j1


def test_sweep_table_on_stdout():
    r = run("--gen", "seq", "--count", "1000", "--sweep",
            "utlb.entries=1,32")
    lines = r.stdout.splitlines()
    assert lines[0].split()[0] == "utlb.entries"
    assert [l.split()[0] for l in lines[1:]] == ["1", "32"]


def test_unknown_param_key_is_named():
    r = run("--gen", "seq", "--param", "utlb.entrys=3", check=False)
    assert r.returncode != 0
    assert "utlb.entrys" in r.stderr


def test_bad_param_value_is_named():
    r = run("--gen", "seq", "--param", "slots.tcu=0", check=False)
    assert r.returncode != 0
    assert "slots.tcu" in r.stderr and "out of range" in r.stderr


def test_unknown_sweep_key_is_named():
    r = run("--gen", "seq", "--sweep", "wsett=1,2", check=False)
    assert r.returncode != 0 and "wsett" in r.stderr


def test_malformed_trace_line_names_line_number():
    trace = "0 0 - 0x100000000 4 r\n# comment\n5 0 - nonsense 4 r\n"
    r = run("--trace", "-", stdin=trace, check=False)
    assert r.returncode != 0
    assert "<stdin>:3:" in r.stderr and "iova" in r.stderr


def test_trace_time_going_back_is_refused():
    r = run("--trace", "-", stdin="10 0 - 0x100000000 4 r\n"
            "5 0 - 0x100000000 4 r\n", check=False)
    assert r.returncode != 0 and "<stdin>:2:" in r.stderr


def test_sizes_take_suffixes():
    d = run_json("--gen", "stride", "--wset", "2MiB", "--stride", "0x1000",
                 "--count", "1K")
    assert d["source"]["wset"] == 2 << 20
    assert d["source"]["count"] == 1024
    # Two passes over 512 pages: 8 pages per 4-way set, cycled in LRU
    # order, so the second pass misses as much as the first.
    assert d["model"]["tlb"]["misses"] == 1024


def test_scenario_file(tmp_path):
    scn = tmp_path / "s.scn"
    scn.write_text("# a scenario\nstage = 2\ngranule = 64k\n"
                   "utlb.entries = 8   # a timing key\n")
    d = run_json("--scenario", str(scn), "--gen", "seq", "--count", "10")
    assert d["scenario"]["stage"] == "2"
    assert d["scenario"]["granule"] == "64k"
    assert d["params"]["utlb.entries"] == "8"
    scn.write_text("stage = 2\ngranul = 64k\n")
    r = run("--scenario", str(scn), "--gen", "seq", check=False)
    assert r.returncode != 0 and f"{scn}:2:" in r.stderr
    assert "granul" in r.stderr


def test_text_output_has_host_throughput():
    r = run("--gen", "seq", "--count", "1000")
    assert "M translations/s" in r.stdout
    assert "p99.9" in r.stdout


def test_plot_writes_png_charts(tmp_path):
    out = tmp_path / "charts"
    r = run("--gen", "random", "--count", "2000", "--sweep",
            "wset=64K,4M", "--plot", str(out))
    names = sorted(p.name for p in out.iterdir())
    assert names == ["latency-cdf.png", "smmu-sim.json",
                     "wset-hit-rate.png", "wset-latency.png"], r.stdout
    for png in names[:1] + names[2:]:
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    doc = json.loads((out / "smmu-sim.json").read_text())
    assert [p["point"]["value"] for p in doc] == ["64K", "4M"]


# Commands in traces (docs/smmu-sim.md, "Trace format"): the two words of
# the command as the architecture encodes them.  TLBI_NH_ASID is opcode
# 0x11 with the ASID in bits [63:48]; TLBI_S12_VMALL is 0x28 with the VMID
# in bits [47:32].
TLBI_NH_ASID_1 = "0x0001000000000011 0x0"
READ = " 0 - 0x100000000 4 r\n"


def test_trace_command_invalidates(tmp_path):
    # StreamID 0 has ASID 1 (auto: StreamID + 1).  Read, read again (a
    # TLB hit), invalidate ASID 1, read: a miss again.
    trace = ("0" + READ + "100" + READ + "200 cmd " + TLBI_NH_ASID_1 +
             " TLBI_NH_ASID\n" + "300" + READ)
    log = tmp_path / "log"
    d = run_json("--trace", "-", "--log", str(log), stdin=trace)
    assert d["results"]["translations"] == 3
    assert d["results"]["commands"] == 1
    assert (d["model"]["tlb"]["misses"], d["model"]["tlb"]["hits"]) == (2, 1)
    lines = log.read_text().splitlines()
    assert lines[2] == ("200 cmd 0x0001000000000011 0x0000000000000000 "
                        "TLBI_NH_ASID")
    # The second read hits the micro-TLB; after the TLBI, nothing does.
    assert [l.split()[9] for l in lines if " cmd " not in l] == \
        ["utlb=miss", "utlb=hit", "utlb=miss"]
    # The log replays as a trace, with the same result.
    again = run_json("--trace", str(log))
    assert again["model"]["tlb"] == d["model"]["tlb"]


def test_asid_key_sets_every_streams_asid():
    # With asid=5 the same TLBI (ASID 1) touches nothing: one miss only.
    trace = ("0" + READ + "200 cmd " + TLBI_NH_ASID_1 + "\n" + "300" + READ)
    d = run_json("--trace", "-", "--set", "asid=5", stdin=trace)
    assert (d["model"]["tlb"]["misses"], d["model"]["tlb"]["hits"]) == (1, 1)
    d = run_json("--trace", "-", "--set", "asid=1", stdin=trace)
    assert (d["model"]["tlb"]["misses"], d["model"]["tlb"]["hits"]) == (2, 0)


def test_vmid_key_sets_every_streams_vmid():
    # Stage 2 with vmid=7: TLBI_S12_VMALL of VMID 7 empties the TLB, of
    # VMID 1 (what auto would give StreamID 0) does not.
    def misses(vmid):
        trace = ("0" + READ + "200 cmd 0x%016x 0x0\n" % (vmid << 32 | 0x28) +
                 "300" + READ)
        d = run_json("--trace", "-", "--set", "stage=2", "--set", "vmid=7",
                     stdin=trace)
        return d["model"]["tlb"]["misses"]
    assert misses(7) == 2
    assert misses(1) == 1


def test_refused_trace_command_names_line():
    r = run("--trace", "-", stdin="0" + READ + "5 cmd 0x7f 0x0\n",
            check=False)
    assert r.returncode != 0
    assert "<stdin>:2: CMD_UNKNOWN refused with CERROR 1" in r.stderr, \
        r.stderr


def test_malformed_trace_command_is_named():
    r = run("--trace", "-", stdin="0 cmd 0x11\n", check=False)
    assert r.returncode != 0
    assert "<stdin>:1: expected 'time cmd dw0 dw1', got 3 fields" in \
        r.stderr, r.stderr
    r = run("--trace", "-", stdin="0 cmd 0x11 zz\n", check=False)
    assert "<stdin>:1: dw1: 'zz' is not a number" in r.stderr, r.stderr
