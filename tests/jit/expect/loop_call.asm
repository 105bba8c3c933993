; A loop calling a function: the region takes the callee and the call's return point as
; members, so the call becomes an edge to the callee and the callee's ret compares the popped
; EIP with the return point, taking the edge when it matches (return prediction) and leaving
; through the chain helper when it does not.
bits 32
org 0x1000

top:
    call square
    add ebx, eax
    dec ecx
    jnz top
square:
    mov eax, ecx
    imul eax, eax
    ret
