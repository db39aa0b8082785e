/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of sm3-event.c: golden event records (raw dwords written
 * from the spec's tables, independent of the masks the model uses),
 * global errors, wired interrupts and MSIs of every source.
 */
#include <string.h>

#include "sm3-bench.h"
#include "sm3-internal.h"

/*
 * Event numbers and names of IHI 0070 "Event records"; the
 * translation-class faults (F_TRANSLATION, F_ADDR_SIZE, F_ACCESS,
 * F_PERMISSION: may stall, recorded per CD.R / STE.S2R) are 0x10 to 0x13.
 */
static void test_event_table(void)
{
    static const struct {
        unsigned id;
        const char *name;
        bool stallable;
    } rows[] = {
        { 0x01, "F_UUT", false }, { 0x02, "C_BAD_STREAMID", false },
        { 0x03, "F_STE_FETCH", false }, { 0x04, "C_BAD_STE", false },
        { 0x05, "F_BAD_ATS_TREQ", false },
        { 0x06, "F_STREAM_DISABLED", false },
        { 0x07, "F_TRANSL_FORBIDDEN", false },
        { 0x08, "C_BAD_SUBSTREAMID", false }, { 0x09, "F_CD_FETCH", false },
        { 0x0a, "C_BAD_CD", false }, { 0x0b, "F_WALK_EABT", false },
        { 0x10, "F_TRANSLATION", true }, { 0x11, "F_ADDR_SIZE", true },
        { 0x12, "F_ACCESS", true }, { 0x13, "F_PERMISSION", true },
        { 0x20, "F_TLB_CONFLICT", false }, { 0x21, "F_CFG_CONFLICT", false },
        { 0x24, "E_PAGE_REQUEST", false }, { 0x25, "F_VMS_FETCH", false },
        { 0x0c, "EVT_UNKNOWN", false }, { 0xff, "EVT_UNKNOWN", false },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(rows); i++) {
        g_assert_cmpstr(sm3_event_name(rows[i].id), ==, rows[i].name);
        g_assert_cmpint(sm3_event_stallable(rows[i].id), ==,
                        rows[i].stallable);
    }
    g_assert_false(sm3_event_stallable(0x1000));
}

static void test_golden_translation(void)
{
    Sm3Event ev = {
        .id = SM3_EVT_F_TRANSLATION, .sid = 0x12345678, .ssid = 0xabcde,
        .ssv = true, .stall = true, .stag = 0x1234, .pnu = true,
        .ind = true, .rnw = true, .s2 = true, .class = SM3_CLASS_TT,
        .input_addr = UINT64_C(0xdeadbeef12345678),
        .ipa = UINT64_C(0x123456789abc),
    };
    uint64_t rec[4];

    sm3_event_encode(&ev, rec);
    g_assert_cmphex(rec[0], ==, UINT64_C(0x12345678abcde810));
    g_assert_cmphex(rec[1], ==, UINT64_C(0x0000018e80001234));
    g_assert_cmphex(rec[2], ==, UINT64_C(0xdeadbeef12345678));
    g_assert_cmphex(rec[3], ==, UINT64_C(0x0000123456789000));
    /* A stage-1 fault carries no IPA. */
    ev.s2 = false;
    sm3_event_encode(&ev, rec);
    g_assert_cmphex(rec[3], ==, 0);
}

static void test_golden_permission(void)
{
    Sm3Event ev = {
        .id = SM3_EVT_F_PERMISSION, .sid = 3, .class = SM3_CLASS_IN,
        .input_addr = 0x1000, .ttrnw = true,
    };
    uint64_t rec[4];

    sm3_event_encode(&ev, rec);
    g_assert_cmphex(rec[0], ==, UINT64_C(0x0000000300000013));
    g_assert_cmphex(rec[1], ==, UINT64_C(0x0000120000000000));
    g_assert_cmphex(rec[2], ==, 0x1000);
}

/* Configuration events carry StreamID and SubstreamID only. */
static void test_golden_config(void)
{
    static const uint8_t ids[] = {
        SM3_EVT_C_BAD_STREAMID, SM3_EVT_C_BAD_STE, SM3_EVT_F_STREAM_DISABLED,
        SM3_EVT_C_BAD_SUBSTREAMID, SM3_EVT_C_BAD_CD,
    };
    Sm3Event ev = {
        .sid = 0x42, .ssid = 7, .ssv = true, .stall = true, .stag = 9,
        .pnu = true, .rnw = true, .s2 = true, .class = 2,
        .input_addr = 0x5000, .ipa = 0x6000, .fetch_addr = 0x7000,
    };
    uint64_t rec[4];
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(ids); i++) {
        ev.id = ids[i];
        sm3_event_encode(&ev, rec);
        g_assert_cmphex(rec[0], ==, UINT64_C(0x0000004200007800) | ids[i]);
        g_assert_cmphex(rec[1], ==, 0);
        g_assert_cmphex(rec[2], ==, 0);
        g_assert_cmphex(rec[3], ==, 0);
    }
}

