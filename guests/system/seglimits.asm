; seglimits.asm - data segment limit checks (small limit, SS limit ->#SS,
; expand-down) and use of a null data selector.  QEMU's TCG does not check
; these, so seglimits.expected is derived from the SDM, not recorded by QEMU.
%include "lib.inc"

SMALL_SEL equ 0x40      ; data, base small_buf, limit 0xFF
SS_SEL    equ 0x48      ; data, base 0, limit 4 MiB - 1 (G=1), used as SS
EDOWN_SEL equ 0x50      ; expand-down data, base 0, limit 0xFFF, B=1
NP_SEL    equ 0x58      ; not-present data
XO_SEL    equ 0x60      ; execute-only code

section .text
main:
    mov ebx, SMALL_SEL
    mov eax, small_buf
    mov ecx, 0xFF
    mov dx, 0x0092
    call set_desc
    mov ebx, SS_SEL
    xor eax, eax
    mov ecx, 0x3FF
    mov dx, 0xC092
    call set_desc
    mov ebx, EDOWN_SEL
    xor eax, eax
    mov ecx, 0xFFF
    mov dx, 0x4096
    call set_desc
    mov ebx, NP_SEL
    xor eax, eax
    mov ecx, 0xFFFFF
    mov dx, 0xC012
    call set_desc
    mov ebx, XO_SEL
    xor eax, eax
    mov ecx, 0xFFFFF
    mov dx, 0xC098
    call set_desc

    ; --- small limit data segment
    mov ax, SMALL_SEL
    mov es, ax
    mov dword [small_buf+0xFC], 0x11223344
    mov eax, [es:0xFC]
    CHECK "small seg read at limit-3", eax, 0x11223344
    EXPECT .r1
.f1: mov eax, [es:0xFD]
    NOFAULT
.r1: CHECKF "small seg dword across limit", 13, 0, .f1, NOCR2
    mov ax, SMALL_SEL
    mov es, ax
    EXPECT .r2
.f2: mov byte [es:0x100], 1
    NOFAULT
.r2: CHECKF "small seg byte past limit", 13, 0, .f2, NOCR2

    ; --- SS-relative limit violation -> #SS(0)
    mov ax, SS_SEL
    mov ss, ax
    EXPECT .r3
.f3: mov eax, [ss:0x400000]
    NOFAULT
.r3: CHECKF "ss access past limit", 12, 0, .f3, NOCR2
    mov ax, SS_SEL
    mov ss, ax
    mov ebp, 0x3FFFFC
    mov eax, [ebp]                  ; ss-relative, inside the limit
    EXPECT .r3b
.f3b: mov eax, [ebp+4]
    NOFAULT
.r3b: CHECKF "ebp-based past limit", 12, 0, .f3b, NOCR2

    ; --- expand-down segment
    mov ax, EDOWN_SEL
    mov es, ax
    mov dword [scratch], 0xCAFEBABE
    mov eax, [es:scratch]
    CHECK "expand-down valid offset", eax, 0xCAFEBABE
    mov eax, [es:0x1000]            ; lowest valid offset
    EXPECT .r4
.f4: mov eax, [es:0x800]
    NOFAULT
.r4: CHECKF "expand-down offset below limit", 13, 0, .f4, NOCR2
    mov ax, EDOWN_SEL
    mov es, ax
    EXPECT .r5
.f5: mov eax, [es:0xFFE]             ; straddles limit: bytes 0xFFE..0x1001
    NOFAULT
.r5: CHECKF "expand-down offset at limit-1", 13, 0, .f5, NOCR2

    ; --- null selector
    xor eax, eax
    mov es, ax
    CHECK "null selector loaded into ES", 0, 0
    EXPECT .r6
.f6: mov eax, [es:scratch]
    NOFAULT
.r6: CHECKF "use of null ES", 13, 0, .f6, NOCR2

    ret

section .data
align 4
small_buf: times 256 db 0
scratch:   dd 0
