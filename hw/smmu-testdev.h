/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmu-testdev: register layout of the DMA test endpoint.
 *
 * Shared by the device model (hw/smmu-testdev.c), QTest suites and guest
 * drivers, so it depends on <stdint.h> only.  docs/smmu-testdev.md
 * describes the behaviour behind these numbers.
 *
 * All registers live in BAR0 (4 KiB, memory, 32-bit non-prefetchable) and
 * are little-endian.  Accesses are 32 or 64 bits wide and naturally
 * aligned.  A 64-bit register is read or written whole by one 64-bit
 * access, or in halves by two 32-bit accesses (low half at the lower
 * address).  A 64-bit access to a pair of 32-bit registers acts as two
 * 32-bit accesses, low address first.  Unlisted offsets read as zero and
 * ignore writes.
 */
#ifndef HW_SMMU_TESTDEV_H
#define HW_SMMU_TESTDEV_H

#include <stdint.h>

#define SMMU_TESTDEV_VENDOR            0x1234    /* PCI_VENDOR_ID_QEMU */
#define SMMU_TESTDEV_DEVICE            0x05e3
#define SMMU_TESTDEV_REVISION          0x01
#define SMMU_TESTDEV_BAR0_SIZE         0x1000

/* A field's mask, high bit first, as a register diagram prints it. */
#define SMMU_TESTDEV_MASK(hi, lo) \
    ((UINT64_MAX >> (63 - (hi))) & (UINT64_MAX << (lo)))

/* ---- Limits (a doorbell asking for more fails with ERR_TOO_BIG) ------- */

#define SMMU_TESTDEV_MAX_LEN           (1u << 20)      /* bytes per access */
#define SMMU_TESTDEV_MAX_COUNT         (1u << 24)      /* accesses per job */
#define SMMU_TESTDEV_MAX_BYTES         (UINT64_C(1) << 32) /* LEN * COUNT */
#define SMMU_TESTDEV_ATC_ENTRIES       16
#define SMMU_TESTDEV_PRI_CAPACITY      32  /* Outstanding Page Req. Capacity */
#define SMMU_TESTDEV_PRI_MAX_RETRIES   4   /* page requests for one page */
#define SMMU_TESTDEV_PRI_MAX_PER_JOB   65536
#define SMMU_TESTDEV_PAGE_SIZE         4096 /* DMA is split at these */

/* ---- Identification --------------------------------------------------- */

#define SMMU_TESTDEV_ID                0x000   /* RO */
#define   SMMU_TESTDEV_ID_DEVICE       SMMU_TESTDEV_MASK(31, 16)
#define   SMMU_TESTDEV_ID_MAJOR        SMMU_TESTDEV_MASK(15, 8)
#define   SMMU_TESTDEV_ID_MINOR        SMMU_TESTDEV_MASK(7, 0)
#define   SMMU_TESTDEV_ID_VALUE        0x05e30100u   /* device, v1.0 */

#define SMMU_TESTDEV_FEATURES          0x004   /* RO */
#define   SMMU_TESTDEV_FEAT_PASID      SMMU_TESTDEV_MASK(0, 0)  /* cap */
#define   SMMU_TESTDEV_FEAT_ATS        SMMU_TESTDEV_MASK(1, 1)  /* cap */
#define   SMMU_TESTDEV_FEAT_PRI        SMMU_TESTDEV_MASK(2, 2)  /* cap */
#define   SMMU_TESTDEV_FEAT_MSI        SMMU_TESTDEV_MASK(3, 3)  /* cap */
#define   SMMU_TESTDEV_FEAT_EXPRESS    SMMU_TESTDEV_MASK(4, 4)  /* PCIe */
#define   SMMU_TESTDEV_FEAT_TIMED      SMMU_TESTDEV_MASK(5, 5)  /* OUTSTANDING */
#define   SMMU_TESTDEV_FEAT_ATC_SIZE   SMMU_TESTDEV_MASK(15, 8) /* entries */

/* ---- Job parameters (read/write; latched by DOORBELL_START) ---------- */

#define SMMU_TESTDEV_SRC               0x008   /* 64: IOVA read from */
#define SMMU_TESTDEV_DST               0x010   /* 64: IOVA written to */
#define SMMU_TESTDEV_LEN               0x018   /* 32: bytes per access */