static void test_golden_fetch(void)
{
    Sm3Event ev = {
        .id = SM3_EVT_F_STE_FETCH, .sid = 1,
        .fetch_addr = UINT64_C(0xfff0123456789abf),
    };
    uint64_t rec[4];

    sm3_event_encode(&ev, rec);
    g_assert_cmphex(rec[0], ==, UINT64_C(0x0000000100000003));
    g_assert_cmphex(rec[3], ==, UINT64_C(0x0000123456789ab8));
    ev.id = SM3_EVT_F_CD_FETCH;
    sm3_event_encode(&ev, rec);
    g_assert_cmphex(rec[3], ==, UINT64_C(0x0000123456789ab8));
    /* F_WALK_EABT: fetch address and the access fields. */
    ev.id = SM3_EVT_F_WALK_EABT;
    ev.class = SM3_CLASS_TT;
    ev.rnw = true;
    ev.input_addr = 0x8000;
    sm3_event_encode(&ev, rec);
    g_assert_cmphex(rec[1], ==, UINT64_C(0x0000010800000000));
    g_assert_cmphex(rec[2], ==, 0x8000);
    g_assert_cmphex(rec[3], ==, UINT64_C(0x0000123456789ab8));
}

/* F_TRANSL_FORBIDDEN: InputAddr and RnW; F_UUT/F_BAD_ATS_TREQ: + PnU, InD */
static void test_golden_access_events(void)
{
    Sm3Event ev = {
        .id = SM3_EVT_F_TRANSL_FORBIDDEN, .sid = 2, .pnu = true,
        .ind = true, .rnw = true, .input_addr = 0x9000,
    };
    uint64_t rec[4];

    sm3_event_encode(&ev, rec);
    g_assert_cmphex(rec[1], ==, UINT64_C(0x0000000800000000));
    g_assert_cmphex(rec[2], ==, 0x9000);
    ev.id = SM3_EVT_F_UUT;
    sm3_event_encode(&ev, rec);
    g_assert_cmphex(rec[1], ==, UINT64_C(0x0000000e00000000));
    ev.id = SM3_EVT_F_BAD_ATS_TREQ;
    sm3_event_encode(&ev, rec);
    g_assert_cmphex(rec[1], ==, UINT64_C(0x0000000e00000000));
    g_assert_cmphex(rec[2], ==, 0x9000);
}

static void test_event_names(void)
{
    g_assert_cmpstr(sm3_event_name(SM3_EVT_F_TRANSLATION), ==,
                    "F_TRANSLATION");
    g_assert_cmpstr(sm3_event_name(SM3_EVT_C_BAD_STE), ==, "C_BAD_STE");
    g_assert_cmpstr(sm3_event_name(0x77), ==, "EVT_UNKNOWN");
    g_assert_cmpstr(sm3_event_name(1000), ==, "EVT_UNKNOWN");
}

static void raise_event(Sm3Bench *b)
{
    Sm3Xlate r = sm3b_xlate(b, 0x100, 0, false);

    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_C_BAD_STREAMID);
}

static void test_eventq_irq(void)
{
    Sm3Bench *b = sm3b_new(NULL);

    sm3b_setup(b, 4, 4, 4);
    raise_event(b);
    g_assert_cmpuint(b->irq_pulses[SM3_IRQ_EVENTQ], ==, 0);
    sm3b_wr(b, SM3_IRQ_CTRL, SM3_IRQ_CTRL_EVENTQ_IRQEN);
    raise_event(b);
    raise_event(b);
    g_assert_cmpuint(b->irq_pulses[SM3_IRQ_EVENTQ], ==, 2);
    g_assert_cmpuint(b->msis->len, ==, 0);
    sm3b_free(b);
}

