/*
 * x86 PVH entry: QEMU's -kernel loader (pvh.bin after the BIOS) enters
 * at the PHYS32_ENTRY note in 32-bit protected mode, paging off, flat
 * segments, with %ebx = the physical address of struct hvm_start_info.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

    .section .note.Xen, "a", @note
    .align  4
    .long   4                       /* name size: "Xen\0" */
    .long   4                       /* descriptor size */
    .long   XEN_ELFNOTE_PHYS32_ENTRY
    .asciz  "Xen"
    .align  4
    .long   pvh_start
    .align  4

    .section .text.start, "ax"
    .code32
    .globl  pvh_start
pvh_start:
    cli
    cld
    movl    $__stack_top, %esp
    movl    %ebx, %esi
    movl    $__bss_start, %edi
    movl    $__bss_end, %ecx
    subl    %edi, %ecx
    xorl    %eax, %eax
    rep stosb
    pushl   %esi
    call    x86_main
1:  hlt
    jmp     1b
    .section .note.GNU-stack, "", @progbits
