; bit.asm: bt, bts, btr, btc (register and immediate offsets, register and memory operands,
; 16 and 32 bits, memory offsets outside the addressed dword in both directions), bsf and bsr.
; Each line is the operand (or the memory window) after the instruction and the flags the SDM
; defines (CF for the bit tests with ZF unchanged, ZF for the scans).

%include "isa.inc"

section .text

; reset_window: fills the 8-dword window with a fixed pattern.
reset_window:
    pushad
    mov edi, window
    mov eax, 0x0F1E2D3C
    mov ecx, 8
.f:
    mov [edi], eax
    add eax, 0x11111111
    add edi, 4
    dec ecx
    jnz .f
    popad
    ret

; print_window: prints the 8 dwords of the window.
print_window:
    pushad
    mov esi, window
    mov ecx, 8
.p:
    mov eax, [esi]
    call hex32
    add esi, 4
    dec ecx
    jnz .p
    popad
    ret

; REG_TESTS op: register operand, register offsets from the table, 16 and 32 bits.
%macro REG_TESTS 1
    TITLE %str(%1), " reg"
    xor ebp, ebp
%%o:
    mov ecx, [offsets + ebp * 4]
    mov eax, 0x8001F00F
    push dword F_ZF | F_SF
    popfd
    %1 eax, ecx
    pushfd
    call hex32
    push dword F_CF | F_ZF
    call dump_flags
    mov eax, 0x8001F00F
    push dword F_CF
    popfd
    %1 ax, cx
    pushfd
    call hex32
    push dword F_CF | F_ZF
    call dump_flags
    call newline
    inc ebp
    cmp ebp, NOFFSETS
    jb %%o
%endmacro

; MEM_TESTS op: memory operand in the middle of the window, register offsets (32 and 16 bits).
%macro MEM_TESTS 1
    TITLE %str(%1), " mem"
    xor ebp, ebp
%%o:
    call reset_window
    mov ecx, [offsets + ebp * 4]
    mov ebx, window + 16
    push dword F_CF | F_ZF
    popfd
    %1 dword [ebx], ecx
    pushfd
    call print_window
    push dword F_CF | F_ZF
    call dump_flags
    call newline
    call reset_window
    push dword 0
    popfd
    %1 word [ebx], cx
    pushfd
    call print_window
    push dword F_CF | F_ZF
    call dump_flags
    call newline
    inc ebp
    cmp ebp, NOFFSETS
    jb %%o
%endmacro

; IMM_TESTS op: immediate offsets (masked to the width), register and memory.
%macro IMM_TESTS 1
    TITLE %str(%1), " imm"
    call reset_window
    mov eax, 0x12345678
    %1 eax, 3
    pushfd
    call hex32
    push dword F_CF
    call dump_flags
    %1 eax, 35
    pushfd
    call hex32
    push dword F_CF
    call dump_flags
    %1 ax, 20
    pushfd
    call hex32
    push dword F_CF
    call dump_flags
    %1 dword [window + 16], 63
    pushfd
    push dword F_CF
    call dump_flags
    %1 word [window + 16], 17
    pushfd
    push dword F_CF
    call dump_flags
    call print_window
    call newline
%endmacro

; SCAN op: every value, 32 and 16 bits, register and memory; destination preset to a marker.
%macro SCAN 1
    TITLE %str(%1)
    xor ebp, ebp
%%v:
    mov ebx, [values + ebp * 4]
    mov [window], ebx
    mov eax, 0xDEADBEEF
    push dword F_CF
    popfd
    %1 eax, ebx
    pushfd
    call hex32
    push dword F_ZF
    call dump_flags
    mov eax, 0xDEADBEEF
    %1 ax, bx
    pushfd
    call hex32
    push dword F_ZF
    call dump_flags
    mov eax, 0xDEADBEEF
    %1 eax, [window]
    pushfd
    call hex32
    push dword F_ZF
    call dump_flags
    call newline
    inc ebp
    cmp ebp, NVALUES
    jb %%v
%endmacro

global main
main:
    REG_TESTS bt
    REG_TESTS bts
    REG_TESTS btr
    REG_TESTS btc
    MEM_TESTS bt
    MEM_TESTS bts
    MEM_TESTS btr
    MEM_TESTS btc
    IMM_TESTS bt
    IMM_TESTS bts
    IMM_TESTS btr
    IMM_TESTS btc
    SCAN bsf
    SCAN bsr
    ret

section .data
align 4
NOFFSETS equ 12
offsets: dd 0, 1, 15, 16, 31, 32, 33, 63, -1, -17, -33, -64
NVALUES equ 9
values: dd 0, 1, 0x80000000, 0xFFFFFFFF, 0x00010000, 0x00018000, 0x7FFF0000, 0x00000300, 0x12340000
window: times 8 dd 0