static void test_eventq_msi(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t doorbell;
    Sm3bMsi *m;

    sm3b_setup(b, 4, 4, 4);
    doorbell = sm3b_alloc(b, 4, 4);
    sm3b_wr64(b, SM3_EVENTQ_IRQ_CFG0, doorbell);
    sm3b_wr(b, SM3_EVENTQ_IRQ_CFG1, 0x1234);
    sm3b_wr(b, SM3_IRQ_CTRL, SM3_IRQ_CTRL_EVENTQ_IRQEN);
    raise_event(b);
    g_assert_cmpuint(b->msis->len, ==, 1);
    m = &g_array_index(b->msis, Sm3bMsi, 0);
    g_assert_cmphex(m->addr, ==, doorbell);
    g_assert_cmphex(m->data, ==, 0x1234);
    g_assert_cmpuint(b->irq_pulses[SM3_IRQ_EVENTQ], ==, 0);
    b->msi_fail = true;
    raise_event(b);
    g_assert_true(sm3b_rd(b, SM3_GERROR) & SM3_GERROR_MSI_EVENTQ_ABT_ERR);
    g_assert_cmpuint(sm3b_event_count(b), ==, 2);  /* records still land */
    sm3b_free(b);
}

static void test_gerror_msi(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    Sm3bMsi *m;

    sm3b_setup(b, 4, 4, 4);
    sm3b_wr64(b, SM3_GERROR_IRQ_CFG0, 0x3000);
    sm3b_wr(b, SM3_GERROR_IRQ_CFG1, 0x77);
    sm3b_wr(b, SM3_IRQ_CTRL, SM3_IRQ_CTRL_GERROR_IRQEN);
    sm3b_cmd(b, 0xee, 0);
    g_assert_cmpuint(b->msis->len, ==, 1);
    m = &g_array_index(b->msis, Sm3bMsi, 0);
    g_assert_cmphex(m->addr, ==, 0x3000);
    g_assert_cmphex(m->data, ==, 0x77);
    g_assert_cmpuint(b->irq_pulses[SM3_IRQ_GERROR], ==, 0);
    /* The GERROR MSI itself fails: MSI_GERROR_ABT_ERR, nothing more. */
    sm3b_w64(b, b->cmdq_base, SM3_CMD_SYNC);
    sm3b_wr(b, SM3_GERRORN, sm3b_rd(b, SM3_GERROR));
    g_assert_cmpuint(b->msis->len, ==, 1);
    b->msi_fail = true;
    sm3b_cmd(b, 0xee, 0);
    g_assert_true(sm3b_rd(b, SM3_GERROR) & SM3_GERROR_MSI_GERROR_ABT_ERR);
    g_assert_true(sm3_gerror_active(b->s, SM3_GERROR_MSI_GERROR_ABT_ERR));
    g_assert_true(sm3_gerror_active(b->s, SM3_GERROR_CMDQ_ERR));
    sm3b_free(b);
}

static void test_priq_msi(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    Sm3PageRequest pr = { .sid = 1, .addr = 0x5000, .read = true };
    uint64_t base = sm3b_alloc(b, 64, 64);

    sm3b_setup(b, 4, 4, 4);
    sm3b_wr64(b, SM3_PRIQ_BASE, base | 2);
    sm3b_wr64(b, SM3_PRIQ_IRQ_CFG0, 0x3100);
    sm3b_wr(b, SM3_PRIQ_IRQ_CFG1, 0x88);
    sm3b_enable(b, sm3b_rd(b, SM3_CR0) | SM3_CR0_PRIQEN);
    sm3b_wr(b, SM3_IRQ_CTRL, SM3_IRQ_CTRL_PRIQ_IRQEN);
    g_assert_true(sm3_page_request(b->s, &pr));
    g_assert_cmpuint(b->msis->len, ==, 1);
    g_assert_cmphex(g_array_index(b->msis, Sm3bMsi, 0).data, ==, 0x88);
    b->msi_fail = true;
    g_assert_true(sm3_page_request(b->s, &pr));
    g_assert_true(sm3b_rd(b, SM3_GERROR) & SM3_GERROR_MSI_PRIQ_ABT_ERR);
    sm3b_free(b);
}

