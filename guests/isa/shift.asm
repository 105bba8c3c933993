; shift.asm: rol, ror, rcl, rcr, shl, sal, shr, sar, shld and shrd over tables of values and
; counts, for 8-, 16- and 32-bit register operands, plus memory and immediate forms. Each line is
; the result in EAX and the flags masked to those the SDM defines for that count.

%include "isa.inc"

; Flag classes: which flags a count defines.
CLS_ROT equ 0                      ; rotates: CF (OF only for count 1); others unchanged
CLS_SHIFT equ 1                    ; shl/shr: SF ZF PF, CF below the width, OF for count 1
CLS_SAR equ 2                      ; sar: as shl/shr, but CF defined for every count
CLS_DOUBLE equ 3                   ; shld/shrd: as shl/shr

section .text

; mask_for: EAX = defined-flag mask for class EBX, width EDX bits, count ECX.
mask_for:
    and ecx, 31
    mov eax, F_ALL
    jecxz .done
    cmp ebx, CLS_ROT
    jne .shift
    cmp ecx, 1
    je .done
    mov eax, F_ALL & ~F_OF
    ret
.shift:
    mov eax, F_ALL & ~F_AF
    cmp ecx, 1
    je .done
    mov eax, F_CF | F_PF | F_ZF | F_SF
    cmp ecx, edx
    jb .done
    cmp ebx, CLS_SAR
    je .done
    mov eax, F_PF | F_ZF | F_SF
.done:
    ret

; run_record: ESI -> record {fn, bits, class, name, counts}. For each value, count and carry-in
; calls fn with EAX = value, EDX = value2, CL = count and prints EAX and the masked flags.
run_record:
    pushad
    push esi
    mov esi, [esi + 12]
    call puts
    pop esi
    call newline
    xor ebp, ebp                   ; value index
.value:
    xor edi, edi                   ; count index
.count:
    mov ebx, [esi + 16]
    movzx ecx, byte [ebx + edi]
    cmp cl, 0xFF
    je .next_value
    mov [cur_count], ecx
    ; mask for this class, width and count
    push esi
    mov ebx, [esi + 8]
    mov edx, [esi + 4]
    call mask_for
    pop esi
    mov [cur_mask], eax
    xor eax, eax
    mov [cur_carry], eax
.carry:
    mov eax, [cur_carry]
    test eax, eax
    mov eax, F_ZF | F_PF | F_SF    ; carry-in 0 with the other flags set
    jz .flags_ready
    mov eax, F_CF | F_OF | F_AF    ; carry-in 1
.flags_ready:
    push eax
    mov eax, [values + ebp * 4]
    mov edx, [values2 + ebp * 4]
    mov ecx, [cur_count]
    popfd
    call [esi]
    pushfd
    call hex32
    push dword [cur_mask]
    call dump_flags
    call newline
    inc dword [cur_carry]
    cmp dword [cur_carry], 2
    jb .carry
    inc edi
    jmp .count
.next_value:
    inc ebp
    cmp ebp, NVALUES
    jb .value
    popad
    ret

; One function per operation and width: EAX op= CL (EDX is the second source of shld/shrd).
%macro OPFNS 1
op_%1_8:
    %1 al, cl
    ret
op_%1_16:
    %1 ax, cl
    ret
op_%1_32:
    %1 eax, cl
    ret
%endmacro
OPFNS rol
OPFNS ror
OPFNS rcl
OPFNS rcr
OPFNS shl
OPFNS shr
OPFNS sar
op_sal_32:
    sal eax, cl
    ret
op_shld_16:
    shld ax, dx, cl
    ret
op_shld_32:
    shld eax, edx, cl
    ret
op_shrd_16:
    shrd ax, dx, cl
    ret
op_shrd_32:
    shrd eax, edx, cl
    ret

; CASE "title", instruction, mask: one fixed case on [mem] or with an immediate count.
%macro CASE 4
    TITLE %1
    mov dword [mem], %2
    push dword F_CF | F_ZF
    popfd
    %3
    pushfd
    mov eax, [mem]
    call hex32
    push dword %4
    call dump_flags
    call newline
%endmacro

global main
main:
    mov esi, records
.next:
    cmp dword [esi], 0
    je .fixed
    call run_record
    add esi, 20
    jmp .next
.fixed:
    CASE "shl m32,1", 0x80000001, {shl dword [mem], 1}, F_ALL & ~F_AF
    CASE "shr m16,imm 3", 0x0000800F, {shr word [mem], 3}, F_CF | F_PF | F_ZF | F_SF
    CASE "sar m8,imm 7", 0x00000080, {sar byte [mem], 7}, F_CF | F_PF | F_ZF | F_SF
    CASE "rol m32,imm 4", 0xF000000F, {rol dword [mem], 4}, F_ALL & ~F_OF
    CASE "ror m8,1", 0x00000001, {ror byte [mem], 1}, F_ALL
    CASE "rcl m16,imm 17", 0x00008001, {rcl word [mem], 17}, F_ALL & ~F_OF
    CASE "rcr m32,1", 0x00000003, {rcr dword [mem], 1}, F_ALL
    CASE "shld m32,r,imm 8", 0x12345678, {shld dword [mem], ebx, 8}, F_CF | F_PF | F_ZF | F_SF
    CASE "shrd m16,r,imm 4", 0x0000ABCD, {shrd word [mem], bx, 4}, F_CF | F_PF | F_ZF | F_SF
    CASE "shl r32,imm 0", 0x00000001, {shl dword [mem], 0}, F_ALL
    CASE "sal m32,imm 31", 0x00000003, {sal dword [mem], 31}, F_CF | F_PF | F_ZF | F_SF
    ret

section .data
align 4
NVALUES equ 8
values:  dd 0, 1, 0x80, 0xFF, 0x8000, 0x80000000, 0xFFFFFFFF, 0x8765A5C3
values2: dd 0xFFFFFFFF, 0x80000001, 0x12345678, 0, 0xFFFF0001, 1, 0x5A5A5A5A, 0xC3C3C3C3
counts:   db 0, 1, 2, 7, 8, 9, 16, 17, 31, 32, 33, 0xFF
counts16: db 0, 1, 2, 7, 8, 9, 15, 16, 32, 33, 48, 0xFF
mem: dd 0, 0

%macro REC 4
    dd op_%1_%2, %2, %3, name_%1_%2, %4
[section .rodata]
name_%1_%2: db %str(%1), " ", %str(%2), 0
__SECT__
%endmacro
%macro REC3 2
    REC %1, 8, %2, counts
    REC %1, 16, %2, counts
    REC %1, 32, %2, counts
%endmacro
records:
    REC3 rol, CLS_ROT
    REC3 ror, CLS_ROT
    REC3 rcl, CLS_ROT
    REC3 rcr, CLS_ROT
    REC3 shl, CLS_SHIFT
    REC3 shr, CLS_SHIFT
    REC3 sar, CLS_SAR
    REC sal, 32, CLS_SHIFT, counts
    REC shld, 16, CLS_DOUBLE, counts16
    REC shld, 32, CLS_DOUBLE, counts
    REC shrd, 16, CLS_DOUBLE, counts16
    REC shrd, 32, CLS_DOUBLE, counts
    dd 0

section .bss
cur_count: resd 1
cur_mask: resd 1
cur_carry: resd 1
