; rep movsd and rep stosb: each becomes one memory.copy or memory.fill when DF is clear and the
; source and destination each stay on one page that the TLB allows (and a forward copy does not
; overlap); anything else calls out to the interpreter's handler for the whole instruction.
bits 32
org 0x1000

    mov ecx, 8
    rep movsd
    mov ecx, 5
    mov al, 0xcc
    rep stosb
    jmp 0x2000
