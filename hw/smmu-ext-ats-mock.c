/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmu-ext-ats-mock: a stand-in SMMU implementing smmu-ext-ats-if, for
 * testing smmu-testdev's PASID, ATS, ATC and PRI paths without a real
 * SMMU (docs/smmu-testdev.md).
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "exec/address-spaces.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"

#include "smmu-ext-ats.h"
#include "smmu-testdev.h"          /* its page size */

/*
 * -device smmu-ext-ats-mock,id=NAME implements smmu-ext-ats-if for every
 * root bus, with an identity-plus-offset mapping and one page that can be
 * made absent, so that the PASID, ATS, ATC and PRI paths of smmu-testdev
 * can be tested before a real SMMU implements the interface.  Controlled
 * and observed with qom-set/qom-get; see docs/smmu-testdev.md.  One
 * registered endpoint at a time.
 */
#define TYPE_SMMU_EXT_ATS_MOCK "smmu-ext-ats-mock"
OBJECT_DECLARE_SIMPLE_TYPE(SmmuExtAtsMock, SMMU_EXT_ATS_MOCK)

struct SmmuExtAtsMock {
    DeviceState parent_obj;

    /* Behaviour */
    uint64_t offset;           /* PA = IOVA + offset */
    uint64_t fault_page;       /* absent until a granted page request */
    uint32_t ats_status;       /* forced translation status (0: success) */
    uint32_t pri_code;         /* response code to page requests */
    bool pri_defer;            /* no response until "respond" is set */
    bool pri_no_map;           /* Success leaves the page absent */

    /* Observations */
    uint64_t translations, dma_untranslated, dma_translated, page_requests;
    uint32_t last_pasid;       /* PASID | 1 << 31 when valid */
    uint32_t last_prgi;

    /* The registered endpoint */
    PCIDevice *ep_dev;
    const SmmuExtAtsEndpointOps *ep_ops;
    void *ep_opaque;
};

static bool mock_serves_bus(Object *obj, PCIBus *root)
{
    return true;
}

static bool mock_absent(SmmuExtAtsMock *m, uint64_t addr, uint64_t len)
{
    return m->fault_page != UINT64_MAX &&
           ranges_overlap(addr, len, m->fault_page, SMMU_TESTDEV_PAGE_SIZE);
}

static MemTxResult mock_dma(Object *obj, PCIDevice *dev, uint32_t pasid,
                            bool pasid_valid, uint64_t addr, void *buf,
                            uint64_t len, bool write, bool translated,
                            SmmuExtAtsFault *fault)
{
    SmmuExtAtsMock *m = SMMU_EXT_ATS_MOCK(obj);

    m->last_pasid = pasid_valid ? (pasid | (1u << 31)) : 0;
    if (translated) {
        m->dma_translated++;
    } else {
        m->dma_untranslated++;
        if (mock_absent(m, addr, len)) {
            fault->kind = SMMU_EXT_ATS_FAULT_TRANSLATION;
            fault->code = 0x10;                /* F_TRANSLATION, say */
            fault->addr = addr;
            fault->recorded = true;
            return MEMTX_DECODE_ERROR;
        }
        addr += m->offset;
    }
    return address_space_rw(&address_space_memory, addr,
                            MEMTXATTRS_UNSPECIFIED, buf, len, write);
}

static SmmuExtAtsXlate mock_translate(Object *obj, PCIDevice *dev,
                                      uint32_t pasid, bool pasid_valid,
                                      uint64_t iova, bool write)
{
    SmmuExtAtsMock *m = SMMU_EXT_ATS_MOCK(obj);
    SmmuExtAtsXlate x = { .status = m->ats_status };
    uint64_t page = iova & ~(uint64_t)(SMMU_TESTDEV_PAGE_SIZE - 1);

    m->translations++;
    m->last_pasid = pasid_valid ? (pasid | (1u << 31)) : 0;
    if (x.status != SMMU_EXT_ATS_XLATE_SUCCESS) {
        x.fault.kind = SMMU_EXT_ATS_FAULT_ABORT;
        x.fault.addr = iova;
        return x;
    }
    x.size = SMMU_TESTDEV_PAGE_SIZE;
    x.translated_addr = page + m->offset;
    if (mock_absent(m, page, SMMU_TESTDEV_PAGE_SIZE)) {
        x.perm = 0;
        x.fault.kind = SMMU_EXT_ATS_FAULT_TRANSLATION;
        x.fault.code = 0x10;
        x.fault.addr = iova;
    } else {
        x.perm = SMMU_EXT_ATS_PERM_R | SMMU_EXT_ATS_PERM_W;
    }
    return x;
}

static void mock_respond(SmmuExtAtsMock *m, unsigned code)
{
    if (code == SMMU_EXT_ATS_PRI_SUCCESS && !m->pri_no_map) {
        m->fault_page = UINT64_MAX;            /* "paged in" */
    }
    if (m->ep_ops && m->ep_ops->pri_response) {
        m->ep_ops->pri_response(m->ep_opaque, m->last_pasid & 0xfffff,
                                m->last_pasid >> 31, m->last_prgi, code);
    }
}

