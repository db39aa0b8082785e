/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The usual test set-up: see qenv.h. */
#include <glib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "qenv.h"

/* ---- the SMMU under test, and skipped cases ------------------------------ */

bool qenv_builtin(void)
{
    const char *t = getenv("SMMU_EXT_QTEST_TARGET");

    if (!t || !*t || !strcmp(t, "arm-smmuv3-ext")) {
        return false;
    }
    if (strcmp(t, "builtin")) {
        g_error("SMMU_EXT_QTEST_TARGET=%s: expected arm-smmuv3-ext or "
                "builtin", t);
    }
    return true;
}

/* The case running under qenv_run_case(), to end it early */
static jmp_buf qenv_case_end;
static bool qenv_in_case;

void qenv_skip(QEnv *e, const char *why)
{
    if (!qenv_in_case) {
        g_error("qenv_skip(%s) outside a case registered by qenv", why);
    }
    qenv_free(e);
    g_test_skip(why);
    longjmp(qenv_case_end, 1);
}

/* On the stack: qenv_skip() does not return, g_test_skip() copies it */
void qenv_require(QEnv *e, bool ok, const char *feature)
{
    char why[256];

    if (!ok) {
        g_snprintf(why, sizeof(why), "the SMMU does not advertise %s",
                   feature);
        qenv_skip(e, why);
    }
}

void qenv_require_ext(const char *why)
{
    char msg[256];

    if (qenv_builtin()) {
        g_snprintf(msg, sizeof(msg), "needs arm-smmuv3-ext: %s", why);
        qenv_skip(NULL, msg);
    }
}

uint32_t qenv_idr(QEnv *e, unsigned n)
{
    g_assert(n <= 5);
    return qtc_readl(e->qts, e->smmu_base + SM3_IDR0 + 4 * n);
}

typedef struct QEnvCase {
    void (*fn)(void);
    void (*table_fn)(const void *);
    const void *row;
} QEnvCase;

static void qenv_run_case(const void *data)
{
    const QEnvCase *c = data;

    qenv_in_case = true;
    if (!setjmp(qenv_case_end)) {
        if (c->fn) {
            c->fn();
        } else {
            c->table_fn(c->row);
        }
    }
    qenv_in_case = false;
}

void qenv_add_func(const char *path, void (*fn)(void))
{
    QEnvCase *c = g_new0(QEnvCase, 1);     /* lives as long as the run */

    c->fn = fn;
    g_test_add_data_func(path, c, qenv_run_case);
}

/*
 * arm-smmuv3-ext properties that only take a feature away, with the
 * IDR0 field that then reads @absent: on another SMMU, a case asking for
 * them runs when that SMMU's IDR0 already says so.
 */
static const struct {
    const char *prop;
    uint32_t field;
    uint32_t absent;
} qenv_absent_props[] = {
    { "httu=off", SM3_IDR0_HTTU, 0 },
    { "pri=off", SM3_IDR0_PRI, 0 },
    { "msi=off", SM3_IDR0_MSI, 0 },
    { "ats=off", SM3_IDR0_ATS, 0 },
    { "hyp=off", SM3_IDR0_HYP, 0 },
    { "stage=1", SM3_IDR0_S2P, 0 },
    { "stage=2", SM3_IDR0_S1P, 0 },
    { "stall=off", SM3_IDR0_STALL_MODEL, 1 },   /* 0b01: no stall */
};

/* The entry of qenv_absent_props for @prop, or -1 */
static int qenv_absent_prop(const char *prop)
{
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(qenv_absent_props); i++) {
        if (!strcmp(qenv_absent_props[i].prop, prop)) {
            return (int)i;
        }
    }
    return -1;
}

/*
 * The built-in's QEMU.  @smmu_props may only take features away that the
 * built-in's IDR0 lacks (qenv_absent_props); anything else needs ours.
 */
static void qenv_new_builtin(QEnv *e, const char *smmu_props,
                             const char *td, const char *extra)
{
    g_auto(GStrv) props = g_strsplit(smmu_props ? smmu_props : "", ",", 0);
    char why[256];
    uint32_t idr0;
    unsigned i;

    for (i = 0; props[i]; i++) {
        if (*props[i] && qenv_absent_prop(props[i]) < 0) {
            g_snprintf(why, sizeof(why), "needs arm-smmuv3-ext properties "
                       "(%s)", smmu_props);
            g_strfreev(props);
            props = NULL;
            g_free(e);
            qenv_skip(NULL, why);
        }
    }
    if (extra && strstr(extra, "arm-smmu")) {
        g_free(e);
        qenv_skip(NULL, "needs a second arm-smmuv3-ext");
    }
    /* e.g. "-global arm-smmuv3.stage=nested" for QEMU 10's (conformance) */
    e->qts = qtc_start("-m %u -machine iommu=smmuv3 %s %s %s", QENV_RAM_MB,
                       getenv("SMMU_EXT_QTEST_BUILTIN_ARGS") ?: "",
                       td ? td : "", extra ? extra : "");
    e->smmu_base = QENV_BUILTIN_ADDR;
    e->spi = QENV_BUILTIN_SPI;
    idr0 = qtc_readl(e->qts, e->smmu_base + SM3_IDR0);
    for (i = 0; props[i]; i++) {
        int k = *props[i] ? qenv_absent_prop(props[i]) : -1;

        if (k >= 0 && sm_get(idr0, qenv_absent_props[k].field) !=
                      qenv_absent_props[k].absent) {
            g_snprintf(why, sizeof(why), "the case needs what %s takes "
                       "away, which the SMMU advertises", props[i]);
            g_strfreev(props);
            props = NULL;
            qenv_skip(e, why);
        }
    }
}

QEnv *qenv_new(const char *smmu_props, const char *td_props,
               const char *extra)
{
    QEnv *e = g_new0(QEnv, 1);
    g_autofree char *td = NULL;

    if (td_props) {
        td = g_strdup_printf("-device smmu-testdev,id=td0,bus=pcie.0,"
                             "addr=02.0%s%s", *td_props ? "," : "",
                             td_props);
    }
    if (qenv_builtin()) {
        qenv_new_builtin(e, smmu_props, td, extra);
        e->bus = qtc_bus(e->qts);
        qalloc_init(&e->alloc, &e->bus, QALLOC_VIRT_RAM_BASE,
                    QENV_ALLOC_SIZE);
        e->ecam = qpci_ecam_base(&e->bus);
        return e;
    }
    e->qts = qtc_start("-m %u -device arm-smmuv3-ext,id=smmu0,"
                       "primary-bus=pcie.0,addr=0x%" G_GINT64_MODIFIER "x%s%s"
                       " %s %s", QENV_RAM_MB, QENV_SMMU_ADDR,
                       smmu_props && *smmu_props ? "," : "",
                       smmu_props ? smmu_props : "", td ? td : "",
                       extra ? extra : "");
    e->bus = qtc_bus(e->qts);
    qalloc_init(&e->alloc, &e->bus, QALLOC_VIRT_RAM_BASE, QENV_ALLOC_SIZE);
    e->ecam = qpci_ecam_base(&e->bus);
    e->smmu_base = qtc_qom_get_uint(e->qts, QENV_SMMU_PATH, "addr");
    e->spi = qtc_qom_get_uint(e->qts, QENV_SMMU_PATH, "spi");
    return e;
}

QEnv *qenv_start(const char *smmu_props, const char *td_props,
                 const QSm3Opts *opts)
{
    QEnv *e = qenv_new(smmu_props, td_props, NULL);

    qsm3_init(&e->smmu, &e->bus, &e->alloc, e->smmu_base, opts);
    if (td_props) {
        qtd_init(&e->td, &e->bus, e->ecam, 0, QENV_TD_DEVFN, QENV_TD_BAR);
    }
    return e;
}

void qenv_free(QEnv *e)
{
    if (e) {
        qtc_quit(e->qts);
        g_free(e->gic_path);
        g_free(e);
    }
}

void qenv_intercept_irqs(QEnv *e)
{
    e->gic_path = qtc_qom_find_child(e->qts, "/machine/unattached",
                                     "arm-gicv3");
    g_assert(e->gic_path);
    qtc_irq_intercept_in(e->qts, e->gic_path);
}

unsigned qenv_irq_raised(QEnv *e, unsigned line)
{
    qtc_sync(e->qts);
    return qtc_irq_raised(e->qts, e->spi + line);
}

void qenv_dma_fault(QEnv *e, uint64_t iova, bool read, unsigned id,
                    uint64_t rec[4])
{
    bool ok = read ? qtd_read(&e->td, iova, 4)
                   : qtd_write(&e->td, iova, 4, 0xfa17fa17);

    g_assert(!ok);
    g_assert_cmpuint(qtd_error(&e->td), ==, SMMU_TESTDEV_ERR_DMA);
    g_assert_cmphex(qtd_readq(&e->td, SMMU_TESTDEV_FAULT_ADDR), ==, iova);
    if (id) {
        qsm3_evt_expect(&e->smmu, id, rec);
    } else {
        qsm3_evt_none(&e->smmu);
    }
}

char *qenv_stats(QEnv *e)
{
    if (qenv_builtin()) {
        qenv_skip(e, "needs arm-smmuv3-ext's statistics");
    }
    return qtc_qmp_ok(e->qts, "{'execute': 'qom-get', 'arguments': "
                      "{'path': '" QENV_SMMU_PATH "', 'property': 'stats'}}");
}

