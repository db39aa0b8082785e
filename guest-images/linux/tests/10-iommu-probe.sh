# SPDX-License-Identifier: GPL-2.0-or-later
# The expected IOMMU driver probed an IOMMU, or none exists when none is
# expected.
. /etc/testlib.sh
iommus=$(ls /sys/class/iommu 2>/dev/null)
echo "iommus: ${iommus:-none}"
case "$EXPECT_IOMMU" in
"")   skip "no smmuext.iommu expectation given" ;;
none) [ -z "$iommus" ] || fail "unexpected IOMMU: $iommus"
      echo "no IOMMU, as expected"; exit 0 ;;
esac
drv=/sys/bus/platform/drivers/$EXPECT_IOMMU
[ -d "$drv" ] || fail "driver $EXPECT_IOMMU is not registered"
bound=$(ls "$drv" | grep -v -e bind -e uevent -e module)
dmesg | grep -i "$EXPECT_IOMMU" | head -n 12
[ -n "$bound" ] || fail "$EXPECT_IOMMU bound no device"
[ -n "$iommus" ] || fail "$EXPECT_IOMMU bound $bound but no IOMMU registered"
echo "$EXPECT_IOMMU bound: $bound"