static bool mock_page_request(Object *obj, PCIDevice *dev, uint32_t pasid,
                              bool pasid_valid, uint64_t addr, bool read,
                              bool write, uint16_t prgi, bool last)
{
    SmmuExtAtsMock *m = SMMU_EXT_ATS_MOCK(obj);

    m->page_requests++;
    m->last_pasid = pasid_valid ? (pasid | (1u << 31)) : 0;
    m->last_prgi = prgi;
    if (!m->pri_defer) {
        mock_respond(m, m->pri_code);          /* before returning: allowed */
    }
    return true;
}

static void mock_register_endpoint(Object *obj, PCIDevice *dev,
                                   const SmmuExtAtsEndpointOps *ops,
                                   void *opaque)
{
    SmmuExtAtsMock *m = SMMU_EXT_ATS_MOCK(obj);

    m->ep_dev = ops ? dev : NULL;
    m->ep_ops = ops;
    m->ep_opaque = ops ? opaque : NULL;
}

/* qom-set respond=CODE: answer the last page request now. */
static void mock_set_respond(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    uint32_t code;

    if (visit_type_uint32(v, name, &code, errp)) {
        mock_respond(SMMU_EXT_ATS_MOCK(obj), code);
    }
}

/* qom-set invalidate=ADDR: ATC invalidation of the 4 KiB page, no PASID. */
static void mock_set_invalidate(Object *obj, Visitor *v, const char *name,
                                void *opaque, Error **errp)
{
    SmmuExtAtsMock *m = SMMU_EXT_ATS_MOCK(obj);
    uint64_t addr;

    if (visit_type_uint64(v, name, &addr, errp) && m->ep_ops &&
        m->ep_ops->atc_invalidate) {
        m->ep_ops->atc_invalidate(m->ep_opaque, 0, false, addr,
                                  SMMU_TESTDEV_PAGE_SIZE);
    }
}

static bool mock_get_pri_defer(Object *obj, Error **errp)
{
    return SMMU_EXT_ATS_MOCK(obj)->pri_defer;
}

static void mock_set_pri_defer(Object *obj, bool value, Error **errp)
{
    SMMU_EXT_ATS_MOCK(obj)->pri_defer = value;
}

static bool mock_get_pri_no_map(Object *obj, Error **errp)
{
    return SMMU_EXT_ATS_MOCK(obj)->pri_no_map;
}

static void mock_set_pri_no_map(Object *obj, bool value, Error **errp)
{
    SMMU_EXT_ATS_MOCK(obj)->pri_no_map = value;
}

static void mock_instance_init(Object *obj)
{
    SmmuExtAtsMock *m = SMMU_EXT_ATS_MOCK(obj);
    static const struct {
        const char *name;
        size_t off;
        bool rw;
    } u64[] = {
        { "offset", offsetof(SmmuExtAtsMock, offset), true },
        { "fault-page", offsetof(SmmuExtAtsMock, fault_page), true },
        { "translations", offsetof(SmmuExtAtsMock, translations), false },
        { "dma-untranslated", offsetof(SmmuExtAtsMock, dma_untranslated),
          false },
        { "dma-translated", offsetof(SmmuExtAtsMock, dma_translated), false },
        { "page-requests", offsetof(SmmuExtAtsMock, page_requests), false },
    };
    size_t i;

    m->fault_page = UINT64_MAX;
    for (i = 0; i < ARRAY_SIZE(u64); i++) {
        object_property_add_uint64_ptr(obj, u64[i].name,
                                       (uint64_t *)((char *)m + u64[i].off),
                                       u64[i].rw ? OBJ_PROP_FLAG_READWRITE
                                                 : OBJ_PROP_FLAG_READ);
    }
    object_property_add_uint32_ptr(obj, "ats-status", &m->ats_status,
                                   OBJ_PROP_FLAG_READWRITE);
    object_property_add_uint32_ptr(obj, "pri-code", &m->pri_code,
                                   OBJ_PROP_FLAG_READWRITE);
    object_property_add_bool(obj, "pri-defer", mock_get_pri_defer,
                             mock_set_pri_defer);
    object_property_add_bool(obj, "pri-no-map", mock_get_pri_no_map,
                             mock_set_pri_no_map);
    object_property_add_uint32_ptr(obj, "last-pasid", &m->last_pasid,
                                   OBJ_PROP_FLAG_READ);
    object_property_add(obj, "respond", "uint32", NULL, mock_set_respond,
                        NULL, NULL);
    object_property_add(obj, "invalidate", "uint64", NULL,
                        mock_set_invalidate, NULL, NULL);
}

static void mock_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    SmmuExtAtsIfClass *k = SMMU_EXT_ATS_IF_CLASS(klass);

    dc->desc = "Stand-in for an SMMU implementing " TYPE_SMMU_EXT_ATS_IF
               " (smmu-testdev tests only)";
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);

    k->serves_bus = mock_serves_bus;
    k->dma = mock_dma;
    k->translate = mock_translate;
    k->page_request = mock_page_request;
    k->register_endpoint = mock_register_endpoint;
}

static const TypeInfo mock_info = {
    .name = TYPE_SMMU_EXT_ATS_MOCK,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(SmmuExtAtsMock),
    .instance_init = mock_instance_init,
    .class_init = mock_class_init,
    .interfaces = (InterfaceInfo[]) {
        { TYPE_SMMU_EXT_ATS_IF },
        { }
    },
};

static void mock_register_types(void)
{
    type_register_static(&mock_info);
}

type_init(mock_register_types)
