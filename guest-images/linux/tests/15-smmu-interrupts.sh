# SPDX-License-Identifier: GPL-2.0-or-later
# The SMMU's interrupts (event queue, gerror, PRI queue) are delivered the
# way the board was configured: smmuext.smmu_irq=msi (through the GICv3
# ITS, platform MSIs) or wired (GIC SPIs).
. /etc/testlib.sh
[ "$EXPECT_IOMMU" = arm-smmu-v3 ] || skip "no arm-smmu-v3 expected"
lines=$(grep -i 'arm-smmu-v3' /proc/interrupts)
echo "$lines"
[ -n "$lines" ] || fail "no arm-smmu-v3 interrupts in /proc/interrupts"
case "$EXPECT_SMMU_IRQ" in
msi)   echo "$lines" | grep -q 'MSI' || fail "expected MSIs, got wired" ;;
wired) echo "$lines" | grep -q 'MSI' && fail "expected wired interrupts, got MSIs" ;;
*)     skip "no smmuext.smmu_irq expectation given" ;;
esac
echo "interrupts: $EXPECT_SMMU_IRQ"
