; muldiv.asm: mul, imul (one, two and three operands), div and idiv over tables of operands, for
; 8-, 16- and 32-bit operands in registers and memory. Each line is EAX, EDX and the flags the
; SDM defines (CF and OF for multiplies, none for divides). Divides whose quotient would not fit
; are skipped (the guest sets up no exception handlers); the interpreter's tests cover #DE.

%include "isa.inc"

section .text

; One function per operation and width: operand in EBX (and [mem]), EDX:EAX as the instruction
; defines.
%macro OPFNS 1
op_%1_8:
    %1 bl
    ret
op_%1_16:
    %1 bx
    ret
op_%1_32:
    %1 ebx
    ret
%endmacro
OPFNS mul
OPFNS imul
OPFNS div
OPFNS idiv
op_imul2_16:
    imul ax, bx
    ret
op_imul2_32:
    imul eax, ebx
    ret
op_mulm_32:
    mov [mem], ebx
    mul dword [mem]
    ret
op_imul2m_16:
    mov [mem], ebx
    imul ax, word [mem]
    ret

; print_result: after `pushfd`, prints EAX, EDX and the flags masked with [cur_mask].
print_result:
    call hex32
    push eax
    mov eax, edx
    call hex32
    pop eax
    push dword [esp + 4]
    push dword [cur_mask]
    call dump_flags
    call newline
    ret 4

; products: ESI -> {fn, name}: every pair of values through fn, EAX = a, EDX = a2, EBX = b.
products:
    pushad
    push esi
    mov esi, [esi + 4]
    call puts
    pop esi
    call newline
    mov dword [cur_mask], F_CF | F_OF
    xor ebp, ebp
.a:
    xor edi, edi
.b:
    mov eax, [values + ebp * 4]
    mov edx, [values + edi * 4]
    not edx
    mov ebx, [values + edi * 4]
    push dword F_ZF | F_AF
    popfd
    call [esi]
    pushfd
    call print_result
    inc edi
    cmp edi, NVALUES
    jb .b
    inc ebp
    cmp ebp, NVALUES
    jb .a
    popad
    ret

; unsigned_divides: ESI -> {fn, name, width}: EDX:EAX = high:a, EBX = b, skipping zero divisors
; and cases whose quotient would not fit.
unsigned_divides:
    pushad
    push esi
    mov esi, [esi + 4]
    call puts
    pop esi
    call newline
    mov dword [cur_mask], 0
    xor ebp, ebp
.a:
    xor edi, edi
.b:
    xor ecx, ecx
.h:
    mov eax, [values + ebp * 4]
    mov edx, [highs + ecx * 4]
    mov ebx, [values + edi * 4]
    ; skip when the divisor (at the width) is 0 or not above the high part
    mov [tmp], ebx
    cmp dword [esi + 8], 8
    jne .w16
    movzx ebx, bl
    push eax
    movzx eax, ah
    cmp eax, ebx
    pop eax
    jae .skip
    jmp .run
.w16:
    cmp dword [esi + 8], 16
    jne .w32
    movzx ebx, bx
    push edx
    movzx edx, dx
    cmp edx, ebx
    pop edx
    jae .skip
    jmp .run
.w32:
    cmp edx, ebx
    jae .skip
.run:
    mov ebx, [tmp]
    push ecx
    push dword F_ZF | F_CF
    popfd
    call [esi]
    pushfd
    call print_result
    pop ecx
.skip:
    inc ecx
    cmp ecx, NHIGHS
    jb .h
    inc edi
    cmp edi, NVALUES
    jb .b
    inc ebp
    cmp ebp, NVALUES
    jb .a
    popad
    ret

; signed_divides_small: idiv 8 and 16 over value pairs; whether the quotient fits is decided
; first with a 32-bit idiv of the same (sign-extended) numbers, which cannot overflow.
signed_divides_small:
    pushad
    TITLE "idiv 8"
    mov dword [cur_mask], 0
    xor ebp, ebp
.a8:
    xor edi, edi
.b8:
    movsx eax, word [values + ebp * 4]
    movsx ebx, byte [values + edi * 4]
    test ebx, ebx
    jz .skip8
    cdq
    idiv ebx
    cmp eax, -128
    jl .skip8
    cmp eax, 127
    jg .skip8
    mov eax, [values + ebp * 4]
    mov ebx, [values + edi * 4]
    mov edx, 0x5555AAAA
    call op_idiv_8
    pushfd
    call print_result
