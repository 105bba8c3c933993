; smc.asm: code that changes under its own feet. Self-modifying loops, code written then run,
; a jump into the middle of an instruction, and a code page remapped through the page tables —
; each repeated often enough that a JIT compiles it before it changes. Prints what each part
; computed on COM1 and exits with status 0 if every value is the architecturally defined one.

bits 32

MB_MAGIC     equ 0x1BADB002       ; multiboot v1 header magic
MB_FLAGS     equ 0x00000003       ; bit 0: page-align modules, bit 1: provide memory info
COM1         equ 0x3F8            ; 16550 UART data port
EXIT_PORT    equ 0xF4             ; isa-debug-exit: a 32-bit write of V ends the VM with status V
PAGE_DIR     equ 0x200000         ; page directory (physical, 4 KiB aligned)
PAGE_TABLES  equ 0x201000         ; two page tables: 0–4 MiB and 4–8 MiB
CODE_A       equ 0x300000         ; physical page holding routine A
CODE_B       equ 0x301000         ; physical page holding routine B
WINDOW       equ 0x500000         ; virtual page remapped to CODE_A or CODE_B
ROUNDS       equ 200              ; repetitions of each part: enough for a JIT to compile it
SMC_ROUNDS   equ 100              ; passes of the self-patching loop (its imm8 stays below 0x80)

section .text
align 4
multiboot_header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)

global _start
_start:
    mov esp, stack_top
    xor ebp, ebp                  ; EBP counts failed checks

; --- 1. a loop that patches its own immediate: adds 1, 2, 3, ... SMC_ROUNDS
    mov ecx, SMC_ROUNDS
    xor ebx, ebx
    mov byte [patch_add + 2], 1
smc_loop:
patch_add:
    add ebx, byte 1               ; 83 C3 ib: the immediate byte is rewritten every pass
    inc byte [patch_add + 2]
    loop smc_loop
    mov esi, msg_smc
    mov eax, ebx
    mov edx, SMC_ROUNDS * (SMC_ROUNDS + 1) / 2
    call check

; --- 2. code written to a buffer, run, rewritten, run again
    xor ebx, ebx
    mov ecx, ROUNDS
.copy_loop:
    push ecx
    mov esi, routine_add7         ; even rounds: add eax, 7 / odd rounds: add eax, 1000
    test cl, 1
    jz .even
    mov esi, routine_add1000
.even:
    mov edi, code_buffer
    mov ecx, routine_len
    rep movsb
    mov eax, ebx
    call code_buffer
    mov ebx, eax
    pop ecx
    loop .copy_loop
    mov esi, msg_written
    mov eax, ebx
    mov edx, (ROUNDS / 2) * 7 + (ROUNDS / 2) * 1000
    call check

; --- 3. a jump into the middle of an instruction
    xor ebx, ebx
    mov ecx, ROUNDS
middle_loop:
    xor eax, eax
    test cl, 1
    jz .whole
    jmp mid + 1                   ; runs the bytes 40 40 90 90: inc eax; inc eax; nop; nop
.whole:
mid:
    mov eax, 0x90904040           ; B8 40 40 90 90
    add ebx, eax
    loop middle_loop
    mov esi, msg_middle
    mov eax, ebx
    mov edx, ((ROUNDS / 2) * 2 + (ROUNDS / 2) * 0x90904040) & 0xFFFFFFFF
    call check

; --- 4. one virtual page, remapped between two physical code pages
    mov esi, routine_ret1
    mov edi, CODE_A
    mov ecx, routine_len
    rep movsb
    mov esi, routine_ret2
    mov edi, CODE_B
    mov ecx, routine_len
    rep movsb
    ; identity-map 0–8 MiB with 4 KiB pages
    mov edi, PAGE_TABLES
    mov eax, 0x003                ; present | writable
    mov ecx, 2048
.fill:
    stosd
    add eax, 0x1000
    loop .fill
    mov dword [PAGE_DIR], PAGE_TABLES + 0x003
    mov dword [PAGE_DIR + 4], PAGE_TABLES + 0x1000 + 0x003
    mov ecx, 1022
    mov edi, PAGE_DIR + 8
    xor eax, eax
    rep stosd
    mov eax, PAGE_DIR
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000            ; CR0.PG
    mov cr0, eax
    xor ebx, ebx
    mov ecx, ROUNDS
.remap_loop:
    mov eax, CODE_A + 0x003
    test cl, 1
    jz .map
    mov eax, CODE_B + 0x003
.map:
    mov [PAGE_TABLES + (WINDOW >> 12) * 4], eax
    invlpg [WINDOW]
    call WINDOW
    add ebx, eax
    loop .remap_loop
    mov esi, msg_remap
    mov eax, ebx
    mov edx, (ROUNDS / 2) * 1 + (ROUNDS / 2) * 2
    call check

    mov eax, ebp                  ; exit status: number of failed checks
    out EXIT_PORT, eax
.halt:
    hlt
    jmp .halt

; check: prints the message at ESI, then EAX in hex, then "ok" or "FAIL" against EDX.
check:
    push eax
    push edx
    call print_str
    mov eax, [esp + 4]
    call print_hex
    pop edx
    pop eax
    mov esi, msg_ok
    cmp eax, edx
    je .good
    inc ebp
    mov esi, msg_fail
.good:
    jmp print_str

; print_str: prints the zero-terminated string at ESI.
print_str:
    push eax
    push edx
    mov dx, COM1
.next:
    lodsb
    test al, al
    jz .done
    out dx, al
    jmp .next
.done:
    pop edx
    pop eax
    ret

; print_hex: prints EAX as eight hex digits.
print_hex:
    push ebx
    push ecx
    push edx
    mov ebx, eax
    mov ecx, 8
    mov dx, COM1
.digit:
    rol ebx, 4
    mov al, bl
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'a' - '9' - 1
.out:
    out dx, al
    loop .digit
    pop edx
    pop ecx
    pop ebx
    ret

; Routines copied into place; each is routine_len bytes.
routine_add7:
    add eax, 7
    ret
    nop
    nop
routine_len equ $ - routine_add7
routine_add1000:
    add eax, 1000
    ret
routine_ret1:
    mov eax, 1
    ret
    nop
    nop
routine_ret2:
    mov eax, 2
    ret
    nop
    nop

msg_smc:     db "self-modifying loop: ", 0
msg_written: db "code written then run: ", 0
msg_middle:  db "jump into an instruction: ", 0
msg_remap:   db "code page remapped: ", 0
msg_ok:      db " ok", 10, 0
msg_fail:    db " FAIL", 10, 0

section .data
align 16
code_buffer: times 16 db 0xCC     ; int3 until code is written here

section .bss
align 16
stack: resb 4096
stack_top:
