/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmu-testdev: a PCIe endpoint that runs DMA jobs for SMMU tests and
 * benchmarks.
 *
 * One doorbell write runs a whole job synchronously: COUNT accesses of
 * LEN bytes, access i at base + (i * STRIDE) mod WSET, reading, verifying,
 * writing a pattern or copying.  Plain DMA uses pci_dma_read/write(), so
 * it goes through whatever IOMMU the bus has.  With the optional PASID,
 * ATS and PRI capabilities, DMA that needs a PASID or an ATS translation
 * goes through the smmu-ext-ats-if interface of the SMMU serving the root
 * bus; a job that faults with PRI enabled sends a page request and resumes
 * from a bottom half when the response arrives.
 *
 * Register layout: smmu-testdev.h.  Behaviour: docs/smmu-testdev.md.
 */
#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/range.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "exec/address-spaces.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"
#include "hw/pci/msi.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "smmu-ext-compat.h"

#include "smmu-ext-ats.h"
#include "smmu-testdev.h"
#include "trace-hw_smmu_ext.h"

#define TYPE_SMMU_TESTDEV "smmu-testdev"
OBJECT_DECLARE_TYPE(SmmuTestdevState, SmmuTestdevClass, SMMU_TESTDEV)

/* Configuration space layout */
#define TESTDEV_PCIE_CAP_OFFSET   0x40
#define TESTDEV_MSI_CAP_OFFSET    0x80
#define TESTDEV_PASID_MAX_WIDTH   20

/* PRI and PASID registers not in QEMU's copy of pci_regs.h */
#define TESTDEV_PASID_CAP_WIDTH_SHIFT 8       /* Max PASID Width [12:8] */
#define TESTDEV_PRI_ALLOC_ALL         0xffffffffu

/* testdev_access() result when the job waits for a PRG response */
#define TESTDEV_WAIT              (-1)

typedef enum TestdevPriState {
    TESTDEV_PRI_IDLE = 0,     /* no page request outstanding */
    TESTDEV_PRI_WAIT,         /* request sent, waiting for the response */
    TESTDEV_PRI_GO,           /* Success received, resume in the BH */
    TESTDEV_PRI_DENIED,       /* failure received, end the job in the BH */
} TestdevPriState;

typedef struct TestdevAtcEntry {
    uint64_t iova;            /* untranslated base, aligned to @size */
    uint64_t size;
    uint64_t taddr;           /* translated base */
    uint32_t pasid;
    uint8_t perm;             /* SMMU_EXT_ATS_PERM_* */
    bool pasid_valid;
    bool valid;
} TestdevAtcEntry;

/* The job registers, latched by DOORBELL_START. */
typedef struct TestdevJob {
    uint64_t src, dst, stride, wset;
    uint32_t len, op, pattern, pasid, count;
} TestdevJob;

struct SmmuTestdevState {
    PCIDevice parent_obj;

    MemoryRegion mmio;
    QEMUBH *resume_bh;
    char *name;                /* for traces and logs */
    Object *smmu;              /* registered with (referenced), or NULL */

    /* Properties */
    bool prop_pasid, prop_ats, prop_pri, prop_notifier;
    bool fail_atc_inv;                  /* CTRL.FAIL_ATC_INV, one-shot */
    IOMMUNotifier unmap_notifier;
    MemoryRegion *notified_mr;          /* where unmap_notifier is */
    uint64_t unmap_events, unmap_iova, unmap_mask;

    /* Extended capability offsets, 0 when absent */
    uint16_t ats_cap, pasid_cap, pri_cap;

    /* Job registers */
    uint64_t src, dst, stride, wset;
    uint32_t len, op, pattern, pasid, count;

    /* Results */
    uint32_t status, error, fault_info, mismatch_data;
    uint64_t fault_addr, fault_index, done, mismatches, mismatch_off;

    /* Interrupts */
    uint32_t irq_enable, irq_status;
    bool irq_level;            /* (status & enable) != 0, as last signalled */

    /* Statistics */
    uint64_t job_ns, total_ns, jobs, job_bytes;
    uint64_t atc_hits, atc_misses, atc_inv_reqs, atc_inv_entries;
    uint64_t pri_reqs, pri_resps;
    uint32_t pri_last;

    /* The job in progress (STATUS.BUSY) */
    TestdevJob job;
    uint64_t job_index;        /* next access */
    uint64_t job_off;          /* its offset from the base addresses */
    int64_t job_start_ns;

    /* PRI */
    uint32_t pri_state;        /* TestdevPriState */
    uint32_t pri_code;         /* code of a failure response */
    uint16_t pri_prgi;         /* the outstanding PRG index */
    uint16_t pri_next_prgi;
    uint64_t pri_page;         /* page of the last request */
    uint32_t pri_retries;      /* requests for pri_page in a row */
    uint32_t pri_job_reqs;     /* requests made by this job */

    /* ATC, replaced round-robin */
    TestdevAtcEntry atc[SMMU_TESTDEV_ATC_ENTRIES];
    uint32_t atc_next;

    /*
     * Timed jobs (OUTSTANDING): the register, the last timed job's
     * modelled duration, and for the job in progress its start, the
     * issue time of its last access, its slots' free times (ascending
     * from slot_head: taking a slot is taking the earliest), its end so
     * far, and the timer that reports it done then with finish_err.
     */
    uint32_t outstanding;
    uint64_t model_ns;
    int64_t model_start_ns, model_issue_ns, model_end_ns;
    int64_t slot_free[SMMU_TESTDEV_MAX_OUTSTANDING];
    uint32_t slot_head;
    uint32_t finish_err;
    bool model_pending;        /* BUSY until done_timer fires */
    QEMUTimer *done_timer;
};

struct SmmuTestdevClass {
    PCIDeviceClass parent_class;
    DeviceRealize parent_dc_realize;
};

static const char *const testdev_err_names[] = {
    [SMMU_TESTDEV_ERR_NONE] = "none",
    [SMMU_TESTDEV_ERR_BAD_OP] = "bad-op",
    [SMMU_TESTDEV_ERR_BAD_LEN] = "bad-len",
    [SMMU_TESTDEV_ERR_BAD_COUNT] = "bad-count",
    [SMMU_TESTDEV_ERR_TOO_BIG] = "too-big",
    [SMMU_TESTDEV_ERR_BAD_RANGE] = "bad-range",
    [SMMU_TESTDEV_ERR_DMA] = "dma",
    [SMMU_TESTDEV_ERR_VERIFY] = "verify",
    [SMMU_TESTDEV_ERR_NO_MASTER] = "no-bus-master",
    [SMMU_TESTDEV_ERR_NO_SMMU] = "no-smmu",
    [SMMU_TESTDEV_ERR_PASID_OFF] = "pasid-off",
    [SMMU_TESTDEV_ERR_ATS] = "ats",
    [SMMU_TESTDEV_ERR_PRI_DENIED] = "pri-denied",
    [SMMU_TESTDEV_ERR_PRI_LIMIT] = "pri-limit",
    [SMMU_TESTDEV_ERR_PRI_DROPPED] = "pri-dropped",
    [SMMU_TESTDEV_ERR_PRI_OFF] = "pri-off",
    [SMMU_TESTDEV_ERR_ABORTED] = "aborted",
};

static const char *testdev_err_name(unsigned err)
{
    if (err < ARRAY_SIZE(testdev_err_names) && testdev_err_names[err]) {
        return testdev_err_names[err];
    }
    return "?";
}

static uint32_t testdev_field(uint64_t mask, uint64_t val)
{
    return (val << ctz64(mask)) & mask;
}

/*
 * The device as a PCIDevice without a checked QOM cast: for the per-access
 * paths, where PCI_DEVICE() with QOM cast debugging costs as much as a
 * translation.
 */
static PCIDevice *testdev_pci(SmmuTestdevState *s)
{
    return &s->parent_obj;
}

static uint64_t testdev_get(uint64_t word, uint64_t mask)
{
    return (word & mask) >> ctz64(mask);
}

/* ---- Capabilities in configuration space --------------------------------- */

static bool testdev_ats_enabled(SmmuTestdevState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    return s->ats_cap &&
           (pci_get_word(pdev->config + s->ats_cap + PCI_ATS_CTRL) &
            PCI_ATS_CTRL_ENABLE);
}

static uint16_t testdev_pasid_ctrl(SmmuTestdevState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (!s->pasid_cap) {
        return 0;
    }
    return pci_get_word(pdev->config + s->pasid_cap + PCI_PASID_CTRL);
}

static uint16_t testdev_pri_ctrl(SmmuTestdevState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (!s->pri_cap) {
        return 0;
    }
    return pci_get_word(pdev->config + s->pri_cap + PCI_PRI_CTRL);
}

static void testdev_pri_status_set(SmmuTestdevState *s, uint16_t bits)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (s->pri_cap) {
        pci_word_test_and_set_mask(pdev->config + s->pri_cap + PCI_PRI_STATUS,
                                   bits);
    }
}

static void testdev_pri_status_clear(SmmuTestdevState *s, uint16_t bits)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (s->pri_cap) {
        pci_word_test_and_clear_mask(pdev->config + s->pri_cap +
                                     PCI_PRI_STATUS, bits);
    }
}

/* PASID capability (PCIe Base spec, "PASID Extended Capability"). */
static void testdev_pasid_init(SmmuTestdevState *s, uint16_t offset)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    pcie_add_capability(pdev, PCI_EXT_CAP_ID_PASID, 1, offset,
                        PCI_EXT_CAP_PASID_SIZEOF);
    /*
     * 20-bit PASIDs; neither Execute nor Privileged Mode is supported, as
     * smmu-ext-ats-if carries no such attributes.
     */
    pci_set_word(pdev->config + offset + PCI_PASID_CAP,
                 TESTDEV_PASID_MAX_WIDTH << TESTDEV_PASID_CAP_WIDTH_SHIFT);
    pci_set_word(pdev->config + offset + PCI_PASID_CTRL, 0);
    pci_set_word(pdev->wmask + offset + PCI_PASID_CTRL,
                 PCI_PASID_CTRL_ENABLE);
    s->pasid_cap = offset;
}

