; alu.asm: add, or, adc, sbb, and, sub, xor, cmp, test, inc, dec, neg and not. First every pair
; of edge values through register forms at 8, 16 and 32 bits (line: a, b, EAX after, flags), with
; the carry in at 0 and 1 for the ops that read or keep it; then one case per encoding form (Eb,Gb,
; Gv,Ev, AL,Ib, eAX,Iz, group 1 80/81/82/83, 66 prefix, AH..BH, memory, lock). Flags are masked to
; those the SDM defines: AF is undefined after the logical ops; inc/dec keep CF; not keeps all.

%include "isa.inc"

M_ARITH equ F_ALL
M_LOGIC equ F_ALL & ~F_AF
FILL equ 0xC3C3C3C3                ; what the bits above the operand width hold

section .text

; One function per op and width: EAX op= EBX (unary ops use only EAX).
%macro BINFNS 1
op_%1_8:
    %1 al, bl
    ret
op_%1_16:
    %1 ax, bx
    ret
op_%1_32:
    %1 eax, ebx
    ret
%endmacro
%macro UNFNS 1
op_%1_8:
    %1 al
    ret
op_%1_16:
    %1 ax
    ret
op_%1_32:
    %1 eax
    ret
%endmacro
BINFNS add
BINFNS or
BINFNS adc
BINFNS sbb
BINFNS and
BINFNS sub
BINFNS xor
BINFNS cmp
BINFNS test
UNFNS inc
UNFNS dec
UNFNS neg
UNFNS not

; run_record: ESI -> {fn, width index, mask, carries, unary, name}. For a (and b), and each carry
; in, runs fn with EAX = FILL above the width | a, EBX likewise | b, and prints a line.
run_record:
    pushad
    push esi
    mov esi, [esi + 20]
    call puts
    pop esi
    call newline
    mov ebx, [esi + 4]
    mov eax, [tables + ebx * 4]
    mov [cur_table], eax
    mov eax, [lowmasks + ebx * 4]
    mov [cur_low], eax
    xor ebp, ebp                   ; a index
.a:
    xor edi, edi                   ; b index
.b:
    mov dword [cur_carry], 0
.carry:
    mov eax, F_ALL                 ; one pass: every flag set going in
    cmp dword [esi + 12], 1
    je .flags_ready
    mov eax, F_ALL & ~F_CF         ; carry in 0, the others set
    cmp dword [cur_carry], 0
    je .flags_ready
    mov eax, F_CF                  ; carry in 1, the others clear
.flags_ready:
    mov [cur_flags], eax
    mov ecx, [cur_table]
    mov edx, [cur_low]
    not edx
    and edx, FILL
    mov eax, [ecx + ebp * 4]
    or eax, edx
    mov ebx, [ecx + edi * 4]
    or ebx, edx
    call hex32                     ; a
    cmp dword [esi + 16], 0
    jne .no_b
    xchg eax, ebx
    call hex32                     ; b
    xchg eax, ebx
.no_b:
    push dword [cur_flags]
    popfd
    call [esi]
    pushfd
    call hex32                     ; EAX after
    push dword [esi + 8]
    call dump_flags
    call newline
    inc dword [cur_carry]
    mov eax, [cur_carry]
    cmp eax, [esi + 12]
    jb .carry
    cmp dword [esi + 16], 0
    jne .next_a
    inc edi
    cmp edi, NVALUES
    jb .b
.next_a:
    inc ebp
    cmp ebp, NVALUES
    jb .a
    popad
    ret

; report: after `pushfd` and `push dword MASK`, prints EAX, EBX, ECX, EDX, the memory dword and
; the masked flags, then pops both.
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
    mov eax, [esp + 40]
    and eax, [esp + 36]
    call hex32
    call newline
    popad
    ret 8

; CASE "title", eax, ebx, ecx, edx, mem, flags in, mask, instruction
%macro CASE 9
    TITLE %1
    mov dword [mem], %6
    mov eax, %2
    mov ebx, %3
    mov ecx, %4
    mov edx, %5
    push dword %7
    popfd
    %9
    pushfd
    push dword %8
    call report
%endmacro

global main
main:
    mov esi, records
.next:
    cmp dword [esi], 0
    je .forms
    call run_record
    add esi, 24
    jmp .next
