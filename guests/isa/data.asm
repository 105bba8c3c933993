; data.asm: mov (registers, memory, immediates, moffs, segment registers), movzx, movsx, lea
; (SIB, displacements, 16-bit addressing), xchg, cbw/cwde/cwd/cdq, lahf/sahf, xlat, bswap, salc;
; then setcc and cmovcc under every combination of CF, PF, ZF, SF and OF. A case line is EAX, EBX,
; ECX, EDX, ESI, EDI, the memory dword and the six arithmetic flags (only sahf writes them; the
; other lines show them kept). A condition line is the flags going in, then 16-bit masks (bit n =
; condition n, o..g) from setcc to memory, setcc to a register, cmovcc from a register and cmovcc
; from memory.

%include "isa.inc"

section .text

; report: after `pushfd`, prints EAX, EBX, ECX, EDX, ESI, EDI, [mem] and the flags; pops them.
report:
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
    mov eax, [mem]
    call hex32
    mov eax, [esp + 36]
    and eax, F_ALL
    call hex32
    call newline
    popad
    ret 4

; CASE "title", eax, ebx, ecx, edx, esi, mem, flags in, instruction. EDI and EBP are fixed.
%macro CASE 9
    TITLE %1
    mov dword [mem], %7
    mov eax, %2
    mov ebx, %3
    mov ecx, %4
    mov edx, %5
    mov esi, %6
    mov edi, 0xABCDFFF0
    mov ebp, 0x12340020
    push dword %8
    popfd
    %9
    pushfd
    call report
%endmacro

; CONDS m: invokes m cc, n for the 16 conditions in encoding order.
%macro CONDS 1
    %1 o, 0
    %1 no, 1
    %1 b, 2
    %1 ae, 3
    %1 e, 4
    %1 ne, 5
    %1 be, 6
    %1 a, 7
    %1 s, 8
    %1 ns, 9
    %1 p, 10
    %1 np, 11
    %1 l, 12
    %1 ge, 13
    %1 le, 14
    %1 g, 15
%endmacro
%macro SET_MEM 2
    push dword [cur_flags]
    popfd
    set%1 byte [buf + %2]
%endmacro
%macro SET_REG 2
    push dword [cur_flags]
    popfd
    set%1 dh
    mov [buf + 16 + %2], dh
%endmacro
%macro CMOV_REG 2
    xor eax, eax
    mov ebx, 1 << %2
    push dword [cur_flags]
    popfd
    cmov%1 eax, ebx
    or edx, eax
%endmacro
%macro CMOV_MEM 2
    mov dword [mem], 1 << %2
    xor eax, eax
    push dword [cur_flags]
    popfd
    cmov%1 eax, [mem]
    or ecx, eax
%endmacro

; bytes_mask: EAX = bit i set for each of the 16 bytes at ESI that is 1 (any other byte sets bit
; 16, so a byte setcc left unwritten shows).
bytes_mask:
    push ecx
    xor eax, eax
    mov ecx, 15
.next:
    shl eax, 1
    cmp byte [esi + ecx], 1
    jne .not_one
    or eax, 1
.not_one:
    cmp byte [esi + ecx], 1
    jbe .ok
    or eax, 1 << 16
.ok:
    dec ecx
    jns .next
    pop ecx
    ret

conditions:
    pushad
    TITLE "setcc/cmovcc"
    xor ebp, ebp
.pattern:
    mov eax, [pattern_flags + ebp * 4]
    mov [cur_flags], eax
    call hex32
    mov edi, 0xAAAAAAAA
    mov [buf], edi
    mov [buf + 4], edi
    mov [buf + 8], edi
    mov [buf + 12], edi
    mov edx, 0x55555555
    CONDS SET_MEM
    CONDS SET_REG
    mov esi, buf
    call bytes_mask
    call hex32
    mov esi, buf + 16
    call bytes_mask
    call hex32
    xor ecx, ecx
    xor edx, edx
    CONDS CMOV_REG
    CONDS CMOV_MEM
    mov eax, edx
    call hex32
    mov eax, ecx
    call hex32
    call newline
    inc ebp
    cmp ebp, 32
    jb .pattern
    popad
    ret

