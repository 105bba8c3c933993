; hello.asm: the smallest guest; prints a greeting on COM1 and exits with status 0 via port 0xF4.

bits 32

MB_MAGIC     equ 0x1BADB002       ; multiboot v1 header magic
MB_FLAGS     equ 0x00000003       ; bit 0: page-align modules, bit 1: provide memory info
COM1         equ 0x3F8            ; 16550 UART base port
COM1_LSR     equ COM1 + 5         ; line status register
LSR_THRE     equ 0x20             ; transmit holding register empty
EXIT_PORT    equ 0xF4             ; isa-debug-exit: a 32-bit write of V ends the VM with status V

; The header opens .text: with `ld -Ttext 0x100000` that puts it at file offset 0x1000, inside the
; first 8 KiB where a multiboot loader looks for it.
section .text
align 4
multiboot_header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)

global _start
_start:
    mov esp, stack_top
    mov esi, message
.next:
    lodsb
    test al, al
    jz .done
    mov ah, al
    mov dx, COM1_LSR
.wait:
    in al, dx
    test al, LSR_THRE
    jz .wait
    mov al, ah
    mov dx, COM1
    out dx, al
    jmp .next
.done:
    xor eax, eax                  ; exit status 0
    mov dx, EXIT_PORT
    out dx, eax
.halt:
    cli
    hlt
    jmp .halt

section .rodata
message: db "Hello from jitvisor!", 10, 0

section .bss
align 16
    resb 4096
stack_top:
