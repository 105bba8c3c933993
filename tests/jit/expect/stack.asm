; A call with its frame and return, as three blocks (the caller up to the call, the return
; point, the callee): push, pop, call and ret keep ESP in a local and access the stack through
; the same TLB fast path as other memory; call pushes its return EIP and goes to the callee
; through the chain helper (jump cache), and ret pops an EIP and does the same with it.
bits 32
org 0x1000

caller:                        ; block 0: ends at the call
    push ebp
    mov ebp, esp
    push esi
    push dword [ebp+8]
    call callee
back:                          ; block 1: the return point
    add esp, 4
    pop esi
    pop ebp
    ret
callee:                        ; block 2
    mov eax, [esp+4]
    inc eax
    ret
