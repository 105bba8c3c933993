; tasks.asm - hardware task switching: jmp and call to a TSS, busy bits,
; back link and NT, iret to the caller, task gates for int n and for an
; exception with an error code, the register state each task starts with.
%include "lib.inc"

TSSA_SEL equ 0x40
TSSB_SEL equ 0x48
T_LINK equ 0x00
T_CR3  equ 0x1C
T_EIP  equ 0x20

%macro BUSY 2               ; "name", selector -> prints the descriptor type
    movzx eax, byte [gdt + %2 + 5]
    and eax, 0x0F
    CHECK %1, eax, 0xB
%endmacro
%macro AVAIL 2
    movzx eax, byte [gdt + %2 + 5]
    and eax, 0x0F
    CHECK %1, eax, 0x9
%endmacro

section .text
main:
    ; identity map 0..8 MiB with 4 MiB pages in two page directories
    mov dword [pd1], 0x000087
    mov dword [pd1+4], 0x400087
    mov dword [pd2], 0x000087
    mov dword [pd2+4], 0x400087
    mov eax, pd1
    mov cr3, eax
    mov [tss + T_CR3], eax              ; CR3 is loaded, never saved
    mov eax, cr4
    or eax, 0x10
    mov cr4, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    mov ebx, TSSA_SEL
    mov eax, tss_a
    mov ecx, 103
    mov dx, 0x0089
    call set_desc
    mov ebx, TSSB_SEL
    mov eax, tss_b
    call set_desc

    ; --- jmp to a TSS
    mov edi, tss_a
    mov eax, task_a
    mov ebx, stack_a_top
    call init_task
    mov esi, 0xABCD1234
    jmp TSSA_SEL:0
    ; task A jumps back here
    CHECK "main: ESI preserved across task switch", esi, 0xABCD1234
    CHECK "task A: EAX", dword [s_eax], 0x11111111
    CHECK "task A: EBX", dword [s_ebx], 0x22222222
    CHECK "task A: EBP", dword [s_ebp], 0x77777777
    mov eax, stack_a_top
    sub eax, [s_esp]
    CHECK "task A: ESP = stack top - N", eax, 0
    CHECK "task A: EFLAGS (NT clear)", dword [s_efl], 0x2
    mov eax, [s_cr3]
    sub eax, pd2
    CHECK "task A: CR3 = pd2 + N", eax, 0
    CHECK "task A: TR", dword [s_tr], TSSA_SEL
    CHECK "task A: CS", dword [s_cs], KCODE
    CHECK "task A: back link not written", dword [s_link], 0
    CHECK "task A: own TSS type (busy)", dword [s_busy_new], 0xB
    CHECK "task A: old TSS type (available)", dword [s_busy_old], 0x9
    AVAIL "main: TSS A type after jmp back", TSSA_SEL
    BUSY "main: own TSS type", TSS_SEL
    mov eax, cr3
    sub eax, pd1
    CHECK "main: CR3 = pd1 + N", eax, 0

    ; --- call to a TSS, iret back
    mov edi, tss_b
    mov eax, task_b
    mov ebx, stack_b_top
    call init_task
    call TSSB_SEL:0
    pushfd
    pop eax
    and eax, 0x4000
    CHECK "main: EFLAGS.NT after iret", eax, 0
    CHECK "task B (call): EFLAGS (NT set)", dword [s_efl], 0x4002
    CHECK "task B (call): back link", dword [s_link], TSS_SEL
    CHECK "task B (call): TR", dword [s_tr], TSSB_SEL
    CHECK "task B (call): ECX", dword [s_ecx], 0x33333333
    CHECK "task B (call): own TSS type (busy)", dword [s_busy_new], 0xB
    CHECK "task B (call): caller TSS type (busy)", dword [s_busy_old], 0xB
    AVAIL "main: TSS B type after iret", TSSB_SEL
    BUSY "main: own TSS type", TSS_SEL
    mov eax, [tss_b + T_EIP]
    sub eax, task_b.after_iret
    CHECK "TSS B saved EIP = after its iret", eax, 0

    ; --- int n through a task gate
    mov edi, tss_b
    mov eax, task_b
    mov ebx, stack_b_top
    call init_task
    mov eax, 0x50
    mov cx, TSSB_SEL
    xor ebx, ebx
    mov dl, 0x85
    call set_gate
    int 0x50
    CHECK "task gate int 0x50: TR", dword [s_tr], TSSB_SEL
    CHECK "task gate int 0x50: back link", dword [s_link], TSS_SEL
    CHECK "task gate int 0x50: EFLAGS (NT set)", dword [s_efl], 0x4002
    mov eax, stack_b_top
    sub eax, [s_esp]
    CHECK "task gate int 0x50: nothing pushed", eax, 0

    ; --- #GP delivered through a task gate: error code on the new stack
    mov edi, tss_b
    mov eax, task_b
    mov ebx, stack_b_top
    call init_task
    mov dword [resume_eip], .after_gp
    mov eax, 13
    mov cx, TSSB_SEL
    xor ebx, ebx
    mov dl, 0x85
    call set_gate
    mov ax, GDT_ENTRIES*8