void qenv_add_table(const char *prefix, const void *table, size_t n,
                    size_t size, void (*fn)(const void *))
{
    const char *row = table;
    size_t i;

    for (i = 0; i < n; i++, row += size) {
        g_autofree char *path = g_strdup_printf("%s/%s", prefix,
                                                *(const char *const *)row);

        QEnvCase *c = g_new0(QEnvCase, 1);  /* lives as long as the run */

        c->table_fn = fn;
        c->row = row;
        g_test_add_data_func(path, c, qenv_run_case);
    }
}

uint64_t qenv_buf(QEnv *e, uint64_t size)
{
    return qalloc(&e->alloc, size, size);
}

void qenv_fill(QEnv *e, uint64_t pa, uint8_t byte, uint64_t size)
{
    qtc_memset(e->qts, pa, byte, size);
}

uint32_t qenv_ld32(QEnv *e, uint64_t pa)
{
    return qbus_ld32(&e->bus, pa);
}

/* ---- translation contexts ------------------------------------------------ */

unsigned qenv_ia_bits(unsigned gshift)
{
    return gshift == 12 ? 39 : gshift == 14 ? 47 : 42;
}

uint64_t qenv_level_size(unsigned gshift, unsigned level)
{
    return UINT64_C(1) << qsm3_level_shift(gshift, level);
}

/*
 * The IPA size stage 2 may take: its input is at most IAS, which for an
 * SMMU without AArch32 tables is OAS (IHI 0070 3.4; an STE.S2T0SZ below
 * 64 - IAS is ILLEGAL from SMMUv3.1, 5.2).  IDR5.OAS encodings (6.3.6).
 */
static unsigned qenv_s2_ia_bits(QEnv *e, unsigned gshift)
{
    static const unsigned oas_bits[] = { 32, 36, 40, 42, 44, 48, 52 };
    unsigned oas = sm_get(qenv_idr(e, 5), SM3_IDR5_OAS);
    unsigned ias = oas < G_N_ELEMENTS(oas_bits) ? oas_bits[oas] : 48;

    return MIN(qenv_ia_bits(gshift), ias);
}

void qenv_xlate_setup(QEnv *e, QEnvXlate *x, uint32_t sid, QEnvStage stage,
                      unsigned gshift, unsigned cd_flags)
{
    QSm3 *s = &e->smmu;
    unsigned ia = qenv_ia_bits(gshift);
    uint64_t ste[8], cd[8];

    memset(x, 0, sizeof(*x));
    x->stage = stage;
    x->gshift = gshift;
    x->asid = 1;
    x->vmid = 1;
    x->cd_flags = cd_flags;
    if (stage != QENV_S1) {
        qsm3_pt_init(&x->s2, &e->bus, &e->alloc, true, gshift,
                     qenv_s2_ia_bits(e, gshift));
    }
    if (stage != QENV_S2) {
        qsm3_pt_init(&x->s1, &e->bus, &e->alloc, false, gshift, ia);
        x->cdtab = qsm3_cdtab_linear(s, 0);
        qsm3_cd_build(s, cd, &x->s1, x->asid, cd_flags);
        qsm3_cd_write(s, x->cdtab, cd);
    }
    switch (stage) {
    case QENV_S1:
        qsm3_ste_s1(ste, x->cdtab, SM3_STE0_S1FMT_LINEAR, 0,
                    SM3_STE1_S1DSS_TERMINATE);
        break;
    case QENV_S2:
        qsm3_ste_s2(s, ste, &x->s2, x->vmid);
        break;
    case QENV_NESTED:
        qsm3_pt_identity(&x->s2, QALLOC_VIRT_RAM_BASE,
                         (uint64_t)QENV_RAM_MB << 20);
        qsm3_ste_nested(s, ste, x->cdtab, SM3_STE0_S1FMT_LINEAR, 0, &x->s2,
                        x->vmid);
        break;
    }
    qsm3_ste_write(s, sid, ste, true);
}

uint64_t qenv_xlate_map(QEnv *e, QEnvXlate *x, uint64_t iova, uint64_t pa,
                        unsigned level, unsigned attrs)
{
    uint64_t ipa;

    switch (x->stage) {
    case QENV_S1:
        return qsm3_pt_map(&x->s1, iova, pa, level, attrs);
    case QENV_S2:
        return qsm3_pt_map(&x->s2, iova, pa, level, attrs);
    case QENV_NESTED:
    default:
        ipa = QENV_NESTED_IPA + (pa - QALLOC_VIRT_RAM_BASE);
        qsm3_pt_map(&x->s2, ipa, pa, level, 0);
        return qsm3_pt_map(&x->s1, iova, ipa, level, attrs);
    }
}
