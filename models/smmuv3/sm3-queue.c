/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Circular queues in guest memory (IHI 0070 "SMMU circular queues"): a
 * BASE register with address and LOG2SIZE, and PROD/CONS indexes whose
 * bit LOG2SIZE is the wrap flag.  Empty: indexes and wraps equal; full:
 * indexes equal, wraps differ.
 */
#include <glib.h>

#include "sm3-internal.h"

const Sm3QueueDesc sm3_cmdq = {
    SM3_CMDQ_BASE, SM3_CMDQ_PROD, SM3_CMDQ_CONS, SM3_CMD_SIZE,
    SM3_IDR1_CMDQS, SM3_CR0_CMDQEN, "CMDQ"
};
const Sm3QueueDesc sm3_eventq = {
    SM3_EVENTQ_BASE, SM3_EVENTQ_PROD, SM3_EVENTQ_CONS, SM3_EVT_SIZE,
    SM3_IDR1_EVENTQS, SM3_CR0_EVENTQEN, "EVENTQ"
};
const Sm3QueueDesc sm3_priq = {
    SM3_PRIQ_BASE, SM3_PRIQ_PROD, SM3_PRIQ_CONS, SM3_PRI_SIZE,
    SM3_IDR1_PRIQS, SM3_CR0_PRIQEN, "PRIQ"
};

/*
 * SMMU_CMDQ_BASE.LOG2SIZE (likewise SMMU_EVENTQ_BASE, SMMU_PRIQ_BASE): a
 * value above the SMMU_IDR1 maximum behaves as the maximum.
 */
unsigned sm3_q_log2size(const Sm3 *s, const Sm3QueueDesc *q)
{
    unsigned req = sm_get(sm3_reg64(s, q->base), SM3_Q_BASE_LOG2SIZE);
    unsigned max = sm_get(sm3_reg32(s, SM3_IDR1), q->idr1_max);

    return MIN(req, max);
}

/*
 * The queue whose PROD or CONS register is at @off, or NULL.
 */
const Sm3QueueDesc *sm3_q_of_index_reg(uint32_t off)
{
    static const Sm3QueueDesc *const queues[] = {
        &sm3_cmdq, &sm3_eventq, &sm3_priq
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(queues); i++) {
        if (off == queues[i]->prod || off == queues[i]->cons) {
            return queues[i];
        }
    }
    return NULL;
}

/*
 * Index bits a PROD or CONS register of @q holds: index and wrap flag of
 * the largest queue IDR1 allows.  SMMU_CMDQ_PROD/CONS, SMMU_EVENTQ_PROD/CONS
 * and SMMU_PRIQ_PROD/CONS: bits above IDR1.xQS + 1 are UNKNOWN on read; the
 * model keeps none of them (they read 0), so a migrated value with such
 * bits is a corrupted one.
 * Bits between LOG2SIZE + 1 and IDR1.xQS + 1 are RES0 that "might be
 * stored but have no other effect": stored, and masked on every use.
 */
uint32_t sm3_q_index_bits(const Sm3 *s, const Sm3QueueDesc *q)
{
    unsigned max = sm_get(sm3_reg32(s, SM3_IDR1), q->idr1_max);

    return (uint32_t)sm_low_mask(max + 1);
}

uint64_t sm3_q_base_addr(const Sm3 *s, const Sm3QueueDesc *q)
{
    return sm3_reg64(s, q->base) & SM3_Q_BASE_ADDR;
}

uint32_t sm3_q_wrap_idx(const Sm3 *s, const Sm3QueueDesc *q, uint32_t v)
{
    return v & (uint32_t)sm_low_mask(sm3_q_log2size(s, q) + 1);
}

uint32_t sm3_q_next(const Sm3 *s, const Sm3QueueDesc *q, uint32_t v)
{
    return sm3_q_wrap_idx(s, q, sm3_q_wrap_idx(s, q, v) + 1);
}

bool sm3_q_empty(const Sm3 *s, const Sm3QueueDesc *q)
{
    return sm3_q_wrap_idx(s, q, sm3_reg32(s, q->prod)) ==
           sm3_q_wrap_idx(s, q, sm3_reg32(s, q->cons));
}

bool sm3_q_full(const Sm3 *s, const Sm3QueueDesc *q)
{
    unsigned n = sm3_q_log2size(s, q);
    uint32_t p = sm3_q_wrap_idx(s, q, sm3_reg32(s, q->prod));
    uint32_t c = sm3_q_wrap_idx(s, q, sm3_reg32(s, q->cons));

    return (p ^ c) == (UINT32_C(1) << n);
}

/*
 * Address of the entry at index @v.  The base is aligned down to the
 * queue size (SMMU_CMDQ_BASE.ADDR and the other queue bases: address bits
 * below the size are ignored).
 */
uint64_t sm3_q_entry_addr(const Sm3 *s, const Sm3QueueDesc *q, uint32_t v)
{
    unsigned n = sm3_q_log2size(s, q);
    uint64_t bytes = (uint64_t)q->entry_size << n;
    uint64_t base = sm3_q_base_addr(s, q) & ~(bytes - 1);

    return base + (uint64_t)(v & sm_low_mask(n)) * q->entry_size;
}

/*
 * Write @rec (entry_size bytes, already little-endian dwords) at PROD and
 * advance PROD, keeping its OVFLG.  The caller checked "not full".
 */
bool sm3_q_push(Sm3 *s, const Sm3QueueDesc *q, const void *rec)
{
    uint32_t prod = sm3_reg32(s, q->prod);
    SmAttrs attrs = { 0 };
    uint64_t pa = sm3_q_entry_addr(s, q, prod);

    if (s->cfg.host.write(s->cfg.host.opaque, pa, rec, q->entry_size,
                          attrs) != SM_BUS_OK) {
        return false;
    }
    sm3_set_reg32(s, q->prod, (prod & SM3_Q_OVFLG) | sm3_q_next(s, q, prod));
    return true;
}