/* Page Request Interface capability (PCIe Base spec, "PRI"). */
static void testdev_pri_init(SmmuTestdevState *s, uint16_t offset)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    pcie_add_capability(pdev, PCI_EXT_CAP_ID_PRI, 1, offset,
                        PCI_EXT_CAP_PRI_SIZEOF);
    pci_set_word(pdev->wmask + offset + PCI_PRI_CTRL,
                 PCI_PRI_CTRL_ENABLE | PCI_PRI_CTRL_RESET);
    pci_set_word(pdev->w1cmask + offset + PCI_PRI_STATUS,
                 PCI_PRI_STATUS_RF | PCI_PRI_STATUS_UPRGI);
    /* Stopped changes at run time: not compared on migration. */
    pci_set_word(pdev->cmask + offset + PCI_PRI_STATUS, PCI_PRI_STATUS_PASID);
    pci_set_long(pdev->config + offset + PCI_PRI_MAX_REQ,
                 SMMU_TESTDEV_PRI_CAPACITY);
    pci_set_long(pdev->wmask + offset + PCI_PRI_ALLOC_REQ,
                 TESTDEV_PRI_ALLOC_ALL);
    s->pri_cap = offset;
}

/* Reset values of the control registers of the extended capabilities. */
static void testdev_caps_reset(SmmuTestdevState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint16_t status = 0;

    if (s->ats_cap) {
        pci_set_word(pdev->config + s->ats_cap + PCI_ATS_CTRL, 0);
    }
    if (s->pasid_cap) {
        pci_set_word(pdev->config + s->pasid_cap + PCI_PASID_CTRL, 0);
    }
    if (s->pri_cap) {
        pci_set_word(pdev->config + s->pri_cap + PCI_PRI_CTRL, 0);
        status = PCI_PRI_STATUS_STOPPED;
        if (s->pasid_cap) {
            /* Responses to requests with a PASID must carry it. */
            status |= PCI_PRI_STATUS_PASID;
        }
        pci_set_word(pdev->config + s->pri_cap + PCI_PRI_STATUS, status);
        pci_set_long(pdev->config + s->pri_cap + PCI_PRI_ALLOC_REQ, 0);
    }
}

/* ---- Interrupts ---------------------------------------------------------- */

static void testdev_irq_update(SmmuTestdevState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    bool level = (s->irq_status & s->irq_enable) != 0;
    bool msi = msi_enabled(pdev);

    if (msi) {
        /* Edge: one message when the first enabled cause is raised. */
        if (level && !s->irq_level) {
            msi_notify(pdev, 0);
        }
        pci_set_irq(pdev, 0);
    } else {
        pci_set_irq(pdev, level);
    }
    if (level != s->irq_level) {
        trace_smmu_testdev_irq(s->name, s->irq_status, s->irq_enable, msi,
                               level);
    }
    s->irq_level = level;
}

/* ---- ATC ----------------------------------------------------------------- */

static void testdev_atc_flush(SmmuTestdevState *s)
{
    memset(s->atc, 0, sizeof(s->atc));
    s->atc_next = 0;
}

static TestdevAtcEntry *testdev_atc_lookup(SmmuTestdevState *s,
                                           bool pasid_valid, uint32_t pasid,
                                           uint64_t iova)
{
    TestdevAtcEntry *e;
    int i;

    for (i = 0; i < SMMU_TESTDEV_ATC_ENTRIES; i++) {
        e = &s->atc[i];
        if (e->valid && e->pasid_valid == pasid_valid &&
            (!pasid_valid || e->pasid == pasid) &&
            iova - e->iova < e->size) {
            return e;
        }
    }
    return NULL;
}

/* Drop entries of (@pasid_valid, @pasid) overlapping [@first, @last]. */
static unsigned testdev_atc_drop(SmmuTestdevState *s, bool any_pasid,
                                 bool pasid_valid, uint32_t pasid,
                                 uint64_t first, uint64_t last)
{
    TestdevAtcEntry *e;
    unsigned dropped = 0;
    int i;

    for (i = 0; i < SMMU_TESTDEV_ATC_ENTRIES; i++) {
        e = &s->atc[i];
        if (!e->valid) {
            continue;
        }
        if (!any_pasid &&
            (e->pasid_valid != pasid_valid ||
             (pasid_valid && e->pasid != pasid))) {
            continue;
        }
        if (e->iova > last || e->iova + (e->size - 1) < first) {
            continue;
        }
        e->valid = false;
        dropped++;
    }
    return dropped;
}

static TestdevAtcEntry *testdev_atc_insert(SmmuTestdevState *s,
                                           bool pasid_valid, uint32_t pasid,
                                           const SmmuExtAtsXlate *x,
                                           uint64_t iova)
{
    TestdevAtcEntry *e;
    uint64_t size = x->size;

    /* Sanitise what the SMMU returned: a power of two of 4 KiB or more. */
    if (size < SMMU_TESTDEV_PAGE_SIZE || !is_power_of_2(size)) {
        size = SMMU_TESTDEV_PAGE_SIZE;
    }
    testdev_atc_drop(s, false, pasid_valid, pasid, iova & ~(size - 1),
                     (iova & ~(size - 1)) + (size - 1));
    e = &s->atc[s->atc_next];
    s->atc_next = (s->atc_next + 1) % SMMU_TESTDEV_ATC_ENTRIES;
    e->iova = iova & ~(size - 1);
    e->size = size;
    e->taddr = x->translated_addr & ~(size - 1);
    e->pasid = pasid_valid ? pasid : 0;
    e->pasid_valid = pasid_valid;
    e->perm = x->perm;
    e->valid = true;
    return e;
}

/* SMMU -> endpoint: ATS Invalidate Request. */
static bool testdev_atc_invalidate(void *opaque, uint32_t pasid,
                                   bool pasid_valid, uint64_t addr,
                                   uint64_t size)
{
    SmmuTestdevState *s = opaque;
    uint64_t last;
    unsigned dropped;

    if (size == 0 || addr + (size - 1) < addr) {
        last = UINT64_MAX;
    } else {
        last = addr + (size - 1);
    }
    if (size == 0) {
        addr = 0;
    }
    s->atc_inv_reqs++;
    if (s->fail_atc_inv) {
        /* Asked to fail: nothing is dropped, the SMMU hears an error. */
        s->fail_atc_inv = false;
        return false;
    }
    /* Without a PASID, an invalidation covers every PASID. */
    dropped = testdev_atc_drop(s, !pasid_valid, pasid_valid, pasid, addr,
                               last);
    s->atc_inv_entries += dropped;
    trace_smmu_testdev_atc_inval(s->name, pasid, pasid_valid, addr, size,
                                 dropped);
    return true;
}

/* SMMU -> endpoint: PRG Response.  Acted upon in the bottom half. */
static void testdev_pri_response(void *opaque, uint32_t pasid,
                                 bool pasid_valid, uint16_t prgi,
                                 unsigned code)
{
    SmmuTestdevState *s = opaque;

    trace_smmu_testdev_pri_response(s->name, pasid, pasid_valid, prgi, code);
    s->pri_resps++;
    s->pri_last = testdev_field(SMMU_TESTDEV_PRI_LAST_CODE, code) |
                  testdev_field(SMMU_TESTDEV_PRI_LAST_PRGI, prgi) |
                  SMMU_TESTDEV_PRI_LAST_VALID;
    if (!s->pri_cap) {
        return;
    }
    if (s->pri_state != TESTDEV_PRI_WAIT || prgi != s->pri_prgi) {
        testdev_pri_status_set(s, PCI_PRI_STATUS_UPRGI);
        return;
    }
    if (code == SMMU_EXT_ATS_PRI_SUCCESS) {
        s->pri_state = TESTDEV_PRI_GO;
    } else {
        s->pri_state = TESTDEV_PRI_DENIED;
        s->pri_code = code;
        if (code == SMMU_EXT_ATS_PRI_FAILURE) {
            testdev_pri_status_set(s, PCI_PRI_STATUS_RF);
        }
    }
    if (!(testdev_pri_ctrl(s) & PCI_PRI_CTRL_ENABLE)) {
        testdev_pri_status_set(s, PCI_PRI_STATUS_STOPPED);
    }
    qemu_bh_schedule(s->resume_bh);
}

static const SmmuExtAtsEndpointOps testdev_endpoint_ops = {
    .atc_invalidate = testdev_atc_invalidate,
    .pri_response = testdev_pri_response,
};

/* ---- Job completion ------------------------------------------------------ */

static void testdev_finish(SmmuTestdevState *s, unsigned err)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);

    s->job_ns = now > s->job_start_ns ? now - s->job_start_ns : 0;
    s->total_ns += s->job_ns;
    s->jobs++;
    s->pri_state = TESTDEV_PRI_IDLE;
    s->error = (s->error & ~SMMU_TESTDEV_ERROR_CODE) |
               testdev_field(SMMU_TESTDEV_ERROR_CODE, err);
    s->status = err ? SMMU_TESTDEV_STATUS_ERROR : SMMU_TESTDEV_STATUS_DONE;
    s->irq_status |= err ? SMMU_TESTDEV_IRQ_ERROR : SMMU_TESTDEV_IRQ_DONE;
    if (err) {
        trace_smmu_testdev_job_error(s->name, testdev_err_name(err),
                                     s->fault_index, s->fault_addr,
                                     testdev_get(s->error,
                                                 SMMU_TESTDEV_ERROR_MEMTX),
                                     s->fault_info);
    }
    trace_smmu_testdev_job_done(s->name, err, s->done, s->job_bytes,
                                s->job_ns, s->mismatches);
    testdev_irq_update(s);
}

/* Record where and why the job failed (FAULT_* and ERROR.MEMTX). */
static void testdev_set_fault(SmmuTestdevState *s, uint64_t iova,
                              MemTxResult res, const SmmuExtAtsFault *f,
                              unsigned xlate_status)
{
    s->fault_addr = iova;
    s->fault_index = s->job_index;
    s->error = (s->error & ~SMMU_TESTDEV_ERROR_MEMTX) |
               testdev_field(SMMU_TESTDEV_ERROR_MEMTX, res);
    s->fault_info = testdev_field(SMMU_TESTDEV_FAULT_XLATE, xlate_status);
    if (f) {
        s->fault_info |= testdev_field(SMMU_TESTDEV_FAULT_KIND, f->kind) |
                         testdev_field(SMMU_TESTDEV_FAULT_RECORDED,
                                       f->recorded) |
                         testdev_field(SMMU_TESTDEV_FAULT_CODE, f->code);
    }
}

/* ---- DMA ----------------------------------------------------------------- */

static bool testdev_job_pasid(SmmuTestdevState *s)
{
    return s->job.op & SMMU_TESTDEV_OP_PASID;
}

static bool testdev_job_ats(SmmuTestdevState *s)
{
    return testdev_ats_enabled(s) && !(s->job.op & SMMU_TESTDEV_OP_NO_ATS);
}

/* Send a page request for the page of @iova; TESTDEV_WAIT or an error. */
static int testdev_pri_request(SmmuTestdevState *s, uint64_t iova,
                               bool write)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    bool pv = testdev_job_pasid(s);
    uint64_t page = iova & ~(uint64_t)(SMMU_TESTDEV_PAGE_SIZE - 1);
    uint16_t prgi;

    s->fault_addr = iova;
    s->fault_index = s->job_index;
    if (pci_get_long(pdev->config + s->pri_cap + PCI_PRI_ALLOC_REQ) == 0 ||
        (pci_get_word(pdev->config + s->pri_cap + PCI_PRI_STATUS) &
         PCI_PRI_STATUS_RF)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: page request needed for 0x%"
                      PRIx64 " but no PRI credit is allocated or Response "
                      "Failure is set\n", s->name, iova);
        return SMMU_TESTDEV_ERR_PRI_OFF;
    }
    if (s->pri_retries && page == s->pri_page) {
        if (s->pri_retries >= SMMU_TESTDEV_PRI_MAX_RETRIES) {
            return SMMU_TESTDEV_ERR_PRI_LIMIT;
        }
        s->pri_retries++;
    } else {
        s->pri_page = page;
        s->pri_retries = 1;
    }
    if (s->pri_job_reqs >= SMMU_TESTDEV_PRI_MAX_PER_JOB) {
        return SMMU_TESTDEV_ERR_PRI_LIMIT;
    }
    s->pri_job_reqs++;
    s->pri_reqs++;

    prgi = s->pri_next_prgi;
    s->pri_next_prgi = (prgi + 1) & 0x1ff;      /* 9-bit PRG index */
    s->pri_prgi = prgi;
    s->pri_state = TESTDEV_PRI_WAIT;
    s->status |= SMMU_TESTDEV_STATUS_PRI_WAIT;
    testdev_pri_status_clear(s, PCI_PRI_STATUS_STOPPED);
    trace_smmu_testdev_pri_request(s->name, s->job.pasid, pv, page, prgi,
                                   write);
    if (!smmu_ext_ats_page_request(s->smmu, pdev, s->job.pasid, pv, page,
                                   !write, write, prgi, true)) {
        s->pri_state = TESTDEV_PRI_IDLE;
        s->status &= ~SMMU_TESTDEV_STATUS_PRI_WAIT;
        return SMMU_TESTDEV_ERR_PRI_DROPPED;
    }
    /* A response may already have come (pri_state is then GO or DENIED). */
    return TESTDEV_WAIT;
}

/* DMA within one page with ATS: translate via the ATC, then translated. */
static int testdev_dma_ats(SmmuTestdevState *s, uint64_t iova, void *buf,
                           uint64_t len, bool write)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    bool pv = testdev_job_pasid(s);
    uint8_t need = write ? SMMU_EXT_ATS_PERM_W : SMMU_EXT_ATS_PERM_R;
    TestdevAtcEntry *e = testdev_atc_lookup(s, pv, s->job.pasid, iova);
    SmmuExtAtsXlate x;
    SmmuExtAtsFault f;
    uint64_t taddr;
    MemTxResult res;
    bool pri;

    if (e && (e->perm & need)) {
        s->atc_hits++;
    } else {
        s->atc_misses++;
        x = smmu_ext_ats_translate(s->smmu, pdev, s->job.pasid, pv, iova,
                                   write);
        trace_smmu_testdev_ats_translate(s->name, s->job.pasid, pv, iova,
                                         write, x.status, x.translated_addr,
                                         x.size, x.perm);
        if (x.status != SMMU_EXT_ATS_XLATE_SUCCESS) {
            testdev_set_fault(s, iova, MEMTX_OK, &x.fault, x.status);
            return SMMU_TESTDEV_ERR_ATS;
        }
        e = NULL;
        if (x.perm & (SMMU_EXT_ATS_PERM_R | SMMU_EXT_ATS_PERM_W)) {
            e = testdev_atc_insert(s, pv, s->job.pasid, &x, iova);
        }
        if (!(x.perm & need)) {
            pri = (testdev_pri_ctrl(s) & PCI_PRI_CTRL_ENABLE) &&
                  !(s->job.op & SMMU_TESTDEV_OP_NO_PRI);
            if (pri) {
                return testdev_pri_request(s, iova, write);
            }
            if (x.fault.kind == SMMU_EXT_ATS_FAULT_NONE) {
                x.fault.kind = SMMU_EXT_ATS_FAULT_TRANSLATION;
            }
            testdev_set_fault(s, iova, MEMTX_OK, &x.fault, x.status);
            return SMMU_TESTDEV_ERR_ATS;
        }
    }
    taddr = e->taddr + (iova - e->iova);
    /* Translated requests carry no PASID (PCIe). */
    res = smmu_ext_ats_dma(s->smmu, pdev, 0, false, taddr, buf, len, write,
                           true, &f);
    if (res != MEMTX_OK) {
        testdev_set_fault(s, iova, res, &f, SMMU_EXT_ATS_XLATE_SUCCESS);
        return SMMU_TESTDEV_ERR_DMA;
    }
    return SMMU_TESTDEV_ERR_NONE;
}

/* DMA within one page, on the path the job asks for. */
static int testdev_dma_page(SmmuTestdevState *s, uint64_t iova, void *buf,
                            uint64_t len, bool write)
{
    PCIDevice *pdev = testdev_pci(s);
    SmmuExtAtsFault f;
    MemTxResult res;

    if ((testdev_job_ats(s) || testdev_job_pasid(s)) && !s->smmu) {
        /* Only after a migration to a machine without the SMMU. */
        return SMMU_TESTDEV_ERR_NO_SMMU;
    }
    if (testdev_job_ats(s)) {
        return testdev_dma_ats(s, iova, buf, len, write);
    }
    if (testdev_job_pasid(s)) {
        res = smmu_ext_ats_dma(s->smmu, pdev, s->job.pasid, true, iova, buf,
                               len, write, false, &f);
        if (res != MEMTX_OK) {
            testdev_set_fault(s, iova, res, &f, 0);
            return SMMU_TESTDEV_ERR_DMA;
        }
        return SMMU_TESTDEV_ERR_NONE;
    }
    res = write ? pci_dma_write(pdev, iova, buf, len)
                : pci_dma_read(pdev, iova, buf, len);
    if (res != MEMTX_OK) {
        testdev_set_fault(s, iova, res, NULL, 0);
        return SMMU_TESTDEV_ERR_DMA;
    }
    return SMMU_TESTDEV_ERR_NONE;
}

/*
 * OP.CACHED: the whole access through a MemoryRegionCache over it, the
 * way virtio reaches its rings, not split at pages: QEMU's memory core
 * then splits it where the IOMMU's translations end.
 */
static int testdev_dma_cached(SmmuTestdevState *s, uint64_t iova,
                              uint8_t *buf, uint64_t len, bool write)
{
    MemoryRegionCache cache;
    AddressSpace *as = pci_get_address_space(testdev_pci(s));
    MemTxResult res = MEMTX_DECODE_ERROR;
    int64_t mapped;

    /* No region yet: nothing to destroy (7.2's MEMORY_REGION_CACHE_INVALID) */
    memset(&cache, 0, sizeof(cache));
    RCU_READ_LOCK_GUARD();
    mapped = address_space_cache_init(&cache, as, iova, len, write);
    if (mapped >= 0 && (uint64_t)mapped >= len) {
        res = write ? address_space_write_cached(&cache, 0, buf, len)
                    : address_space_read_cached(&cache, 0, buf, len);
        if (write) {
            /* RAM reached directly: dirty it for migration and TCG */
            address_space_cache_invalidate(&cache, 0, len);
        }
    } else {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: OP.CACHED: [0x%" PRIx64
                      ", +0x%" PRIx64 ") is not in one memory region\n",
                      s->name, iova, len);
    }
    address_space_cache_destroy(&cache);
    if (res != MEMTX_OK) {
        testdev_set_fault(s, iova, res, NULL, 0);
        return SMMU_TESTDEV_ERR_DMA;
    }
    return SMMU_TESTDEV_ERR_NONE;
}

