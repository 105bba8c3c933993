; Loads and stores of each width through the inline TLB fast path: the TLB entry for the
; linear address is checked (valid, not MMIO, writable for stores), multi-byte accesses also
; check they stay on the page, and the host address is entry ^ linear. Otherwise the slow path
; stores the registers and flag record the access could observe and calls the rd*/wr* host
; function; a write that asks to stop makes the block leave after its instruction.
bits 32
org 0x1000

    mov eax, [esi]             ; 4-byte load
    movzx ecx, byte [esi+eax*4+8]  ; 1-byte load, scaled index
    add [edi], eax             ; read-modify-write: one translation, a load and a store
    mov [edi+4], cl            ; 1-byte store
    mov [ebx+6], ax            ; 2-byte store
    jmp 0x2000                 ; leave through the chain helper
