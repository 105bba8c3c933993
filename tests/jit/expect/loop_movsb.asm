; The byte loop of memcpy as gcc -O2 emits it for i386: a one-byte movs, a compare of the
; destination with its end, and a branch back. DF is read at run time for the step.
bits 32
org 0x1000

top:
    movsb
    cmp edi, eax
    jne top