static int testdev_dma(SmmuTestdevState *s, uint64_t iova, uint8_t *buf,
                       uint64_t len, bool write)
{
    uint64_t pos = 0, n, a;
    int r;

    if (s->job.op & SMMU_TESTDEV_OP_CACHED) {
        return testdev_dma_cached(s, iova, buf, len, write);
    }
    while (pos < len) {
        a = iova + pos;
        n = MIN(len - pos, SMMU_TESTDEV_PAGE_SIZE -
                (a & (SMMU_TESTDEV_PAGE_SIZE - 1)));
        r = testdev_dma_page(s, a, buf + pos, n, write);
        if (r) {
            return r;
        }
        pos += n;
    }
    return SMMU_TESTDEV_ERR_NONE;
}

/* ---- Patterns ------------------------------------------------------------ */

static void testdev_pattern(const TestdevJob *j, uint64_t off, uint8_t *buf,
                            uint64_t len)
{
    unsigned mode = testdev_get(j->op, SMMU_TESTDEV_OP_PAT);
    uint64_t i, o;
    uint32_t w = 0;

    for (i = 0; i < len; i++) {
        o = off + i;
        if (mode == SMMU_TESTDEV_PAT_CONST) {
            w = j->pattern;
        } else if (i == 0 || (o & 3) == 0) {
            w = smmu_testdev_pattern_word(j->pattern, o >> 2);
        }
        buf[i] = w >> (8 * (o & 3));
    }
}

static void testdev_verify(SmmuTestdevState *s, uint64_t off,
                           const uint8_t *data, uint8_t *expect)
{
    uint64_t i;

    testdev_pattern(&s->job, off, expect, s->job.len);
    if (!memcmp(data, expect, s->job.len)) {
        return;
    }
    for (i = 0; i < s->job.len; i++) {
        if (data[i] == expect[i]) {
            continue;
        }
        if (!s->mismatches) {
            s->mismatch_off = off + i;
            s->mismatch_data =
                testdev_field(SMMU_TESTDEV_MISMATCH_EXPECTED, expect[i]) |
                testdev_field(SMMU_TESTDEV_MISMATCH_ACTUAL, data[i]);
        }
        s->mismatches++;
    }
}

/* ---- Job engine ---------------------------------------------------------- */

/* One access of the job (index job_index at offset job_off). */
static int testdev_access(SmmuTestdevState *s, uint8_t *buf, uint8_t *buf2)
{
    const TestdevJob *j = &s->job;
    uint64_t off = s->job_off;
    int r;

    switch (testdev_get(j->op, SMMU_TESTDEV_OP_CODE)) {
    case SMMU_TESTDEV_OP_READ:
        return testdev_dma(s, j->src + off, buf, j->len, false);
    case SMMU_TESTDEV_OP_VERIFY:
        r = testdev_dma(s, j->src + off, buf, j->len, false);
        if (r == SMMU_TESTDEV_ERR_NONE) {
            testdev_verify(s, off, buf, buf2);
        }
        return r;
    case SMMU_TESTDEV_OP_WRITE:
        testdev_pattern(j, off, buf, j->len);
        return testdev_dma(s, j->dst + off, buf, j->len, true);
    case SMMU_TESTDEV_OP_COPY:
        r = testdev_dma(s, j->src + off, buf, j->len, false);
        if (r == SMMU_TESTDEV_ERR_NONE) {
            r = testdev_dma(s, j->dst + off, buf, j->len, true);
        }
        return r;
    default:
        /* Rejected by testdev_job_check(). */
        return SMMU_TESTDEV_ERR_BAD_OP;
    }
}

/* The next access's offset: (i * stride) mod wset, without overflow. */
static uint64_t testdev_next_off(const TestdevJob *j, uint64_t off)
{
    uint64_t step;

    if (!j->wset) {
        return off + j->stride;        /* range checked at the doorbell */
    }
    step = j->stride % j->wset;
    if (off >= j->wset - step) {
        return off - (j->wset - step);
    }
    return off + step;
}

/* ---- Timed jobs (OUTSTANDING != 0) -------------------------------------- */

static bool testdev_timed(const SmmuTestdevState *s)
{
    return s->outstanding != 0;
}

static void testdev_timed_start(SmmuTestdevState *s)
{
    uint32_t i;

    s->model_start_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    s->model_issue_ns = s->model_end_ns = s->model_start_ns;
    for (i = 0; i < s->outstanding; i++) {
        s->slot_free[i] = s->model_start_ns;
    }
    s->slot_head = 0;
}

/* The next access's issue time: the earliest free slot, in order. */
static int64_t testdev_slot_take(SmmuTestdevState *s)
{
    int64_t t = MAX(s->slot_free[s->slot_head], s->model_issue_ns);

    s->slot_head = (s->slot_head + 1) % s->outstanding;
    s->model_issue_ns = t;
    return t;
}

/* The slot taken last is free again at @t (kept ascending). */
static void testdev_slot_put(SmmuTestdevState *s, int64_t t)
{
    uint32_t n = s->outstanding;
    uint32_t k = n - 1;

    while (k > 0 && s->slot_free[(s->slot_head + k - 1) % n] > t) {
        s->slot_free[(s->slot_head + k) % n] =
            s->slot_free[(s->slot_head + k - 1) % n];
        k--;
    }
    s->slot_free[(s->slot_head + k) % n] = t;
}

static int64_t testdev_xfer_ns(const SmmuTestdevState *s)
{
    unsigned code = testdev_get(s->job.op, SMMU_TESTDEV_OP_CODE);
    uint64_t bytes = (uint64_t)s->job.len *
                     (code == SMMU_TESTDEV_OP_COPY ? 2 : 1);

    return DIV_ROUND_UP(bytes, SMMU_TESTDEV_XFER_BYTES_PER_NS);
}

/* Before a timed access: its translations arrive at its issue time. */
static int64_t testdev_timed_issue(SmmuTestdevState *s)
{
    int64_t issue = testdev_slot_take(s);

    if (s->smmu) {
        smmu_ext_ats_timing_arrival(s->smmu, testdev_pci(s), issue);
    }
    return issue;
}

/* After it: done when its last translation is, plus the transfer. */
static void testdev_timed_complete(SmmuTestdevState *s, int64_t issue)
{
    int64_t done = s->smmu ? smmu_ext_ats_timing_done(s->smmu,
                                                      testdev_pci(s)) : -1;
    int64_t end = MAX(done, issue) + testdev_xfer_ns(s);

    testdev_slot_put(s, end);
    s->model_end_ns = MAX(s->model_end_ns, end);
}

/* The job ended with @err: report it now, or at its modelled end. */
static void testdev_job_end(SmmuTestdevState *s, unsigned err)
{
    if (!testdev_timed(s)) {
        testdev_finish(s, err);
        return;
    }
    if (s->smmu) {
        smmu_ext_ats_timing_arrival(s->smmu, PCI_DEVICE(s), -1);
    }
    s->model_ns = s->model_end_ns - s->model_start_ns;
    trace_smmu_testdev_job_model(s->name, s->model_ns, s->model_end_ns);
    if (s->model_end_ns <= qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)) {
        testdev_finish(s, err);
        return;
    }
    s->finish_err = err;
    s->model_pending = true;
    timer_mod(s->done_timer, s->model_end_ns);
}

static void testdev_done_timer(void *opaque)
{
    SmmuTestdevState *s = opaque;

    if (s->model_pending) {
        s->model_pending = false;
        testdev_finish(s, s->finish_err);
    }
}

/* Run (or resume) the job until it ends or waits for a page response. */
static void testdev_job_run(SmmuTestdevState *s)
{
    unsigned code = testdev_get(s->job.op, SMMU_TESTDEV_OP_CODE);
    uint64_t bytes = (uint64_t)s->job.len * (code == SMMU_TESTDEV_OP_COPY ?
                                             2 : 1);
    uint8_t *buf, *buf2 = NULL;
    int r = SMMU_TESTDEV_ERR_NONE;

    buf = g_malloc(s->job.len);
    if (code == SMMU_TESTDEV_OP_VERIFY) {
        buf2 = g_malloc(s->job.len);
    }
    while (s->job_index < s->job.count) {
        int64_t issue = testdev_timed(s) ? testdev_timed_issue(s) : 0;

        r = testdev_access(s, buf, buf2);
        if (testdev_timed(s)) {
            testdev_timed_complete(s, issue);
        }
        if (r != SMMU_TESTDEV_ERR_NONE) {
            break;
        }
        s->done++;
        s->job_bytes += bytes;
        s->job_index++;
        s->job_off = testdev_next_off(&s->job, s->job_off);
    }
    g_free(buf);
    g_free(buf2);

    if (r == TESTDEV_WAIT) {
        /* The response may have arrived during page_request(). */
        if (s->pri_state != TESTDEV_PRI_WAIT) {
            qemu_bh_schedule(s->resume_bh);
        }
        return;
    }
    if (r == SMMU_TESTDEV_ERR_NONE && s->mismatches) {
        r = SMMU_TESTDEV_ERR_VERIFY;
    }
    testdev_job_end(s, r);
}

/* The SMMU serving this device, found and registered with once. */
static bool testdev_find_smmu(SmmuTestdevState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    Object *smmu;

    if (s->smmu) {
        return true;
    }
    smmu = smmu_ext_ats_find(pdev);
    if (!smmu) {
        return false;
    }
    s->smmu = smmu;
    object_ref(smmu);
    if (!smmu_ext_ats_register(smmu, pdev, &testdev_endpoint_ops, s)) {
        qemu_log_mask(LOG_UNIMP, "%s: %s takes no endpoint registration: "
                      "no ATC invalidations or page responses will come\n",
                      s->name, object_get_typename(smmu));
    }
    trace_smmu_testdev_smmu(s->name, object_get_typename(smmu));
    return true;
}