.f_gp:
    mov ds, ax                          ; #GP(0x100) -> task B
    FAIL "no #GP"
.after_gp:
    mov eax, 13
    mov ebx, [isr_table + 13*4]
    mov cx, KCODE
    mov dl, 0x8E
    call set_gate
    CHECK "GP task gate: TR", dword [s_tr], TSSB_SEL
    CHECK "GP task gate: error code on new stack", dword [s_top], GDT_ENTRIES*8
    mov eax, stack_b_top
    sub eax, [s_esp]
    CHECK "GP task gate: ESP = top - N", eax, 4
    mov eax, [s_saved_eip]
    sub eax, .f_gp
    CHECK "GP task gate: caller EIP saved = faulting insn", eax, 0
    AVAIL "main: TSS B type after iret", TSSB_SEL
    mov eax, cr0                        ; paging off again
    and eax, 0x7FFFFFFF
    mov cr0, eax
    ret

; init_task: edi = TSS, eax = entry, ebx = stack top (CR3 = pd2)
init_task:
    pushad
    push eax
    push edi
    xor eax, eax
    mov ecx, 26
    rep stosd
    pop edi
    pop eax
    mov [edi + T_EIP], eax
    mov dword [edi + T_CR3], pd2
    mov dword [edi + 0x24], 0x2
    mov dword [edi + 0x28], 0x11111111
    mov dword [edi + 0x2C], 0x33333333
    mov dword [edi + 0x30], 0x44444444
    mov dword [edi + 0x34], 0x22222222
    mov [edi + 0x38], ebx
    mov dword [edi + 0x3C], 0x77777777
    mov dword [edi + 0x40], 0x55555555
    mov dword [edi + 0x44], 0x66666666
    mov eax, KDATA
    mov [edi + 0x48], eax
    mov [edi + 0x50], eax
    mov [edi + 0x54], eax
    mov [edi + 0x58], eax
    mov [edi + 0x5C], eax
    mov dword [edi + 0x4C], KCODE
    mov word [edi + 0x66], 104
    popad
    ret

%macro RECORD 1             ; tss of this task
    mov [s_eax], eax
    mov [s_ebx], ebx
    mov [s_ecx], ecx
    mov [s_ebp], ebp
    mov [s_esp], esp
    pushfd
    pop dword [s_efl]
    mov eax, cr3
    mov [s_cr3], eax
    str ax
    movzx eax, ax
    mov [s_tr], eax
    mov ax, cs
    movzx eax, ax
    mov [s_cs], eax
    movzx eax, word [%1 + T_LINK]
    mov [s_link], eax
    mov eax, [esp]
    mov [s_top], eax
    str ax
    movzx eax, ax
    movzx eax, byte [gdt + eax + 5]
    and eax, 0x0F
    mov [s_busy_new], eax
    movzx eax, byte [gdt + TSS_SEL + 5]
    and eax, 0x0F
    mov [s_busy_old], eax
    mov eax, [tss + T_EIP]
    mov [s_saved_eip], eax
%endmacro

task_a:
    RECORD tss_a
    jmp TSS_SEL:0

task_b:
    RECORD tss_b
    mov eax, [resume_eip]
    test eax, eax
    jz .go
    mov [tss + T_EIP], eax              ; skip the faulting instruction
    mov dword [resume_eip], 0
.go:
    iretd
.after_iret:
    jmp .after_iret

section .data
resume_eip: dd 0
s_eax: dd 0
s_ebx: dd 0
s_ecx: dd 0
s_ebp: dd 0
s_esp: dd 0
s_efl: dd 0
s_cr3: dd 0
s_tr:  dd 0
s_cs:  dd 0
s_link: dd 0
s_top: dd 0
s_busy_new: dd 0
s_busy_old: dd 0
s_saved_eip: dd 0

section .bss
alignb 4096
pd1: resb 4096
pd2: resb 4096
tss_a: resb 128
tss_b: resb 128
alignb 16
       resb 4096
stack_a_top:
       resb 4096
stack_b_top:
