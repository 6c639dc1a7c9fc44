# Devices of qemu-system-riscv64: the device-tree platform the bare-metal
# firmware runs on, with the card behind its generic ECAM host bridge.
CONFIG_RISCV_VIRT=y
CONFIG_HC1=y
# The firmware's enumeration through bridges: the card behind a root port.
CONFIG_PCIE_PORT=y
