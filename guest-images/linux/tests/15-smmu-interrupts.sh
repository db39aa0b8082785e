# SPDX-License-Identifier: GPL-2.0-or-later
# The SMMU's interrupts are delivered the way the board was configured:
# smmuext.smmu_irq=msi (through the GICv3 ITS, platform MSIs) or wired
# (GIC SPIs).  arm-smmu-v3: event queue, gerror, PRI queue; arm-smmu
# (SMMUv2, wired only): the global fault interrupt and one context fault
# interrupt per context bank in use (requested when a domain is set up).
. /etc/testlib.sh
case "$EXPECT_IOMMU" in
arm-smmu-v3) lines=$(grep -i 'arm-smmu-v3' /proc/interrupts) ;;
arm-smmu)    lines=$(grep -E 'arm-smmu[ -](global|context)' /proc/interrupts) ;;
*)           skip "no arm-smmu-v3 or arm-smmu expected" ;;
esac
echo "$lines"
[ -n "$lines" ] || fail "no $EXPECT_IOMMU interrupts in /proc/interrupts"
if [ "$EXPECT_IOMMU" = arm-smmu ]; then
    global=$(echo "$lines" | grep -c 'global fault')
    context=$(echo "$lines" | grep -c 'context-fault')
    echo "lines: global $global, context $context"
    [ "$global" = 1 ] || fail "expected one arm-smmu global fault interrupt, got $global"
    [ "$context" -ge 1 ] || fail "no arm-smmu context fault interrupt although devices are attached"
fi
case "$EXPECT_SMMU_IRQ" in
msi)   echo "$lines" | grep -q 'MSI' || fail "expected MSIs, got wired" ;;
wired) echo "$lines" | grep -q 'MSI' && fail "expected wired interrupts, got MSIs" ;;
*)     skip "no smmuext.smmu_irq expectation given" ;;
esac
echo "interrupts: $EXPECT_SMMU_IRQ"
