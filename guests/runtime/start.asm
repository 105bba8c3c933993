; start.asm: entry point of C guests; multiboot v1 header, a stack, then runtime_init and kmain.

bits 32

MB_MAGIC     equ 0x1BADB002       ; multiboot v1 header magic
MB_FLAGS     equ 0x00000003       ; bit 0: page-align modules, bit 1: provide memory info
STACK_SIZE   equ 0x10000          ; 64 KiB boot stack

section .multiboot progbits alloc noexec nowrite align=4
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)

section .text
extern runtime_init
extern kmain
extern exit
global _start
_start:
    mov esp, stack_top
    xor ebp, ebp
    cld
    push ebx                      ; multiboot info (physical address)
    push eax                      ; boot magic, 0x2BADB002 from a multiboot loader
    call runtime_init             ; cdecl: arguments stay on the stack for kmain
    call kmain
    push eax                      ; kmain's return value becomes the exit status
    call exit
.halt:
    cli
    hlt
    jmp .halt

section .bss
align 16
stack_bottom:
    resb STACK_SIZE
stack_top:
