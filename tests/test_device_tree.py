# SPDX-License-Identifier: GPL-2.0-or-later
"""What our SMMUs write into the guest's device tree, read back from
QEMU's -machine dumpdtb: the arm,mmu-500 node of arm-smmuv2-ext (Linux's
Documentation/devicetree/bindings/iommu/arm,smmu.yaml), the arm,smmu-v3
node, and the iommu-map of each PCIe host bridge (pci-iommu.txt: cells
rid-base, iommu phandle, iommu-base, length).  Expected values are
literal: the default placement (frame at 0x9100000, SPIs from 176) and
the bindings' encodings (GIC SPI = 0, level-high = 4, edge-rising = 1)."""
import subprocess

from smmuext import fdt, paths

SMMU2 = "arm-smmuv2-ext"
SMMU3 = "arm-smmuv3-ext"


def dump(tmp_path, extra):
    out = tmp_path / "virt.dtb"
    subprocess.run([paths.QEMU, "-M", "virt,gic-version=3,dumpdtb=%s" % out,
                    "-nodefaults", "-display", "none"] + extra,
                   check=True, capture_output=True, timeout=60)
    return fdt.parse(out.read_bytes())


def pcie_nodes(tree):
    return sorted(p for p in tree if p.startswith("/pcie@"))


def test_mmu500_node(qemu_bin, tmp_path):
    """Defaults: 128 KiB frame at 0x9100000, one global interrupt then one
    per context bank (16), level-high SPIs 176..192; pcie.0's requester
    ids 0..0x7fff map to StreamIDs 0..0x7fff (15 StreamID bits)."""
    tree = dump(tmp_path, ["-device", SMMU2 + ",primary-bus=pcie.0"])
    node = tree["/iommu@9100000"]
    assert fdt.strings(node["compatible"]) == ["arm,mmu-500", "arm,smmu-v2"]
    assert fdt.cells(node["reg"]) == [0, 0x9100000, 0, 0x20000]
    assert fdt.cells(node["#global-interrupts"]) == [1]
    assert fdt.cells(node["#iommu-cells"]) == [1]
    assert "dma-coherent" in node
    irqs = fdt.cells(node["interrupts"])
    assert irqs == [c for spi in range(176, 193) for c in (0, spi, 4)]
    phandle = fdt.cells(node["phandle"])[0]
    (host,) = pcie_nodes(tree)
    assert fdt.cells(tree[host]["iommu-map"]) == [0, phandle, 0, 0x8000]


def test_both_generations_maps(qemu_bin, tmp_path):
    """arm-smmuv3-ext on pcie.0 (buses 0..127, StreamID = requester id)
    and arm-smmuv2-ext on a pxb-pcie numbered 128, which becomes a host
    bridge of its own: its requester ids 0x8000..0xffff are the SMMUv2's
    StreamIDs from 0; the SMMUv2's frame follows the SMMUv3's."""
    tree = dump(tmp_path, [
        "-device", "pxb-pcie,bus_nr=128,id=pxb1,bus=pcie.0",
        "-device", SMMU3 + ",primary-bus=pcie.0",
        "-device", SMMU2 + ",primary-bus=pxb1"])
    v3 = fdt.cells(tree["/smmuv3@9100000"]["phandle"])[0]
    v2 = fdt.cells(tree["/iommu@9120000"]["phandle"])[0]
    assert fdt.strings(tree["/smmuv3@9100000"]["compatible"]) == \
        ["arm,smmu-v3"]
    # four edge-rising SPIs for the SMMUv3, then the SMMUv2's 17 levels
    assert fdt.cells(tree["/smmuv3@9100000"]["interrupts"])[1::3] == \
        [176, 177, 178, 179]
    assert fdt.cells(tree["/iommu@9120000"]["interrupts"])[1:3] == [180, 4]
    maps = {tuple(fdt.cells(tree[p]["iommu-map"])) for p in pcie_nodes(tree)}
    assert maps == {(0, v3, 0, 0x8000), (0x8000, v2, 0, 0x8000)}


def test_exids_map_covers_256_buses(qemu_bin, tmp_path):
    """With 16-bit StreamIDs (exids=on,numsidb=16) pcie.0's map covers
    every requester id."""
    tree = dump(tmp_path, ["-device", SMMU2 + ",primary-bus=pcie.0,"
                           "exids=on,numsidb=16"])
    phandle = fdt.cells(tree["/iommu@9100000"]["phandle"])[0]
    (host,) = pcie_nodes(tree)
    assert fdt.cells(tree[host]["iommu-map"]) == [0, phandle, 0, 0x10000]