global main
main:
    CASE "mov r32,r32 89", 0, 0x80000000, 0, 0, 0, 0, F_ALL, {mov eax, ebx}
    CASE "mov r32,r32 8B", 0, 0, 0x7FFFFFFF, 0, 0, 0, 0, {db 0x8B, 0xC1}
    CASE "mov r16,r16", 0x12345678, 0, 0, 0xABCD8000, 0, 0, 0, {mov ax, dx}
    CASE "mov r8 ah,bl", 0x12345678, 0x000000FF, 0, 0, 0, 0, 0, {mov ah, bl}
    CASE "mov r8 cl,dh", 0, 0, 0x11111111, 0x00008000, 0, 0, 0, {mov cl, dh}
    CASE "mov r8,m", 0xFFFFFFFF, 0, 0, 0, 0, 0x00008000, 0, {mov bl, [mem + 1]}
    CASE "mov m8,bh", 0, 0x00007F00, 0, 0, 0, 0xFFFFFFFF, 0, {mov [mem + 2], bh}
    CASE "mov r16,m", 0, 0xFFFFFFFF, 0, 0, 0, 0x80007FFF, 0, {mov bx, [mem + 2]}
    CASE "mov m16,r", 0, 0, 0x0000FFFF, 0, 0, 0x12345678, 0, {mov [mem], cx}
    CASE "mov r32,m", 0, 0, 0, 0, 0, 0x89ABCDEF, 0, {mov edx, [mem]}
    CASE "mov m8,ib", 0, 0, 0, 0, 0, 0x12345678, 0, {mov byte [mem + 3], 0x80}
    CASE "mov m16,iw", 0, 0, 0, 0, 0, 0x12345678, 0, {mov word [mem], 0xFFFF}
    CASE "mov m32,id", 0, 0, 0, 0, 0, 0x12345678, 0, {mov dword [mem], 0x7FFFFFFF}
    CASE "mov r8,ib ch", 0, 0, 0xFFFFFFFF, 0, 0, 0, 0, {mov ch, 0x00}
    CASE "mov r16,iw", 0, 0, 0, 0x12345678, 0, 0, 0, {mov dx, 0x8000}
    CASE "mov r32,id", 0, 0, 0, 0, 0x12345678, 0, 0, {mov esi, 0xFFFFFFFF}
    CASE "mov r32,C7 id", 0, 0, 0, 0, 0x12345678, 0, 0, {db 0xC7, 0xC6, 0x80, 0, 0, 0}
    CASE "mov al,moffs A0", 0x12345678, 0, 0, 0, 0, 0x000000FF, 0, {mov al, [mem]}
    CASE "mov ax,moffs A1", 0x12345678, 0, 0, 0, 0, 0x00018000, 0, {mov ax, [mem]}
    CASE "mov eax,moffs A1", 0x12345678, 0, 0, 0, 0, 0x80000001, 0, {mov eax, [mem]}
    CASE "mov moffs,al A2", 0x000000AB, 0, 0, 0, 0, 0xFFFFFFFF, 0, {mov [mem + 3], al}
    CASE "mov moffs,ax A3", 0x00007FFF, 0, 0, 0, 0, 0xFFFFFFFF, 0, {mov [mem], ax}
    CASE "mov moffs,eax A3", 0x80000000, 0, 0, 0, 0, 0xFFFFFFFF, 0, {mov [mem], eax}
    ; segment registers: every value moved is the flat data selector read from DS
    CASE "mov ax,ds", 0xDEADBEEF, 0, 0, 0, 0, 0, 0, {mov ax, ds}
    CASE "mov eax,ds", 0xDEADBEEF, 0, 0, 0, 0, 0, 0, {mov eax, ds}
    CASE "mov m16,ds", 0, 0, 0, 0, 0, 0xFFFFFFFF, 0, {mov [mem], ds}
    lgdt [gdtr]                    ; the loader's GDT may be gone (multiboot): use our own
    mov ax, ds
    mov [sel], ax
    CASE "mov ds,ax", [sel], 0, 0, 0, 0, 0, F_ALL, {mov ds, ax}
    CASE "mov es,m16", 0, 0, 0, 0, 0, 0, 0, {mov es, [sel]}
    CASE "mov fs,bx", 0, [sel], 0, 0, 0, 0, 0, {mov fs, bx}
    CASE "mov gs,ecx 8E", 0, 0, [sel], 0, 0, 0, 0, {mov gs, ecx}
    CASE "mov ax,es", 0, 0, 0, 0, 0, 0, 0, {mov ax, es}
    CASE "mov bx,fs", 0, 0, 0, 0, 0, 0, 0, {mov bx, fs}
    CASE "mov ecx,gs", 0, 0, 0xFFFFFFFF, 0, 0, 0, 0, {mov ecx, gs}
    CASE "mov m16,es", 0, 0, 0, 0, 0, 0x87654321, 0, {mov [mem + 2], es}
    ; movzx / movsx
    CASE "movzx r32,r8 80", 0xFFFFFFFF, 0x00000080, 0, 0, 0, 0, 0, {movzx eax, bl}
    CASE "movzx r32,r8 ah", 0xFFFFFFFF, 0x0000FF00, 0, 0, 0, 0, 0, {movzx eax, bh}
    CASE "movzx r16,r8", 0xFFFFFFFF, 0x000000FF, 0, 0, 0, 0, 0, {movzx ax, bl}
    CASE "movzx r32,r16", 0xFFFFFFFF, 0x12348000, 0, 0, 0, 0, 0, {movzx eax, bx}
    CASE "movzx r32,m8", 0, 0, 0, 0, 0, 0x80000000, 0, {movzx ecx, byte [mem + 3]}
    CASE "movzx r32,m16", 0, 0, 0, 0, 0, 0xFFFF1234, 0, {movzx edx, word [mem + 2]}
    CASE "movsx r32,r8 80", 0, 0x00000080, 0, 0, 0, 0, 0, {movsx eax, bl}
    CASE "movsx r32,r8 7f", 0xFFFFFFFF, 0x0000007F, 0, 0, 0, 0, 0, {movsx eax, bl}
    CASE "movsx r32,r8 dh", 0, 0, 0, 0x0000FF00, 0, 0, 0, {movsx eax, dh}
    CASE "movsx r16,r8 80", 0x12345678, 0x00000080, 0, 0, 0, 0, 0, {movsx ax, bl}
    CASE "movsx r16,r8 7f", 0x12345678, 0x0000007F, 0, 0, 0, 0, 0, {movsx ax, bl}
    CASE "movsx r32,r16 8000", 0, 0x00008000, 0, 0, 0, 0, 0, {movsx eax, bx}
    CASE "movsx r32,r16 7fff", 0xFFFFFFFF, 0xFFFF7FFF, 0, 0, 0, 0, 0, {movsx eax, bx}
    CASE "movsx r32,m8", 0, 0, 0, 0, 0, 0x00FF0000, 0, {movsx ecx, byte [mem + 2]}
    CASE "movsx r16,m8", 0, 0, 0x12345678, 0, 0, 0x00000081, 0, {movsx cx, byte [mem]}
    CASE "movsx r32,m16", 0, 0, 0, 0, 0, 0x8001FFFF, 0, {movsx edx, word [mem + 2]}
    ; lea (EDI = 0xABCDFFF0, EBP = 0x12340020)
    CASE "lea [b+i*1]", 0, 0x10000000, 0x00000001, 0, 0, 0, F_ALL, {lea eax, [ebx + ecx]}
    CASE "lea [b+i*2+d8]", 0, 0x10000000, 0x00000003, 0, 0, 0, 0, {lea eax, [ebx + ecx * 2 + 0x7F]}
    CASE "lea [b+i*4-d8]", 0, 0x10000000, 0x00000003, 0, 0, 0, 0, {lea eax, [ebx + ecx * 4 - 0x80]}
    CASE "lea [b+i*8+d32]", 0, 0x10000000, 0x00000003, 0, 0, 0, 0, {lea eax, [ebx + ecx * 8 + 0x12345678]}
    CASE "lea [i*8+d32]", 0, 0, 0x20000001, 0, 0, 0, 0, {lea eax, [ecx * 8 + 0x80000000]}
    CASE "lea [i*4] no base", 0, 0, 0x40000001, 0, 0, 0, 0, {lea eax, [ecx * 4]}
    CASE "lea wrap", 0, 0xFFFFFFFF, 0x00000002, 0, 0, 0, 0, {lea edx, [ebx + ecx * 8 + 0x7FFFFFFF]}
    CASE "lea [ebp+0]", 0, 0, 0, 0, 0, 0, 0, {lea eax, [ebp]}
    CASE "lea [esi+edi*2+1]", 0, 0, 0, 0, 0x00001000, 0, 0, {lea ecx, [esi + edi * 2 + 1]}
    CASE "lea [d32]", 0, 0, 0, 0, 0, 0, 0, {lea ebx, [0xFEDCBA98]}
    CASE "lea r16,[b+i]", 0x12345678, 0x0001FFFF, 0x00000002, 0, 0, 0, 0, {lea ax, [ebx + ecx]}
    CASE "lea ax,[bx+si+5]", 0x12345678, 0x00010100, 0, 0, 0x00020020, 0, 0, {lea ax, [bx + si + 5]}
    CASE "lea ax,[bx+si+5] wrap", 0x12345678, 0x0000FFFF, 0, 0, 0x0000FFFC, 0, 0, {lea ax, [bx + si + 5]}
    CASE "lea eax,[bx+di-1]", 0xFFFFFFFF, 0x00000010, 0, 0, 0, 0, 0, {lea eax, [bx + di - 1]}
    CASE "lea eax,[bp+di+d16]", 0, 0, 0, 0, 0, 0, 0, {lea eax, [bp + di + 0x1234]}
    CASE "lea eax,[bp+si]", 0, 0, 0, 0, 0xFFFFFFF0, 0, 0, {lea eax, [bp + si]}
    CASE "lea eax,[si-d8]", 0, 0, 0, 0, 0x00000010, 0, 0, {lea eax, [si - 0x20]}
    CASE "lea eax,[d16]", 0xFFFFFFFF, 0, 0, 0, 0, 0, 0, {a16 lea eax, [0x8765]}
    ; xchg
    CASE "xchg eax,ecx 91", 0x11111111, 0, 0x80000000, 0, 0, 0, F_ALL, {xchg eax, ecx}
    CASE "xchg esi,eax 96", 0x11111111, 0, 0, 0, 0x7FFFFFFF, 0, 0, {xchg esi, eax}
    CASE "xchg ax,dx 66 92", 0x11118000, 0, 0, 0x2222FFFF, 0, 0, 0, {xchg ax, dx}
    CASE "xchg ebx,ecx 87", 0, 0x11111111, 0x22222222, 0, 0, 0, 0, {xchg ebx, ecx}
    CASE "xchg ah,bl 86", 0x00001200, 0x00000034, 0, 0, 0, 0, 0, {xchg ah, bl}
    CASE "xchg ch,cl", 0, 0, 0x0000AB80, 0, 0, 0, 0, {xchg ch, cl}
    CASE "xchg m32,r", 0, 0, 0x80000000, 0, 0, 0x7FFFFFFF, 0, {xchg [mem], ecx}
    CASE "xchg r16,m", 0, 0, 0, 0x1234FFFF, 0, 0x56780001, 0, {xchg dx, [mem]}
    CASE "xchg m8,r", 0, 0x000000FF, 0, 0, 0, 0x12345600, 0, {xchg [mem], bl}
    ; sign extensions of eAX
    CASE "cbw 80", 0x12345680, 0, 0, 0, 0, 0, F_ALL, {cbw}
    CASE "cbw 7f", 0x1234567F, 0, 0, 0, 0, 0, 0, {cbw}
    CASE "cwde 8000", 0x12348000, 0, 0, 0, 0, 0, 0, {cwde}
    CASE "cwde 7fff", 0x12347FFF, 0, 0, 0, 0, 0, 0, {cwde}
    CASE "cwd 8000", 0x00008000, 0, 0, 0x12345678, 0, 0, 0, {cwd}
    CASE "cwd 7fff", 0xFFFF7FFF, 0, 0, 0x1234FFFF, 0, 0, 0, {cwd}
    CASE "cdq 80000000", 0x80000000, 0, 0, 0, 0, 0, 0, {cdq}
    CASE "cdq 7fffffff", 0x7FFFFFFF, 0, 0, 0xFFFFFFFF, 0, 0, 0, {cdq}
    ; lahf / sahf (sahf writes SF ZF AF PF CF and keeps OF)
    CASE "lahf all", 0xFFFF00FF, 0, 0, 0, 0, 0, F_ALL, {lahf}
    CASE "lahf none", 0xFFFFFFFF, 0, 0, 0, 0, 0, 0, {lahf}
    CASE "lahf cf zf", 0, 0, 0, 0, 0, 0, F_CF | F_ZF, {lahf}
    CASE "sahf ff", 0x0000FF00, 0, 0, 0, 0, 0, 0, {sahf}
    CASE "sahf 00", 0, 0, 0, 0, 0, 0, F_ALL, {sahf}
    CASE "sahf 95", 0x00009500, 0, 0, 0, 0, 0, F_OF | F_ZF, {sahf}
    ; xlat, bswap, salc
    CASE "xlat 00", 0x12345600, xtable, 0, 0, 0, 0, 0, {xlatb}
    CASE "xlat 80", 0x12345680, xtable, 0, 0, 0, 0, 0, {xlatb}
    CASE "xlat ff", 0x123456FF, xtable, 0, 0, 0, 0, 0, {xlatb}
    CASE "bswap eax", 0x12345678, 0, 0, 0, 0, 0, F_ALL, {bswap eax}
    CASE "bswap ecx", 0, 0, 0x80000001, 0, 0, 0, 0, {bswap ecx}
    CASE "bswap edi", 0, 0, 0, 0, 0, 0, 0, {bswap edi}
    CASE "salc cf", 0x12345600, 0, 0, 0, 0, 0, F_CF, {db 0xD6}
    CASE "salc nc", 0x123456FF, 0, 0, 0, 0, 0, F_ALL & ~F_CF, {db 0xD6}
    ; 16-bit cmov keeps the upper half; a not-taken cmov from memory leaves the register
    CASE "cmove r16 taken", 0x12345678, 0xFFFF8000, 0, 0, 0, 0, F_ZF, {cmove ax, bx}
    CASE "cmovne r16 not", 0x12345678, 0xFFFF8000, 0, 0, 0, 0, F_ZF, {cmovne ax, bx}
    CASE "cmovl r32,m taken", 0, 0, 0, 0, 0, 0x80000000, F_SF, {cmovl ecx, [mem]}
    CASE "cmovg r16,m not", 0, 0, 0x11111111, 0, 0, 0x80000000, F_SF, {cmovg cx, [mem]}
    CASE "setne ah", 0xFFFFFFFF, 0, 0, 0, 0, 0, 0, {setne ah}
    call conditions
    ret

section .data
align 4
mem: dd 0
sel: dd 0xFFFF0000                 ; the low word gets DS; the high word must be ignored
; pattern_flags[p]: bit 0 of p -> CF, 1 -> PF, 2 -> ZF, 3 -> SF, 4 -> OF
pattern_flags:
%assign p 0
%rep 32
    dd (p & 1) * F_CF | ((p >> 1) & 1) * F_PF | ((p >> 2) & 1) * F_ZF | ((p >> 3) & 1) * F_SF | ((p >> 4) & 1) * F_OF
%assign p p + 1
%endrep
; a flat 4 GiB code segment at 0x08 and data segment at 0x10, the selectors the loader uses
gdt: dq 0, 0x00CF9A000000FFFF, 0x00CF92000000FFFF
gdtr: dw 23
    dd gdt
xtable:
%assign i 0
%rep 256
    db ((i * 7) ^ 0x5A) & 0xFF
%assign i i + 1
%endrep

section .bss
cur_flags: resd 1
buf: resb 32
