; string.asm: movs, stos, lods, cmps and scas, single and repeated (rep, repe, repne), bytes,
; words and dwords, both directions, 32- and 16-bit addressing, overlapping moves, a segment
; override on the source and a zero count. Each line is ESI, EDI, ECX, EAX, the flags (all six
; defined for cmps/scas; unchanged by the others) and a checksum of the 64-byte buffer.

%include "isa.inc"

section .text

; reset_buf: fills buf (64 bytes) with 0, 1, 2, ...; src (64 bytes) with 0x40 + i.
reset_buf:
    pushad
    xor ecx, ecx
.f:
    mov [buf + ecx], cl
    lea eax, [ecx + 0x40]
    mov [src + ecx], al
    inc ecx
    cmp ecx, 64
    jb .f
    popad
    ret

; report: after `pushfd`, prints ESI, EDI, ECX, EAX (relative to the buffers for the pointers),
; the flags and a position-weighted sum of buf.
report:
    pushad
    mov eax, esi
    call hex32
    mov eax, edi
    call hex32
    mov eax, ecx
    call hex32
    mov eax, [esp + 28]
    call hex32
    mov eax, [esp + 36]
    and eax, F_ALL | F_DF
    call hex32
    xor eax, eax
    xor ecx, ecx
.s:
    movzx edx, byte [buf + ecx]
    imul edx, ecx
    add edx, ecx
    add eax, edx
    rol eax, 3
    inc ecx
    cmp ecx, 64
    jb .s
    call hex32
    call newline
    popad
    ret 4

; CASE "title", {setup}..., {instruction}: resets the buffers, then runs each braced line.
%macro CASE 2-*
    TITLE %1
    call reset_buf
    xor eax, eax
    xor ecx, ecx
    xor esi, esi
    xor edi, edi
    push dword F_ZF | F_CF
    popfd
%rep %0 - 1
%rotate 1
    %1
%endrep
    pushfd
    cld
    call report
%endmacro

