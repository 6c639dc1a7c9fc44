# Devices of qemu-system-x86_64 as the HC1 platform builds it: the q35
# machine, the card, and what the guest and firmware tests need.
CONFIG_Q35=y
CONFIG_HC1=y
# Guest harness: 9p file sharing, exit codes through isa-debug-exit.
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_9P=y
CONFIG_ISA_DEBUG=y
# Hot-plug behind root ports and the IOMMU variant of the driver tests.
CONFIG_PCIE_PORT=y
CONFIG_VTD=y