#define SMMU_TESTDEV_OP                0x01c   /* 32 */
#define   SMMU_TESTDEV_OP_CODE         SMMU_TESTDEV_MASK(3, 0)
#define     SMMU_TESTDEV_OP_NOP        0   /* completes at once, no DMA */
#define     SMMU_TESTDEV_OP_READ       1   /* read SRC, discard */
#define     SMMU_TESTDEV_OP_VERIFY     2   /* read SRC, compare to pattern */
#define     SMMU_TESTDEV_OP_WRITE      3   /* write pattern to DST */
#define     SMMU_TESTDEV_OP_COPY       4   /* read SRC, write it to DST */
#define   SMMU_TESTDEV_OP_PAT          SMMU_TESTDEV_MASK(5, 4)
#define     SMMU_TESTDEV_PAT_SEED      0   /* smmu_testdev_pattern_word() */
#define     SMMU_TESTDEV_PAT_CONST     1   /* PATTERN repeated */
#define   SMMU_TESTDEV_OP_PASID        SMMU_TESTDEV_MASK(8, 8)  /* tag */
#define   SMMU_TESTDEV_OP_NO_ATS       SMMU_TESTDEV_MASK(9, 9)
#define   SMMU_TESTDEV_OP_CACHED       SMMU_TESTDEV_MASK(10, 10) /* virtio's */
#define   SMMU_TESTDEV_OP_NO_PRI       SMMU_TESTDEV_MASK(11, 11)
#define   SMMU_TESTDEV_OP_RESERVED     (SMMU_TESTDEV_MASK(31, 12) | \
                                        SMMU_TESTDEV_MASK(7, 6))

#define SMMU_TESTDEV_PATTERN           0x020   /* 32: seed or constant */
#define SMMU_TESTDEV_PASID             0x024   /* 32 */
#define   SMMU_TESTDEV_PASID_VALUE     SMMU_TESTDEV_MASK(19, 0)
#define SMMU_TESTDEV_COUNT             0x028   /* 32: accesses, >= 1 */
#define SMMU_TESTDEV_STRIDE            0x030   /* 64: bytes between accesses */
#define SMMU_TESTDEV_WSET              0x038   /* 64: working set, 0: none */

/* ---- Control and results ---------------------------------------------- */

#define SMMU_TESTDEV_DOORBELL          0x040   /* 32, WO (reads 0) */
#define   SMMU_TESTDEV_DOORBELL_START  1
#define   SMMU_TESTDEV_DOORBELL_ABORT  2   /* ends a job waiting for PRI */

#define SMMU_TESTDEV_STATUS            0x044   /* 32, RO */
#define   SMMU_TESTDEV_STATUS_BUSY     SMMU_TESTDEV_MASK(0, 0)
#define   SMMU_TESTDEV_STATUS_DONE     SMMU_TESTDEV_MASK(1, 1)
#define   SMMU_TESTDEV_STATUS_ERROR    SMMU_TESTDEV_MASK(2, 2)
#define   SMMU_TESTDEV_STATUS_PRI_WAIT SMMU_TESTDEV_MASK(3, 3)

#define SMMU_TESTDEV_ERROR             0x048   /* 32, RO */
#define   SMMU_TESTDEV_ERROR_CODE      SMMU_TESTDEV_MASK(7, 0)
#define   SMMU_TESTDEV_ERROR_MEMTX     SMMU_TESTDEV_MASK(15, 8)
#define     SMMU_TESTDEV_ERR_NONE        0
#define     SMMU_TESTDEV_ERR_BAD_OP      1   /* OP code, pattern, flags */
#define     SMMU_TESTDEV_ERR_BAD_LEN     2   /* 0 or > MAX_LEN */
#define     SMMU_TESTDEV_ERR_BAD_COUNT   3   /* 0 or > MAX_COUNT */
#define     SMMU_TESTDEV_ERR_TOO_BIG     4   /* LEN * COUNT > MAX_BYTES */
#define     SMMU_TESTDEV_ERR_BAD_RANGE   5   /* addresses wrap past 2^64 */
#define     SMMU_TESTDEV_ERR_DMA         6   /* a DMA access failed */
#define     SMMU_TESTDEV_ERR_VERIFY      7   /* data differed from pattern */
#define     SMMU_TESTDEV_ERR_NO_MASTER   8   /* Bus Master Enable clear */
#define     SMMU_TESTDEV_ERR_NO_SMMU     9   /* no smmu-ext-ats-if SMMU */
#define     SMMU_TESTDEV_ERR_PASID_OFF   10  /* OP.PASID, PASID disabled */
#define     SMMU_TESTDEV_ERR_ATS         11  /* translation request failed */
#define     SMMU_TESTDEV_ERR_PRI_DENIED  12  /* page response not Success */
#define     SMMU_TESTDEV_ERR_PRI_LIMIT   13  /* retries or requests used up */
#define     SMMU_TESTDEV_ERR_PRI_DROPPED 14  /* SMMU refused the request */
#define     SMMU_TESTDEV_ERR_PRI_OFF     15  /* PRI disabled or no credit */
#define     SMMU_TESTDEV_ERR_ABORTED     16  /* DOORBELL_ABORT, PRI reset */

