# SPDX-License-Identifier: GPL-2.0-or-later
# Every test disk's PCI device is in an IOMMU group iff an IOMMU is
# expected, and behind the expected SMMU (by register base) when given.
. /etc/testlib.sh
for line in $(disk_list | tr ' ' ','); do
    serial=${line%%,*}; want=${line##*,}
    blk=$(disk_dev "$serial") || fail "no disk with serial $serial"
    dev=$(pci_dev_of "/sys/block/${blk#/dev/}/device") ||
        fail "no PCI device behind $blk"
    if [ -e "$dev/iommu_group" ]; then
        group=$(basename "$(readlink -f "$dev/iommu_group")")
        iommu=$(basename "$(readlink -f "$dev/iommu" 2>/dev/null)")
        echo "disk $(basename "$dev") in iommu group $group behind $iommu"
        [ "$EXPECT_IOMMU" != none ] || fail "in group $group without an IOMMU"
        if [ "$want" != - ] && [ "$want" != none ]; then
            echo "$iommu" | grep -q "0*$want\$" ||
                fail "$serial is behind $iommu, expected the SMMU at 0x$want"
        fi
    else
        [ "$EXPECT_IOMMU" = none ] || fail "disk $serial is in no IOMMU group"
        echo "disk $(basename "$dev") in no iommu group, as expected"
    fi
done
