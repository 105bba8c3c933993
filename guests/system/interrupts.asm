; interrupts.asm - 8259 PIC remapped to 0x20-0x2F, PIT channel 0 mode 2,
; counting timer interrupts with sti/hlt, the sti interrupt shadow, cli
; masking, EOI and the in-service register, then real-mode delivery
; through the IVT.
%include "lib.inc"

N_TICKS equ 10
RM_BASE equ 0x8000
%define RM(x) ((x) - rm_start + RM_BASE)

section .text
main:
    ; --- PIC: ICW1..ICW4, everything masked
    mov al, 0x11
    out 0x20, al
    out 0xA0, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x28
    out 0xA1, al
    mov al, 4
    out 0x21, al
    mov al, 2
    out 0xA1, al
    mov al, 1
    out 0x21, al
    out 0xA1, al
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al
    mov eax, 0x21
.gates:
    mov ebx, irq_ignore
    mov cx, KCODE
    mov dl, 0x8E
    call set_gate
    inc eax
    cmp eax, 0x30
    jb .gates
    mov eax, 0x20
    mov ebx, timer_handler
    call set_gate
    ; --- PIT channel 0, mode 2, count 1193 (about 1 kHz)
    mov al, 0x34
    out 0x43, al
    mov al, 1193 & 0xFF
    out 0x40, al
    mov al, 1193 >> 8
    out 0x40, al

    ; --- count N timer interrupts; the handler masks IRQ 0 at the limit
    mov dword [ticks], 0
    mov dword [tick_limit], N_TICKS
    mov al, 0xFE
    out 0x21, al
.count:
    sti
    hlt
    cli
    cmp dword [ticks], N_TICKS
    jb .count
    CHECK "timer interrupts counted with sti/hlt", dword [ticks], N_TICKS
    in al, 0x21
    movzx eax, al
    CHECK "IMR after the handler masked IRQ 0", eax, 0xFF

    ; --- cli masking: IRQ 0 pending in IRR but not delivered
    mov dword [ticks], 0
    mov dword [tick_limit], 0xFFFFFFFF
    mov al, 0xFE
    out 0x21, al
    call wait_irr0
    CHECK "cli: IRR bit 0 pending, no interrupt taken", dword [ticks], 0
    ; --- sti shadow: the instruction after sti runs before the interrupt
    mov dword [marker], 0
    mov dword [record], 1
    sti
    mov dword [marker], 1
.s2: mov dword [marker], 2
    cli
    mov al, 0xFF
    out 0x21, al
    CHECK "sti shadow: marker seen by handler", dword [seen_marker], 1
    mov eax, [seen_eip]
    sub eax, .s2
    CHECK "sti shadow: interrupted EIP - label", eax, 0
    CHECK "sti shadow: one interrupt", dword [ticks], 1

    ; --- EOI: without it the in-service IRQ 0 blocks the next one
    mov dword [ticks], 0
    mov dword [tick_limit], 2
    mov dword [no_eoi], 1
    mov al, 0xFE
    out 0x21, al
    sti
.w1: cmp dword [ticks], 1
    jb .w1
    mov al, 0x0B                    ; OCW3: read ISR
    out 0x20, al
    in al, 0x20
    and eax, 1
    CHECK "ISR bit 0 set before EOI", eax, 1
    call wait_irr0
    CHECK "no second interrupt before EOI", dword [ticks], 1
    mov dword [no_eoi], 0
    mov al, 0x20
    out 0x20, al                    ; EOI: the pending IRQ 0 is delivered
.w2: cmp dword [ticks], 2
    jb .w2
    cli
    CHECK "interrupt delivered after EOI", dword [ticks], 2
    mov al, 0x0B
    out 0x20, al
    in al, 0x20
    movzx eax, al
    CHECK "ISR after EOI", eax, 0
    mov al, 0x0A                    ; back to reading IRR
    out 0x20, al

    ; --- real mode: int 0x30 through the IVT
    GO_REAL_MODE
pm_back:
    RELOAD_FLAT_SEGMENTS
    lidt [idt_desc]
    CHECK "real mode int 0x30: handler ran", dword [RM(rm_ran)], 0x30
    CHECK "real mode int 0x30: AX returned", dword [RM(rm_ax)], 0x1235
    CHECK "real mode int 0x30: stacked IP", dword [RM(rm_sip)], RM(rm_real.after)
    CHECK "real mode int 0x30: stacked CS", dword [RM(rm_scs)], 0
    mov eax, [RM(rm_sfl)]
    and eax, 0x300
    CHECK "real mode int 0x30: stacked FLAGS IF/TF", eax, 0x200
    mov eax, [RM(rm_hfl)]
    and eax, 0x200
    CHECK "real mode int 0x30: IF cleared in handler", eax, 0
    mov eax, [RM(rm_afl)]
    and eax, 0x200
    CHECK "real mode int 0x30: IF restored by iret", eax, 0x200
    ret

; wait (IF=0 or masked by ISR) until IRQ 0 is pending in the master IRR
wait_irr0:
    push eax
    mov al, 0x0A
    out 0x20, al
.l: in al, 0x20
    test al, 1
    jz .l
    pop eax
    ret

timer_handler:
    push eax
    inc dword [ticks]
    cmp dword [record], 0
    je .norec
    mov eax, [marker]
    mov [seen_marker], eax
    mov eax, [esp+4]
    mov [seen_eip], eax
    mov dword [record], 0
.norec:
    cmp dword [no_eoi], 0
    jne .noeoi
    mov al, 0x20
    out 0x20, al
.noeoi:
    mov eax, [ticks]
    cmp eax, [tick_limit]
    jb .done
    mov al, 0xFF
    out 0x21, al
.done:
    pop eax
    iretd

irq_ignore:
    iretd

bits 16
rm_start:
rm_entry:
    mov ax, DATA16
    mov ds, ax
    mov es, ax
    mov ss, ax
    lidt [RM(rm_ivt)]
    mov eax, cr0
    and al, 0xFE
    mov cr0, eax
    jmp 0:RM(rm_real)
rm_real:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    mov word [0x30*4], RM(rm_int30)
    mov word [0x30*4+2], 0
    mov ax, 0x1234
    sti
    int 0x30
.after:
    pushf
    pop word [RM(rm_afl)]
    cli
    mov [RM(rm_ax)], ax
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword KCODE:pm_back
rm_int30:
    push bp
    mov bp, sp
    push word [bp+2]
    pop word [RM(rm_sip)]
    push word [bp+4]
    pop word [RM(rm_scs)]
    push word [bp+6]
    pop word [RM(rm_sfl)]
    pushf
    pop word [RM(rm_hfl)]
    mov word [RM(rm_ran)], 0x30
    inc ax
    pop bp
    iret
align 4
rm_ivt: dw 0x3FF
        dd 0
align 4
rm_ran: dd 0
rm_ax:  dd 0
rm_sip: dd 0
rm_scs: dd 0xFFFF
rm_sfl: dd 0
rm_hfl: dd 0
rm_afl: dd 0
rm_end:
bits 32

section .data
saved_esp:  dd 0
ticks:      dd 0
tick_limit: dd 0
record:     dd 0
no_eoi:     dd 0
marker:     dd 0
seen_marker: dd 0
seen_eip:   dd 0