global main
main:
    CASE "movsb", {mov esi, src}, {mov edi, buf}, {movsb}
    CASE "rep movsb", {mov esi, src + 3}, {mov edi, buf + 1}, {mov ecx, 13}, {rep movsb}
    CASE "rep movsw", {mov esi, src}, {mov edi, buf + 2}, {mov ecx, 7}, {rep movsw}
    CASE "rep movsd", {mov esi, src}, {mov edi, buf}, {mov ecx, 9}, {rep movsd}
    CASE "rep movsd count 0", {mov esi, src}, {mov edi, buf}, {xor ecx, ecx}, {rep movsd}
    CASE "std rep movsb", {std}, {mov esi, src + 40}, {mov edi, buf + 50}, {mov ecx, 20}, {rep movsb}
    CASE "std rep movsd", {std}, {mov esi, src + 40}, {mov edi, buf + 40}, {mov ecx, 5}, {rep movsd}
    CASE "overlap fwd", {mov esi, buf}, {mov edi, buf + 1}, {mov ecx, 30}, {rep movsb}
    CASE "overlap back", {std}, {mov esi, buf + 40}, {mov edi, buf + 42}, {mov ecx, 30}, {rep movsb}
    CASE "overlap fwd d", {mov esi, buf}, {mov edi, buf + 3}, {mov ecx, 10}, {rep movsd}
    CASE "fs movsd", {mov esi, src + 4}, {mov edi, buf}, {fs movsd}
    CASE "stosb", {mov edi, buf + 5}, {mov eax, 0x11223344}, {stosb}
    CASE "rep stosw", {mov edi, buf + 5}, {mov eax, 0x11223344}, {mov ecx, 6}, {rep stosw}
    CASE "rep stosd", {mov edi, buf}, {mov eax, 0x11223344}, {mov ecx, 16}, {rep stosd}
    CASE "std rep stosd", {std}, {mov edi, buf + 60}, {mov eax, 0xA5A5A5A5}, {mov ecx, 4}, {rep stosd}
    CASE "repne stosb", {mov edi, buf}, {mov eax, 0x77}, {mov ecx, 3}, {repne stosb}
    CASE "lodsb", {mov esi, src + 7}, {mov eax, 0xFFFFFFFF}, {lodsb}
    CASE "lodsw", {mov esi, src + 7}, {mov eax, 0xFFFFFFFF}, {lodsw}
    CASE "rep lodsd", {mov esi, src}, {mov ecx, 3}, {rep lodsd}
    CASE "std lodsd", {std}, {mov esi, src + 8}, {lodsd}
    CASE "cmpsb eq", {mov esi, src}, {mov edi, src}, {cmpsb}
    CASE "cmpsd ne", {mov esi, src}, {mov edi, buf}, {cmpsd}
    CASE "cmpsw lt", {mov esi, buf}, {mov edi, src}, {cmpsw}
    CASE "repe cmpsb all eq", {mov esi, src}, {mov edi, src}, {mov ecx, 20}, {repe cmpsb}
    CASE "repe cmpsb stop", {mov byte [src + 10], 0}, {mov esi, src}, {mov edi, src + 64}, {mov ecx, 20}, {repe cmpsb}
    CASE "repe cmpsb first", {mov esi, src}, {mov edi, buf}, {mov ecx, 20}, {repe cmpsb}
    CASE "repne cmpsd stop", {mov dword [buf + 8], 0x4B4A4948}, {mov esi, src}, {mov edi, buf}, {mov ecx, 10}, {repne cmpsd}
    CASE "repne cmpsb none", {mov esi, src}, {mov edi, buf}, {mov ecx, 10}, {repne cmpsb}
    CASE "repe cmpsb count 0", {mov esi, src}, {mov edi, buf}, {xor ecx, ecx}, {repe cmpsb}
    CASE "scasb eq", {mov edi, buf + 9}, {mov eax, 9}, {scasb}
    CASE "scasd ne", {mov edi, buf}, {mov eax, 0x80000000}, {scasd}
    CASE "repne scasb find", {mov edi, buf}, {mov eax, 0x21}, {mov ecx, 64}, {repne scasb}
    CASE "repne scasb miss", {mov edi, buf}, {mov eax, 0xF0}, {mov ecx, 40}, {repne scasb}
    CASE "repe scasw", {mov dword [buf], 0}, {mov dword [buf + 4], 0}, {mov edi, buf}, {xor eax, eax}, {mov ecx, 8}, {repe scasw}
    CASE "std repne scasb", {std}, {mov edi, buf + 63}, {mov eax, 0x10}, {mov ecx, 64}, {repne scasb}
    ; 16-bit addressing: SI/DI/CX only (the upper halves stay as they were).
    CASE "a16 rep movsb", {mov ecx, 0x55550005}, {call a16_movs}
    CASE "a16 stosw", {mov edi, 0x77770000}, {mov ecx, 0x88880003}, {mov eax, 0x1234}, {call a16_stos}
    ret

; a16_movs: `a16 rep movsb` on scratch memory at 0x8000 (16-bit offsets cannot reach the
; buffers above 1 MiB), with junk in the upper halves of ESI, EDI and ECX that must survive;
; the destination scratch is then copied to buf for the checksum.
a16_movs:
    ; stage: low scratch area <- src
    push ecx
    mov ecx, 64
.c:
    mov al, [src + ecx - 1]
    mov [0x8000 + ecx - 1], al
    mov byte [0x8100 + ecx - 1], 0
    dec ecx
    jnz .c
    pop ecx
    mov esi, 0xABCD8003
    mov edi, 0x12348101
    a16 rep movsb
    push ecx
    mov ecx, 64
.b:
    mov al, [0x8100 + ecx - 1]
    mov [buf + ecx - 1], al
    dec ecx
    jnz .b
    pop ecx
    ret

; a16_stos: `a16 rep stosw` on scratch memory at 0x8100, copied to buf afterwards.
a16_stos:
    push ecx
    mov ecx, 64
.z:
    mov byte [0x8100 + ecx - 1], 0xEE
    dec ecx
    jnz .z
    pop ecx
    mov di, 0x8104
    a16 rep stosw
    push ecx
    mov ecx, 64
.b:
    mov al, [0x8100 + ecx - 1]
    mov [buf + ecx - 1], al
    dec ecx
    jnz .b
    pop ecx
    ret

section .data
align 16
buf: times 64 db 0
src: times 64 db 0
     times 64 db 0
