/**
 * The one layout of CPU state inside the shared WebAssembly.Memory (DESIGN.md §3).
 *
 * Both engines read and write these bytes: the interpreter through typed-array views, JIT code
 * through absolute loads and stores. This file is the only place an offset is written down.
 */

/** General registers, in encoding order (EAX=0 … EDI=7), 4 bytes each. */
export const OFF_REGS = 0;
/** Instruction pointer (offset within CS). */
export const OFF_EIP = 32;
/** EFLAGS; the six arithmetic flags are stale while a lazy record is pending. */
export const OFF_EFLAGS = 36;
/** Lazy-flag record: operation (a `LazyOp`, 0 = none pending). */
export const OFF_LAZY_OP = 40;
/** Lazy-flag record: first operand. */
export const OFF_LAZY_A = 44;
/** Lazy-flag record: second operand (or shift count). */
export const OFF_LAZY_B = 48;
/** Lazy-flag record: result. */
export const OFF_LAZY_RES = 52;
/** Lazy-flag record: operand size in bits (8, 16, 32). */
export const OFF_LAZY_SIZE = 56;

/** Segment registers ES, CS, SS, DS, FS, GS: 16 bytes each (selector, base, limit, attributes). */
export const OFF_SEGS = 64;
/** Bytes per segment-register record. */
export const SEG_RECORD = 16;
/** LDTR in the segment record format. */
export const OFF_LDTR = 160;
/** TR in the segment record format. */
export const OFF_TR = 176;
/** GDTR base and limit. */
export const OFF_GDTR_BASE = 192;
/** GDTR limit. */
export const OFF_GDTR_LIMIT = 196;
/** IDTR base. */
export const OFF_IDTR_BASE = 200;
/** IDTR limit. */
export const OFF_IDTR_LIMIT = 204;
/** CR0. */
export const OFF_CR0 = 208;
/** CR2 (faulting linear address). */
export const OFF_CR2 = 212;
/** CR3 (page directory base). */
export const OFF_CR3 = 216;
/** CR4. */
export const OFF_CR4 = 220;
/** Current privilege level (0–3). */
export const OFF_CPL = 224;
/** 1 while the CPU is halted waiting for an interrupt. */
export const OFF_HALTED = 228;
/** 1 for the instruction after sti or a load of SS: external interrupts wait one instruction. */
export const OFF_INHIBIT_IRQ = 232;
/** Mask applied to physical addresses: 0xFFEFFFFF with the A20 gate off, 0xFFFFFFFF on. */
export const OFF_A20_MASK = 236;
/** Debug registers DR0–DR7, 4 bytes each. */
export const OFF_DR = 240;
/** Time-stamp counter, 8 bytes (low dword first). */
export const OFF_TSC = 272;
/** SYSENTER_CS_MSR. */
export const OFF_SYSENTER_CS = 280;
/** SYSENTER_ESP_MSR. */
export const OFF_SYSENTER_ESP = 284;
/** SYSENTER_EIP_MSR. */
export const OFF_SYSENTER_EIP = 288;
/** x87 and spare room for later state. */
export const OFF_X87 = 512;
/** End of the architectural state block. */
export const STATE_END = 1024;

/** Segment record fields, as byte offsets inside one 16-byte record. */
export const SEG_SELECTOR = 0;
/** Hidden base. */
export const SEG_BASE = 4;
/** Hidden limit, already scaled by the granularity bit (in bytes, inclusive). */
export const SEG_LIMIT = 8;
/** Hidden attributes: descriptor bits 40–55 (access byte, then flags nibble at bits 12–15). */
export const SEG_ATTRS = 12;

/** Segment register numbers in encoding order. */
export const ES = 0;
/** Code segment. */
export const CS = 1;
/** Stack segment. */
export const SS = 2;
/** Data segment. */
export const DS = 3;
/** Extra segment FS. */
export const FS = 4;
/** Extra segment GS. */
export const GS = 5;

/** General registers in encoding order. */
export const EAX = 0;
/** Counter register. */
export const ECX = 1;
/** Data register. */
export const EDX = 2;
/** Base register. */
export const EBX = 3;
/** Stack pointer. */
export const ESP = 4;
/** Frame pointer. */
export const EBP = 5;
/** Source index. */
export const ESI = 6;
/** Destination index. */
export const EDI = 7;

/** The translation lookaside buffer: 2^20 i32 entries indexed by virtual page number. */
export const OFF_TLB = 4096;
/** Number of TLB entries (one per 4 KiB page of the 32-bit space). */
export const TLB_ENTRIES = 1 << 20;
/** Scratch owned by the JIT engine (its jump cache), from the TLB's end up to `OFF_MMU_AREA`. */
export const OFF_JIT_AREA = OFF_TLB + TLB_ENTRIES * 4;
/** Guest physical address 0 lives at this offset of the shared memory. */
export const RAM_BASE = 0x0080_0000;

/** Pages in the largest guest RAM (3 GiB): the shared memory must stay under 4 GiB. */
export const MAX_RAM_PAGES = 0xC_0000;
/**
 * The code-page map: one byte per page of RAM, non-zero while the page holds decoded or
 * translated code. It lives in the shared memory so that a page walk in compiled code can see it.
 */
export const OFF_CODE_MAP = RAM_BASE - MAX_RAM_PAGES;
/** Most TLB fills tracked for a targeted flush; past this a flush clears the whole table. */
export const TLB_TRACKED_MAX = 8192;
/** Virtual page numbers of the TLB entries filled since the last full flush (i32 each). */
export const OFF_TLB_FILLED = OFF_CODE_MAP - TLB_TRACKED_MAX * 4;
/** How many of `OFF_TLB_FILLED` are in use. */
export const OFF_TLB_FILLED_COUNT = OFF_TLB_FILLED - 8;
/** 1 when more entries were filled than could be tracked: a flush then clears the whole TLB. */
export const OFF_TLB_OVERFLOW = OFF_TLB_FILLED - 4;
/** Start of the MMU's shared bookkeeping, which ends the JIT's scratch area. */
export const OFF_MMU_AREA = OFF_TLB_FILLED_COUNT;

/** Offset of segment register `seg`'s record. */
export function segOffset(seg: number): number {
  return OFF_SEGS + seg * SEG_RECORD;
}