.forms:
    ; Eb,Gb and Gb,Eb (02 /r written out: nasm picks 00 /r for two registers), Ev,Gv and Gv,Ev
    CASE "add Eb,Gb bl,cl", 0, 0x11111180, 0x22222280, 0, 0, 0, M_ARITH, {add bl, cl}
    CASE "add Gb,Eb bl,cl", 0, 0x1111117F, 0x22222201, 0, 0, F_ALL, M_ARITH, {db 0x02, 0xD9}
    CASE "sub Ev,Gv ecx,edx", 0, 0, 0x80000000, 1, 0, 0, M_ARITH, {sub ecx, edx}
    CASE "sub Gv,Ev ecx,edx", 0, 0, 0x7FFFFFFF, 0xFFFFFFFF, 0, 0, M_ARITH, {db 0x2B, 0xCA}
    CASE "adc Ev,Gv ecx,edx", 0, 0, 0xFFFFFFFF, 0, 0, F_CF, M_ARITH, {adc ecx, edx}
    CASE "sbb Gv,Ev ecx,edx", 0, 0, 0, 0xFFFFFFFF, 0, F_CF, M_ARITH, {db 0x1B, 0xCA}
    CASE "or Gv,Ev ecx,edx", 0, 0, 0x0F0F0000, 0x80000000, 0, F_ALL, M_LOGIC, {db 0x0B, 0xCA}
    CASE "xor Gb,Eb ch,dl", 0, 0, 0x00008000, 0x00000080, 0, F_ALL, M_LOGIC, {db 0x32, 0xEA}
    CASE "and Gv,Ev 16 cx,dx", 0, 0, 0xAAAAFFFF, 0x55558001, 0, F_ALL, M_LOGIC, {db 0x66, 0x23, 0xCA}
    CASE "cmp Gv,Ev ecx,edx", 0, 0, 1, 2, 0, 0, M_ARITH, {db 0x3B, 0xCA}
    ; AL,Ib and eAX,Iz short forms
    CASE "add al,ib", 0x123456FF, 0, 0, 0, 0, 0, M_ARITH, {add al, 1}
    CASE "or al,ib", 0x12345600, 0, 0, 0, 0, F_ALL, M_LOGIC, {or al, 0x80}
    CASE "adc al,ib cf", 0x1234567F, 0, 0, 0, 0, F_CF, M_ARITH, {adc al, 0}
    CASE "sbb al,ib cf", 0x12345680, 0, 0, 0, 0, F_CF, M_ARITH, {sbb al, 0}
    CASE "and al,ib", 0x123456F0, 0, 0, 0, 0, F_ALL, M_LOGIC, {and al, 0x0F}
    CASE "sub al,ib", 0x12345600, 0, 0, 0, 0, 0, M_ARITH, {sub al, 1}
    CASE "xor al,ib", 0x1234567F, 0, 0, 0, 0, 0, M_LOGIC, {xor al, 0xFF}
    CASE "cmp al,ib", 0x12345680, 0, 0, 0, 0, 0, M_ARITH, {cmp al, 0x7F}
    CASE "test al,ib", 0x12345681, 0, 0, 0, 0, F_ALL, M_LOGIC, {test al, 0x80}
    CASE "add eax,id", 0x7FFFFFFF, 0, 0, 0, 0, 0, M_ARITH, {add eax, strict dword 1}
    CASE "or eax,id", 0, 0, 0, 0, 0, F_ALL, M_LOGIC, {or eax, strict dword 0}
    CASE "adc eax,id cf", 0xFFFFFFFF, 0, 0, 0, 0, F_CF, M_ARITH, {adc eax, strict dword 0xFFFFFFFF}
    CASE "sbb eax,id cf", 0x80000000, 0, 0, 0, 0, F_CF, M_ARITH, {sbb eax, strict dword 0}
    CASE "and eax,id", 0xFFFFFFFF, 0, 0, 0, 0, F_ALL, M_LOGIC, {and eax, strict dword 0x80000000}
    CASE "sub eax,id", 0, 0, 0, 0, 0, 0, M_ARITH, {sub eax, strict dword 0x80000000}
    CASE "xor eax,id", 0x55555555, 0, 0, 0, 0, 0, M_LOGIC, {xor eax, strict dword 0xAAAAAAAA}
    CASE "cmp eax,id", 0x80000000, 0, 0, 0, 0, 0, M_ARITH, {cmp eax, strict dword 1}
    CASE "test eax,id", 0x7FFFFFFF, 0, 0, 0, 0, F_ALL, M_LOGIC, {test eax, strict dword 0x80000000}
    CASE "add ax,iw", 0x12347FFF, 0, 0, 0, 0, 0, M_ARITH, {add ax, strict word 1}
    CASE "sub ax,iw", 0x12340000, 0, 0, 0, 0, 0, M_ARITH, {sub ax, strict word 0x8000}
    CASE "test ax,iw", 0x1234FFFF, 0, 0, 0, 0, F_ALL, M_LOGIC, {test ax, 0x8000}
    ; group 1: 80 ib, 81 iz, 82 ib (alias of 80), 83 ib sign-extended
    CASE "add 80 bl,ib", 0, 0x1234567F, 0, 0, 0, 0, M_ARITH, {add bl, 0x01}
    CASE "add 82 bl,ib", 0, 0x1234567F, 0, 0, 0, 0, M_ARITH, {db 0x82, 0xC3, 0x01}
    CASE "sub 80 bh,ib", 0, 0x12340056, 0, 0, 0, 0, M_ARITH, {sub bh, 0x80}
    CASE "adc 81 ebx,id", 0, 0x12345678, 0, 0, 0, F_CF, M_ARITH, {adc ebx, 0x0EDCBA987}
    CASE "and 81 bx,iw", 0, 0x12345678, 0, 0, 0, F_ALL, M_LOGIC, {and bx, 0x8F0F}
    CASE "add 83 ebx,-1", 0, 1, 0, 0, 0, 0, M_ARITH, {add ebx, byte -1}
    CASE "or 83 ebx,-128", 0, 0, 0, 0, 0, F_ALL, M_LOGIC, {or ebx, byte -128}
    CASE "adc 83 ebx,0x7f", 0, 0x7FFFFF80, 0, 0, 0, F_CF, M_ARITH, {adc ebx, byte 0x7F}
    CASE "sbb 83 ebx,-1", 0, 0, 0, 0, 0, F_CF, M_ARITH, {sbb ebx, byte -1}
    CASE "and 83 ebx,-16", 0, 0xFFFFFFFF, 0, 0, 0, F_ALL, M_LOGIC, {and ebx, byte -16}
    CASE "sub 83 ebx,-128", 0, 0x7FFFFFFF, 0, 0, 0, 0, M_ARITH, {sub ebx, byte -128}
    CASE "xor 83 ebx,-1", 0, 0x0000FFFF, 0, 0, 0, 0, M_LOGIC, {xor ebx, byte -1}
    CASE "cmp 83 ebx,-1", 0, 0xFFFFFFFF, 0, 0, 0, 0, M_ARITH, {cmp ebx, byte -1}
    CASE "add 66 83 bx,-2", 0, 0xABCD0001, 0, 0, 0, 0, M_ARITH, {add bx, byte -2}
    CASE "cmp 66 83 bx,0x7f", 0, 0xABCD8000, 0, 0, 0, 0, M_ARITH, {cmp bx, byte 0x7F}
    ; 16-bit register forms keep the upper half
    CASE "adc cx,dx", 0, 0, 0xAAAAFFFF, 0x55550000, 0, F_CF, M_ARITH, {adc cx, dx}
    CASE "sbb cx,dx", 0, 0, 0xAAAA8000, 0x55550000, 0, F_CF, M_ARITH, {sbb cx, dx}
    CASE "neg cx 8000", 0, 0, 0xAAAA8000, 0, 0, 0, M_ARITH, {neg cx}
    CASE "not dx", 0, 0, 0, 0x12340FF0, 0, F_ALL, M_ARITH, {not dx}
    CASE "inc cx ffff", 0, 0, 0x1234FFFF, 0, 0, 0, M_ARITH, {inc cx}
    CASE "dec dx 8000", 0, 0, 0, 0x12348000, 0, F_CF, M_ARITH, {dec dx}
    ; AH..BH
    CASE "add ah,bh", 0x12347F00, 0x56780100, 0, 0, 0, 0, M_ARITH, {add ah, bh}
    CASE "adc ch,dh cf", 0, 0, 0x1234FF00, 0x5678FF00, 0, F_CF, M_ARITH, {adc ch, dh}
    CASE "sbb dh,ah cf", 0x00000100, 0, 0, 0x00000100, 0, F_CF, M_ARITH, {sbb dh, ah}
    CASE "sub ch,al", 0x000000FF, 0, 0x00008000, 0, 0, 0, M_ARITH, {sub ch, al}
    CASE "xor bh,bl", 0, 0x0000A55A, 0, 0, 0, 0, M_LOGIC, {xor bh, bl}
    CASE "cmp bh,ch", 0, 0x00008000, 0x00000100, 0, 0, 0, M_ARITH, {cmp bh, ch}
    CASE "test dh,ah", 0x00008000, 0, 0, 0x0000C000, 0, 0, M_LOGIC, {test dh, ah}
    CASE "and ah,ib", 0x0000FF00, 0, 0, 0, 0, F_ALL, M_LOGIC, {and ah, 0x80}
    CASE "inc ah 7f", 0x00007F00, 0, 0, 0, 0, F_CF, M_ARITH, {inc ah}
    CASE "dec bh 0", 0, 0, 0, 0, 0, 0, M_ARITH, {dec bh}
    CASE "neg ch 80", 0, 0, 0x00008000, 0, 0, 0, M_ARITH, {neg ch}
    CASE "not dh", 0, 0, 0, 0x0000A500, 0, 0, M_ARITH, {not dh}
    ; memory destinations and sources
    CASE "add m32,r", 0, 0x80000000, 0, 0, 0x80000000, 0, M_ARITH, {add [mem], ebx}
    CASE "or m8,r", 0, 0x00000001, 0, 0, 0x12345680, F_ALL, M_LOGIC, {or [mem], bl}
    CASE "adc m16,r cf", 0, 0x0000FFFF, 0, 0, 0x12340000, F_CF, M_ARITH, {adc [mem], bx}
    CASE "sbb m32,r cf", 0, 0, 0x7FFFFFFF, 0, 0xFFFFFFFF, F_CF, M_ARITH, {sbb [mem], ecx}
    CASE "and m32,r", 0, 0, 0, 0xFFFF0000, 0x8001FFFF, F_ALL, M_LOGIC, {and [mem], edx}
    CASE "sub m8+1,ah", 0x00000100, 0, 0, 0, 0x00000000, 0, M_ARITH, {sub [mem + 1], ah}
    CASE "xor m16,r", 0, 0x00008000, 0, 0, 0x5555FFFF, 0, M_LOGIC, {xor [mem], bx}
    CASE "cmp m32,r", 0, 1, 0, 0, 0x80000000, 0, M_ARITH, {cmp [mem], ebx}
    CASE "test m32,r", 0, 0x00FF00FF, 0, 0, 0xFF00FF00, F_ALL, M_LOGIC, {test [mem], ebx}
    CASE "add r32,m", 0, 0xFFFFFFFF, 0, 0, 1, 0, M_ARITH, {add ebx, [mem]}
    CASE "sub r16,m", 0, 0, 0x12340000, 0, 0x00000001, 0, M_ARITH, {sub cx, [mem]}
    CASE "cmp r8,m", 0, 0x0000007F, 0, 0, 0x00000080, 0, M_ARITH, {cmp bl, [mem]}
    CASE "add m8,ib", 0, 0, 0, 0, 0x000000FF, 0, M_ARITH, {add byte [mem], 1}
    CASE "sub m32,id", 0, 0, 0, 0, 0x00000000, 0, M_ARITH, {sub dword [mem], 0x80000000}
    CASE "xor m16,83 -1", 0, 0, 0, 0, 0x12340F0F, 0, M_LOGIC, {xor word [mem], byte -1}
    CASE "adc m32,83 0x7f cf", 0, 0, 0, 0, 0x7FFFFF80, F_CF, M_ARITH, {adc dword [mem], byte 0x7F}
    CASE "cmp m16,iw", 0, 0, 0, 0, 0x00008000, 0, M_ARITH, {cmp word [mem], 0x7FFF}
    CASE "test m8,ib", 0, 0, 0, 0, 0x00000080, F_ALL, M_LOGIC, {test byte [mem], 0x80}
    CASE "test m32,id", 0, 0, 0, 0, 0x7FFFFFFF, F_ALL, M_LOGIC, {test dword [mem], 0x80000000}
    CASE "inc m32", 0, 0, 0, 0, 0x7FFFFFFF, 0, M_ARITH, {inc dword [mem]}
    CASE "inc m8", 0, 0, 0, 0, 0x123456FF, F_CF, M_ARITH, {inc byte [mem]}
    CASE "dec m16", 0, 0, 0, 0, 0x12340000, 0, M_ARITH, {dec word [mem]}
    CASE "neg m32 0", 0, 0, 0, 0, 0, F_ALL, M_ARITH, {neg dword [mem]}
    CASE "neg m32 80000000", 0, 0, 0, 0, 0x80000000, 0, M_ARITH, {neg dword [mem]}
    CASE "neg m8", 0, 0, 0, 0, 0x12345601, 0, M_ARITH, {neg byte [mem]}
    CASE "not m32", 0, 0, 0, 0, 0x0F0F0F0F, F_ALL, M_ARITH, {not dword [mem]}
    CASE "not m16", 0, 0, 0, 0, 0x12340F0F, 0, M_ARITH, {not word [mem]}
    ; lock on memory destinations
    CASE "lock add m32,r", 0, 0x7FFFFFFF, 0, 0, 1, 0, M_ARITH, {lock add [mem], ebx}
    CASE "lock adc m16,r cf", 0, 0x00007FFF, 0, 0, 0, F_CF, M_ARITH, {lock adc [mem], bx}
    CASE "lock sbb m8,ib cf", 0, 0, 0, 0, 0x00000000, F_CF, M_ARITH, {lock sbb byte [mem], 0}
    CASE "lock or m32,r", 0, 0x80000000, 0, 0, 1, 0, M_LOGIC, {lock or [mem], ebx}
    CASE "lock and m32,83", 0, 0, 0, 0, 0xFFFFFFFF, 0, M_LOGIC, {lock and dword [mem], byte -2}
    CASE "lock sub m32,r", 0, 1, 0, 0, 0, 0, M_ARITH, {lock sub [mem], ebx}
    CASE "lock xor m8,r", 0, 0x000000FF, 0, 0, 0x12345680, 0, M_LOGIC, {lock xor [mem], bl}
    CASE "lock inc m32", 0, 0, 0, 0, 0xFFFFFFFF, 0, M_ARITH, {lock inc dword [mem]}
    CASE "lock dec m16", 0, 0, 0, 0, 0x12348000, F_CF, M_ARITH, {lock dec word [mem]}
    CASE "lock neg m32", 0, 0, 0, 0, 1, 0, M_ARITH, {lock neg dword [mem]}
    CASE "lock not m8", 0, 0, 0, 0, 0x123456AA, 0, M_ARITH, {lock not byte [mem]}
    ; inc/dec through FE/FF, and same-register operands
    CASE "inc FF/0 ecx", 0, 0, 0x7FFFFFFF, 0, 0, F_CF, M_ARITH, {db 0xFF, 0xC1}
    CASE "dec FE/1 bl", 0, 0x12345680, 0, 0, 0, 0, M_ARITH, {dec bl}
    CASE "sub eax,eax", 0x12345678, 0, 0, 0, 0, F_CF, M_ARITH, {sub eax, eax}
    CASE "sbb eax,eax cf", 0x12345678, 0, 0, 0, 0, F_CF, M_ARITH, {sbb eax, eax}
    CASE "xor eax,eax", 0x12345678, 0, 0, 0, 0, F_ALL, M_LOGIC, {xor eax, eax}
    CASE "adc al,al cf", 0x00000080, 0, 0, 0, 0, F_CF, M_ARITH, {adc al, al}
    ret

