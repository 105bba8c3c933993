/**
 * The TLB entry format (DESIGN.md §3). One i32 per virtual page: the host offset of the page
 * XOR-ed with the virtual page address, plus flag bits in the low 12 bits. The fast path is one
 * load, one mask-compare and one XOR; everything else takes the slow path in `mmu.ts`.
 */

/** The entry is filled. */
export const TLB_VALID = 1 << 0;
/** Writes may take the fast path (page writable for user and supervisor, dirty already set). */
export const TLB_WRITE = 1 << 1;
/** The page is accessible at CPL 3. */
export const TLB_USER = 1 << 2;
/** The page is not RAM: accesses go to the monitor (MMIO or unassigned). */
export const TLB_MMIO = 1 << 3;
/** The page holds decoded or translated code: writes take the slow path to invalidate it. */
export const TLB_CODE = 1 << 4;
/** The mapping is global (CR4.PGE): a CR3 write keeps it. */
export const TLB_GLOBAL = 1 << 5;
/** The page is read-only ROM: writes are dropped. */
export const TLB_ROM = 1 << 6;