.skip8:
    inc edi
    cmp edi, NVALUES
    jb .b8
    inc ebp
    cmp ebp, NVALUES
    jb .a8
    TITLE "idiv 16"
    xor ebp, ebp
.a16:
    xor edi, edi
.b16:
    xor ecx, ecx
.h16:
    movzx eax, word [values + ebp * 4]
    mov edx, [highs + ecx * 4]
    shl edx, 16
    or eax, edx
    movsx ebx, word [values + edi * 4]
    test ebx, ebx
    jz .skip16
    cdq
    idiv ebx
    cmp eax, -32768
    jl .skip16
    cmp eax, 32767
    jg .skip16
    mov eax, [values + ebp * 4]
    mov edx, [highs + ecx * 4]
    mov ebx, [values + edi * 4]
    call op_idiv_16
    pushfd
    call print_result
.skip16:
    inc ecx
    cmp ecx, NHIGHS
    jb .h16
    inc edi
    cmp edi, NVALUES
    jb .b16
    inc ebp
    cmp ebp, NVALUES
    jb .a16
    popad
    ret

; idiv32_cases: curated EDX:EAX / EBX triples whose quotients fit (worked out by hand).
idiv32_cases:
    pushad
    TITLE "idiv 32"
    mov dword [cur_mask], 0
    mov esi, idiv32_table
.next:
    cmp dword [esi + 8], 0
    je .done
    mov edx, [esi]
    mov eax, [esi + 4]
    mov ebx, [esi + 8]
    call op_idiv_32
    pushfd
    call print_result
    add esi, 12
    jmp .next
.done:
    popad
    ret

; imul3_cases: the three-operand forms with 8-bit and full-size immediates.
imul3_cases:
    pushad
    TITLE "imul3"
    mov dword [cur_mask], F_CF | F_OF
    xor ebp, ebp
.v:
    mov ebx, [values + ebp * 4]
    mov [mem], ebx
    xor edx, edx
    imul eax, ebx, -3
    pushfd
    call print_result
    imul eax, ebx, 0x7F
    pushfd
    call print_result
    imul eax, [mem], 0x10001
    pushfd
    call print_result
    imul ax, bx, -0x8000
    pushfd
    call print_result
    imul ax, [mem], 3
    pushfd
    call print_result
    inc ebp
    cmp ebp, NVALUES
    jb .v
    popad
    ret

global main
main:
    mov esi, mul_records
.p:
    cmp dword [esi], 0
    je .d
    call products
    add esi, 8
    jmp .p
.d:
    mov esi, div_records
.q:
    cmp dword [esi], 0
    je .rest
    call unsigned_divides
    add esi, 12
    jmp .q
.rest:
    call signed_divides_small
    call idiv32_cases
    call imul3_cases
    ret

section .data
align 4
NVALUES equ 11
values: dd 0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFFFFFF, 0x80000000, 0x12345678, 0xFEDCBA98
NHIGHS equ 3
highs: dd 0, 1, 0x7F
idiv32_table:
    dd 0, 100, 7
    dd 0xFFFFFFFF, -100, 7
    dd 0, 100, -7
    dd 0xFFFFFFFF, -100, -7
    dd 0, 0x7FFFFFFF, 1
    dd 0xFFFFFFFF, 0x80000000, 1
    dd 1, 0, 3
    dd 0xFFFFFFFF, 0, 3
    dd 0xFFFFFFFF, 0, 2
    dd 0x12345678, 0x9ABCDEF0, 0x7FFFFFFF
    dd 0xEDCBA987, 0x65432110, 0x7FFFFFFF
    dd 0x12345678, 0x9ABCDEF0, 0x80000000
    dd 0, 0, 0
mem: dd 0, 0
tmp: dd 0
cur_mask: dd 0

%macro REC 2
    dd op_%1_%2, name_%1_%2
[section .rodata]
name_%1_%2: db %str(%1), " ", %str(%2), 0
__SECT__
%endmacro
mul_records:
    REC mul, 8
    REC mul, 16
    REC mul, 32
    REC imul, 8
    REC imul, 16
    REC imul, 32
    REC imul2, 16
    REC imul2, 32
    REC mulm, 32
    REC imul2m, 16
    dd 0
%macro DREC 2
    dd op_%1_%2, name_%1_%2, %2
[section .rodata]
name_%1_%2: db %str(%1), " ", %str(%2), 0
__SECT__
%endmacro
div_records:
    DREC div, 8
    DREC div, 16
    DREC div, 32
    dd 0
