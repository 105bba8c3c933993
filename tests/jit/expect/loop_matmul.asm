; The inner loop of an integer matrix product (c[i][j] += aik * b[k][j]), as gcc -O2 emits it:
; a load, a multiply, a read-modify-write add to memory, and a counted compare-and-branch. The
; flags of imul, add and inc are dead (cmp overwrites them), so only cmp's are computed, and
; jne tests them directly. Entered from outside, the loop first runs whole groups of four
; iterations in 32-bit SIMD lanes (jit/emit/vector.ts), after checking its two memory operands.
bits 32
org 0x1000

top:
    mov edx, [esi+eax*4+0x115460]
    imul edx, edi
    add [ecx+eax*4+0x111460], edx
    inc eax
    cmp eax, 0x40
    jne top