/* Validate the latched job; SMMU_TESTDEV_ERR_NONE when it may run. */
static unsigned testdev_job_check(SmmuTestdevState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    const TestdevJob *j = &s->job;
    unsigned code = testdev_get(j->op, SMMU_TESTDEV_OP_CODE);
    unsigned pat = testdev_get(j->op, SMMU_TESTDEV_OP_PAT);
    uint64_t span, end;
    bool pasid = j->op & SMMU_TESTDEV_OP_PASID;

    if (code > SMMU_TESTDEV_OP_COPY || pat > SMMU_TESTDEV_PAT_CONST ||
        (j->op & SMMU_TESTDEV_OP_RESERVED)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: bad OP 0x%x\n", s->name, j->op);
        return SMMU_TESTDEV_ERR_BAD_OP;
    }
    if (code == SMMU_TESTDEV_OP_NOP) {
        return SMMU_TESTDEV_ERR_NONE;
    }
    if ((j->op & SMMU_TESTDEV_OP_CACHED) && (pasid || testdev_job_ats(s))) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: OP.CACHED takes untranslated "
                      "DMA without a PASID (OP 0x%x, ATS %s)\n", s->name,
                      j->op, testdev_ats_enabled(s) ? "enabled" : "disabled");
        return SMMU_TESTDEV_ERR_BAD_OP;
    }
    if (j->len == 0 || j->len > SMMU_TESTDEV_MAX_LEN) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: LEN 0x%x not in [1, 0x%x]\n",
                      s->name, j->len, SMMU_TESTDEV_MAX_LEN);
        return SMMU_TESTDEV_ERR_BAD_LEN;
    }
    if (j->count == 0 || j->count > SMMU_TESTDEV_MAX_COUNT) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: COUNT 0x%x not in [1, 0x%x]\n",
                      s->name, j->count, SMMU_TESTDEV_MAX_COUNT);
        return SMMU_TESTDEV_ERR_BAD_COUNT;
    }
    if ((uint64_t)j->len * j->count > SMMU_TESTDEV_MAX_BYTES) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: job of 0x%" PRIx64 " bytes "
                      "exceeds the 0x%" PRIx64 " limit\n", s->name,
                      (uint64_t)j->len * j->count, SMMU_TESTDEV_MAX_BYTES);
        return SMMU_TESTDEV_ERR_TOO_BIG;
    }
    /* Highest offset from the base an access can start at. */
    if (j->wset) {
        span = j->wset - 1;
    } else if (__builtin_mul_overflow((uint64_t)(j->count - 1), j->stride,
                                      &span)) {
        span = UINT64_MAX;
    }
    if (span > UINT64_MAX - (j->len - 1) ||
        ((code != SMMU_TESTDEV_OP_WRITE) &&
         __builtin_add_overflow(j->src, span + (j->len - 1), &end)) ||
        ((code == SMMU_TESTDEV_OP_WRITE || code == SMMU_TESTDEV_OP_COPY) &&
         __builtin_add_overflow(j->dst, span + (j->len - 1), &end))) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: job addresses wrap past 2^64 "
                      "(SRC 0x%" PRIx64 " DST 0x%" PRIx64 " STRIDE 0x%"
                      PRIx64 " WSET 0x%" PRIx64 ")\n", s->name, j->src,
                      j->dst, j->stride, j->wset);
        return SMMU_TESTDEV_ERR_BAD_RANGE;
    }
    if (!(pci_get_word(pdev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: DMA job with Bus Master Enable "
                      "clear\n", s->name);
        return SMMU_TESTDEV_ERR_NO_MASTER;
    }
    if (pasid && !(testdev_pasid_ctrl(s) & PCI_PASID_CTRL_ENABLE)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: OP.PASID set but the PASID "
                      "capability is %s\n", s->name,
                      s->pasid_cap ? "disabled" : "absent (pasid=off)");
        return SMMU_TESTDEV_ERR_PASID_OFF;
    }
    if ((pasid || testdev_job_ats(s)) && !testdev_find_smmu(s)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: the job needs %s but no SMMU "
                      "implementing " TYPE_SMMU_EXT_ATS_IF " serves this "
                      "device's root bus\n", s->name,
                      testdev_job_ats(s) ? "ATS" : "a PASID");
        return SMMU_TESTDEV_ERR_NO_SMMU;
    }
    return SMMU_TESTDEV_ERR_NONE;
}

static void testdev_doorbell_start(SmmuTestdevState *s)
{
    unsigned err;

    if (s->status & SMMU_TESTDEV_STATUS_BUSY) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: doorbell while a job is waiting "
                      "for a page response (ignored)\n", s->name);
        return;
    }
    s->job = (TestdevJob) {
        .src = s->src, .dst = s->dst, .stride = s->stride, .wset = s->wset,
        .len = s->len, .op = s->op, .pattern = s->pattern,
        .pasid = s->pasid, .count = s->count,
    };
    s->status = SMMU_TESTDEV_STATUS_BUSY;
    s->error = 0;
    s->fault_info = 0;
    s->fault_addr = 0;
    s->fault_index = 0;
    s->done = 0;
    s->mismatches = 0;
    s->mismatch_off = UINT64_MAX;
    s->mismatch_data = 0;
    s->job_bytes = 0;
    s->job_index = 0;
    s->job_off = 0;
    s->pri_state = TESTDEV_PRI_IDLE;
    s->pri_retries = 0;
    s->pri_job_reqs = 0;
    trace_smmu_testdev_job_start(s->name, s->job.op, s->job.src, s->job.dst,
                                 s->job.len, s->job.count, s->job.stride,
                                 s->job.wset, s->job.pasid);
    err = testdev_job_check(s);
    if (testdev_timed(s)) {
        testdev_find_smmu(s);          /* none: no translation latency */
        testdev_timed_start(s);
    }
    /* Timed from here: the job proper, not the SMMU lookup. */
    s->job_start_ns = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    if (err || testdev_get(s->job.op, SMMU_TESTDEV_OP_CODE) ==
               SMMU_TESTDEV_OP_NOP) {
        testdev_finish(s, err);
        return;
    }
    testdev_job_run(s);
}

static void testdev_abort(SmmuTestdevState *s)
{
    if (!(s->status & SMMU_TESTDEV_STATUS_BUSY)) {
        return;
    }
    s->model_pending = false;
    timer_del(s->done_timer);
    /* A response still to come for the request finds no waiter. */
    testdev_finish(s, SMMU_TESTDEV_ERR_ABORTED);
}

static void testdev_resume_bh(void *opaque)
{
    SmmuTestdevState *s = opaque;

    switch (s->pri_state) {
    case TESTDEV_PRI_GO:
        s->pri_state = TESTDEV_PRI_IDLE;
        s->status &= ~SMMU_TESTDEV_STATUS_PRI_WAIT;
        testdev_job_run(s);
        break;
    case TESTDEV_PRI_DENIED:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: page request for 0x%" PRIx64
                      " answered with code 0x%x\n", s->name, s->fault_addr,
                      s->pri_code);
        testdev_finish(s, SMMU_TESTDEV_ERR_PRI_DENIED);
        break;
    default:
        break;
    }
}

/* ---- Registers ----------------------------------------------------------- */

static uint32_t testdev_features(SmmuTestdevState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint32_t f = testdev_field(SMMU_TESTDEV_FEAT_ATC_SIZE,
                               SMMU_TESTDEV_ATC_ENTRIES);

    f |= s->pasid_cap ? SMMU_TESTDEV_FEAT_PASID : 0;
    f |= s->ats_cap ? SMMU_TESTDEV_FEAT_ATS : 0;
    f |= s->pri_cap ? SMMU_TESTDEV_FEAT_PRI : 0;
    f |= msi_present(pdev) ? SMMU_TESTDEV_FEAT_MSI : 0;
    f |= pci_is_express(pdev) ? SMMU_TESTDEV_FEAT_EXPRESS : 0;
    f |= SMMU_TESTDEV_FEAT_TIMED;
    return f;
}

static uint32_t testdev_id_read(SmmuTestdevState *s)
{
    return SMMU_TESTDEV_ID_VALUE;
}

static void testdev_pasid_write(SmmuTestdevState *s, uint32_t val)
{
    if (val & ~(uint32_t)SMMU_TESTDEV_PASID_VALUE) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: PASID 0x%x wider than 20 "
                      "bits (truncated)\n", s->name, val);
    }
    s->pasid = val & SMMU_TESTDEV_PASID_VALUE;
}

static void testdev_outstanding_write(SmmuTestdevState *s, uint32_t val)
{
    if (s->status & SMMU_TESTDEV_STATUS_BUSY) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: OUTSTANDING written while "
                      "a job runs (ignored)\n", s->name);
        return;
    }
    if (val > SMMU_TESTDEV_MAX_OUTSTANDING) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: OUTSTANDING %u above %u "
                      "(%u taken)\n", s->name, val,
                      SMMU_TESTDEV_MAX_OUTSTANDING,
                      SMMU_TESTDEV_MAX_OUTSTANDING);
        val = SMMU_TESTDEV_MAX_OUTSTANDING;
    }
    s->outstanding = val;
}

static void testdev_doorbell_write(SmmuTestdevState *s, uint32_t val)
{
    if (val == SMMU_TESTDEV_DOORBELL_START) {
        testdev_doorbell_start(s);
    } else if (val == SMMU_TESTDEV_DOORBELL_ABORT) {
        testdev_abort(s);
    } else {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: unknown doorbell value 0x%x\n",
                      s->name, val);
    }
}