/*
 * PRI queue record (IHI 0070 "Page request queue"; Linux's PRIQ_*):
 * dword 0 StreamID [31:0], SubstreamID [51:32], Priv 58, Exec 59, Read 60,
 * Write 61, Last 62, SSV 63; dword 1 PRG index [8:0], page address
 * [63:12].  Literal values, not the model's field macros.
 */
static void test_pri_record_golden(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    Sm3PageRequest pr = { .sid = 0x1234, .ssid = 0xabcde, .ssv = true,
                          .addr = 0x76543000, .grpid = 0x1a5, .last = true,
                          .read = true, .write = true, .priv = true };
    uint64_t base = sm3b_alloc(b, 64, 64);

    sm3b_setup(b, 4, 4, 4);
    sm3b_wr64(b, SM3_PRIQ_BASE, base | 2);
    sm3b_enable(b, sm3b_rd(b, SM3_CR0) | SM3_CR0_PRIQEN);
    g_assert_true(sm3_page_request(b->s, &pr));
    g_assert_cmphex(sm3b_r64(b, base), ==, UINT64_C(0xf40abcde00001234));
    g_assert_cmphex(sm3b_r64(b, base + 8), ==, UINT64_C(0x76543000) | 0x1a5);
    /* An unprivileged exec request without PASID and not last */
    pr = (Sm3PageRequest){ .sid = 7, .addr = 0x9000, .grpid = 3,
                           .exec = true };
    g_assert_true(sm3_page_request(b->s, &pr));
    g_assert_cmphex(sm3b_r64(b, base + 16), ==, UINT64_C(0x0800000000000007));
    g_assert_cmphex(sm3b_r64(b, base + 24), ==, UINT64_C(0x9003));
    sm3b_free(b);
}

/* Without IDR0.MSI the configuration is RAZ/WI and wired lines are used */
static void test_no_msi_wired(void)
{
    Sm3Features f = sm3b_all_features();
    Sm3Bench *b;

    f.msi = false;
    b = sm3b_new(&f);
    sm3b_setup(b, 4, 4, 4);
    sm3b_wr64(b, SM3_GERROR_IRQ_CFG0, 0x3000);
    sm3b_wr64(b, SM3_EVENTQ_IRQ_CFG0, 0x3000);
    sm3b_wr(b, SM3_IRQ_CTRL, SM3_IRQ_CTRL_GERROR_IRQEN |
            SM3_IRQ_CTRL_EVENTQ_IRQEN);
    raise_event(b);
    sm3b_cmd(b, 0xee, 0);
    g_assert_cmpuint(b->msis->len, ==, 0);
    g_assert_cmpuint(b->irq_pulses[SM3_IRQ_EVENTQ], ==, 1);
    g_assert_cmpuint(b->irq_pulses[SM3_IRQ_GERROR], ==, 1);
    sm3b_free(b);
}

/* An error already active is not raised (nor signalled) again. */
static void test_gerror_handshake(void)
{
    Sm3Bench *b = sm3b_new(NULL);

    sm3b_wr(b, SM3_IRQ_CTRL, SM3_IRQ_CTRL_GERROR_IRQEN);
    g_assert_false(sm3_gerror_active(b->s, SM3_GERROR_SFM_ERR));
    sm3_gerror_raise(b->s, SM3_GERROR_SFM_ERR);
    g_assert_true(sm3_gerror_active(b->s, SM3_GERROR_SFM_ERR));
    sm3_gerror_raise(b->s, SM3_GERROR_SFM_ERR);
    g_assert_cmphex(sm3b_rd(b, SM3_GERROR), ==, SM3_GERROR_SFM_ERR);
    g_assert_cmpuint(b->irq_pulses[SM3_IRQ_GERROR], ==, 1);
    sm3b_wr(b, SM3_GERRORN, SM3_GERROR_SFM_ERR);
    g_assert_false(sm3_gerror_active(b->s, SM3_GERROR_SFM_ERR));
    sm3_gerror_raise(b->s, SM3_GERROR_SFM_ERR);
    g_assert_cmphex(sm3b_rd(b, SM3_GERROR), ==, 0);
    g_assert_true(sm3_gerror_active(b->s, SM3_GERROR_SFM_ERR));
    g_assert_cmpuint(b->irq_pulses[SM3_IRQ_GERROR], ==, 2);
    /* GERRORN only holds architected bits. */
    sm3b_wr(b, SM3_GERRORN, 0xffffffff);
    g_assert_cmphex(sm3b_rd(b, SM3_GERRORN), ==, SM3_GERROR_ALL);
    sm3b_free(b);
}

