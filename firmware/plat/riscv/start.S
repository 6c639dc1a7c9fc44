/*
 * riscv64 virt entry with -bios none: M-mode at 0x80000000, a0 = hart
 * id, a1 = the device tree. Hart 0 runs the firmware; others park.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
    .section .text.start, "ax"
    .globl _start
_start:
    csrr    t0, mhartid
    bnez    t0, park
    /* Traps before main would otherwise loop forever at address 0. */
    la      t0, trap_entry
    csrw    mtvec, t0
    la      sp, __stack_top
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  mv      a0, a1
    call    riscv_main
park:
    wfi
    j       park

    .align  4
trap_entry:
    la      sp, __stack_top
    csrr    a0, mcause
    csrr    a1, mepc
    csrr    a2, mtval
    call    riscv_trap
    j       park
