; A register ALU block ending in jl: every arithmetic result but the last cmp's is overwritten
; before anything reads the flags, so the golden shows no flag work for them; the cmp leaves
; its lazy-flag record in the state, and jl's condition is an i32.lt_s of the cmp's operands
; choosing the EIP passed to the chain helper.
bits 32
org 0x1000

    mov eax, ebx
    add eax, ecx               ; flags dead: shl replaces them
    shl eax, 2                 ; flags dead: xor replaces them
    xor edx, eax               ; flags dead: sub replaces them
    lea esi, [eax+edx*2+8]     ; no flags
    sub edx, 7                 ; flags dead: and replaces them
    and esi, 0xff0             ; flags dead: cmp replaces them
    cmp edx, esi
    jl 0x2000                  ; a target outside the snippet: the chain helper
