/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of sm3-event.c: golden event records (raw dwords written
 * from the spec's tables, independent of the masks the model uses),
 * global errors, wired interrupts and MSIs of every source.
 */
#include <string.h>

#include "sm3-bench.h"
#include "sm3-internal.h"

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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
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
    g_test_add_func("/sm3/event/no-msi-wired", test_no_msi_wired);
    g_test_add_func("/sm3/event/gerror-handshake", test_gerror_handshake);
    return g_test_run();
}
