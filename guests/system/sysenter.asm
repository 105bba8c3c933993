; sysenter.asm - SYSENTER/SYSEXIT MSRs and transitions, rdmsr/sysenter/
; sysexit faults, cpuid SEP.
%include "lib.inc"

MSR_CS  equ 0x174
MSR_ESP equ 0x175
MSR_EIP equ 0x176

%macro WRMSR 2
    mov ecx, %1
    mov eax, %2
    xor edx, edx
    wrmsr
%endmacro

section .text
main:
    mov eax, 1
    cpuid
    shr edx, 11
    and edx, 1
    CHECK "cpuid 1 EDX.SEP", edx, 1

    WRMSR MSR_CS, KCODE
    WRMSR MSR_ESP, sysenter_stack_top
    WRMSR MSR_EIP, sysenter_entry
    mov ecx, MSR_CS
    rdmsr
    CHECK "rdmsr SYSENTER_CS", eax, KCODE
    CHECK "rdmsr SYSENTER_CS high", edx, 0
    mov ecx, MSR_ESP
    rdmsr
    sub eax, sysenter_stack_top
    CHECK "rdmsr SYSENTER_ESP - value written", eax, 0
    mov ecx, MSR_EIP
    rdmsr
    sub eax, sysenter_entry
    CHECK "rdmsr SYSENTER_EIP - value written", eax, 0

    ; --- sysexit to ring 3, sysenter back, sysexit again, then int 0x7F home
    call do_sysexit
    CHECK "ring 3 after sysexit: CS", dword [r3_cs], UCODE
    CHECK "ring 3 after sysexit: SS", dword [r3_ss], UDATA
    mov eax, user_stack_top
    sub eax, [r3_esp]
    CHECK "ring 3 after sysexit: ESP = ECX", eax, 0
    CHECK "sysenter: CS", dword [k_cs], KCODE
    CHECK "sysenter: SS", dword [k_ss], KDATA
    mov eax, sysenter_stack_top
    sub eax, [k_esp]
    CHECK "sysenter: ESP = SYSENTER_ESP", eax, 0
    mov eax, [k_efl]
    and eax, 0x20200
    CHECK "sysenter: EFLAGS IF/VM cleared", eax, 0
    CHECK "sysenter: ECX/EDX untouched", dword [k_ecx], 0x0C0C0C0C
    CHECK "second sysexit: CS", dword [r3_cs2], UCODE
    mov eax, user_stack_top - 0x100
    sub eax, [r3_esp2]
    CHECK "second sysexit: ESP = ECX", eax, 0

    ; --- faults
    ; (rdmsr/wrmsr of an unknown MSR and CR4 reserved bits are checked in
    ; sdmonly.asm: QEMU's TCG does not raise #GP for them)
    EXPECT .r3
    mov ebx, r3_rdmsr
    mov eax, 2
    call ring3_call
    NOFAULT
.r3: CHECKF "rdmsr at CPL 3", 13, 0, r3_rdmsr.f, NOCR2
    EXPECT .r4
    mov ebx, r3_sysexit
    mov eax, 2
    call ring3_call
    NOFAULT
.r4: CHECKF "sysexit at CPL 3", 13, 0, r3_sysexit.f, NOCR2
    WRMSR MSR_CS, 0
    EXPECT .r5
    mov ebx, r3_sysenter
    mov eax, 2
    call ring3_call
    NOFAULT
.r5: CHECKF "sysenter with SYSENTER_CS = 0", 13, 0, r3_sysenter.f, NOCR2
    EXPECT .r5b
.f5b: sysexit
    NOFAULT
.r5b: CHECKF "sysexit with SYSENTER_CS = 0", 13, 0, .f5b, NOCR2
    ret

do_sysexit:
    pushad
    mov [r3_saved_esp], esp
    mov ecx, user_stack_top
    mov edx, r3_first
    sysexit

sysenter_entry:
    mov [k_esp], esp
    mov [k_cs], cs
    mov [k_ss], ss
    pushfd
    pop dword [k_efl]
    mov [k_ecx], ecx
    mov ecx, user_stack_top - 0x100
    mov edx, r3_second
    sysexit

; ---- ring-3 code
r3_first:
    mov [ss:r3_esp], esp
    mov [ss:r3_cs], cs
    mov [ss:r3_ss], ss
    mov ax, UDATA
    mov ds, ax
    mov es, ax
    mov ecx, 0x0C0C0C0C
    sysenter
r3_second:
    mov [r3_esp2], esp
    mov [r3_cs2], cs
    R3RET
r3_rdmsr:
    mov ecx, MSR_CS
.f: rdmsr
    R3RET
r3_sysexit:
.f: sysexit
    R3RET
r3_sysenter:
.f: sysenter
    R3RET

section .data
saved_cr4: dd 0
r3_esp: dd 0
r3_cs:  dd 0
r3_ss:  dd 0
r3_esp2: dd 0
r3_cs2: dd 0
k_esp:  dd 0
k_cs:   dd 0
k_ss:   dd 0
k_efl:  dd 0
k_ecx:  dd 0

section .bss
alignb 16
    resb 4096
sysenter_stack_top:
