; paging.asm - two-level 32-bit paging: A/D bits, 4 MiB pages, #PF error
; codes and CR2, CR0.WP, invlpg / CR3 reload after a PTE change, aliasing,
; user/supervisor checks from ring 3.
%include "lib.inc"

%define PTE(va) (pt1 + (((va) >> 12) & 0x3FF) * 4)
AD_PG    equ 0x401000           ; accessed/dirty test page
NP_PG    equ 0x402000           ; not present
RO_PG    equ 0x403000           ; read-only, user
REMAP_PG equ 0x404000           ; PTE rewritten while live
ALIAS_PG equ 0x408000           ; maps physical 0x409000
SUP_PG   equ 0x40B000           ; supervisor-only
UW_PG    equ 0x40C000           ; user writable
BIG_VA   equ 0x800000           ; 4 MiB page -> physical 0x400000
NOPDE_VA equ 0xC00000           ; page directory entry not present

section .text
main:
    ; identity map 0..8 MiB with 4 KiB pages, P|W|U
    mov edi, pt0
    mov eax, 0x007
    mov ecx, 2048
.fill:
    stosd
    add eax, 0x1000
    loop .fill
    mov dword [pd], pt0 + 7
    mov dword [pd+4], pt1 + 7
    mov dword [PTE(NP_PG)], NP_PG               ; not present
    mov dword [PTE(RO_PG)], RO_PG + 5           ; P|U, read-only
    mov dword [PTE(ALIAS_PG)], 0x409000 + 7
    mov dword [PTE(SUP_PG)], SUP_PG + 3         ; P|W, supervisor
    mov dword [pd+8], 0x400000 + 0x87           ; 4 MiB page, P|W|U|PS
    mov dword [RO_PG], 0x0000AAAA
    mov eax, pd
    mov cr3, eax
    mov eax, cr4
    or eax, 0x10                                ; PSE
    mov cr4, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp .on
.on:
    PRINTLN "paging enabled"

    ; --- accessed / dirty
    mov dword [PTE(AD_PG)], AD_PG + 7
    and dword [pd+4], ~0x60
    invlpg [AD_PG]
    mov eax, [PTE(AD_PG)]
    and eax, 0x60
    CHECK "PTE A/D before access", eax, 0
    mov eax, [AD_PG]
    mov eax, [PTE(AD_PG)]
    and eax, 0x60
    CHECK "PTE A/D after read", eax, 0x20
    mov eax, [pd+4]
    and eax, 0x20
    CHECK "PDE A after read", eax, 0x20
    mov dword [AD_PG], 1
    mov eax, [PTE(AD_PG)]
    and eax, 0x60
    CHECK "PTE A/D after write", eax, 0x60

    ; --- 4 MiB page
    mov dword [0x40A000], 0x4BB4
    mov eax, [BIG_VA + 0xA000]
    CHECK "4 MiB page read", eax, 0x4BB4
    mov dword [BIG_VA + 0xA004], 0x77
    CHECK "4 MiB page write seen at phys", dword [0x40A004], 0x77
    mov eax, [pd+8]
    and eax, 0xE0
    CHECK "4 MiB PDE A/D/PS", eax, 0xE0

    ; --- not present
    EXPECT .r1
.f1: mov eax, [NP_PG + 0x123]
    NOFAULT
.r1: CHECKF "PF read not-present", 14, 0, .f1, NP_PG + 0x123
    EXPECT .r2
.f2: mov dword [NP_PG + 0xFFC], 5
    NOFAULT
.r2: CHECKF "PF write not-present", 14, 2, .f2, NP_PG + 0xFFC
    EXPECT .r3
.f3: mov eax, [NOPDE_VA + 0x10]
    NOFAULT
.r3: CHECKF "PF read, PDE not present", 14, 0, .f3, NOPDE_VA + 0x10
    EXPECT .r3b
.f3b: mov eax, [NP_PG - 2]           ; dword straddles into the absent page
    NOFAULT
.r3b: CHECKF "PF read straddling page", 14, 0, .f3b, NP_PG

    ; --- CR0.WP
    mov eax, cr0
    and eax, ~0x10000
    mov cr0, eax
    mov dword [RO_PG], 0x1234
    CHECK "WP=0 supervisor write to RO page", dword [RO_PG], 0x1234
    mov eax, cr0
    or eax, 0x10000
    mov cr0, eax
    EXPECT .r4
.f4: mov dword [RO_PG], 0x5678
    NOFAULT
.r4: CHECKF "WP=1 supervisor write to RO page", 14, 3, .f4, RO_PG
    CHECK "RO page unchanged", dword [RO_PG], 0x1234

    ; --- remap a live PTE
    mov dword [0x404000], 0xAAAA0001
    mov dword [0x406000], 0xBBBB0002
    mov dword [0x407000], 0xCCCC0003
    mov eax, [REMAP_PG]
    CHECK "remap: original", eax, 0xAAAA0001
    mov dword [PTE(REMAP_PG)], 0x406000 + 7
    invlpg [REMAP_PG]
    mov eax, [REMAP_PG]
    CHECK "remap: after invlpg", eax, 0xBBBB0002
    mov dword [PTE(REMAP_PG)], 0x407000 + 7
    mov eax, cr3
    mov cr3, eax
    mov eax, [REMAP_PG]
    CHECK "remap: after CR3 reload", eax, 0xCCCC0003

    ; --- alias
    mov dword [ALIAS_PG + 0x10], 0xA11A5
    CHECK "alias: write via alias, read phys", dword [0x409010], 0xA11A5
    mov dword [0x409014], 0x5A11A
    CHECK "alias: write phys, read via alias", dword [ALIAS_PG + 0x14], 0x5A11A

    ; --- ring 3
    mov ebx, r3_read_ro
    mov eax, 2
    call ring3_call
    CHECK "ring 3 read of user RO page", dword [r3_result], 0x1234
    mov ebx, r3_write_uw
    mov eax, 2
    call ring3_call
    CHECK "ring 3 write of user RW page", dword [UW_PG], 0x3333
    EXPECT .r5
    mov ebx, r3_read_sup
    mov eax, 2
    call ring3_call
    NOFAULT
.r5: CHECKF "ring 3 read of supervisor page", 14, 5, r3_read_sup.f, SUP_PG + 8
    EXPECT .r6
    mov ebx, r3_write_sup
    mov eax, 2
    call ring3_call
    NOFAULT
.r6: CHECKF "ring 3 write of supervisor page", 14, 7, r3_write_sup.f, SUP_PG
    EXPECT .r7
    mov ebx, r3_write_ro
    mov eax, 2
    call ring3_call
    NOFAULT
.r7: CHECKF "ring 3 write of user RO page", 14, 7, r3_write_ro.f, RO_PG + 4
    EXPECT .r8
    mov ebx, r3_read_np
    mov eax, 2
    call ring3_call
    NOFAULT
.r8: CHECKF "ring 3 read of not-present page", 14, 4, r3_read_np.f, NP_PG
    ret

r3_read_ro:
    mov eax, [RO_PG]
    mov [r3_result], eax
    R3RET
r3_write_uw:
    mov dword [UW_PG], 0x3333
    R3RET
r3_read_sup:
.f: mov eax, [SUP_PG + 8]
    R3RET
r3_write_sup:
.f: mov dword [SUP_PG], 1
    R3RET
r3_write_ro:
.f: mov dword [RO_PG + 4], 1
    R3RET
r3_read_np:
.f: mov eax, [NP_PG]
    R3RET

section .data
r3_result: dd 0

section .bss
alignb 4096
pd:  resb 4096
pt0: resb 4096
pt1: resb 4096
