; shld is not translated inline (it is absent from INLINE_EMITTERS): its instruction becomes a
; callout to the interpreter handler, so the registers and flag record the JIT keeps in locals
; are stored to the state before it and loaded again after it, and the block leaves if the
; handler returns stop.
bits 32
org 0x1000

    add eax, ebx
    shld edx, eax, 4           ; callout
    shl eax, 4
    or edx, ecx
    jmp 0x2000
