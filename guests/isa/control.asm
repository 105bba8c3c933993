; control.asm: jcc (all 16 conditions, short and near, forward and backward), jmp (short, near,
; register, memory), call and ret (direct, register, memory, ret imm16), loop/loope/loopne/jecxz
; and their a16 forms on CX, and clc/stc/cmc/cld/std. A condition line is the flags going in (or
; the compared values) and 16-bit masks of the conditions that jumped (bit n = condition n, o..g).
; A case line is EAX (which path ran, or a computed difference), EBX, ECX, EDX and the six
; arithmetic flags with DF.

%include "isa.inc"

M_FLAGS equ F_ALL | F_DF

section .text

; report: after `pushfd`, prints EAX, EBX, ECX, EDX and the flags; pops them.
report:
    pushad
    call hex32
    mov eax, ebx
    call hex32
    mov eax, ecx
    call hex32
    mov eax, edx
    call hex32
    mov eax, [esp + 36]
    and eax, M_FLAGS
    call hex32
    call newline
    popad
    ret 4

; CONDS m, arg: invokes m cc, n, arg for the 16 conditions in encoding order.
%macro CONDS 2
    %1 o, 0, {%2}
    %1 no, 1, {%2}
    %1 b, 2, {%2}
    %1 ae, 3, {%2}
    %1 e, 4, {%2}
    %1 ne, 5, {%2}
    %1 be, 6, {%2}
    %1 a, 7, {%2}
    %1 s, 8, {%2}
    %1 ns, 9, {%2}
    %1 p, 10, {%2}
    %1 np, 11, {%2}
    %1 l, 12, {%2}
    %1 ge, 13, {%2}
    %1 le, 14, {%2}
    %1 g, 15, {%2}
%endmacro
; setters: load the flags or compute them, then jcc cc to the target in the second argument
%macro JS_FLAGS 2
    push dword [cur_flags]
    popfd
    j%1 short %2
%endmacro
%macro JN_FLAGS 2
    push dword [cur_flags]
    popfd
    j%1 near %2
%endmacro
%macro JS_CMP32 2
    cmp eax, ebx
    j%1 short %2
%endmacro
%macro JN_CMP8 2
    cmp al, bl
    j%1 near %2
%endmacro
%macro JS_SUB16 2
    sub ax, bx
    j%1 short %2
%endmacro
%macro JS_INC 2
    push dword [cur_flags]
    popfd
    inc eax
    j%1 short %2
%endmacro
; J_ONE cc, n, setter-macro: one condition through a setter macro (forward target).
%macro J_ONE 3
    mov eax, [cur_a]
    mov ebx, [cur_b]
    %3 %1, %%taken
    jmp short %%done
%%taken:
    or edx, 1 << %2
%%done:
%endmacro
; J_BACK cc, n: a short jcc to a target behind it.
%macro J_BACK 3
    jmp short %%test
%%taken:
    or edx, 1 << %2
    jmp short %%done
%%test:
    push dword [cur_flags]
    popfd
    j%1 short %%taken
%%done:
%endmacro

; flag_patterns: for every combination of CF, PF, ZF, SF, OF: the flags and the masks of short
; forward, near forward and short backward jcc.
flag_patterns:
    pushad
    TITLE "jcc flags: short near back"
    xor ebp, ebp
.next:
    mov eax, [pattern_flags + ebp * 4]
    mov [cur_flags], eax
    call hex32
    xor edx, edx
    CONDS J_ONE, JS_FLAGS
    mov eax, edx
    call hex32
    xor edx, edx
    CONDS J_ONE, JN_FLAGS
    mov eax, edx
    call hex32
    xor edx, edx
    CONDS J_BACK, 0
    mov eax, edx
    call hex32
    call newline
    inc ebp
    cmp ebp, 32
    jb .next
    popad
    ret

; compare_pairs: for every pair of values a, b: a, b and the masks of jcc after cmp eax,ebx
; (short), cmp al,bl (near), sub ax,bx (short) and, with the carry from the pair's index, inc eax.
compare_pairs:
    pushad
    TITLE "jcc after cmp32 cmp8 sub16 inc"
    xor ebp, ebp
.a:
    xor edi, edi
.b:
    mov eax, [values + ebp * 4]
    mov [cur_a], eax
    call hex32
    mov eax, [values + edi * 4]
    mov [cur_b], eax
    call hex32
    mov eax, edi
    and eax, F_CF
    mov [cur_flags], eax
    xor edx, edx
    CONDS J_ONE, JS_CMP32
    mov eax, edx
    call hex32
    xor edx, edx
    CONDS J_ONE, JN_CMP8
    mov eax, edx
    call hex32
    xor edx, edx
    CONDS J_ONE, JS_SUB16
    mov eax, edx
    call hex32
    xor edx, edx
    CONDS J_ONE, JS_INC
    mov eax, edx
    call hex32
    call newline
    inc edi
    cmp edi, NVALUES
    jb .b
    inc ebp
    cmp ebp, NVALUES
    jb .a
    popad
    ret

; BCASE "title", ecx, flags, branch: EAX = 0x22 if the branch to a forward target was taken,
; 0x11 if not; prints with ECX after.
%macro BCASE 4
    TITLE %1
    mov eax, 0
    mov ebx, 0
    mov edx, 0
    mov ecx, %2
    push dword %3
    popfd
    %4 %%taken
    mov eax, 0x11
    jmp short %%done
%%taken:
    mov eax, 0x22
%%done:
    pushfd
    call report
%endmacro

