; A counted loop (dec ecx; jnz) over memory, compiled as a one-block region: the registers are
; loaded into locals once, before a wasm loop whose back edge checks the instruction budget
; (storing them only when it leaves); the load and store take the TLB fast path each iteration,
; and jnz tests dec's result directly while the flag record is carried across the edge in
; locals (CF from the add, since dec keeps it).
bits 32
org 0x1000

top:
    mov eax, [esi+ecx*4-4]
    add ebx, eax
    mov [edi+ecx*4-4], ebx
    dec ecx
    jnz top