/* ---- every event type, as written to the event queue ------------------- */

/*
 * Raw record layout from IHI 0070 "Event records", written here as plain
 * bit positions so that a wrong field mask in the model cannot hide.
 */
#define RAW0(id, sid)       ((uint64_t)(id) | ((uint64_t)(sid) << 32))
#define RAW0_SSID(ssid)     (SM_BIT(11) | ((uint64_t)(ssid) << 12))
#define RAW1_PNU            SM_BIT(33)
#define RAW1_IND            SM_BIT(34)
#define RAW1_RNW            SM_BIT(35)
#define RAW1_S2             SM_BIT(39)
#define RAW1_CLASS(c)       ((uint64_t)(c) << 40)

#define RSID    1                       /* stage-1 stream, 4 CDs */
#define RVA     UINT64_C(0x40000000)
#define RPA     UINT64_C(0x00800000)

typedef struct RawEnv {
    Sm3Bench *b;
    uint64_t cdtab;
    uint64_t root;
} RawEnv;

typedef struct RawCase {
    const char *path;
    uint8_t id;              /* the architected event number */
    /* Provoke the event; fill the exact record expected. */
    void (*provoke)(RawEnv *e, uint64_t want[4]);
} RawCase;

static Sm3Xlate raw_xlate(RawEnv *e, uint32_t sid, bool ssv, uint32_t ssid,
                          uint64_t iova)
{
    Sm3Request r = { .sid = sid, .ssv = ssv, .ssid = ssid, .iova = iova,
                     .size = 4 };

    return sm3_translate(e->b->s, &r);
}

static void raw_f_uut(RawEnv *e, uint64_t want[4])
{
    Sm3Request r = { .sid = RSID, .ssv = true, .ssid = 3, .iova = 0x1234,
                     .write = true, .instr = true };

    sm3_translate(e->b->s, &r);
    /* The incoming attributes: a write (RnW 0), instruction, unpriv. */
    want[0] = RAW0(0x01, RSID) | RAW0_SSID(3);
    want[1] = RAW1_IND;
    want[2] = 0x1234;
}

static void raw_c_bad_streamid(RawEnv *e, uint64_t want[4])
{
    raw_xlate(e, 100, true, 2, RVA);       /* 16 STEs */
    want[0] = RAW0(0x02, 100) | RAW0_SSID(2);
}

static void raw_f_ste_fetch(RawEnv *e, uint64_t want[4])
{
    uint64_t ste = sm3b_ste_addr(e->b, 2);

    e->b->tm->err_lo = ste;
    e->b->tm->err_hi = ste + 64;
    raw_xlate(e, 2, false, 0, RVA);
    want[0] = RAW0(0x03, 2);
    want[3] = ste;
}

static void raw_c_bad_ste(RawEnv *e, uint64_t want[4])
{
    uint64_t pa = sm3b_ste_addr(e->b, 3);

    sm3b_ste_s2(e->b, 3, 1, sm3b_pt_new(e->b), 0);
    /* S2TG = 0b11 is reserved. */
    sm3b_w64(e->b, pa + 16, sm3b_r64(e->b, pa + 16) | SM_MASK(47, 46));
    raw_xlate(e, 3, false, 0, RVA);
    want[0] = RAW0(0x04, 3);
}

static void raw_f_bad_ats_treq(RawEnv *e, uint64_t want[4])
{
    Sm3Request r = { .sid = RSID, .iova = 0x5000, .priv = true };

    sm3_ats_translate(e->b->s, &r);        /* STE.EATS = 0 */
    want[0] = RAW0(0x05, RSID);
    want[1] = RAW1_PNU | RAW1_RNW;         /* a privileged read request */
    want[2] = 0x5000;
}