/* Fault reported by the SMMU through smmu-ext-ats-if (0 on plain DMA) */
#define SMMU_TESTDEV_FAULT_INFO        0x04c   /* 32, RO */
#define   SMMU_TESTDEV_FAULT_KIND      SMMU_TESTDEV_MASK(3, 0)
#define   SMMU_TESTDEV_FAULT_RECORDED  SMMU_TESTDEV_MASK(4, 4)
#define   SMMU_TESTDEV_FAULT_XLATE     SMMU_TESTDEV_MASK(7, 5) /* ATS status */
#define   SMMU_TESTDEV_FAULT_CODE      SMMU_TESTDEV_MASK(31, 16)
#define SMMU_TESTDEV_FAULT_ADDR        0x050   /* 64, RO: IOVA that failed */
#define SMMU_TESTDEV_FAULT_INDEX       0x058   /* 64, RO: its access index */
#define SMMU_TESTDEV_DONE_COUNT        0x060   /* 64, RO: accesses done */
#define SMMU_TESTDEV_MISMATCH_COUNT    0x068   /* 64, RO: bytes */
#define SMMU_TESTDEV_MISMATCH_OFFSET   0x070   /* 64, RO: from SRC */
#define SMMU_TESTDEV_MISMATCH_DATA     0x078   /* 32, RO */
#define   SMMU_TESTDEV_MISMATCH_EXPECTED SMMU_TESTDEV_MASK(7, 0)
#define   SMMU_TESTDEV_MISMATCH_ACTUAL SMMU_TESTDEV_MASK(15, 8)

/* ---- Interrupts: MSI vector 0 when MSI is enabled, else INTA --------- */

#define SMMU_TESTDEV_IRQ_ENABLE        0x080   /* 32, RW */
#define SMMU_TESTDEV_IRQ_STATUS        0x084   /* 32, RO; write-1-to-clear */
#define SMMU_TESTDEV_IRQ_ACK           0x088   /* 32, WO: clears 1 bits */
#define   SMMU_TESTDEV_IRQ_DONE        SMMU_TESTDEV_MASK(0, 0)
#define   SMMU_TESTDEV_IRQ_ERROR       SMMU_TESTDEV_MASK(1, 1)
#define   SMMU_TESTDEV_IRQ_ALL         SMMU_TESTDEV_MASK(1, 0)

/* ---- Statistics (host time: QEMU_CLOCK_REALTIME, nanoseconds) -------- */

#define SMMU_TESTDEV_JOB_NS            0x090   /* 64, RO: last job */
#define SMMU_TESTDEV_TOTAL_NS          0x098   /* 64, RO: all jobs */
#define SMMU_TESTDEV_JOBS              0x0a0   /* 64, RO: jobs finished */
#define SMMU_TESTDEV_JOB_BYTES         0x0a8   /* 64, RO: last job's DMA */
#define SMMU_TESTDEV_ATC_HITS          0x0b0   /* 64, RO */
#define SMMU_TESTDEV_ATC_MISSES        0x0b8   /* 64, RO */
#define SMMU_TESTDEV_ATC_INV_REQS      0x0c0   /* 64, RO: requests seen */
#define SMMU_TESTDEV_ATC_INV_ENTRIES   0x0c8   /* 64, RO: entries dropped */
#define SMMU_TESTDEV_PRI_REQS          0x0d0   /* 64, RO: requests sent */
#define SMMU_TESTDEV_PRI_RESPS         0x0d8   /* 64, RO: responses taken */

