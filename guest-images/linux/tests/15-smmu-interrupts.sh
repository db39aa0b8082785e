# SPDX-License-Identifier: GPL-2.0-or-later
# The SMMU's interrupts are delivered the way the board was configured:
# smmuext.smmu_irq=msi (through the GICv3 ITS, platform MSIs) or wired
# (GIC SPIs).  arm-smmu-v3: event queue, gerror, PRI queue; arm-smmu
# (SMMUv2, wired only): the global fault interrupt and one context fault
# interrupt per context bank in use (requested when a translating domain
# is set up; identity domains use none).
. /etc/testlib.sh
case "$EXPECT_IOMMU" in
arm-smmu-v3) lines=$(grep -i 'arm-smmu-v3' /proc/interrupts) ;;
arm-smmu)    lines=$(grep -E 'arm-smmu[ -](global|context)' /proc/interrupts) ;;
*)           skip "no arm-smmu-v3 or arm-smmu expected" ;;
esac
echo "$lines"
[ -n "$lines" ] || fail "no $EXPECT_IOMMU interrupts in /proc/interrupts"
if [ "$EXPECT_IOMMU" = arm-smmu ]; then
    smmus=$(ls /sys/class/iommu | wc -l)
    global=$(echo "$lines" | grep -c 'global fault')
    context=$(echo "$lines" | grep -c 'context-fault')
    echo "lines: global $global, context $context"
    [ "$global" = "$smmus" ] ||
        fail "expected one arm-smmu global fault interrupt per SMMU ($smmus), got $global"
    # Identity domains (passthrough) bypass in S2CR: no context bank.
    if [ "$EXPECT_DOMAIN" = identity ]; then
        [ "$context" = 0 ] || fail "identity domains use no context bank, yet $context context interrupts"
    else
        [ "$context" -ge 1 ] || fail "no arm-smmu context fault interrupt although devices are attached"
    fi
fi
case "$EXPECT_SMMU_IRQ" in
msi)   echo "$lines" | grep -q 'MSI' || fail "expected MSIs, got wired" ;;
wired) echo "$lines" | grep -q 'MSI' && fail "expected wired interrupts, got MSIs" ;;
*)     skip "no smmuext.smmu_irq expectation given" ;;
esac
echo "interrupts: $EXPECT_SMMU_IRQ"