static void raw_f_stream_disabled(RawEnv *e, uint64_t want[4])
{
    raw_xlate(e, RSID, false, 0, RVA);     /* CDMAX > 0, S1DSS = 0 */
    want[0] = RAW0(0x06, RSID);
}

static void raw_f_transl_forbidden(RawEnv *e, uint64_t want[4])
{
    Sm3Request r = { .sid = RSID, .iova = 0x6000, .ats_translated = true };

    sm3b_wr(e->b, SM3_CR0, sm3b_rd(e->b, SM3_CR0) | SM3_CR0_ATSCHK);
    sm3_translate(e->b->s, &r);
    want[0] = RAW0(0x07, RSID);
    want[1] = RAW1_RNW;
    want[2] = 0x6000;
}

static void raw_c_bad_substreamid(RawEnv *e, uint64_t want[4])
{
    raw_xlate(e, RSID, true, 9, RVA);      /* 4 CDs */
    want[0] = RAW0(0x08, RSID) | RAW0_SSID(9);
}

static void raw_f_cd_fetch(RawEnv *e, uint64_t want[4])
{
    e->b->tm->err_lo = e->cdtab + 2 * 64;
    e->b->tm->err_hi = e->cdtab + 3 * 64;
    raw_xlate(e, RSID, true, 2, RVA);
    want[0] = RAW0(0x09, RSID) | RAW0_SSID(2);
    want[3] = e->cdtab + 2 * 64;
}

static void raw_c_bad_cd(RawEnv *e, uint64_t want[4])
{
    raw_xlate(e, RSID, true, 1, RVA);      /* CD 1: V = 0 */
    want[0] = RAW0(0x0a, RSID) | RAW0_SSID(1);
}

static void raw_f_walk_eabt(RawEnv *e, uint64_t want[4])
{
    Sm3Request r = { .sid = RSID, .ssv = true, .ssid = 0,
                     .iova = RVA + 0x10, .priv = true };

    e->b->tm->err_lo = e->root;
    e->b->tm->err_hi = e->root + 4096;
    sm3_translate(e->b->s, &r);
    want[0] = RAW0(0x0b, RSID) | RAW0_SSID(0);
    /* A stage-1 descriptor fetch: S2 = 0, CLASS = TTD (F_WALK_EABT). */
    want[1] = RAW1_PNU | RAW1_RNW | RAW1_CLASS(1);
    want[2] = RVA + 0x10;
    want[3] = e->root;                     /* level 0, index 0 */
}

static void raw_f_translation(RawEnv *e, uint64_t want[4])
{
    Sm3Request r = { .sid = RSID, .ssv = true, .ssid = 0,
                     .iova = RVA + 0x7000, .instr = true };

    sm3_translate(e->b->s, &r);
    want[0] = RAW0(0x10, RSID) | RAW0_SSID(0);
    want[1] = RAW1_IND | RAW1_RNW | RAW1_CLASS(2);
    want[2] = RVA + 0x7000;
}

static void raw_f_addr_size(RawEnv *e, uint64_t want[4])
{
    uint64_t cd0 = sm3b_r64(e->b, e->cdtab);

    /* CD.IPS = 32 bits; the leaf outputs 4GB. */
    sm3b_w64(e->b, e->cdtab, sm_set(cd0, SM3_CD0_IPS, 0));
    sm3b_map(e->b, e->root, RVA + 0x3000, UINT64_C(0x100000000), 3,
             SM3B_S1_RW);
    raw_xlate(e, RSID, true, 0, RVA + 0x3000);
    want[0] = RAW0(0x11, RSID) | RAW0_SSID(0);
    want[1] = RAW1_RNW | RAW1_CLASS(2);
    want[2] = RVA + 0x3000;
}

