; bcd.asm: daa, das, aaa, aas, aam and aad over every AL value (and the AF/CF inputs that steer
; them). Each entry is the result byte(s) and the flags the SDM defines for the instruction:
; CF AF SF ZF PF for daa/das, CF AF for aaa/aas, SF ZF PF for aam/aad.

%include "isa.inc"

section .text

; daa_das: ESI -> fn. For AL = 0..255, four entries (CF, AF in) of "AL flags".
%macro DECIMAL_TABLE 2
    TITLE %1
    xor ebp, ebp
%%al:
    xor edi, edi
%%combo:
    mov eax, ebp
    mov ah, 0x5A
    push dword [combos + edi * 4]
    popfd
    %2
    pushfd
    call hex8
    pop eax
    and eax, F_CF | F_AF | F_SF | F_ZF | F_PF
    call hex8
    inc edi
    cmp edi, 4
    jb %%combo
    call newline
    inc ebp
    cmp ebp, 256
    jb %%al
%endmacro

; ASCII_TABLE: AH = 0x12 (and 0xFF for wrap-around), AL = 0..255, AF in 0 and 1: "AH AL flags".
%macro ASCII_TABLE 2
    TITLE %1
    xor ebp, ebp
%%al:
    xor edi, edi
%%combo:
    mov eax, ebp
    mov ah, [ahs + edi]
    push dword [afs + edi * 4]
    popfd
    %2
    pushfd
    xchg al, ah
    call hex8
    xchg al, ah
    call hex8
    pop eax
    and eax, F_CF | F_AF
    call hex8
    inc edi
    cmp edi, 4
    jb %%combo
    call newline
    inc ebp
    cmp ebp, 256
    jb %%al
%endmacro

; ADJUST_TABLE: AX = (AL = 0..255 step 3, AH = 0x37), each base: "AH AL flags".
%macro ADJUST_TABLE 1
    TITLE %str(%1)
    xor ebp, ebp
%%al:
    mov eax, ebp
    mov ah, 0x37
    %1 10
    call adjust_out
    mov eax, ebp
    mov ah, 0x37
    %1 16
    call adjust_out
    mov eax, ebp
    mov ah, 0x37
    %1 7
    call adjust_out
    mov eax, ebp
    mov ah, 0x37
    %1 255
    call adjust_out
    mov eax, ebp
    mov ah, 0x37
    %1 1
    call adjust_out
    call newline
    add ebp, 3
    cmp ebp, 256
    jb %%al
%endmacro

; adjust_out: prints AH, AL and SF ZF PF of the current flags.
adjust_out:
    pushfd
    xchg al, ah
    call hex8
    xchg al, ah
    call hex8
    pop eax
    and eax, F_SF | F_ZF | F_PF
    call hex8
    ret

global main
main:
    DECIMAL_TABLE "daa", daa
    DECIMAL_TABLE "das", das
    ASCII_TABLE "aaa", aaa
    ASCII_TABLE "aas", aas
    ADJUST_TABLE aam
    ADJUST_TABLE aad
    ret

section .data
align 4
combos: dd 0, F_CF, F_AF, F_CF | F_AF
afs: dd 0, F_AF, F_CF, F_AF
ahs: db 0x12, 0x12, 0xFF, 0x00
