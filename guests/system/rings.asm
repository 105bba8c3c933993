; rings.asm - privilege levels: iret to ring 3, int to a DPL-3 trap gate
; (stack switch from the TSS), call gate with parameters, privileged
; instructions, the I/O permission bitmap, IOPL and popf at CPL 3.
%include "lib.inc"

CG_SEL   equ 0x40           ; call gate, DPL 3, 2 parameters
IOMAP    equ tss + 104

%macro RING3 2              ; function, eflags
    mov ebx, %1
    mov eax, %2
    call ring3_call
%endmacro

section .text
main:
    mov al, 0xFF                ; mask both PICs
    out 0x21, al
    out 0xA1, al
    mov eax, 0x80
    mov ebx, int80_handler
    mov cx, KCODE
    mov dl, 0xEF                ; trap gate, DPL 3
    call set_gate
    mov eax, cg_target
    mov [gdt+CG_SEL], ax
    mov word [gdt+CG_SEL+2], KCODE
    mov byte [gdt+CG_SEL+4], 2
    mov byte [gdt+CG_SEL+5], 0xEC
    shr eax, 16
    mov [gdt+CG_SEL+6], ax

    ; --- int 0x80 from ring 3
    RING3 r3_int80, 0x2
    CHECK "int80 handler SS", dword [h_ss], KDATA
    mov eax, tss_stack_top
    sub eax, [h_esp]
    CHECK "int80 handler ESP = ESP0 - N", eax, 20
    mov eax, [h_frame]
    sub eax, r3_int80.ret
    CHECK "int80 frame EIP - label", eax, 0
    CHECK "int80 frame CS", dword [h_frame+4], UCODE
    CHECK "int80 frame EFLAGS", dword [h_frame+8], 0x2
    mov eax, user_stack_top
    sub eax, [h_frame+12]
    CHECK "int80 frame ESP = ring-3 top - N", eax, 0
    CHECK "int80 frame SS", dword [h_frame+16], UDATA
    CHECK "int80 handler CS", dword [h_cs], KCODE
    CHECK "back at ring 3 CS", dword [r3_cs], UCODE

    ; --- call gate with two parameters
    RING3 r3_callgate, 0x2
    mov eax, tss_stack_top
    sub eax, [cg_esp]
    CHECK "call gate target ESP = ESP0 - N", eax, 24
    CHECK "call gate target SS", dword [cg_ss], KDATA
    mov eax, [cg_frame]
    sub eax, r3_callgate.ret
    CHECK "call gate frame EIP - label", eax, 0
    CHECK "call gate frame CS", dword [cg_frame+4], UCODE
    CHECK "call gate param (last pushed)", dword [cg_frame+8], 0x2222
    CHECK "call gate param (first pushed)", dword [cg_frame+12], 0x1111
    mov eax, user_stack_top
    sub eax, [cg_frame+16]
    CHECK "call gate frame ESP = ring-3 top - N", eax, 8
    CHECK "call gate frame SS", dword [cg_frame+20], UDATA
    mov eax, user_stack_top
    sub eax, [r3_esp_after]
    CHECK "ring-3 ESP after retf 8 = top - N", eax, 0
    CHECK "ring-3 CS after retf", dword [r3_cs], UCODE

    ; --- privileged instructions at CPL 3
    EXPECT .r1
    RING3 r3_hlt, 0x2
    NOFAULT
.r1: CHECKF "hlt at CPL 3", 13, 0, r3_hlt.f, NOCR2
    EXPECT .r2
    RING3 r3_cli, 0x2
    NOFAULT
.r2: CHECKF "cli at CPL 3, IOPL 0", 13, 0, r3_cli.f, NOCR2
    EXPECT .r3
    RING3 r3_movcr3, 0x2
    NOFAULT
.r3: CHECKF "mov cr3 at CPL 3", 13, 0, r3_movcr3.f, NOCR2
    EXPECT .r4
    RING3 r3_lgdt, 0x2
    NOFAULT
.r4: CHECKF "lgdt at CPL 3", 13, 0, r3_lgdt.f, NOCR2

    ; --- I/O permission bitmap: only port 0x3FF allowed
    mov edi, IOMAP
    mov ecx, TSS_IOMAP_BYTES
    mov al, 0xFF
    rep stosb
    and byte [IOMAP + (0x3FF >> 3)], ~(1 << (0x3FF & 7))
    RING3 r3_io_ok, 0x2
    CHECK "out/in allowed port 0x3FF", dword [r3_val], 0x5A
    EXPECT .r5
    RING3 r3_io_deny, 0x2
    NOFAULT