static void raw_f_access(RawEnv *e, uint64_t want[4])
{
    Sm3Request r = { .sid = RSID, .ssv = true, .ssid = 0,
                     .iova = RVA + 0x2008, .write = true, .priv = true };

    sm3b_map(e->b, e->root, RVA + 0x2000, RPA, 3, SM3B_PTE_AP_RW_ALL);
    sm3_translate(e->b->s, &r);
    want[0] = RAW0(0x12, RSID) | RAW0_SSID(0);
    want[1] = RAW1_PNU | RAW1_CLASS(2);
    want[2] = RVA + 0x2008;
}

static void raw_f_permission(RawEnv *e, uint64_t want[4])
{
    sm3b_map(e->b, e->root, RVA + 0x1000, RPA, 3,
             SM3B_PTE_AP_RO_ALL | SM3B_PTE_AF | SM3B_PTE_NG);
    {
        Sm3Request r = { .sid = RSID, .ssv = true, .ssid = 0,
                         .iova = RVA + 0x1004, .write = true };

        sm3_translate(e->b->s, &r);
    }
    want[0] = RAW0(0x13, RSID) | RAW0_SSID(0);
    want[1] = RAW1_CLASS(2);
    want[2] = RVA + 0x1004;
}

static const RawCase raw_cases[] = {
    { "/sm3/event/raw/F_UUT", 0x01, raw_f_uut },
    { "/sm3/event/raw/C_BAD_STREAMID", 0x02, raw_c_bad_streamid },
    { "/sm3/event/raw/F_STE_FETCH", 0x03, raw_f_ste_fetch },
    { "/sm3/event/raw/C_BAD_STE", 0x04, raw_c_bad_ste },
    { "/sm3/event/raw/F_BAD_ATS_TREQ", 0x05, raw_f_bad_ats_treq },
    { "/sm3/event/raw/F_STREAM_DISABLED", 0x06, raw_f_stream_disabled },
    { "/sm3/event/raw/F_TRANSL_FORBIDDEN", 0x07, raw_f_transl_forbidden },
    { "/sm3/event/raw/C_BAD_SUBSTREAMID", 0x08, raw_c_bad_substreamid },
    { "/sm3/event/raw/F_CD_FETCH", 0x09, raw_f_cd_fetch },
    { "/sm3/event/raw/C_BAD_CD", 0x0a, raw_c_bad_cd },
    { "/sm3/event/raw/F_WALK_EABT", 0x0b, raw_f_walk_eabt },
    { "/sm3/event/raw/F_TRANSLATION", 0x10, raw_f_translation },
    { "/sm3/event/raw/F_ADDR_SIZE", 0x11, raw_f_addr_size },
    { "/sm3/event/raw/F_ACCESS", 0x12, raw_f_access },
    { "/sm3/event/raw/F_PERMISSION", 0x13, raw_f_permission },
};

/*
 * One fault, one record: exactly the expected 32 bytes, read back from
 * guest memory at the event queue slot (little-endian, "Event records"),
 * the queue's PROD advanced by one, the event counted by type.
 */
static void test_raw_event(gconstpointer data)
{
    const RawCase *t = data;
    RawEnv e;
    uint64_t want[4] = { 0 }, got[4];
    uint8_t bytes[32];
    unsigned i;
    Sm3Stats st;

    e.b = sm3b_new(NULL);
    sm3b_setup(e.b, 4, 4, 4);
    e.cdtab = sm3b_alloc(e.b, 64 * 4, 64 * 4);
    e.root = sm3b_pt_new(e.b);
    sm3b_cd(e.b, e.cdtab, 0, 0x11, e.root, 0);
    sm3b_cd(e.b, e.cdtab, 2, 0x12, e.root, 0);
    sm3b_w64(e.b, e.cdtab + 64, 0);              /* CD 1 invalid */
    sm3b_ste_s1(e.b, RSID, e.cdtab, 2, 0);
    sm3b_map(e.b, e.root, RVA, RPA, 3, SM3B_S1_RW);

    g_assert_cmpuint(sm3b_event_count(e.b), ==, 0);
    t->provoke(&e, want);
    g_assert_cmpuint(sm3b_event_count(e.b), ==, 1);
    memcpy(bytes, e.b->mem + e.b->evtq_base, 32);
    g_assert_cmpuint(bytes[0], ==, t->id);       /* byte 0: event number */
    g_assert_true(sm3b_pop_event(e.b, got));
    for (i = 0; i < 4; i++) {
        g_test_message("dw%u: got 0x%016" G_GINT64_MODIFIER "x want 0x%016"
                       G_GINT64_MODIFIER "x", i, got[i], want[i]);
        g_assert_cmphex(got[i], ==, want[i]);
    }
    st = sm3_stats(e.b->s);
    g_assert_cmpuint(st.events, ==, 1);
    g_assert_cmpuint(st.events_by_id[t->id], ==, 1);
    g_assert_cmpstr(sm3_event_name(t->id), ==, t->path + strlen(
                    "/sm3/event/raw/"));
    sm3b_free(e.b);
}

/* ---- statistics by type -------------------------------------------------- */

static void test_stats_events(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    Sm3Request bad = { .sid = 100, .iova = 0 };
    Sm3Stats st;
    unsigned i;
    uint64_t sum = 0;

    sm3b_setup(b, 4, 4, 4);
    for (i = 0; i < 3; i++) {
        sm3_translate(b->s, &bad);           /* C_BAD_STREAMID */
    }
    bad.sid = 1;                             /* STE all zero: V = 0 */
    sm3_translate(b->s, &bad);
    /*
     * CR2.RECINVSID = 0: a bad StreamID is not recorded (suppressed).
     * CR2 only changes while SMMUEN = 0.
     */
    sm3b_enable(b, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN);
    sm3b_wr(b, SM3_CR2, 0);
    sm3b_enable(b, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN | SM3_CR0_SMMUEN);
    bad.sid = 100;
    sm3_translate(b->s, &bad);
    st = sm3_stats(b->s);
    g_assert_cmpuint(st.events_by_id[SM3_EVT_C_BAD_STREAMID], ==, 3);
    g_assert_cmpuint(st.events_by_id[SM3_EVT_C_BAD_STE], ==, 1);
    for (i = 0; i < SM3_STATS_EVENTS; i++) {
        sum += st.events_by_id[i];
    }
    g_assert_cmpuint(sum, ==, st.events);
    g_assert_cmpuint(st.events, ==, 4);
    g_assert_cmpuint(st.faults_suppressed, ==, 1);
    g_assert_cmpuint(st.translations, ==, 5);
    /* A full queue loses records: not written, so not counted by type. */
    sm3b_enable(b, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN);
    sm3b_wr(b, SM3_CR2, SM3_CR2_RECINVSID);
    sm3b_enable(b, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN | SM3_CR0_SMMUEN);
    for (i = 0; i < 20; i++) {
        sm3_translate(b->s, &bad);
    }
    st = sm3_stats(b->s);
    g_assert_cmpuint(st.events_by_id[SM3_EVT_C_BAD_STREAMID], ==, 3 + 12);
    g_assert_cmpuint(st.events_lost, ==, 8);
    sm3b_free(b);
}

int main(int argc, char **argv)
{
    unsigned i;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm3/event/table", test_event_table);
    g_test_add_func("/sm3/event/golden-translation", test_golden_translation);
    g_test_add_func("/sm3/event/golden-permission", test_golden_permission);
    g_test_add_func("/sm3/event/golden-config", test_golden_config);
    g_test_add_func("/sm3/event/golden-fetch", test_golden_fetch);
    g_test_add_func("/sm3/event/golden-access-events",
                    test_golden_access_events);
    g_test_add_func("/sm3/event/names", test_event_names);
    g_test_add_func("/sm3/event/eventq-irq", test_eventq_irq);
    g_test_add_func("/sm3/event/eventq-msi", test_eventq_msi);
    g_test_add_func("/sm3/event/gerror-msi", test_gerror_msi);
    g_test_add_func("/sm3/event/priq-msi", test_priq_msi);
    g_test_add_func("/sm3/event/pri-record-golden", test_pri_record_golden);
    g_test_add_func("/sm3/event/no-msi-wired", test_no_msi_wired);
    g_test_add_func("/sm3/event/gerror-handshake", test_gerror_handshake);
    g_test_add_func("/sm3/event/stats-by-type", test_stats_events);
    for (i = 0; i < G_N_ELEMENTS(raw_cases); i++) {
        g_test_add_data_func(raw_cases[i].path, &raw_cases[i],
                             test_raw_event);
    }
    return g_test_run();
}