static void testdev_irq_enable_write(SmmuTestdevState *s, uint32_t val)
{
    s->irq_enable = val & SMMU_TESTDEV_IRQ_ALL;
    testdev_irq_update(s);
}

/* IRQ_STATUS (write-one-to-clear) and IRQ_ACK. */
static void testdev_irq_ack_write(SmmuTestdevState *s, uint32_t val)
{
    s->irq_status &= ~val;
    testdev_irq_update(s);
}

static void testdev_ctrl_write(SmmuTestdevState *s, uint32_t val)
{
    if (val & SMMU_TESTDEV_CTRL_CLEAR_STATS) {
        s->total_ns = 0;
        s->jobs = 0;
        s->atc_hits = 0;
        s->atc_misses = 0;
        s->atc_inv_reqs = 0;
        s->atc_inv_entries = 0;
        s->pri_reqs = 0;
        s->pri_resps = 0;
        s->unmap_events = 0;
        s->unmap_iova = 0;
        s->unmap_mask = 0;
    }
    if (val & SMMU_TESTDEV_CTRL_FLUSH_ATC) {
        testdev_atc_flush(s);
    }
    if (val & SMMU_TESTDEV_CTRL_FAIL_ATC_INV) {
        s->fail_atc_inv = true;
    }
    if (val & ~(uint32_t)(SMMU_TESTDEV_CTRL_CLEAR_STATS |
                          SMMU_TESTDEV_CTRL_FAIL_ATC_INV |
                          SMMU_TESTDEV_CTRL_FLUSH_ATC)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: reserved CTRL bits 0x%x\n",
                      s->name, val);
    }
}

/*
 * The register file, one row per register (offsets in smmu-testdev.h,
 * documented in docs/smmu-testdev.md).  A register is a field of the
 * state (32 or 64 bits wide), a value computed on read, or neither (a
 * write-only register reads as zero).  A row without write handler and
 * without TD_PLAIN_WRITE is read-only.  A 64-bit register is accessed as
 * two 32-bit halves, so 4- and 8-byte accesses behave alike.
 */
#define TD_NO_FIELD     SIZE_MAX

typedef struct TestdevReg {
    hwaddr off;
    uint8_t width;                      /* 4 or 8 bytes */
    size_t field;                       /* offsetof(), or TD_NO_FIELD */
    bool plain_write;                   /* a write stores the value */
    uint32_t (*read)(SmmuTestdevState *s);              /* computed */
    void (*write)(SmmuTestdevState *s, uint32_t val);   /* side effects */
} TestdevReg;

#define TD_FIELD(name, member, w)                                       \
    { .off = SMMU_TESTDEV_##name,                                       \
      .width = sizeof_field(SmmuTestdevState, member),                  \
      .field = offsetof(SmmuTestdevState, member), .plain_write = (w) }
#define TD_RO(name, member)     TD_FIELD(name, member, false)
#define TD_RW(name, member)     TD_FIELD(name, member, true)
#define TD_HANDLED(name, member, fn)                                    \
    { .off = SMMU_TESTDEV_##name,                                       \
      .width = sizeof_field(SmmuTestdevState, member),                  \
      .field = offsetof(SmmuTestdevState, member), .write = (fn) }
#define TD_WO(name, fn)                                                 \
    { .off = SMMU_TESTDEV_##name, .width = 4, .field = TD_NO_FIELD,    \
      .write = (fn) }
#define TD_COMPUTED(name, fn)                                           \
    { .off = SMMU_TESTDEV_##name, .width = 4, .field = TD_NO_FIELD,    \
      .read = (fn) }

static const TestdevReg testdev_regs[] = {
    TD_COMPUTED(ID,              testdev_id_read),
    TD_COMPUTED(FEATURES,        testdev_features),
    TD_RW(SRC,                   src),
    TD_RW(DST,                   dst),
    TD_RW(LEN,                   len),
    TD_RW(OP,                    op),
    TD_RW(PATTERN,               pattern),
    TD_HANDLED(PASID,            pasid, testdev_pasid_write),
    TD_RW(COUNT,                 count),
    TD_RW(STRIDE,                stride),
    TD_RW(WSET,                  wset),
    TD_WO(DOORBELL,              testdev_doorbell_write),
    TD_RO(STATUS,                status),
    TD_RO(ERROR,                 error),
    TD_RO(FAULT_INFO,            fault_info),
    TD_RO(FAULT_ADDR,            fault_addr),
    TD_RO(FAULT_INDEX,           fault_index),
    TD_RO(DONE_COUNT,            done),
    TD_RO(MISMATCH_COUNT,        mismatches),
    TD_RO(MISMATCH_OFFSET,       mismatch_off),
    TD_RO(MISMATCH_DATA,         mismatch_data),
    TD_HANDLED(IRQ_ENABLE,       irq_enable, testdev_irq_enable_write),
    TD_HANDLED(IRQ_STATUS,       irq_status, testdev_irq_ack_write),
    TD_WO(IRQ_ACK,               testdev_irq_ack_write),
    TD_RO(JOB_NS,                job_ns),
    TD_RO(TOTAL_NS,              total_ns),
    TD_RO(JOBS,                  jobs),
    TD_RO(JOB_BYTES,             job_bytes),
    TD_RO(ATC_HITS,              atc_hits),
    TD_RO(ATC_MISSES,            atc_misses),
    TD_RO(ATC_INV_REQS,          atc_inv_reqs),
    TD_RO(ATC_INV_ENTRIES,       atc_inv_entries),
    TD_RO(PRI_REQS,              pri_reqs),
    TD_RO(PRI_RESPS,             pri_resps),
    TD_WO(CTRL,                  testdev_ctrl_write),
    TD_RO(PRI_LAST,              pri_last),
    TD_RO(UNMAP_EVENTS,          unmap_events),
    TD_RO(UNMAP_IOVA,            unmap_iova),
    TD_RO(UNMAP_MASK,            unmap_mask),
    TD_HANDLED(OUTSTANDING,      outstanding, testdev_outstanding_write),
    TD_RO(MODEL_NS,              model_ns),
};

/*
 * The table is static data: rows aligned to their width and disjoint,
 * checked once when the type is registered.
 */
static void testdev_regs_check(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(testdev_regs); i++) {
        const TestdevReg *r = &testdev_regs[i];

        g_assert((r->width == 4 || r->width == 8) && !(r->off % r->width));
        for (size_t j = 0; j < i; j++) {
            const TestdevReg *o = &testdev_regs[j];

            g_assert(r->off + r->width <= o->off || o->off + o->width <= r->off);
        }
    }
}

/* The row of the register that the 32-bit word at @off belongs to. */
static const TestdevReg *testdev_reg_find(hwaddr off)
{
    for (size_t i = 0; i < ARRAY_SIZE(testdev_regs); i++) {
        const TestdevReg *r = &testdev_regs[i];

        if (off >= r->off && off < r->off + r->width) {
            return r;
        }
    }
    return NULL;
}

/* Bit position of the 32-bit word at @off within register @r. */
static unsigned testdev_reg_shift(const TestdevReg *r, hwaddr off)
{
    return 8 * (off - r->off);
}

static uint32_t testdev_read32(SmmuTestdevState *s, hwaddr off)
{
    const TestdevReg *r = testdev_reg_find(off);
    const uint8_t *base = (const uint8_t *)s;

    if (!r) {
        return 0;               /* unlisted offsets read as zero */
    }
    if (r->read) {
        return r->read(s);
    }
    if (r->field == TD_NO_FIELD) {
        return 0;               /* write-only */
    }
    if (r->width == 8) {
        return *(const uint64_t *)(base + r->field) >>
               testdev_reg_shift(r, off);
    }
    return *(const uint32_t *)(base + r->field);
}

static void testdev_write32(SmmuTestdevState *s, hwaddr off, uint32_t val)
{
    const TestdevReg *r = testdev_reg_find(off);
    uint8_t *base = (uint8_t *)s;

    if (!r) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: write 0x%x to unknown offset 0x%"
                      HWADDR_PRIx "\n", s->name, val, off);
    } else if (r->write) {
        r->write(s, val);
    } else if (!r->plain_write) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: write 0x%x to read-only offset "
                      "0x%" HWADDR_PRIx "\n", s->name, val, off);
    } else if (r->width == 8) {
        uint64_t *reg = (uint64_t *)(base + r->field);

        *reg = deposit64(*reg, testdev_reg_shift(r, off), 32, val);
    } else {
        *(uint32_t *)(base + r->field) = val;
    }
}

static uint64_t testdev_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    SmmuTestdevState *s = opaque;
    uint64_t val = testdev_read32(s, addr);

    if (size == 8) {
        val |= (uint64_t)testdev_read32(s, addr + 4) << 32;
    }
    trace_smmu_testdev_mmio_read(s->name, addr, size, val);
    return val;
}

static void testdev_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    SmmuTestdevState *s = opaque;

    trace_smmu_testdev_mmio_write(s->name, addr, size, val);
    testdev_write32(s, addr, val);
    if (size == 8) {
        testdev_write32(s, addr + 4, val >> 32);
    }
}

static const MemoryRegionOps testdev_mmio_ops = {
    .read = testdev_mmio_read,
    .write = testdev_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
        .unaligned = false,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
};

/* ---- Configuration space writes ------------------------------------------ */