; FCASE "title", flags, instruction: the flags after a flag instruction.
%macro FCASE 3
    TITLE %1
    mov eax, 0
    mov ebx, 0
    mov ecx, 0
    mov edx, 0
    push dword %2
    popfd
    %3
    pushfd
    call report
    cld
%endmacro

; callee functions: EAX = the return address, EBX = ESP at entry
ret_addr:
    mov eax, [esp]
    mov ebx, esp
    ret
ret_addr8:
    mov eax, [esp]
    mov ebx, esp
    ret 8
ret_addr0:
    mov eax, [esp]
    mov ebx, esp
    ret 0

global main
main:
    call flag_patterns
    call compare_pairs
    ; jmp
    TITLE "jmp short/near/back"
    xor eax, eax
    jmp short .j1
    or eax, 0x100
.j1:
    or eax, 1
    jmp near .j2
    or eax, 0x200
.j3:
    or eax, 4
    jmp short .j4
.j2:
    or eax, 2
    jmp near .j3
.j4:
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    pushfd
    call report
    TITLE "jmp reg/mem/table"
    xor eax, eax
    mov ecx, .k1
    jmp ecx
    or eax, 0x100
.k1:
    or eax, 1
    jmp [ptr_k2]
    or eax, 0x200
.k2:
    or eax, 2
    mov ebx, 2
    jmp [jtable + ebx * 4]
    or eax, 0x400
.k3:
    or eax, 4
    mov edx, ptr_k4 - 8
    jmp [edx + 8]
    or eax, 0x800
.k4:
    or eax, 8
    mov ecx, 0
    mov edx, 0
    pushfd
    call report
    ; call / ret: EAX = return address - the label after the call, EBX = ESP in the callee -
    ; ESP before the call, ECX = ESP after - ESP before
%macro CALLCASE 2+
    TITLE %1
    mov [esp_before], esp
    %2
%%after:
    mov ecx, esp
    sub ecx, [esp_before]
    sub ebx, [esp_before]
    sub eax, %%after
    mov edx, 0
    pushfd
    call report
%endmacro
    CALLCASE "call rel32", call ret_addr
    mov esi, ret_addr
    CALLCASE "call reg", call esi
    CALLCASE "call mem", call [ptr_ret]
    mov edi, 1
    CALLCASE "call table", call [ctable + edi * 4]
    CALLCASE "call ret 0", call ret_addr0
    TITLE "call ret 8"
    mov [esp_before], esp
    push dword 1
    push dword 2
    call ret_addr8
.r8:
    mov ecx, esp
    sub ecx, [esp_before]
    sub ebx, [esp_before]
    sub eax, .r8
    xor edx, edx
    pushfd
    call report
    ; loop family on ECX (single step to a forward target)
    BCASE "loop ecx=1", 1, 0, loop
    BCASE "loop ecx=2", 2, 0, loop
    BCASE "loop ecx=0", 0, F_ALL, loop
    BCASE "loope ecx=2 zf", 2, F_ZF, loope
    BCASE "loope ecx=2 nz", 2, 0, loope
    BCASE "loope ecx=1 zf", 1, F_ZF, loope
    BCASE "loopne ecx=2 nz", 2, F_CF, loopne
    BCASE "loopne ecx=2 zf", 2, F_ZF, loopne
    BCASE "loopne ecx=0 nz", 0, 0, loopne
    BCASE "jecxz 0", 0, 0, jecxz
    BCASE "jecxz 1", 1, F_ALL, jecxz
    BCASE "jecxz 10000", 0x10000, 0, jecxz
    ; a16: CX only, the upper half of ECX kept
    BCASE "a16 loop cx=1", 0x12340001, 0, a16 loop
    BCASE "a16 loop cx=0", 0x12340000, 0, a16 loop
    BCASE "a16 loope cx=2 zf", 0xFFFF0002, F_ZF, a16 loope
    BCASE "a16 loopne cx=2 zf", 0xFFFF0002, F_ZF, a16 loopne
    BCASE "jcxz 10000", 0x00010000, 0, jcxz
    BCASE "jcxz 1", 0x00000001, 0, jcxz
    TITLE "loop 5 times"
    mov ecx, 5
    xor eax, eax
.l5:
    add eax, ecx
    loop .l5
    xor ebx, ebx
    xor edx, edx
    pushfd
    call report
    ; flag instructions
    FCASE "clc", F_ALL, clc
    FCASE "stc", 0, stc
    FCASE "cmc 0", F_ZF, cmc
    FCASE "cmc 1", F_CF | F_SF, cmc
    FCASE "std", F_ALL, std
    FCASE "cld", F_ALL | F_DF, cld
    FCASE "stc cmc cmc", 0, {db 0xF9, 0xF5, 0xF5}
    ret

section .data
align 4
NVALUES equ 6
values: dd 0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x00000080
; pattern_flags[p]: bit 0 of p -> CF, 1 -> PF, 2 -> ZF, 3 -> SF, 4 -> OF
pattern_flags:
%assign p 0
%rep 32
    dd (p & 1) * F_CF | ((p >> 1) & 1) * F_PF | ((p >> 2) & 1) * F_ZF | ((p >> 3) & 1) * F_SF | ((p >> 4) & 1) * F_OF
%assign p p + 1
%endrep
ptr_k2: dd main.k2
jtable: dd 0, 0, main.k3
ptr_k4: dd main.k4
ptr_ret: dd ret_addr
ctable: dd 0, ret_addr

section .bss
cur_flags: resd 1
cur_a: resd 1
cur_b: resd 1
esp_before: resd 1
