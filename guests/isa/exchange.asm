; exchange.asm: xadd, cmpxchg and cmpxchg8b on registers and memory, 8, 16 and 32 bits, with
; matching and mismatching compares. Each line is EAX, EBX, ECX, EDX, the two memory dwords and
; all six arithmetic flags (cmpxchg8b defines ZF and leaves the others unchanged).

%include "isa.inc"

section .text

; report: after `pushfd`, prints EAX, EBX, ECX, EDX, mem[0], mem[1] and the flags.
report:
    pushad
    call hex32
    mov eax, ebx
    call hex32
    mov eax, ecx
    call hex32
    mov eax, edx
    call hex32
    mov eax, [mem]
    call hex32
    mov eax, [mem + 4]
    call hex32
    mov eax, [esp + 36]
    and eax, F_ALL
    call hex32
    call newline
    popad
    ret 4

; CASE "title", eax, ebx, ecx, edx, mem0, mem1, instruction
%macro CASE 8
    TITLE %1
    mov dword [mem], %6
    mov dword [mem + 4], %7
    mov eax, %2
    mov ebx, %3
    mov ecx, %4
    mov edx, %5
    push dword F_SF | F_CF
    popfd
    %8
    pushfd
    call report
%endmacro

global main
main:
    CASE "xadd r32", 0x7FFFFFFF, 1, 0, 0, 0, 0, {xadd eax, ebx}
    CASE "xadd r32 same", 0x80000000, 0, 0, 0, 0, 0, {xadd eax, eax}
    CASE "xadd r16", 0x1234FFFF, 0x00000001, 0, 0, 0, 0, {xadd ax, bx}
    CASE "xadd r8 high", 0x0000F00F, 0x00000011, 0, 0, 0, 0, {xadd ah, bl}
    CASE "xadd m32", 0, 0xFFFFFFFF, 0, 0, 1, 0, {xadd [mem], ebx}
    CASE "xadd m16", 0, 0x8000, 0, 0, 0x12348000, 0, {xadd [mem], bx}
    CASE "lock xadd m8", 0, 0x7F, 0, 0, 0x01, 0, {lock xadd [mem], bl}
    CASE "cmpxchg r32 eq", 5, 9, 0, 5, 0, 0, {cmpxchg edx, ebx}
    CASE "cmpxchg r32 ne", 5, 9, 0, 6, 0, 0, {cmpxchg edx, ebx}
    CASE "cmpxchg r16 ne", 0x11118000, 0x2222, 0, 0x33337FFF, 0, 0, {cmpxchg dx, bx}
    CASE "cmpxchg r8 eq", 0x000000AA, 0x55, 0x00AA, 0, 0, 0, {cmpxchg ch, bl}
    CASE "cmpxchg m32 eq", 0x12345678, 0xCAFEBABE, 0, 0, 0x12345678, 0, {cmpxchg [mem], ebx}
    CASE "cmpxchg m32 ne", 0x12345678, 0xCAFEBABE, 0, 0, 0x12345679, 0, {cmpxchg [mem], ebx}
    CASE "lock cmpxchg m16 ne", 0x00000001, 0xBEEF, 0, 0, 0xFFFF0002, 0, {lock cmpxchg [mem], bx}
    CASE "cmpxchg m8 eq", 0x00000080, 0x01, 0, 0, 0x00000080, 0, {cmpxchg [mem], bl}
    CASE "cmpxchg eax,eax", 0x42, 0, 0, 0, 0, 0, {cmpxchg eax, eax}
    CASE "cmpxchg8b eq", 0x11111111, 0x33333333, 0x44444444, 0x22222222, 0x11111111, 0x22222222, {cmpxchg8b [mem]}
    CASE "cmpxchg8b ne lo", 0x11111111, 0x33333333, 0x44444444, 0x22222222, 0x11111112, 0x22222222, {cmpxchg8b [mem]}
    CASE "cmpxchg8b ne hi", 0x11111111, 0x33333333, 0x44444444, 0x22222222, 0x11111111, 0xA2222222, {cmpxchg8b [mem]}
    CASE "lock cmpxchg8b eq", 0, 0xFFFFFFFF, 0x80000000, 0, 0, 0, {lock cmpxchg8b [mem]}
    ret

section .data
align 8
mem: dd 0, 0
