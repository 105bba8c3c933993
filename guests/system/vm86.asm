; vm86.asm - virtual-8086 mode: iret into VM86 (EFLAGS.VM), segment*16
; addressing, port I/O through the TSS bitmap, int n to a protected-mode
; handler (IOPL 3) with the VM86 frame (ES DS FS GS), hlt -> #GP(0),
; int n with IOPL < 3 -> #GP(0).
%include "lib.inc"

VM_BASE equ 0x8000
VM_CS   equ VM_BASE >> 4
%define VOFF(x) ((x) - vm_start)

section .text
main:
    mov al, 0xFF                    ; mask both PICs
    out 0x21, al
    out 0xA1, al
    mov esi, vm_start
    mov edi, VM_BASE
    mov ecx, vm_end - vm_start
    rep movsb
    mov eax, 0x21
    mov ebx, int21_handler
    mov cx, KCODE
    mov dl, 0xEE                    ; interrupt gate, DPL 3
    call set_gate

    ; --- run VM86 code with IOPL 3: int 0x21 reaches the handler, hlt faults
    EXPECT .r1
    mov ebx, VOFF(vm_main)
    mov ecx, 0x00023002             ; VM, IOPL 3
    call enter_vm86
    NOFAULT
.r1: CHECKF "vm86 hlt -> GP", 13, 0, ANYEIP, NOCR2
    mov eax, [fault_frame]
    sub eax, VOFF(vm_main.hlt)
    CHECK "hlt frame: EIP - hlt offset", eax, 0
    CHECK "hlt frame: CS", dword [fault_frame+4], VM_CS
    mov eax, [fault_frame+8]
    and eax, 0x23200
    CHECK "hlt frame: EFLAGS VM|IOPL|IF", eax, 0x23000
    CHECK "hlt frame: DS", dword [fault_frame+24], 0x0900
    CHECK "hlt frame: ES (restored after iret)", dword [fault_frame+20], 0x1000

    CHECK "int21: handler saw DS = 0", dword [h_ds_entry], 0
    CHECK "int21: AX computed in VM86", dword [h_eax], 0x2345
    mov eax, [h_frame]
    sub eax, VOFF(vm_main.after_int)
    CHECK "int21 frame: EIP - next insn", eax, 0
    CHECK "int21 frame: CS", dword [h_frame+4], VM_CS
    mov eax, [h_frame+8]
    and eax, 0x27000
    CHECK "int21 frame: EFLAGS VM|IOPL|NT", eax, 0x23000
    CHECK "int21 frame: ESP", dword [h_frame+12], 0x0F00
    CHECK "int21 frame: SS", dword [h_frame+16], 0x0700
    CHECK "int21 frame: ES", dword [h_frame+20], 0x1000
    CHECK "int21 frame: DS", dword [h_frame+24], 0x0900
    CHECK "int21 frame: FS", dword [h_frame+28], 0x2000
    CHECK "int21 frame: GS", dword [h_frame+32], 0x3000
    movzx eax, word [0x9012]
    CHECK "word stored by VM86 at 0900:0012", eax, 0x2345
    movzx eax, word [0x10FFD0]
    CHECK "word stored by VM86 at FFFF:FFE0 (above 1 MiB)", eax, 0xBEEF
    CHECK "port 0x3FF read back in VM86", dword [0x9014], 0x5A

    ; --- int n with IOPL 0 -> #GP(0)
    EXPECT .r2
    mov ebx, VOFF(vm_iopl0)
    mov ecx, 0x00020002             ; VM, IOPL 0
    call enter_vm86
    NOFAULT
.r2: CHECKF "vm86 int 0x21 with IOPL 0 -> GP", 13, 0, ANYEIP, NOCR2
    mov eax, [fault_frame]
    sub eax, VOFF(vm_iopl0.int)
    CHECK "IOPL 0 frame: EIP - int offset", eax, 0
    ret

; ebx = VM86 IP, ecx = EFLAGS
enter_vm86:
    push dword 0x3000               ; GS
    push dword 0x2000               ; FS
    push dword 0x0900               ; DS
    push dword 0x1000               ; ES
    push dword 0x0700               ; SS
    push dword 0x0F00               ; ESP
    push ecx
    push dword VM_CS
    push ebx
    iretd

int21_handler:
    mov [ss:h_ds_entry], ds
    push eax
    mov ax, KDATA
    mov ds, ax
    mov es, ax
    pop eax
    mov [h_eax], eax
    push esi
    push edi
    push ecx
    lea esi, [esp+12]
    mov edi, h_frame
    mov ecx, 9
    cld
    rep movsd
    pop ecx
    pop edi
    pop esi
    iretd

bits 16
vm_start:
vm_main:
    mov word [0x10], 0x1234         ; DS=0x0900 -> physical 0x9010
    push es
    mov ax, 0x0901
    mov es, ax
    mov ax, [es:0]                  ; same byte address through another segment
    add ax, 0x1111
    mov [es:2], ax                  ; physical 0x9012
    mov bx, 0xFFFF
    mov es, bx
    mov word [es:0xFFE0], 0xBEEF    ; 0xFFFF0 + 0xFFE0 = physical 0x10FFD0
    pop es
    mov dx, COM1
    mov si, VOFF(vm_msg)
.l: mov bl, [cs:si]
    inc si
    test bl, bl
    jz .d
    xchg al, bl
    out dx, al
    xchg al, bl
    jmp .l
.d: push ax
    mov dx, 0x3FF
    mov al, 0x5A
    out dx, al
    xor ax, ax
    in al, dx
    mov [0x14], ax
    mov word [0x16], 0
    pop ax
    int 0x21
.after_int:
    nop
.hlt:
    hlt
    jmp .hlt
vm_iopl0:
.int:
    int 0x21
    jmp vm_iopl0
vm_msg: db "vm86: hello from virtual-8086 mode", 10, 0
vm_end:
bits 32

section .data
h_ds_entry: dd 0
h_eax:      dd 0
h_frame:    times 9 dd 0