static void testdev_config_write(PCIDevice *pdev, uint32_t addr,
                                 uint32_t val, int len)
{
    SmmuTestdevState *s = SMMU_TESTDEV(pdev);
    uint16_t ats_old = 0, pasid_old = testdev_pasid_ctrl(s);
    uint16_t pri;

    if (s->ats_cap) {
        ats_old = pci_get_word(pdev->config + s->ats_cap + PCI_ATS_CTRL);
    }
    pci_default_write_config(pdev, addr, val, len);

    /* Enabling, disabling or changing ATS or PASID empties the ATC. */
    if ((s->ats_cap &&
         pci_get_word(pdev->config + s->ats_cap + PCI_ATS_CTRL) != ats_old) ||
        testdev_pasid_ctrl(s) != pasid_old) {
        testdev_atc_flush(s);
    }

    if (!s->pri_cap ||
        !ranges_overlap(addr, len, s->pri_cap + PCI_PRI_CTRL, 2)) {
        return;
    }
    pri = testdev_pri_ctrl(s);
    if (pri & PCI_PRI_CTRL_RESET) {
        /* Reset reads as zero; with Enable clear it ends what is pending. */
        pci_word_test_and_clear_mask(pdev->config + s->pri_cap + PCI_PRI_CTRL,
                                     PCI_PRI_CTRL_RESET);
        if (!(pri & PCI_PRI_CTRL_ENABLE) &&
            s->pri_state != TESTDEV_PRI_IDLE) {
            testdev_finish(s, SMMU_TESTDEV_ERR_ABORTED);
        }
    }
    if (pri & PCI_PRI_CTRL_ENABLE) {
        testdev_pri_status_clear(s, PCI_PRI_STATUS_STOPPED);
    } else if (s->pri_state == TESTDEV_PRI_IDLE) {
        testdev_pri_status_set(s, PCI_PRI_STATUS_STOPPED);
    }
}

/* ---- Lifecycle ----------------------------------------------------------- */

static void testdev_reset(DeviceState *dev)
{
    SmmuTestdevState *s = SMMU_TESTDEV(dev);

    qemu_bh_cancel(s->resume_bh);
    timer_del(s->done_timer);
    s->model_pending = false;
    s->outstanding = 0;
    s->model_ns = 0;
    s->src = s->dst = s->stride = s->wset = 0;
    s->len = 0;
    s->op = 0;
    s->pattern = 0;
    s->pasid = 0;
    s->count = 1;
    s->status = 0;
    s->error = 0;
    s->fault_info = 0;
    s->mismatch_data = 0;
    s->fault_addr = s->fault_index = s->done = s->mismatches = 0;
    s->mismatch_off = UINT64_MAX;
    s->irq_enable = 0;
    s->irq_status = 0;
    s->irq_level = false;
    s->fail_atc_inv = false;
    s->job_ns = s->total_ns = s->jobs = s->job_bytes = 0;
    s->atc_hits = s->atc_misses = s->atc_inv_reqs = s->atc_inv_entries = 0;
    s->pri_reqs = s->pri_resps = 0;
    s->pri_last = 0;
    memset(&s->job, 0, sizeof(s->job));
    s->job_index = s->job_off = 0;
    s->job_start_ns = 0;
    s->pri_state = TESTDEV_PRI_IDLE;
    s->pri_code = 0;
    s->pri_prgi = 0;
    s->pri_next_prgi = 0;
    s->pri_page = 0;
    s->pri_retries = 0;
    s->pri_job_reqs = 0;
    testdev_atc_flush(s);
    testdev_caps_reset(s);
    pci_set_irq(PCI_DEVICE(s), 0);
}

/* Use PCI Express exactly when the bus is PCI Express. */
static void testdev_dc_realize(DeviceState *dev, Error **errp)
{
    SmmuTestdevClass *k = SMMU_TESTDEV_GET_CLASS(dev);
    PCIDevice *pdev = PCI_DEVICE(dev);
    BusState *bus = qdev_get_parent_bus(dev);

    if (bus && object_dynamic_cast(OBJECT(bus), TYPE_PCI_BUS) &&
        pci_bus_is_express(PCI_BUS(bus))) {
        pdev->cap_present |= QEMU_PCI_CAP_EXPRESS;
    }
    k->parent_dc_realize(dev, errp);
}

static void testdev_unmap_notify(IOMMUNotifier *n, IOMMUTLBEntry *entry)
{
    SmmuTestdevState *s = container_of(n, SmmuTestdevState, unmap_notifier);

    s->unmap_events++;
    s->unmap_iova = entry->iova;
    s->unmap_mask = entry->addr_mask;
}

/* iommu-notifier=on: watch UNMAP events of our DMA address space. */
static bool testdev_watch_unmaps(SmmuTestdevState *s, Error **errp)
{
    AddressSpace *as = pci_device_iommu_address_space(PCI_DEVICE(s));

    if (!memory_region_is_iommu(as->root)) {
        error_setg(errp, "smmu-testdev: iommu-notifier=on needs an IOMMU "
                   "in front of the device (create it first)");
        return false;
    }
    iommu_notifier_init(&s->unmap_notifier, testdev_unmap_notify,
                        IOMMU_NOTIFIER_UNMAP, 0, HWADDR_MAX, 0);
    if (memory_region_register_iommu_notifier(as->root, &s->unmap_notifier,
                                              errp)) {
        return false;
    }
    s->notified_mr = as->root;
    object_property_add_uint64_ptr(OBJECT(s), "unmap-events",
                                   &s->unmap_events, OBJ_PROP_FLAG_READ);
    return true;
}

static void testdev_realize(PCIDevice *pdev, Error **errp)
{
    SmmuTestdevState *s = SMMU_TESTDEV(pdev);
    DeviceState *dev = DEVICE(pdev);
    Error *err = NULL;
    uint16_t next = PCI_CONFIG_SPACE_SIZE;
    int ret;

    if ((s->prop_pasid || s->prop_ats || s->prop_pri) &&
        !pci_is_express(pdev)) {
        error_setg(errp, "smmu-testdev: pasid, ats and pri need a PCI "
                   "Express bus");
        return;
    }
    if (s->prop_pri && !s->prop_ats) {
        error_setg(errp, "smmu-testdev: pri=on needs ats=on");
        return;
    }
    if (s->prop_notifier && !testdev_watch_unmaps(s, errp)) {
        return;
    }

    s->name = dev->id ? g_strdup(dev->id)
                      : g_strdup_printf("smmu-testdev[%02x.%x]",
                                        PCI_SLOT(pdev->devfn),
                                        PCI_FUNC(pdev->devfn));
    pci_config_set_interrupt_pin(pdev->config, 1);

    if (pci_is_express(pdev)) {
        ret = pcie_endpoint_cap_init(pdev, TESTDEV_PCIE_CAP_OFFSET);
        if (ret < 0) {
            error_setg(errp, "smmu-testdev: cannot add the PCIe capability");
            goto fail;
        }
        /* The first extended capability must sit at 0x100. */
        if (s->prop_ats) {
            pcie_ats_init(pdev, next, true);
            s->ats_cap = next;
            next += PCI_EXT_CAP_ATS_SIZEOF;
        }
        if (s->prop_pasid) {
            testdev_pasid_init(s, next);
            next += PCI_EXT_CAP_PASID_SIZEOF;
        }
        if (s->prop_pri) {
            testdev_pri_init(s, next);
            next += PCI_EXT_CAP_PRI_SIZEOF;
        }
    }

    ret = msi_init(pdev, TESTDEV_MSI_CAP_OFFSET, 1, true, false, &err);
    if (ret == -ENOTSUP) {
        /* No MSI controller on this machine: INTx only. */
        error_free(err);
    } else if (ret) {
        error_propagate(errp, err);
        goto fail_pcie;
    }

    memory_region_init_io(&s->mmio, OBJECT(s), &testdev_mmio_ops, s,
                          "smmu-testdev-mmio", SMMU_TESTDEV_BAR0_SIZE);
    pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);
    s->resume_bh = qemu_bh_new_guarded(testdev_resume_bh, s,
                                       &dev->mem_reentrancy_guard);
    s->done_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, testdev_done_timer, s);
    testdev_caps_reset(s);
    trace_smmu_testdev_realize(s->name, pci_is_express(pdev), s->ats_cap,
                               s->pasid_cap, s->pri_cap);
    return;

fail_pcie:
    if (pci_is_express(pdev)) {
        pcie_cap_exit(pdev);
    }
fail:
    g_free(s->name);
    s->name = NULL;
}

static void testdev_exit(PCIDevice *pdev)
{
    SmmuTestdevState *s = SMMU_TESTDEV(pdev);

    if (s->notified_mr) {
        memory_region_unregister_iommu_notifier(s->notified_mr,
                                                &s->unmap_notifier);
        s->notified_mr = NULL;
    }

    if (s->smmu) {
        smmu_ext_ats_register(s->smmu, pdev, NULL, NULL);
        object_unref(s->smmu);
        s->smmu = NULL;
    }
    qemu_bh_delete(s->resume_bh);
    timer_free(s->done_timer);
    s->resume_bh = NULL;
    msi_uninit(pdev);
    if (pci_is_express(pdev)) {
        pcie_cap_exit(pdev);
    }
    g_free(s->name);
    s->name = NULL;
}

/* ---- Migration ----------------------------------------------------------- */

static int testdev_post_load(void *opaque, int version_id)
{
    SmmuTestdevState *s = opaque;
    unsigned code = testdev_get(s->job.op, SMMU_TESTDEV_OP_CODE);
    bool busy = s->status & SMMU_TESTDEV_STATUS_BUSY;

    if (s->atc_next >= SMMU_TESTDEV_ATC_ENTRIES ||
        s->pri_state > TESTDEV_PRI_DENIED ||
        (busy && (code == SMMU_TESTDEV_OP_NOP || code > SMMU_TESTDEV_OP_COPY ||
                  s->job.len == 0 || s->job.len > SMMU_TESTDEV_MAX_LEN ||
                  s->job.count > SMMU_TESTDEV_MAX_COUNT))) {
        return -EINVAL;
    }
    /* The registration with the SMMU is not migrated: make it again. */
    if (s->ats_cap || s->pasid_cap || s->pri_cap) {
        testdev_find_smmu(s);
    }
    if (s->pri_state == TESTDEV_PRI_GO || s->pri_state == TESTDEV_PRI_DENIED) {
        qemu_bh_schedule(s->resume_bh);
    }
    if (s->model_pending) {
        timer_mod(s->done_timer, s->model_end_ns);
    }
    return 0;
}

