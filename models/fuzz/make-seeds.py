#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write structured seed inputs for the harnesses of models/fuzz.

    models/fuzz/make-seeds.py OUTDIR

writes OUTDIR/fuzz-sm3/, OUTDIR/fuzz-walk/, OUTDIR/fuzz-sm3-tables/ and
OUTDIR/fuzz-sm2/.  Each seed is a valid starting configuration followed
by a program of operations that reaches deep states (TLB hits across
several VMIDs and ASIDs, stalls and their resumption, ATS and PRI, nested
walks of every granule, SMMUv2 TLB maintenance and ASID switches),
encoded exactly as the harness reads its input (fuzz-common.h: bytes from
the front, little-endian).  Deterministic: the same seeds on
every run.  The in-tree corpus (models/fuzz/corpus) is these seeds after
a campaign, minimised with libFuzzer's -merge=1 (scripts/fuzz merge).
"""
import os
import random
import struct
import sys


def u8(v):
    return struct.pack('<B', v & 0xff)


def u16(v):
    return struct.pack('<H', v & 0xffff)


def u32(v):
    return struct.pack('<I', v & 0xffffffff)


def u64(v):
    return struct.pack('<Q', v & 0xffffffffffffffff)


# ---- fuzz-sm3 (models/fuzz/fuzz-sm3.c) --------------------------------

OP_MMIO_W, OP_MMIO_R, OP_CMDS, OP_MEM, OP_XLATE, OP_ATS = 0, 3, 4, 7, 9, 16
OP_PRI, OP_SAVE, OP_RESET, OP_MISC = 18, 19, 20, 21

# Streams: type (bits 0-2), VMID slot (3-4), ASID slot (5-6), EATS (7)
T_INVALID, T_ABORT, T_BYPASS, T_S1, T_S2, T_NESTED, T_EL2 = range(7)

# reg_offsets[] indexes of fuzz-sm3.c
REG_CR0, REG_CR2, REG_GERRORN, REG_STRTAB_CFG = 8, 11, 18, 25
REG_CMDQ_PROD, REG_EVENTQ_CONS = 28, 33

# opcodes[] indexes of fuzz-sm3.c
CMD = {'cfgi_ste': 2, 'cfgi_all': 3, 'cfgi_cd': 4, 'tlbi_nh_all': 7,
       'tlbi_nh_asid': 8, 'tlbi_nh_va': 9, 'tlbi_el2_all': 13,
       'tlbi_el2_va': 15, 'tlbi_s12': 17, 'tlbi_s2_ipa': 18,
       'nsnh_all': 19, 'atc_inv': 20, 'pri_resp': 21, 'resume': 22,
       'stall_term': 23, 'sync': 24}


def sm3_header(rnd, oracle, stages, hyp=False, ats=False, pri=False,
               msi=False, stall=3, granules=1, oas=0, sid=2, ssid=2,
               batch=0, evtq=3, two_level=False, streams=None):
    b0 = oracle | (stages << 1) | (hyp << 3) | (ats << 4) | (pri << 5) | \
        (msi << 6) | (rnd.getrandbits(1) << 7)
    b1 = rnd.getrandbits(4) | (rnd.getrandbits(1) << 4) | \
        (two_level << 5) | (rnd.randrange(3) << 6)
    b2 = stall | (granules << 2) | (oas << 5)
    b3 = sid | (ssid << 3) | (batch << 6)
    b4 = rnd.randrange(4) | (rnd.randrange(4) << 2) | \
        (rnd.randrange(4) << 4) | (rnd.randrange(3) << 6)
    b5 = rnd.getrandbits(6) | (rnd.getrandbits(1) << 6) | 0x80
    q = rnd.randrange(8) | (evtq << 3) | (two_level << 6)
    m = rnd.getrandbits(8) | 0x20
    e = rnd.getrandbits(5)
    out = bytes([b0, b1, b2, b3, b4, b5, q, m, e]) + u32(rnd.getrandbits(32))
    for slot in range(3):
        out += u16(rnd.choice([1, 2, 3, 0x101, 0x7f, 5])) + \
            u8(rnd.getrandbits(8))
    for slot in range(4):
        out += u16(rnd.choice([1, 2, 0x21, 0x1234, 7, 0xff]))
    if streams is None:
        streams = [rnd.choice([T_S1, T_S2, T_NESTED, T_EL2, T_S1, T_BYPASS])
                   for _ in range(8)]
    for t in streams:
        b = t | (rnd.randrange(3) << 3) | (rnd.randrange(4) << 5) | \
            (rnd.getrandbits(1) << 7)
        # CDMax, 2-level CD, S1DSS (mostly SSID0), stall/record flags
        c = rnd.choice([0, 0, 1, 2]) | (rnd.getrandbits(1) << 2) | \
            (rnd.choice([2, 2, 1, 0]) << 3) | (rnd.getrandbits(1) << 5) | \
            (rnd.getrandbits(1) << 7)
        out += bytes([b, c & ~0x40])
    return out


def sm3_addr(rnd, window=None, page=None, gs=None):
    """pick_addr(): a window, a page and an offset."""
    w = rnd.choice([0, 3, 4, 7]) if window is None else window
    p = rnd.randrange(8) if page is None else page
    g = rnd.randrange(3) if gs is None else gs
    if (w | (p << 3)) & 0x1f >= 0x1e:
        p ^= 1                 # 0x1e, 0x1f select raw addresses
    return u8(w | (p << 3) | (g << 6)) + u8(rnd.getrandbits(8))


def sm3_xlate(rnd, stream, ats=False, write=False, ssid=None):
    b = stream | (rnd.randrange(8) << 4)
    c = (write << 1) | (rnd.getrandbits(1) << 5)
    if ssid is not None:
        c |= 1 | ((ssid & 3) << 1)
    return u8(OP_ATS if ats else OP_XLATE) + u8(b) + u8(c) + sm3_addr(rnd)


def sm3_cmd(rnd, name, process=True):
    b = 0x00 if process else 0x40
    # make_cmd(): opcode index, b (SID/VMID choice), c (fields)
    body = u8(CMD[name]) + u8(rnd.randrange(8)) + \
        u8(rnd.getrandbits(7) & ~0x04)
    if name in ('cfgi_all',):
        body += u8(31)
    elif name in ('atc_inv',):
        body += sm3_addr(rnd) + u8(rnd.randrange(8))
    elif name == 'pri_resp':
        body += u16(rnd.getrandbits(9))
    elif name == 'sync':
        body += u8(rnd.getrandbits(8))
    elif name in ('resume', 'stall_term'):
        pass                   # a held stall when there is one
    elif name.startswith('tlbi') or name == 'nsnh_all':
        body += sm3_addr(rnd)
    return u8(OP_CMDS) + u8(b) + body


def sm3_program(rnd, n, ats=False, pri=False, stalls=False):
    # A few hot (stream, address) pairs come back: TLB and walk-cache hits
    hot = [sm3_xlate(rnd, rnd.randrange(8),
                     ssid=rnd.choice([None, None, None, 1]))
           for _ in range(6)]
    out = b''
    for _ in range(n):
        r = rnd.random()
        if r < 0.3:
            out += rnd.choice(hot)
        elif r < 0.45:
            out += sm3_xlate(rnd, rnd.randrange(8), write=rnd.random() < 0.3,
                             ssid=rnd.choice([None, None, None, 1]))
        elif r < 0.6:
            out += sm3_cmd(rnd, rnd.choice(list(CMD)))
        elif r < 0.65 and ats:
            out += sm3_xlate(rnd, rnd.randrange(8), ats=True)
        elif r < 0.68 and pri:
            out += u8(OP_PRI) + u8(rnd.randrange(8)) + \
                u8(rnd.getrandbits(7)) + sm3_addr(rnd)
        elif r < 0.72 and stalls:
            out += u8(OP_MISC + 1) + u8(6 | (rnd.getrandbits(5) << 3)) + \
                u8(rnd.getrandbits(8))
        elif r < 0.76:
            out += u8(OP_SAVE) + u8(rnd.choice([0, 4, 2]))
        elif r < 0.79:
            out += u8(OP_MISC) + u8(rnd.choice([0, 1, 2, 5, 9]))
        elif r < 0.82:
            out += u8(OP_RESET) + u8(0)
        elif r < 0.88:
            reg = rnd.choice([REG_CR0, REG_CR2, REG_GERRORN,
                              REG_EVENTQ_CONS, REG_CMDQ_PROD])
            out += u8(OP_MMIO_W) + u8(0) + u8(reg) + \
                u8(3 | (rnd.getrandbits(6) << 2))
        elif r < 0.92:
            out += u8(OP_MMIO_R) + u8(rnd.getrandbits(1)) + \
                u8(rnd.randrange(60))
        else:
            out += u8(OP_MEM) + u8(rnd.choice([3, 4, 0, 1])) + \
                u16(rnd.getrandbits(16)) + u8(rnd.getrandbits(6))
    return out


def sm3_seeds():
    rnd = random.Random(0x5eed)
    seeds = []
    for i in range(48):
        oracle = i % 2
        stages = [0, 1, 2, 2][i % 4]
        gran = [1, 2, 4, 7, 3, 5][i % 6]
        stall = [3, 0, 1, 2][(i // 2) % 4] if not oracle else \
            rnd.choice([3, 1])
        ats = stall != 2 and i % 3 != 0
        pri = ats and i % 5 != 0
        hdr = sm3_header(rnd, oracle, stages, hyp=stages == 2 and i % 4 == 3,
                         ats=ats, pri=pri, msi=i % 2 == 1, stall=stall,
                         granules=gran, oas=rnd.choice([0, 0, 1, 3, 6]),
                         sid=rnd.choice([1, 2, 6]), ssid=rnd.choice([0, 2, 3]),
                         batch=rnd.randrange(4), evtq=rnd.choice([0, 1, 3]),
                         two_level=i % 3 == 2)
        prog = sm3_program(rnd, 40 + rnd.randrange(40), ats=ats, pri=pri,
                           stalls=stall != 1)
        seeds.append(hdr + prog)
    return seeds


# ---- fuzz-walk (models/fuzz/fuzz-walk.c) ------------------------------

GRAN = {'4k': 0, '16k': 1, '64k': 2}
IAS = [48, 39, 40, 32, 47, 42, 36, 52]
OAS = [32, 36, 40, 42, 44, 48, 52, 48]


def walk_stage(enabled, gran, ia, oas, sl0=0, ttb=0, upper=False, be=False,
               affd=False, ha=False, hd=False, hpd=False, single=False):
    a = enabled | (upper << 1) | (be << 2) | (affd << 3) | (ha << 4) | \
        (hd << 5) | (GRAN[gran] << 6)
    b = IAS.index(ia) | (sl0 << 3)
    c = OAS.index(oas) | (hpd << 3) | (single << 4)
    return bytes([a, b, c]) + u32(ttb)


def walk_seeds():
    rnd = random.Random(0x3a1c)
    # (granule, ia, sl0) usable at stage 2
    s2 = [('4k', 40, 1), ('4k', 39, 1), ('4k', 48, 2), ('16k', 36, 1),
          ('16k', 40, 2), ('64k', 42, 1), ('64k', 48, 1), ('64k', 32, 1)]
    s1 = [('4k', 48), ('4k', 39), ('16k', 47), ('16k', 36), ('64k', 48),
          ('64k', 42), ('4k', 32), ('64k', 52)]
    seeds = []
    for i in range(40):
        kind = i % 3           # 0: stage 1, 1: stage 2, 2: nested
        g1, ia1 = s1[i % len(s1)]
        g2, ia2, sl0 = s2[i % len(s2)]
        oas = 52 if (g1 == '64k' and ia1 == 52) or i % 7 == 0 else 48
        hdr = walk_stage(kind != 1, g1, ia1 if ia1 != 52 else 48,
                         oas if g1 == '64k' else 48,
                         ttb=0x1000 * rnd.randrange(64),
                         upper=kind == 0 and i % 4 == 0, be=i % 5 == 0,
                         affd=i % 6 == 0, ha=i % 4 == 1, hd=i % 8 == 1,
                         hpd=i % 9 == 0, single=i % 10 == 3)
        hdr += walk_stage(kind != 0, g2, ia2, 48, sl0=sl0,
                          ttb=0x40000 + 0x10000 * rnd.randrange(8),
                          be=i % 7 == 3, ha=i % 5 == 2, hd=i % 10 == 2)
        hdr += u8(i % 11 == 0)
        prog = b''
        for _ in range(6 + rnd.randrange(10)):
            r = rnd.random()
            if r < 0.55:
                # map: b (levels, access), attrs 1, attrs 2, addresses
                prog += u8(2) + u8(rnd.getrandbits(8)) + \
                    u8(rnd.getrandbits(8) & ~0x10) + \
                    u8(rnd.getrandbits(8) & ~0x10 | 0x03)
                # stage 1: input, output; stage 2: (input,) output
                n = {0: 2, 1: 2, 2: 3}[kind]
                for _ in range(n):
                    prog += u64(rnd.getrandbits(64))
                prog += u16(rnd.getrandbits(16))
            elif r < 0.85:
                prog += u8(5) + u8(0x40 | rnd.getrandbits(3)) + \
                    u32(rnd.getrandbits(32))
            elif r < 0.95:
                prog += u8(0) + u8(2) + u32(rnd.getrandbits(20)) + \
                    u32(rnd.getrandbits(20))
            else:
                prog += u8(8) + u8(5) + u32(rnd.getrandbits(20)) + u8(4)
        seeds.append(hdr + prog)
    return seeds


# ---- fuzz-sm3-tables (models/fuzz/fuzz-sm3-tables.c) -----------------

def tables_seeds():
    rnd = random.Random(0x7ab1)
    seeds = []
    for i in range(24):
        hdr = bytes([rnd.getrandbits(8) | 2, rnd.getrandbits(8),
                     rnd.getrandbits(8), rnd.randrange(33)])
        prog = b''
        for _ in range(12):
            op = rnd.choice([0, 0, 2, 2, 4, 5])
            prog += u8(op) + u8(rnd.getrandbits(8) & ~3)
            prog += bytes(rnd.getrandbits(8) for _ in range(40))
        seeds.append(hdr + prog)
    return seeds


# ---- fuzz-sm2 (models/fuzz/fuzz-sm2.c) --------------------------------

# op byte % 20
SM2_MMIO_W, SM2_MMIO_R, SM2_ODD, SM2_MEM, SM2_XLATE = 0, 3, 4, 5, 7
SM2_TLBI, SM2_SWITCH, SM2_STREAM, SM2_FAULTS, SM2_SAVE = 12, 14, 15, 16, 17
SM2_RESET, SM2_MISC = 18, 19
# regs[] indexes of fuzz-sm2.c
SM2_REG = {'scr0': 0, 'sgfsr': 11, 'smr': 21, 's2cr': 22, 'cbar': 23,
           'sctlr': 26, 'tcr2': 29, 'ttbr0': 30, 'tcr': 32, 'fsr': 37}
# contexts: kind bits of the first context byte
SM2_S1, SM2_S2, SM2_NESTED = 0, 1, 2


def sm2_header(rnd, oracle, stages=0, nested=False, exids=False,
               vmid16=False, page64k=False, smrg=3, cb=4, s2cb=2,
               gran=7, ctxs=None, scr=0, timing=None):
    """choose_features(), then setup(): 6 + 5 + 4 + 24 bytes, streams."""
    numcb = [1, 2, 4, 8, 16, 6, 128, 3][cb]
    ndx = 0
    while numcb > 2 << ndx:
        ndx += 1
    b0 = oracle | (stages << 1) | (nested << 3) | \
        (rnd.getrandbits(1) << 4) | (exids << 5) | (vmid16 << 6) | \
        (page64k << 7)
    b1 = smrg | (cb << 3) | (s2cb << 6)
    sidb = rnd.choice([6, 8, 15, 15]) - 1
    if exids and rnd.random() < 0.5:
        sidb = 15
    b2 = sidb | (min(7, ndx + rnd.randrange(2)) << 4)
    b3 = rnd.choice([0, 2, 5]) | (rnd.choice([0, 0, 1, 2, 4]) << 3)
    b4 = rnd.choice([0, 2]) | (gran << 3) | (rnd.randrange(3) << 6)
    # TLB geometry; bit 3 keeps NUMSIDB 16 (low nibble 15 of b2) valid
    b5 = rnd.choice([0, 0, 2, 3, 4, 5]) | 0x08
    if ctxs is None:
        ctxs = [rnd.choice([SM2_S1, SM2_S2, SM2_NESTED]) for _ in range(6)]
    h0 = (len(ctxs) - 1) % 6
    if timing is not None:
        h0 |= 8 | (timing << 4)     # the cached instance timed: a preset
    out = bytes([b0, b1, b2, b3, b4, b5])
    out += bytes([h0, rnd.getrandbits(8), rnd.getrandbits(8),
                  rnd.getrandbits(8), scr])
    out += u32(rnd.getrandbits(32))
    for i in range(6):
        kind = ctxs[i] if i < len(ctxs) else SM2_S1
        c0 = kind | (rnd.getrandbits(1) << 2) | \
            ((rnd.random() < 0.2) << 3) | (rnd.getrandbits(1) << 4) | \
            (rnd.randrange(3) << 5) | ((rnd.random() < 0.3) << 7)
        c3 = rnd.getrandbits(8)
        out += bytes([c0, rnd.getrandbits(8), rnd.getrandbits(8), c3])
    nst = min(8, [1, 2, 4, 8, 16, 48, 128][smrg])
    for g in range(nst):
        t = rnd.choice([0, 0, 0, 1, 2, 3]) if g else 0
        s0 = (g % len(ctxs)) | (t << 3) | (rnd.choice([0, 0, 0, 2]) << 5)
        out += bytes([s0, rnd.getrandbits(8)])
    return out


def sm2_xlate(rnd, stream, write=False, mode=None, page=None):
    if mode is None:
        mode = rnd.choice([0, 0, 0, 0, 3, 12, 13, 16, 19, 22])
    c = write | ((rnd.random() < 0.2) << 1) | (rnd.getrandbits(1) << 2) | \
        (mode << 3)
    k = rnd.randrange(8) if page is None else page
    return u8(SM2_XLATE) + u8(stream) + u8(c) + u8(k) + \
        u16(rnd.getrandbits(16))


def sm2_tlbi(rnd, which=None):
    """op_tlbi(): b (register), a (ASID slot, address), bank, address."""
    if which is None:
        which = rnd.choice([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 11])
    b = which | (rnd.getrandbits(1) << 3) | (rnd.choice([0, 0, 1]) << 7)
    a = rnd.randrange(3) | (rnd.choice([0, 12]) << 3) | 0x80
    return u8(SM2_TLBI) + u8(b) + u8(a) + u8(rnd.randrange(6)) + \
        u8(rnd.randrange(8)) + u16(rnd.getrandbits(16))


def sm2_scenario(rnd, nst, ctxs):
    """A driver's change: the page cached, its leaf edited (with an
    invalidation, or none), the page translated again; or an ASID
    switch and back between translations."""
    nctx = len(ctxs)
    nested = [g for g in range(nst) if ctxs[g % nctx] == SM2_NESTED]
    g = rnd.randrange(nst)
    if nested and rnd.random() < 0.3:
        g = rnd.choice(nested)
    ctx = g % nctx
    w, mode = rnd.choice([(0, 0), (0, 0), (1, 12), (2, 16)])
    k = rnd.randrange(8) if w == 0 else rnd.randrange(4) if w == 1 else 0
    slot = rnd.randrange(3)
    xl = u8(SM2_XLATE) + u8(g) + u8(rnd.choice([0, 1, 4, 5]) | mode << 3) + \
        u8(k) + u16(0)
    if ctxs[ctx] == SM2_NESTED and rnd.random() < 0.5:
        # stage 2 under a nested context: its IPA blocks (context 0)
        b = 3 | (rnd.choice([2, 2, 3, 1]) << 2)
        how = rnd.choice([0, 1, 2, 3, 5, 5])
        inv = rnd.choice([0, 1, 5, 2, 3, 9])
        edit = u8(SM2_MEM) + u8(0) + u8(b) + \
            u8(how | rnd.getrandbits(5) << 3) + u8(inv) + u8(0)
        return xl + xl + edit + xl + xl
    if rnd.random() < 0.25:
        sw = u8(SM2_SWITCH) + u8(rnd.randrange(3)) + u8(ctx)
        back = u8(SM2_SWITCH) + u8(slot) + u8(ctx)
        return xl + xl + sw + xl + back + xl
    b = w | (k << 2) | (slot << 5)
    how = rnd.choice([0, 1, 2, 3, 4, 5, 5, 6])
    inv = rnd.choice([0, 1, 1, 5, 0x11, 0x15, 2, 3, 7, 9])
    edit = u8(SM2_MEM) + u8(0) + u8(b) + u8(how | rnd.getrandbits(5) << 3) + \
        u8(inv) + u8(ctx)
    return xl + xl + edit + xl + xl


def sm2_program(rnd, n, nst, ctxs):
    hot = [sm2_xlate(rnd, rnd.randrange(nst)) for _ in range(6)]
    out = b''
    for _ in range(n):
        r = rnd.random()
        if r < 0.12:
            out += sm2_scenario(rnd, nst, ctxs)
        elif r < 0.3:
            out += rnd.choice(hot)
        elif r < 0.45:
            out += sm2_xlate(rnd, rnd.randrange(nst),
                             write=rnd.random() < 0.3)
        elif r < 0.55:
            out += sm2_tlbi(rnd)
        elif r < 0.63:
            # a driver's leaf edit: mode, leaf, how, context
            out += u8(SM2_MEM) + u8(0) + u8(rnd.getrandbits(8)) + \
                u8(rnd.getrandbits(8)) + \
                u8(rnd.choice([1, 1, 0x11, 2, 3, 5, 9, 0])) + \
                u8(rnd.randrange(6))
        elif r < 0.68:
            out += u8(SM2_SWITCH) + u8(rnd.getrandbits(3)) + \
                u8(rnd.randrange(6))
        elif r < 0.72:
            out += u8(SM2_STREAM) + u8(rnd.getrandbits(8)) + \
                u8(rnd.getrandbits(8))
        elif r < 0.77:
            out += u8(SM2_FAULTS) + u8(rnd.randrange(6)) + \
                u8(rnd.getrandbits(8)) + u8(rnd.randrange(6))
        elif r < 0.81:
            out += u8(SM2_SAVE) + u8(rnd.choice([0, 1, 2, 4, 0]))
        elif r < 0.83:
            out += u8(SM2_RESET) + u8(1)
        elif r < 0.90:
            reg = rnd.choice(list(SM2_REG.values()))
            out += u8(SM2_MMIO_W) + u8(rnd.choice([0, 0, 2, 0x80])) + \
                u8(rnd.randrange(6)) + u8(reg) + \
                u8(rnd.choice([4, 5, 6, 7, 0x0d, 0x85]))
        elif r < 0.95:
            out += u8(SM2_MMIO_R) + u8(rnd.getrandbits(1)) + \
                u8(rnd.getrandbits(8)) + u8(rnd.randrange(53))
        else:
            out += u8(SM2_ODD) + u8(rnd.getrandbits(8)) + \
                u8(rnd.getrandbits(8)) + u8(rnd.randrange(6)) + \
                u64(rnd.getrandbits(64)) + u32(rnd.getrandbits(32))
    return out


def sm2_seeds():
    rnd = random.Random(0x5312)
    seeds = []
    layouts = [
        # (stages, nested, smrg, cb, s2cb, contexts)
        (0, True, 3, 4, 2, [SM2_S2, SM2_NESTED, SM2_S1, SM2_S1]),
        (0, True, 3, 4, 1, [SM2_S2, SM2_NESTED, SM2_NESTED]),
        (1, False, 3, 3, 0, [SM2_S1, SM2_S1, SM2_S1]),
        (2, False, 2, 2, 3, [SM2_S2, SM2_S2]),
        (0, False, 4, 5, 0, [SM2_S1, SM2_S2, SM2_S1, SM2_S2, SM2_S1]),
        (0, True, 3, 4, 2, [SM2_S2, SM2_S1, SM2_NESTED, SM2_S2, SM2_S1,
                            SM2_NESTED]),
    ]
    for i in range(36):
        st, nested, smrg, cb, s2cb, ctxs = layouts[i % len(layouts)]
        gran = [7, 1, 2, 4, 3, 6][(i // 2) % 6]
        hdr = sm2_header(rnd, oracle=i % 3 != 2, stages=st, nested=nested,
                         exids=i % 5 == 1, vmid16=i % 4 == 1,
                         page64k=i % 7 == 3, smrg=smrg, cb=cb, s2cb=s2cb,
                         gran=gran, ctxs=ctxs,
                         scr=rnd.getrandbits(6) | (0x40 if i % 4 == 1
                                                   else 0),
                         timing=[None, 0, None, 1, None, 2, 3][i % 7])
        nst = min(8, [1, 2, 4, 8, 16, 48, 128][smrg])
        seeds.append(hdr + sm2_program(rnd, 40 + rnd.randrange(60), nst,
                                       ctxs))
    return seeds


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for name, seeds in (('fuzz-sm3', sm3_seeds()),
                        ('fuzz-walk', walk_seeds()),
                        ('fuzz-sm3-tables', tables_seeds()),
                        ('fuzz-sm2', sm2_seeds())):
        d = os.path.join(sys.argv[1], name)
        os.makedirs(d, exist_ok=True)
        for i, s in enumerate(seeds):
            with open(os.path.join(d, 'seed-%02d' % i), 'wb') as f:
                f.write(s)


if __name__ == '__main__':
    main()