section .data
align 4
NVALUES equ 7
vals8:  dd 0x00, 0x01, 0x0F, 0x7F, 0x80, 0xFF, 0xA5
vals16: dd 0x0000, 0x0001, 0x000F, 0x7FFF, 0x8000, 0xFFFF, 0x5AA5
vals32: dd 0, 1, 0x0F, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x12345678
tables: dd vals8, vals16, vals32
lowmasks: dd 0xFF, 0xFFFF, 0xFFFFFFFF
mem: dd 0

; REC op, mask, carries, unary: the op at 8, 16 and 32 bits
%macro REC1 6
    dd op_%1_%2, %3, %4, %5, %6, name_%1_%2
[section .rodata]
name_%1_%2: db %str(%1), " ", %str(%2), 0
__SECT__
%endmacro
%macro REC 4
    REC1 %1, 8, 0, %2, %3, %4
    REC1 %1, 16, 1, %2, %3, %4
    REC1 %1, 32, 2, %2, %3, %4
%endmacro
records:
    REC add, M_ARITH, 1, 0
    REC or, M_LOGIC, 1, 0
    REC adc, M_ARITH, 2, 0
    REC sbb, M_ARITH, 2, 0
    REC and, M_LOGIC, 1, 0
    REC sub, M_ARITH, 1, 0
    REC xor, M_LOGIC, 1, 0
    REC cmp, M_ARITH, 1, 0
    REC test, M_LOGIC, 1, 0
    REC inc, M_ARITH, 2, 1
    REC dec, M_ARITH, 2, 1
    REC neg, M_ARITH, 1, 1
    REC not, M_ARITH, 1, 1
    dd 0

section .bss
cur_table: resd 1
cur_low: resd 1
cur_carry: resd 1
cur_flags: resd 1
