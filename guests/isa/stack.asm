; stack.asm: push and pop (registers, memory, imm8 sign-extended, imm32, 16-bit forms, segment
; registers), pusha/popa, pushf/popf, enter at nesting levels 0 to 3, leave, push esp, pop esp
; and pop to [esp + n]. Each case runs on a scratch stack that starts at START and is filled with
; 0xA0A0xxxx (xxxx = the offset in it) and prints two lines: EAX, EBX, ECX, EDX, ESI, EDI, EBP,
; ESP, the memory dword and the flags; then the twelve dwords from START - 32 to START + 12.
; A dword pushed from a segment register with a 32-bit operand size has an undefined upper half
; (the SDM allows either a 16-bit write or a zero extension): those cases overwrite it.

%include "isa.inc"

TSIZE equ 256
START equ tstack + 128
M_POPF equ 0x0024FFFF              ; bits 0-15, AC and ID: all the guest can change at CPL 0

section .text

; fill: fills the scratch stack with its pattern and resets the memory dword.
fill:
    pushad
    xor ecx, ecx
.next:
    mov eax, 0xA0A00000
    or eax, ecx
    mov [tstack + ecx], eax
    add ecx, 4
    cmp ecx, TSIZE
    jb .next
    mov dword [mem], 0x13572468
    popad
    ret

; sreport: after `pushfd`, prints the registers, the saved ESP, the memory dword, the flags
; masked with [cur_mask], then the scratch stack window.
sreport:
    pushad
    call hex32
    mov eax, ebx
    call hex32
    mov eax, ecx
    call hex32
    mov eax, edx
    call hex32
    mov eax, esi
    call hex32
    mov eax, edi
    call hex32
    mov eax, ebp
    call hex32
    mov eax, [r_esp]
    call hex32
    mov eax, [mem]
    call hex32
    mov eax, [esp + 36]
    and eax, [cur_mask]
    call hex32
    call newline
    mov esi, START - 32
.word:
    mov eax, [esi]
    call hex32
    add esi, 4
    cmp esi, START + 16
    jb .word
    call newline
    popad
    ret 4

; SCASE "title", eax, ebx, ecx, ebp, flags mask, instruction[, instruction[, instruction]]
; EDX, ESI and EDI start as 0x44444444, 0x55555555, 0x66666666; the flags as F_ALL.
%macro SCASE 7-9
    TITLE %1
    call fill
    mov dword [cur_mask], %6
    mov [saved_esp], esp
    push dword F_ALL
    popfd
    mov eax, %2
    mov ebx, %3
    mov ecx, %4
    mov edx, 0x44444444
    mov esi, 0x55555555
    mov edi, 0x66666666
    mov ebp, %5
    mov esp, START
    %7
%if %0 >= 8
    %8
%endif
%if %0 >= 9
    %9
%endif
    mov [r_esp], esp
    mov esp, [saved_esp]
    pushfd
    call sreport
    push dword 2
    popfd
%endmacro

