; An unsigned divide that can fault: div checks EDX >= divisor (which covers a zero divisor and
; a quotient too large for EAX) and hands such a div to the interpreter's handler, which raises
; #DE with the state before the div; otherwise the 64-bit dividend is divided inline with
; i64.div_u and i64.rem_u.
bits 32
org 0x1000

    mov eax, [esi]
    xor edx, edx
    div ecx
    mov [edi], eax
    mov [edi+4], edx
    jmp 0x2000
