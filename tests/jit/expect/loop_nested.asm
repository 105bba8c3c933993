; Nested loops compiled as one region: the outer loop's head, the inner loop and the outer
; loop's tail. The inner loop branches back to itself, so its member sits in a wasm loop of its
; own and that back edge is a plain br to it. The outer loop has one way in (its head), so its
; three members sit in a wasm loop too and its back edge is a br to that, not through the region
; loop's br_table; only the head keeps an entry stub.
bits 32
org 0x1000

outer:
    mov ecx, 64
inner:
    add eax, [esi+ecx*4-4]
    dec ecx
    jnz inner
    add esi, 256
    dec edx
    jnz outer
    ret
