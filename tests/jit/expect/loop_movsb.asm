; The byte loop of memcpy as gcc -O2 emits it for i386: a one-byte movs, a compare of the
; destination with its end, and a branch back. DF is read at run time for the step. Entered
; from outside with DF clear, the loop first copies whole groups of sixteen bytes in 8-bit
; SIMD lanes (jit/emit/vector.ts).
bits 32
org 0x1000

top:
    movsb
    cmp edi, eax
    jne top