#define SMMU_TESTDEV_CTRL              0x0e0   /* 32, WO (reads 0) */
#define   SMMU_TESTDEV_CTRL_CLEAR_STATS SMMU_TESTDEV_MASK(0, 0)
#define   SMMU_TESTDEV_CTRL_FLUSH_ATC  SMMU_TESTDEV_MASK(1, 1)
/* The next ATC invalidation request fails (as a timed-out one would). */
#define   SMMU_TESTDEV_CTRL_FAIL_ATC_INV SMMU_TESTDEV_MASK(2, 2)

#define SMMU_TESTDEV_PRI_LAST          0x0e4   /* 32, RO: last response */
#define   SMMU_TESTDEV_PRI_LAST_CODE   SMMU_TESTDEV_MASK(3, 0)
#define   SMMU_TESTDEV_PRI_LAST_PRGI   SMMU_TESTDEV_MASK(24, 16)
#define   SMMU_TESTDEV_PRI_LAST_VALID  SMMU_TESTDEV_MASK(31, 31)

/*
 * IOMMU UNMAP notifications seen (property iommu-notifier=on): the device
 * registers an UNMAP notifier on its DMA address space, as vhost does, so
 * that tests can watch the SMMU's invalidations reach notifiers.  Cleared
 * by CTRL.CLEAR_STATS; not migrated.
 */
#define SMMU_TESTDEV_UNMAP_EVENTS      0x0f0   /* 64, RO: events seen */
#define SMMU_TESTDEV_UNMAP_IOVA        0x0f8   /* 64, RO: last event's IOVA */
#define SMMU_TESTDEV_UNMAP_MASK        0x100   /* 64, RO: its address mask */

/*
 * Timed jobs.  With OUTSTANDING = N (1..64) a job runs on the modelled
 * time: access i is issued when one of N slots is free (and not before
 * access i - 1), its translations arrive at the SMMU then
 * (smmu-ext-ats-if timing_arrival), and it completes when the last of
 * them does (timing_done; at once without a timing SMMU) plus the
 * transfer, LEN (2 x LEN for COPY) / SMMU_TESTDEV_XFER_BYTES_PER_NS ns
 * rounded up.  The data moves at the doorbell as in an untimed job, but
 * STATUS stays BUSY, and DONE (with its interrupt) comes, only when the
 * virtual clock reaches the last completion.  MODEL_NS is that end minus
 * the doorbell's time.  0: untimed (the job completes inside the
 * doorbell write).
 */
#define SMMU_TESTDEV_OUTSTANDING       0x108   /* 32, RW: 0, 1..64 */
#define SMMU_TESTDEV_MAX_OUTSTANDING   64
#define SMMU_TESTDEV_XFER_BYTES_PER_NS 16      /* 16 GB/s, PCIe 4.0 x8 */
#define SMMU_TESTDEV_MODEL_NS          0x110   /* 64, RO: last timed job */

/*
 * The SEED pattern.  The byte at offset @off from the job's base address
 * (SRC for VERIFY, DST for WRITE) is byte (@off % 4) of the little-endian
 * word smmu_testdev_pattern_word(seed, @off / 4).  The data at an address
 * therefore does not depend on the order, stride or size of the accesses
 * that wrote it.  CONST: byte (@off % 4) of PATTERN, little-endian.
 */
static inline uint32_t smmu_testdev_pattern_word(uint32_t seed,
                                                 uint64_t word_index)
{
    /* SplitMix64's finaliser over (index, seed): cheap, well spread. */
    uint64_t x = word_index * UINT64_C(0x9e3779b97f4a7c15) + seed;

    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return (uint32_t)x;
}

static inline uint8_t smmu_testdev_pattern_byte(uint32_t seed, uint64_t off)
{
    return (uint8_t)(smmu_testdev_pattern_word(seed, off >> 2) >>
                     (8 * (off & 3)));
}

#endif /* HW_SMMU_TESTDEV_H */
