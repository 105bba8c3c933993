; A loop with an if inside (keep the maximum of an array), compiled as one region of three
; members: the loop head ending in jle, the then-branch (which carries on through its own copy
; of the loop tail) and the loop tail; edges between members stay in the function, forward ones
; as branches out of nested wasm blocks. The loop has one way in (its head), so the three members
; sit in a wasm loop of their own and back edges branch straight to it, not through the region
; loop's br_table. dec needs the incoming CF, so the cmp's record crosses into both later members.
bits 32
org 0x1000

top:
    mov eax, [esi]
    add esi, 4
    cmp eax, edx
    jle skip
    mov edx, eax               ; then-branch: a new maximum
skip:
    dec ecx
    jnz top
