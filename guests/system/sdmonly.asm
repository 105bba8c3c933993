; sdmonly.asm - checks that QEMU's TCG does not model, so sdmonly.expected
; is derived from the SDM rather than recorded under QEMU: a lock prefix on
; a non-lockable instruction (#UD), rdmsr/wrmsr of an unimplemented MSR
; (#GP(0)) and a CR4 write setting a reserved bit (#GP(0); QEMU 7.2 spins
; on this instruction forever, so this check runs last).
%include "lib.inc"

section .text
main:
    EXPECT .r1
.f1: db 0xF0, 0x89, 0xD8             ; lock mov eax, ebx
    NOFAULT
.r1: CHECKF "UD lock mov", 6, NOERR, .f1, NOCR2
    EXPECT .r2
    mov ecx, 0x12345678
.f2: rdmsr
    NOFAULT
.r2: CHECKF "rdmsr unknown MSR", 13, 0, .f2, NOCR2
    EXPECT .r3
    mov ecx, 0x12345678
    xor eax, eax
    xor edx, edx
.f3: wrmsr
    NOFAULT
.r3: CHECKF "wrmsr unknown MSR", 13, 0, .f3, NOCR2
%ifndef SKIP_CR4
    mov eax, cr4
    mov [saved_cr4], eax
    or eax, 1 << 15
    EXPECT .r4
.f4: mov cr4, eax
    NOFAULT
.r4: CHECKF "CR4 reserved bit 15", 13, 0, .f4, NOCR2
    mov eax, cr4
    CHECK "CR4 unchanged", eax, dword [saved_cr4]
%endif
    ret

section .data
saved_cr4: dd 0
