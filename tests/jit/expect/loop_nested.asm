; Nested loops compiled as one region: the outer loop's head, the inner loop and the outer
; loop's tail. The inner loop branches back to itself, so its member sits in a wasm loop of its
; own and that back edge is a plain br to it; only the outer back edge goes through the region
; loop and its br_table on the member index.
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
