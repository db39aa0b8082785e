# SPDX-License-Identifier: GPL-2.0-or-later
# The disk's default domain has the type the kernel command line asks for
# (iommu.strict=1: DMA, iommu.strict=0: DMA-FQ, iommu.passthrough=1:
# identity).
. /etc/testlib.sh
[ "$EXPECT_IOMMU" != none ] || skip "no IOMMU"
[ -n "$EXPECT_DOMAIN" ] || skip "no smmuext.domain expectation given"
serial=$(disk_list | head -n 1 | cut -d' ' -f1)
blk=$(disk_dev "$serial") || fail "no disk with serial $serial"
dev=$(pci_dev_of "/sys/block/${blk#/dev/}/device") || fail "no PCI device behind $blk"
[ -e "$dev/iommu_group/type" ] || fail "no iommu_group/type for $dev"
type=$(cat "$dev/iommu_group/type")
echo "domain type: $type"
[ "$type" = "$EXPECT_DOMAIN" ] || fail "domain type $type, expected $EXPECT_DOMAIN"