static bool testdev_timed_needed(void *opaque)
{
    SmmuTestdevState *s = opaque;

    return s->outstanding || s->model_ns || s->model_pending;
}

static int testdev_timed_post_load(void *opaque, int version_id)
{
    SmmuTestdevState *s = opaque;

    if (s->outstanding > SMMU_TESTDEV_MAX_OUTSTANDING ||
        (s->outstanding && s->slot_head >= s->outstanding) ||
        s->finish_err > SMMU_TESTDEV_ERR_ABORTED ||
        (s->model_pending && !(s->status & SMMU_TESTDEV_STATUS_BUSY))) {
        return -EINVAL;
    }
    return 0;
}

static const VMStateDescription testdev_vmstate_timed = {
    .name = "smmu-testdev/timed",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = testdev_timed_needed,
    .post_load = testdev_timed_post_load,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(outstanding, SmmuTestdevState),
        VMSTATE_UINT64(model_ns, SmmuTestdevState),
        VMSTATE_INT64(model_start_ns, SmmuTestdevState),
        VMSTATE_INT64(model_issue_ns, SmmuTestdevState),
        VMSTATE_INT64(model_end_ns, SmmuTestdevState),
        VMSTATE_INT64_ARRAY(slot_free, SmmuTestdevState,
                            SMMU_TESTDEV_MAX_OUTSTANDING),
        VMSTATE_UINT32(slot_head, SmmuTestdevState),
        VMSTATE_UINT32(finish_err, SmmuTestdevState),
        VMSTATE_BOOL(model_pending, SmmuTestdevState),
        VMSTATE_END_OF_LIST()
    }
};

static const VMStateDescription testdev_vmstate_atc_entry = {
    .name = "smmu-testdev/atc-entry",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT64(iova, TestdevAtcEntry),
        VMSTATE_UINT64(size, TestdevAtcEntry),
        VMSTATE_UINT64(taddr, TestdevAtcEntry),
        VMSTATE_UINT32(pasid, TestdevAtcEntry),
        VMSTATE_UINT8(perm, TestdevAtcEntry),
        VMSTATE_BOOL(pasid_valid, TestdevAtcEntry),
        VMSTATE_BOOL(valid, TestdevAtcEntry),
        VMSTATE_END_OF_LIST()
    }
};

static const VMStateDescription testdev_vmstate_job = {
    .name = "smmu-testdev/job",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT64(src, TestdevJob),
        VMSTATE_UINT64(dst, TestdevJob),
        VMSTATE_UINT64(stride, TestdevJob),
        VMSTATE_UINT64(wset, TestdevJob),
        VMSTATE_UINT32(len, TestdevJob),
        VMSTATE_UINT32(op, TestdevJob),
        VMSTATE_UINT32(pattern, TestdevJob),
        VMSTATE_UINT32(pasid, TestdevJob),
        VMSTATE_UINT32(count, TestdevJob),
        VMSTATE_END_OF_LIST()
    }
};

static const VMStateDescription testdev_vmstate = {
    .name = TYPE_SMMU_TESTDEV,
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = testdev_post_load,
    .fields = (VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, SmmuTestdevState),
        VMSTATE_UINT64(src, SmmuTestdevState),
        VMSTATE_UINT64(dst, SmmuTestdevState),
        VMSTATE_UINT64(stride, SmmuTestdevState),
        VMSTATE_UINT64(wset, SmmuTestdevState),
        VMSTATE_UINT32(len, SmmuTestdevState),
        VMSTATE_UINT32(op, SmmuTestdevState),
        VMSTATE_UINT32(pattern, SmmuTestdevState),
        VMSTATE_UINT32(pasid, SmmuTestdevState),
        VMSTATE_UINT32(count, SmmuTestdevState),
        VMSTATE_UINT32(status, SmmuTestdevState),
        VMSTATE_UINT32(error, SmmuTestdevState),
        VMSTATE_UINT32(fault_info, SmmuTestdevState),
        VMSTATE_UINT32(mismatch_data, SmmuTestdevState),
        VMSTATE_UINT64(fault_addr, SmmuTestdevState),
        VMSTATE_UINT64(fault_index, SmmuTestdevState),
        VMSTATE_UINT64(done, SmmuTestdevState),
        VMSTATE_UINT64(mismatches, SmmuTestdevState),
        VMSTATE_UINT64(mismatch_off, SmmuTestdevState),
        VMSTATE_UINT32(irq_enable, SmmuTestdevState),
        VMSTATE_UINT32(irq_status, SmmuTestdevState),
        VMSTATE_BOOL(irq_level, SmmuTestdevState),
        VMSTATE_UINT64(job_ns, SmmuTestdevState),
        VMSTATE_UINT64(total_ns, SmmuTestdevState),
        VMSTATE_UINT64(jobs, SmmuTestdevState),
        VMSTATE_UINT64(job_bytes, SmmuTestdevState),
        VMSTATE_UINT64(atc_hits, SmmuTestdevState),
        VMSTATE_UINT64(atc_misses, SmmuTestdevState),
        VMSTATE_UINT64(atc_inv_reqs, SmmuTestdevState),
        VMSTATE_UINT64(atc_inv_entries, SmmuTestdevState),
        VMSTATE_UINT64(pri_reqs, SmmuTestdevState),
        VMSTATE_UINT64(pri_resps, SmmuTestdevState),
        VMSTATE_UINT32(pri_last, SmmuTestdevState),
        VMSTATE_STRUCT(job, SmmuTestdevState, 1, testdev_vmstate_job,
                       TestdevJob),
        VMSTATE_UINT64(job_index, SmmuTestdevState),
        VMSTATE_UINT64(job_off, SmmuTestdevState),
        VMSTATE_INT64(job_start_ns, SmmuTestdevState),
        VMSTATE_UINT32(pri_state, SmmuTestdevState),
        VMSTATE_UINT32(pri_code, SmmuTestdevState),
        VMSTATE_UINT16(pri_prgi, SmmuTestdevState),
        VMSTATE_UINT16(pri_next_prgi, SmmuTestdevState),
        VMSTATE_UINT64(pri_page, SmmuTestdevState),
        VMSTATE_UINT32(pri_retries, SmmuTestdevState),
        VMSTATE_UINT32(pri_job_reqs, SmmuTestdevState),
        VMSTATE_STRUCT_ARRAY(atc, SmmuTestdevState, SMMU_TESTDEV_ATC_ENTRIES,
                             1, testdev_vmstate_atc_entry, TestdevAtcEntry),
        VMSTATE_UINT32(atc_next, SmmuTestdevState),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * []) {
        &testdev_vmstate_timed,
        NULL
    }
};


/* ---- Type ---------------------------------------------------------------- */

static SMMU_EXT_PROPS_CONST Property testdev_properties[] = {
    DEFINE_PROP_BOOL("pasid", SmmuTestdevState, prop_pasid, false),
    DEFINE_PROP_BOOL("ats", SmmuTestdevState, prop_ats, false),
    DEFINE_PROP_BOOL("pri", SmmuTestdevState, prop_pri, false),
    DEFINE_PROP_BOOL("iommu-notifier", SmmuTestdevState, prop_notifier,
                     false),
    SMMU_EXT_PROP_END
};

static void testdev_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);
    SmmuTestdevClass *k = SMMU_TESTDEV_CLASS(klass);

    testdev_regs_check();
    pc->realize = testdev_realize;
    pc->exit = testdev_exit;
    pc->config_write = testdev_config_write;
    pc->vendor_id = SMMU_TESTDEV_VENDOR;
    pc->device_id = SMMU_TESTDEV_DEVICE;
    pc->revision = SMMU_TESTDEV_REVISION;
    pc->class_id = PCI_CLASS_OTHERS;
    device_class_set_parent_realize(dc, testdev_dc_realize,
                                    &k->parent_dc_realize);
    dc->desc = "DMA test endpoint for SMMU tests and benchmarks";
    smmu_ext_set_legacy_reset(dc, testdev_reset);
    dc->vmsd = &testdev_vmstate;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    device_class_set_props(dc, testdev_properties);
    object_class_property_set_description(klass, "pasid",
        "Expose a PASID extended capability; jobs with OP.PASID then DMA "
        "through the SMMU's " TYPE_SMMU_EXT_ATS_IF " interface "
        "(PCIe only, default off)");
    object_class_property_set_description(klass, "ats",
        "Expose an ATS extended capability; with ATS enabled the device "
        "keeps a 16-entry ATC and sends translated DMA (PCIe only, "
        "default off)");
    object_class_property_set_description(klass, "pri",
        "Expose a Page Request Interface capability; faulting ATS "
        "translations then send page requests (needs ats=on, default off)");
    object_class_property_set_description(klass, "iommu-notifier",
        "Register an IOMMU UNMAP notifier on the DMA address space, as "
        "vhost does, and count its events in UNMAP_EVENTS (default off)");
}

static const TypeInfo testdev_info = {
    .name = TYPE_SMMU_TESTDEV,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(SmmuTestdevState),
    .class_size = sizeof(SmmuTestdevClass),
    .class_init = testdev_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { INTERFACE_CONVENTIONAL_PCI_DEVICE },
        { }
    },
};

static void testdev_register_types(void)
{
    type_register_static(&testdev_info);
}

type_init(testdev_register_types)
