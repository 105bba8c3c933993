; segments.asm - segmentation: limits, expand-down, selector checks,
; lar/lsl/verr/verw, real mode and unreal mode.
%include "lib.inc"

SMALL_SEL equ 0x40      ; data, base small_buf, limit 0xFF
SS_SEL    equ 0x48      ; data, base 0, limit 4 MiB - 1 (G=1), used as SS
EDOWN_SEL equ 0x50      ; expand-down data, base 0, limit 0xFFF, B=1
NP_SEL    equ 0x58      ; not-present data
XO_SEL    equ 0x60      ; execute-only code
RM_BASE   equ 0x8000
%define RM(x) ((x) - rm_start + RM_BASE)

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

    ; --- selector beyond GDT limit
    EXPECT .r7
    mov ax, GDT_ENTRIES*8
.f7: mov ds, ax
    NOFAULT
.r7: CHECKF "selector beyond GDT limit", 13, GDT_ENTRIES*8, .f7, NOCR2

    ; --- not present
    EXPECT .r8
    mov ax, NP_SEL
.f8: mov ds, ax
    NOFAULT
.r8: CHECKF "not-present data segment", 11, NP_SEL, .f8, NOCR2

    ; --- execute-only code into DS
    EXPECT .r9
    mov ax, XO_SEL
.f9: mov ds, ax
    NOFAULT
.r9: CHECKF "execute-only code into DS", 13, XO_SEL, .f9, NOCR2
    ; code segment into SS
    EXPECT .r9b
    mov ax, KCODE
.f9b: mov ss, ax
    NOFAULT
.r9b: CHECKF "code segment into SS", 13, KCODE, .f9b, NOCR2

    ; --- lar / lsl / verr / verw
    mov eax, KCODE
    lar ebx, eax
    ; The accessed bit is masked: the SDM (vol. 3 §3.4.5.1) sets it when CS is loaded, but
    ; QEMU's TCG does not, so it is not a behaviour both machines agree on.
    and ebx, 0x00F0FE00
    CHECK "lar KCODE", ebx, 0x00C09A00
    mov eax, TSS_SEL
    lar ebx, eax
    and ebx, 0x00F0FF00
    CHECK "lar TSS (busy)", ebx, 0x00008B00
    mov eax, SMALL_SEL
    lsl ebx, eax
    CHECK "lsl small seg", ebx, 0xFF
    mov eax, SS_SEL
    lsl ebx, eax
    CHECK "lsl 4 MiB G=1 seg", ebx, 0x3FFFFF
    mov eax, KDATA
    lsl ebx, eax
    CHECK "lsl flat", ebx, 0xFFFFFFFF
    mov ebx, 0x12345678
    xor eax, eax
    lsl ebx, eax
    setz al
    CHECK "lsl null: dest kept", ebx, 0x12345678
    CHECK "lsl null ZF", eax, 0
    mov ecx, GDT_ENTRIES*8
    lar ebx, ecx
    setz al
    CHECK "lar beyond limit ZF", eax, 0
    mov ecx, NP_SEL
    lar ebx, ecx                    ; not-present is still reported
    setz al
    CHECK "lar not-present ZF", eax, 1
    mov ecx, KCODE
    verr cx
    setz al
    CHECK "verr KCODE", eax, 1
    mov ecx, XO_SEL
    verr cx
    setz al
    CHECK "verr execute-only", eax, 0
    mov ecx, KCODE
    verw cx
    setz al
    CHECK "verw KCODE", eax, 0
    mov ecx, KDATA
    verw cx
    setz al
    CHECK "verw KDATA", eax, 1
    mov ecx, UDATA
    verw cx
    setz al
    CHECK "verw UDATA (DPL3)", eax, 1
    mov ecx, KDATA | 3              ; RPL 3 > DPL 0
    verr cx
    setz al
    CHECK "verr KDATA rpl3", eax, 0

    ; --- real mode and unreal mode
    mov dword [0x200000], 0x600DF00D
    mov dword [0x200004], 0
    GO_REAL_MODE
pm_back:
    RELOAD_FLAT_SEGMENTS
    PRINTLN "back in protected mode"
    CHECK "real mode CS seen", dword [RM(rm_cs)], 0x0000
    CHECK "real mode ds:[si] with DS=0x0700", dword [RM(rm_segread)], 0x600DF00D
    CHECK "unreal read above 1 MiB", dword [RM(rm_val)], 0x600DF00D
    CHECK "unreal write above 1 MiB", dword [0x200004], 0x5A5A1234
    ret

bits 16
rm_start:
rm_entry:                           ; 16-bit protected mode, CS base 0
    mov ax, DATA16
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov ax, KDATA                   ; 4 GiB limit, kept across the switch
    mov fs, ax
    mov eax, cr0
    and al, 0xFE
    mov cr0, eax
    jmp 0:RM(rm_real)
rm_real:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, RM_BASE
    mov ax, cs
    movzx eax, ax
    mov [RM(rm_cs)], eax
    mov si, RM(rm_msg)
    mov dx, COM1
.l: lodsb
    test al, al
    jz .d
    out dx, al
    jmp .l
.d: mov eax, [fs:dword 0x200000]
    mov [RM(rm_val)], eax
    mov dword [fs:dword 0x200004], 0x5A5A1234
    ; segment*16 addressing: copy 0x200000 value to low memory, read via DS=0x0700
    mov [RM(rm_low)], eax
    mov ax, 0x0700
    mov ds, ax
    mov eax, [RM(rm_low) - 0x7000]
    xor bx, bx
    mov ds, bx
    mov [RM(rm_segread)], eax
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword KCODE:pm_back
rm_msg:     db "real mode: hello", 10, 0
align 4
rm_cs:      dd 0xFFFFFFFF
rm_val:     dd 0
rm_low:     dd 0
rm_segread: dd 0
rm_end:
bits 32

section .data
saved_esp: dd 0
align 4
small_buf: times 256 db 0
scratch:   dd 0
