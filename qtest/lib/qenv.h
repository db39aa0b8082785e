/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qenv: the usual test set-up in one call.  One QEMU (virt, GICv3, qtest)
 * with one arm-smmuv3-ext on pcie.0 and, optionally, one smmu-testdev
 * behind it; a bus, a guest allocator, a QSm3 and a QTestDev over them.
 * Every test case makes its own QEnv and frees it at the end; a failed
 * assertion kills the QEMU through qtest-client's exit handlers.
 *
 * The SMMUv3 under test: arm-smmuv3-ext, or with
 * SMMU_EXT_QTEST_TARGET=builtin QEMU's own SMMUv3 (-machine
 * iommu=smmuv3, at the virt board's 0x09050000, SPIs 74..77), so that
 * the suites' cases also judge that model (scripts/conformance,
 * docs/conformance.md).  A case that needs what the built-in cannot be
 * asked for (an arm-smmuv3-ext property, its statistics, a second
 * instance) or a feature an SMMU does not advertise in its ID registers
 * ends as skipped, with why (qenv_skip): register cases with
 * qenv_add_func() or QENV_ADD_TABLE(), which can end them so.
 */
#ifndef QENV_H
#define QENV_H

#include <glib.h>
#include <stddef.h>

#include "qalloc.h"
#include "qsm3.h"
#include "qtd.h"
#include "qtest-client.h"

#define QENV_SMMU_ADDR      UINT64_C(0x09100000)
/* QEMU's built-in SMMUv3 on virt (hw/arm/virt.c: VIRT_SMMU, its SPI) */
#define QENV_BUILTIN_ADDR   UINT64_C(0x09050000)
#define QENV_BUILTIN_SPI    74
#define QENV_SMMU_PATH      "/machine/peripheral/smmu0"
#define QENV_TD_DEVFN       (2 << 3)               /* 00:02.0 */
#define QENV_TD_BAR         QTD_VIRT_PCIE_MMIO
#define QENV_RAM_MB         256
/* The guest allocator's window: the first 192 MiB of RAM. */
#define QENV_ALLOC_SIZE     (UINT64_C(192) << 20)

typedef struct QEnv {
    QTestClient *qts;
    QBus bus;
    QGuestAlloc alloc;
    uint64_t ecam;
    uint64_t smmu_base;      /* read back with qom-get */
    unsigned spi;            /* first SPI (qom-get) */
    QSm3 smmu;
    QTestDev td;
    char *gic_path;          /* set by qenv_intercept_irqs() */
} QEnv;

/*
 * Start QEMU: "-device arm-smmuv3-ext,id=smmu0,primary-bus=pcie.0,
 * addr=0x9100000[,@smmu_props]" and, unless @td_props is NULL,
 * "-device smmu-testdev,id=td0,bus=pcie.0,addr=02.0[,@td_props]", then
 * @extra.  Nothing is programmed yet.
 */
QEnv *qenv_new(const char *smmu_props, const char *td_props,
               const char *extra);
/* Whether the suites drive QEMU's built-in SMMUv3 (see above). */
bool qenv_builtin(void);
/*
 * End the running case as skipped because of @why (its QEMU, @e, quit
 * when not NULL).  Only inside a case registered by qenv_add_func() or
 * QENV_ADD_TABLE().
 */
G_NORETURN void qenv_skip(QEnv *e, const char *why);
/* qenv_skip() unless @ok: @feature, which the SMMU does not advertise. */
void qenv_require(QEnv *e, bool ok, const char *feature);
/* qenv_skip() on the built-in: the case needs arm-smmuv3-ext (@why). */
void qenv_require_ext(const char *why);
/*
 * ID register @n (0..5) of the SMMU under test, for qenv_require():
 * e.g. qenv_require(e, qenv_idr(e, 0) & SM3_IDR0_S2P, "IDR0.S2P").
 */
uint32_t qenv_idr(QEnv *e, unsigned n);
/* g_test_add_func() for a case that may end with qenv_skip(). */
void qenv_add_func(const char *path, void (*fn)(void));

/* qenv_new() + qsm3_init() (@opts may be NULL) + qtd_init() if present. */
QEnv *qenv_start(const char *smmu_props, const char *td_props,
                 const QSm3Opts *opts);
void qenv_free(QEnv *e);

/* Intercept the GIC's inputs (SMMU lines: spi + 0..3). */
void qenv_intercept_irqs(QEnv *e);
/* Wired line numbers, as SPI offsets from e->spi. */
#define QENV_IRQ_EVENTQ     0
#define QENV_IRQ_PRIQ       1
#define QENV_IRQ_CMD_SYNC   2
#define QENV_IRQ_GERROR     3
unsigned qenv_irq_raised(QEnv *e, unsigned line);

/*
 * A 4-byte DMA read (@read) or write of @iova by the testdev that must
 * fail: asserts the DMA error and FAULT_ADDR = @iova, then pops the
 * event record and asserts its ID is @id (into @rec, which may be NULL),
 * or with @id = 0 asserts that nothing was recorded.
 */
void qenv_dma_fault(QEnv *e, uint64_t iova, bool read, unsigned id,
                    uint64_t rec[4]);
/* The SMMU's "stats" property (JSON text; g_free it). */
char *qenv_stats(QEnv *e);

/*
 * Register one GLib test per element of a case table: the path is
 * "@prefix/<name>", <name> the element's first member (const char *),
 * and the test function gets the element.  QENV_ADD_TABLE() takes the
 * array itself and checks that "name" comes first.
 */
void qenv_add_table(const char *prefix, const void *table, size_t n,
                    size_t size, void (*fn)(const void *));
#define QENV_ADD_TABLE(prefix, table, fn)                                   \
    do {                                                                    \
        G_STATIC_ASSERT(offsetof(__typeof__((table)[0]), name) == 0);       \
        qenv_add_table(prefix, table, G_N_ELEMENTS(table),                  \
                       sizeof((table)[0]), fn);                             \
    } while (0)

/* A zeroed, @size-aligned buffer of @size bytes of guest RAM. */
uint64_t qenv_buf(QEnv *e, uint64_t size);
/* Fill @size bytes at @pa with @byte. */
void qenv_fill(QEnv *e, uint64_t pa, uint8_t byte, uint64_t size);
/* The 32-bit word at @pa. */
uint32_t qenv_ld32(QEnv *e, uint64_t pa);

/* ---- one translation context for the testdev's StreamID ---------------- */

typedef enum QEnvStage {
    QENV_S1,
    QENV_S2,
    QENV_NESTED,
} QEnvStage;

/* Nested set-ups place the data IPAs here (stage 2 maps them to RAM). */
#define QENV_NESTED_IPA     UINT64_C(0x100000000)

typedef struct QEnvXlate {
    QEnvStage stage;
    unsigned gshift;
    QSm3Pt s1;               /* stage 1 (S1, nested) */
    QSm3Pt s2;               /* stage 2 (S2, nested) */
    uint64_t cdtab;          /* linear, one CD (S1, nested) */
    uint16_t asid, vmid;
    unsigned cd_flags;
} QEnvXlate;

/* Input size used for each granule: walks start at level 1, 1 and 2. */
unsigned qenv_ia_bits(unsigned gshift);

/*
 * Tables for @sid: an empty stage-1 and/or stage-2 page table of
 * 2^@gshift granules, the CD (with @cd_flags) and the STE; nested
 * set-ups identity-map RAM at stage 2 for the CD and table fetches.
 */
void qenv_xlate_setup(QEnv *e, QEnvXlate *x, uint32_t sid, QEnvStage stage,
                      unsigned gshift, unsigned cd_flags);
/*
 * Map @iova to @pa with a leaf at @level (3: page) carrying @attrs in
 * the last stage the set-up translates with (stage 1 when nested; then
 * stage 2 maps the intermediate IPA to @pa with a leaf at @level too).
 * Returns the address of the leaf descriptor holding @attrs.
 */
uint64_t qenv_xlate_map(QEnv *e, QEnvXlate *x, uint64_t iova, uint64_t pa,
                        unsigned level, unsigned attrs);
/* Bytes one leaf at @level maps. */
uint64_t qenv_level_size(unsigned gshift, unsigned level);
/* The StreamID of the default testdev (00:02.0). */
#define QENV_TD_SID         QENV_TD_DEVFN

#endif /* QENV_H */