.r5: CHECKF "in from denied port 0x3FE", 13, 0, r3_io_deny.f, NOCR2
    EXPECT .r6
    RING3 r3_io_word, 0x2
    NOFAULT
.r6: CHECKF "16-bit in at 0x3FF (0x400 denied)", 13, 0, r3_io_word.f, NOCR2
    mov edi, IOMAP
    mov ecx, TSS_IOMAP_BYTES
    xor al, al
    rep stosb

    ; --- IOPL 3 and popf at CPL 3
    RING3 r3_iopl3, 0x3002
    CHECK "IOPL 3: cli/sti work, EFLAGS after sti", dword [r3_val], 0x3202
    CHECK "IOPL 3: EFLAGS after cli", dword [r3_val+4], 0x3002
    CHECK "IOPL 3: popf 0x0202 keeps IOPL", dword [r3_val+8], 0x3202
    RING3 r3_popf, 0x2
    CHECK "IOPL 0: popf 0x3202 changes neither", dword [r3_val], 0x0002
    CHECK "IOPL 0: popf still changes CF/ZF", dword [r3_val+4], 0x0043

    ; --- DPL-0 data segment at CPL 3
    EXPECT .r7
    RING3 r3_loadkdata, 0x2
    NOFAULT
.r7: CHECKF "mov ds, DPL-0 data at CPL 3", 13, KDATA, r3_loadkdata.f, NOCR2
    EXPECT .r8
    RING3 r3_loadss, 0x2
    NOFAULT
.r8: CHECKF "mov ss, DPL-0 data at CPL 3", 13, KDATA, r3_loadss.f, NOCR2
    mov ax, cs
    movzx eax, ax
    CHECK "back at ring 0 CS", eax, KCODE
    ret

int80_handler:
    mov [h_esp], esp
    mov [h_ss], ss
    mov [h_cs], cs
    push esi
    push edi
    push ecx
    lea esi, [esp+12]
    mov edi, h_frame
    mov ecx, 5
    rep movsd
    pop ecx
    pop edi
    pop esi
    iretd

cg_target:
    mov [cg_esp], esp
    mov [cg_ss], ss
    mov esi, esp
    mov edi, cg_frame
    mov ecx, 6
    rep movsd
    retf 8

; ---- ring-3 code
r3_int80:
    int 0x80
.ret:
    mov [r3_cs], cs
    R3RET
r3_callgate:
    push dword 0x1111
    push dword 0x2222
    call CG_SEL | 3:0
.ret:
    mov [r3_esp_after], esp
    mov [r3_cs], cs
    R3RET
r3_hlt:
.f: hlt
    R3RET
r3_cli:
.f: cli
    R3RET
r3_movcr3:
    xor eax, eax
.f: mov cr3, eax
    R3RET
r3_lgdt:
.f: lgdt [gdt_desc]
    R3RET
r3_io_ok:
    mov dx, 0x3FF
    mov al, 0x5A
    out dx, al
    xor eax, eax
    in al, dx
    mov [r3_val], eax
    R3RET
r3_io_deny:
    mov dx, 0x3FE
.f: in al, dx
    R3RET
r3_io_word:
    mov dx, 0x3FF
.f: in ax, dx
    R3RET
r3_iopl3:
    sti
    pushfd
    pop dword [r3_val]
    cli
    pushfd
    pop dword [r3_val+4]
    push dword 0x0202
    popfd
    pushfd
    pop dword [r3_val+8]
    cli
    R3RET
r3_popf:
    push dword 0x3202
    popfd
    pushfd
    pop dword [r3_val]
    push dword 0x3243
    popfd
    pushfd
    pop dword [r3_val+4]
    R3RET
r3_loadkdata:
    mov ax, KDATA
.f: mov ds, ax
    R3RET
r3_loadss:
    mov ax, KDATA
.f: mov ss, ax
    R3RET

section .data
h_esp:   dd 0
h_ss:    dd 0
h_cs:    dd 0
h_frame: times 5 dd 0
cg_esp:  dd 0
cg_ss:   dd 0
cg_frame: times 6 dd 0
r3_cs:   dd 0
r3_esp_after: dd 0
r3_val:  times 4 dd 0
