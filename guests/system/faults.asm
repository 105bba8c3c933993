; faults.asm - exceptions integer code can raise: vector, error code and the
; saved EIP (faults: the faulting instruction, traps: the next one).
%include "lib.inc"

NPSS_SEL equ 0x40           ; not-present writable data segment

section .text
main:
    mov ebx, NPSS_SEL
    xor eax, eax
    mov ecx, 0xFFFFF
    mov dx, 0xC012
    call set_desc

    ; --- #DE
    xor ecx, ecx
    EXPECT .r1
.f1: div ecx
    NOFAULT
.r1: CHECKF "DE div by zero", 0, NOERR, .f1, NOCR2
    mov eax, 0x80000000
    mov edx, 0xFFFFFFFF
    mov ecx, -1
    EXPECT .r2
.f2: idiv ecx
    NOFAULT
.r2: CHECKF "DE idiv overflow", 0, NOERR, .f2, NOCR2
    mov ax, 0x8000
    mov cl, 0x7F
    EXPECT .r2b
.f2b: div cl                          ; quotient 0x102 does not fit in AL
    NOFAULT
.r2b: CHECKF "DE div r8 overflow", 0, NOERR, .f2b, NOCR2

    ; --- #DB single step
    xor eax, eax
    mov dr6, eax
    EXPECT .r3
    pushfd
    or dword [esp], 0x100
    popfd
    nop                             ; executes, then the trap
.t3: nop
    NOFAULT
.r3: CHECKF "DB single step (trap)", 1, NOERR, .t3, NOCR2
    mov eax, dr6
    and eax, 0x4000
    CHECK "DR6.BS", eax, 0x4000

    ; --- #BP
    EXPECT .r4
    int3
.t4: NOFAULT
.r4: CHECKF "BP int3 (trap)", 3, NOERR, .t4, NOCR2

    ; --- #OF
    mov al, 0x7F
    add al, 1                       ; OF=1
    EXPECT .r5
    into
.t5: NOFAULT
.r5: CHECKF "OF into (trap)", 4, NOERR, .t5, NOCR2
    xor eax, eax                    ; OF=0: into does nothing
    EXPECT .r5b
    into
    NOFAULT
    CHECK "into with OF=0", 0, 0
    jmp .a5
.r5b: FAIL "into with OF=0: unexpected fault"
.a5:

    ; --- #BR
    mov eax, 20
    EXPECT .r6
.f6: bound eax, [bounds]
    NOFAULT
.r6: CHECKF "BR bound above", 5, NOERR, .f6, NOCR2
    mov eax, -1
    EXPECT .r6b
.f6b: bound eax, [bounds]
    NOFAULT
.r6b: CHECKF "BR bound below", 5, NOERR, .f6b, NOCR2

    ; --- #UD
    EXPECT .r7
.f7: ud2
    NOFAULT
.r7: CHECKF "UD ud2", 6, NOERR, .f7, NOCR2
    ; (lock on mov is #UD per the SDM, but QEMU's TCG executes it: not checked)
    EXPECT .r8b
.f8b: db 0xF0, 0x01, 0xD8            ; lock add eax, ebx (register dest)
    NOFAULT
.r8b: CHECKF "UD lock add reg", 6, NOERR, .f8b, NOCR2
    EXPECT .r8c
.f8c: db 0x8D, 0xC0                  ; lea eax, eax
    NOFAULT
.r8c: CHECKF "UD lea with register operand", 6, NOERR, .f8c, NOCR2

    ; --- #NP: not-present IDT gate
    mov eax, 0x40
    mov ebx, dummy_handler
    mov cx, KCODE
    mov dl, 0x0E                    ; P=0
    call set_gate
    EXPECT .r9
.f9: int 0x40
    NOFAULT
.r9: CHECKF "NP not-present gate", 11, 0x40*8+2, .f9, NOCR2

    ; --- #GP: int beyond the IDT limit
    mov word [idt_small], 0x50*8 - 1
    lidt [idt_small]
    EXPECT .r10
.f10: int 0x60
    NOFAULT
.r10: lidt [idt_desc]
    CHECKF "GP int beyond IDT limit", 13, 0x60*8+2, .f10, NOCR2

    ; --- #SS: not-present segment into SS
    EXPECT .r11
    mov ax, NPSS_SEL
.f11: mov ss, ax
    NOFAULT
.r11: CHECKF "SS not-present stack segment", 12, NPSS_SEL, .f11, NOCR2

    ; --- #GP: far jumps to bad selectors
    EXPECT .r12
.f12: jmp GDT_ENTRIES*8:0
    NOFAULT
.r12: CHECKF "GP far jmp beyond GDT", 13, GDT_ENTRIES*8, .f12, NOCR2
    EXPECT .r13
.f13: jmp KDATA:0
    NOFAULT
.r13: CHECKF "GP far jmp to data segment", 13, KDATA, .f13, NOCR2
    EXPECT .r13b
.f13b: call 0:0
    NOFAULT
.r13b: CHECKF "GP far call to null selector", 13, 0, .f13b, NOCR2

    ; --- #PF with CR2 (4 MiB pages, 0..8 MiB mapped)
    mov dword [pd], 0x000087
    mov dword [pd+4], 0x400087
    mov eax, pd
    mov cr3, eax
    mov eax, cr4
    or eax, 0x10
    mov cr4, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    EXPECT .r14
.f14: mov dword [0x1234568], 1
    NOFAULT
.r14: CHECKF "PF write unmapped", 14, 2, .f14, 0x1234568
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax

    ; --- #DF: #NP while delivering #NP
    mov eax, 11
    mov ebx, dummy_handler
    mov cx, KCODE
    mov dl, 0x0E                    ; #NP gate not present
    call set_gate
    EXPECT .r15
    int 0x40
    NOFAULT
.r15: mov eax, 11
    mov ebx, [isr_table + 11*4]
    mov cx, KCODE
    mov dl, 0x8E
    call set_gate
    CHECKF "DF NP during NP delivery", 8, 0, ANYEIP, NOCR2

    ; --- #GP: int n from ring 3 through DPL-0 gates
    mov eax, 0x41
    mov ebx, dummy_handler
    mov cx, KCODE
    mov dl, 0x8E
    call set_gate
    EXPECT .r16
    mov ebx, r3_int41
    mov eax, 2
    call ring3_call
    NOFAULT
.r16: CHECKF "GP ring-3 int 0x41 via DPL-0 gate", 13, 0x41*8+2, r3_int41.f, NOCR2
    EXPECT .r17
    mov ebx, r3_int3
    mov eax, 2
    call ring3_call
    NOFAULT
.r17: CHECKF "GP ring-3 int3 via DPL-0 gate", 13, 3*8+2, r3_int3.f, NOCR2
    EXPECT .r18
    mov ebx, r3_ud2
    mov eax, 2
    call ring3_call
    NOFAULT
.r18: CHECKF "UD ud2 at ring 3 (no gate DPL check)", 6, NOERR, r3_ud2.f, NOCR2
    ret

dummy_handler:
    iretd

r3_int41:
.f: int 0x41
    R3RET
r3_int3:
.f: int3
    R3RET
r3_ud2:
.f: ud2
    R3RET

section .data
align 4
bounds: dd 0, 10
    dw 0
idt_small:
    dw 0
    dd idt

section .bss
alignb 4096
pd: resb 4096