global main
main:
    lgdt [gdtr]                    ; the loader's GDT may be gone (multiboot): use our own
    ; push and pop, 32-bit
    SCASE "push eax", 0x80000000, 0, 0, 0, F_ALL, {push eax}
    SCASE "push ebx,ecx", 0, 0x11111111, 0x22222222, 0, F_ALL, {push ebx}, {push ecx}
    SCASE "push imm8 -1", 0, 0, 0, 0, F_ALL, {push byte -1}
    SCASE "push imm8 7f", 0, 0, 0, 0, F_ALL, {push byte 0x7F}
    SCASE "push imm8 -128", 0, 0, 0, 0, F_ALL, {push byte -128}
    SCASE "push imm32", 0, 0, 0, 0, F_ALL, {push dword 0x87654321}
    SCASE "push imm32 80", 0, 0, 0, 0, F_ALL, {push strict dword 0x80}
    SCASE "push m32", 0, 0, 0, 0, F_ALL, {push dword [mem]}
    SCASE "push FF/6 r32", 0, 0, 0x7FFFFFFF, 0, F_ALL, {db 0xFF, 0xF1}
    SCASE "pop ecx", 0, 0, 0, 0, F_ALL, {pop ecx}
    SCASE "pop 8F/0 r32", 0, 0, 0, 0, F_ALL, {db 0x8F, 0xC3}
    SCASE "pop m32", 0, 0, 0, 0, F_ALL, {pop dword [mem]}
    SCASE "push,push,pop", 0x11111111, 0x22222222, 0, 0, F_ALL, {push eax}, {push ebx}, {pop ecx}
    SCASE "push esp", 0, 0, 0, 0, F_ALL, {push esp}
    SCASE "pop esp", 0, 0, 0, 0, F_ALL, {pop esp}
    SCASE "push [esp]", 0, 0, 0, 0, F_ALL, {push dword [esp]}
    SCASE "push [esp+4]", 0, 0, 0, 0, F_ALL, {push dword [esp + 4]}
    SCASE "pop [esp]", 0, 0, 0, 0, F_ALL, {pop dword [esp]}
    SCASE "pop [esp+4]", 0, 0, 0, 0, F_ALL, {pop dword [esp + 4]}
    SCASE "pop [esp-4]", 0, 0, 0, 0, F_ALL, {pop dword [esp - 4]}
    SCASE "pop [esp+ecx*4-8]", 0, 0, 3, 0, F_ALL, {pop dword [esp + ecx * 4 - 8]}
    ; 16-bit operand size
    SCASE "push ax", 0x12348000, 0, 0, 0, F_ALL, {push ax}
    SCASE "pop cx", 0, 0, 0xFFFFFFFF, 0, F_ALL, {pop cx}
    SCASE "push word imm16", 0, 0, 0, 0, F_ALL, {push word 0x8001}
    SCASE "push word imm8 -2", 0, 0, 0, 0, F_ALL, {push word -2}
    SCASE "push word m16", 0, 0, 0, 0, F_ALL, {push word [mem]}
    SCASE "pop word m16", 0, 0, 0, 0, F_ALL, {pop word [mem]}
    SCASE "pop word [esp]", 0, 0, 0, 0, F_ALL, {pop word [esp]}
    SCASE "push ax,pop ebx", 0x1234ABCD, 0, 0, 0, F_ALL, {push ax}, {push ax}, {pop ebx}
    ; segment registers
    SCASE "push ds", 0, 0, 0, 0, F_ALL, {push ds}, {mov word [esp + 2], 0x5555}
    SCASE "push cs", 0, 0, 0, 0, F_ALL, {push cs}, {mov word [esp + 2], 0x5555}
    SCASE "push es", 0, 0, 0, 0, F_ALL, {push es}, {mov word [esp + 2], 0x5555}
    SCASE "push ss", 0, 0, 0, 0, F_ALL, {push ss}, {mov word [esp + 2], 0x5555}
    SCASE "push fs", 0, 0, 0, 0, F_ALL, {push fs}, {mov word [esp + 2], 0x5555}
    SCASE "push gs", 0, 0, 0, 0, F_ALL, {push gs}, {mov word [esp + 2], 0x5555}
    SCASE "o16 push ds", 0, 0, 0, 0, F_ALL, {o16 push ds}
    SCASE "o16 push gs", 0, 0, 0, 0, F_ALL, {o16 push gs}
    SCASE "pop es", 0, 0, 0, 0, F_ALL, {push dword 0xFFFF0010}, {pop es}, {mov eax, es}
    SCASE "pop ds", 0, 0, 0, 0, F_ALL, {push dword 0x00000010}, {pop ds}, {mov ebx, ds}
    SCASE "pop fs", 0, 0, 0, 0, F_ALL, {push dword 0xABCD0010}, {pop fs}, {mov ecx, fs}
    SCASE "pop gs", 0, 0, 0, 0, F_ALL, {push dword 0x00000010}, {pop gs}, {mov ecx, gs}
    SCASE "o16 pop es", 0, 0, 0, 0, F_ALL, {push word 0x0010}, {o16 pop es}, {mov ax, es}
    SCASE "push ds,pop fs", 0, 0, 0, 0, F_ALL, {push ds}, {pop fs}, {mov ax, fs}
    ; pusha / popa
    SCASE "pushad", 0x11111111, 0x22222222, 0x33333333, 0x77777777, F_ALL, {pushad}
    SCASE "popad", 0, 0, 0, 0, F_ALL, {popad}
    SCASE "pushad,popad", 0x11111111, 0x22222222, 0x33333333, 0x77777777, F_ALL, {pushad}, {popad}
    SCASE "pushaw", 0x11118001, 0x22228002, 0x33338003, 0x77778007, F_ALL, {pushaw}
    SCASE "popaw", 0x11111111, 0x22222222, 0x33333333, 0x77777777, F_ALL, {popaw}
    ; pushf / popf
    SCASE "pushfd", 0, 0, 0, 0, M_POPF, {pushfd}
    SCASE "pushfd df", 0, 0, 0, 0, M_POPF, {std}, {pushfd}, {cld}
    SCASE "popfd all", 0, 0, 0, 0, M_POPF, {push dword 0xFFFFFCFF}, {popfd}
    SCASE "popfd none", 0, 0, 0, 0, M_POPF, {push dword 0}, {popfd}
    SCASE "popfd arith", 0, 0, 0, 0, M_POPF, {push dword 0x000008D5}, {popfd}
    SCASE "pushfw", 0, 0, 0, 0, M_POPF, {pushfw}
    SCASE "popfw", 0, 0, 0, 0, M_POPF, {push word 0x7CFF}, {popfw}
    SCASE "popfw none", 0, 0, 0, 0, M_POPF, {push word 0}, {popfw}
    ; enter / leave (EBP points into the filled scratch stack so copied frame words show)
    SCASE "enter 8,0", 0, 0, 0, tstack + 224, F_ALL, {enter 8, 0}
    SCASE "enter 4,1", 0, 0, 0, tstack + 224, F_ALL, {enter 4, 1}
    SCASE "enter 0,2", 0, 0, 0, tstack + 224, F_ALL, {enter 0, 2}
    SCASE "enter 12,3", 0, 0, 0, tstack + 224, F_ALL, {enter 12, 3}
    SCASE "enter 0x1234,0", 0, 0, 0, tstack + 224, F_ALL, {enter 0x1234, 0}
    SCASE "enter 0,3 leave", 0, 0, 0, tstack + 224, F_ALL, {enter 0, 3}, {leave}
    SCASE "o16 enter 4,2", 0, 0, 0, tstack + 224, F_ALL, {o16 enter 4, 2}
    SCASE "leave", 0, 0, 0, START + 8, F_ALL, {leave}
    SCASE "o16 leave", 0, 0, 0, START + 8, F_ALL, {o16 leave}
    ret

section .data
align 4
; a flat 4 GiB code segment at 0x08 and data segment at 0x10, the selectors the loader uses
gdt: dq 0, 0x00CF9A000000FFFF, 0x00CF92000000FFFF
gdtr: dw 23
    dd gdt

section .bss
align 16
tstack: resb TSIZE
mem: resd 1
saved_esp: resd 1
r_esp: resd 1
cur_mask: resd 1
