/**
 * Paging and the TLB (SDM vol. 3 ch. 4, 32-bit paging): the fast path for every guest memory
 * access, the two-level page walk with 4 MiB pages (CR4.PSE), global pages (CR4.PGE), accessed
 * and dirty bits, U/S and R/W checks with CR0.WP, and #PF with its error code and CR2.
 */

import type { Cpu } from "./cpu.ts";
import { PF, raise } from "./fault.ts";
import {
  OFF_A20_MASK,
  OFF_CODE_MAP,
  OFF_CPL,
  OFF_CR0,
  OFF_CR2,
  OFF_CR3,
  OFF_CR4,
  OFF_TLB,
  OFF_TLB_FILLED,
  OFF_TLB_FILLED_COUNT,
  OFF_TLB_OVERFLOW,
  TLB_ENTRIES,
  TLB_TRACKED_MAX,
} from "./state.ts";
import { TLB_CODE, TLB_GLOBAL, TLB_MMIO, TLB_ROM, TLB_USER, TLB_VALID, TLB_WRITE } from "./tlb.ts";

/** Page-table entry: present. */
export const PTE_P = 1 << 0;
/** Page-table entry: writable. */
export const PTE_RW = 1 << 1;
/** Page-table entry: user accessible. */
export const PTE_US = 1 << 2;
/** Page-table entry: accessed. */
export const PTE_A = 1 << 5;
/** Page-table entry: dirty. */
export const PTE_D = 1 << 6;
/** Page-directory entry: 4 MiB page. */
export const PDE_PS = 1 << 7;
/** Page-table entry: global. */
export const PTE_G = 1 << 8;
/** CR4.PSE: 4 MiB pages. */
export const CR4_PSE = 1 << 4;
/** CR4.PGE: global pages. */
export const CR4_PGE = 1 << 7;
/** #PF error code: the page was present (protection violation). */
const PF_P = 1;
/** #PF error code: the access was a write. */
const PF_W = 2;
/** #PF error code: the access came from CPL 3. */
const PF_U = 4;

/** Memory access kinds for the slow path. */
export const ACCESS_READ = 0;
/** A write access. */
export const ACCESS_WRITE = 1;
/** An instruction fetch. */
export const ACCESS_FETCH = 2;

/** The MMU of one CPU. */
export class Mmu {
  readonly #cpu: Cpu;
  /** The TLB as a view into the shared memory. */
  readonly tlb: Int32Array;
  /** Mask and wanted value of a TLB entry for a fast read at the current CPL. */
  #rdMask = TLB_VALID | TLB_MMIO;
  #rdWant = TLB_VALID;
  /** Mask and wanted value for a fast write. */
  #wrMask = TLB_VALID | TLB_WRITE | TLB_MMIO | TLB_CODE;
  #wrWant = TLB_VALID | TLB_WRITE;
  /**
   * Virtual page numbers filled since the last full flush, in the shared memory because page
   * walks in compiled code fill entries too; `#i32` holds the count and the overflow mark.
   */
  readonly #filled: Int32Array;
  readonly #i32: Int32Array;
  /** Physical pages that hold decoded or translated code (non-zero: marked). */
  readonly codePages: Uint8Array;
  /** Called when a guest write hits a code page, with its physical page number (the JIT's hook). */
  onCodeWrite: (page: number) => void = () => {};
  /** Further observers of code-page writes (decoded-instruction caches). */
  readonly #codeListeners: ((page: number) => void)[] = [];

  /**
   * Creates the MMU of `cpu`, with an empty TLB.
   * @param cpu the CPU whose state holds CR0, CR3, CR4 and the TLB
   */
  constructor(cpu: Cpu) {
    this.#cpu = cpu;
    const buffer = cpu.mem.memory.buffer;
    this.tlb = new Int32Array(buffer, OFF_TLB, TLB_ENTRIES);
    this.#filled = new Int32Array(buffer, OFF_TLB_FILLED, TLB_TRACKED_MAX);
    this.#i32 = cpu.i32;
    this.codePages = new Uint8Array(buffer, OFF_CODE_MAP, Math.ceil(cpu.mem.ramSize / 4096));
  }

  /** Selects the fast-path masks for user (CPL 3) or supervisor accesses. */
  setUser(user: boolean): void {
    const u = user ? TLB_USER : 0;
    this.#rdMask = TLB_VALID | TLB_MMIO | u;
    this.#rdWant = TLB_VALID | u;
    this.#wrMask = TLB_VALID | TLB_WRITE | TLB_MMIO | TLB_CODE | u;
    this.#wrWant = TLB_VALID | TLB_WRITE | u;
  }

  /** Forgets every TLB entry (CR0/CR4 changes, A20 changes, code-page marking). */
  flushAll(): void {
    const i32 = this.#i32;
    if (i32[OFF_TLB_OVERFLOW >> 2] !== 0) this.tlb.fill(0);
    else {
      const count = i32[OFF_TLB_FILLED_COUNT >> 2];
      for (let n = 0; n < count; n++) this.tlb[this.#filled[n]] = 0;
    }
    i32[OFF_TLB_FILLED_COUNT >> 2] = 0;
    i32[OFF_TLB_OVERFLOW >> 2] = 0;
  }
  /** Forgets non-global entries (a CR3 write). */
  flushNonGlobal(): void {
    const i32 = this.#i32;
    if (i32[OFF_TLB_OVERFLOW >> 2] !== 0) {
      const tlb = this.tlb;
      for (let n = 0; n < TLB_ENTRIES; n++) if ((tlb[n] & TLB_GLOBAL) === 0) tlb[n] = 0;
      i32[OFF_TLB_OVERFLOW >> 2] = 0;
      i32[OFF_TLB_FILLED_COUNT >> 2] = 0;
      return;
    }
    const count = i32[OFF_TLB_FILLED_COUNT >> 2];
    let kept = 0;
    for (let n = 0; n < count; n++) {
      const vpn = this.#filled[n];
      if ((this.tlb[vpn] & TLB_GLOBAL) !== 0) this.#filled[kept++] = vpn;
      else this.tlb[vpn] = 0;
    }
    i32[OFF_TLB_FILLED_COUNT >> 2] = kept;
  }
  /** Forgets the entry for one linear address (invlpg). */
  flushPage(linear: number): void {
    this.tlb[linear >>> 12] = 0;
  }

  // ---- fast paths ----------------------------------------------------------------------------

  /** Reads a byte at a linear address. */
  read8(lin: number): number {
    const e = this.tlb[lin >>> 12];
    if ((e & this.#rdMask) === this.#rdWant) return this.#cpu.u8[((e & ~0xfff) ^ lin) >>> 0];
    return this.slowRead(lin, 1);
  }
  /** Reads a little-endian u16 at a linear address. */
  read16(lin: number): number {
    const e = this.tlb[lin >>> 12];
    if ((e & this.#rdMask) === this.#rdWant && (lin & 0xfff) !== 0xfff) {
      return this.#cpu.view.getUint16(((e & ~0xfff) ^ lin) >>> 0, true);
    }
    return this.slowRead(lin, 2);
  }
  /** Reads a little-endian i32 at a linear address. */
  read32(lin: number): number {
    const e = this.tlb[lin >>> 12];
    if ((e & this.#rdMask) === this.#rdWant && (lin & 0xfff) <= 0xffc) {
      return this.#cpu.view.getInt32(((e & ~0xfff) ^ lin) >>> 0, true);
    }
    return this.slowRead(lin, 4);
  }
  /** Writes a byte at a linear address. */
  write8(lin: number, v: number): void {
    const e = this.tlb[lin >>> 12];
    if ((e & this.#wrMask) === this.#wrWant) this.#cpu.u8[((e & ~0xfff) ^ lin) >>> 0] = v;
    else this.slowWrite(lin, 1, v);
  }
  /** Writes a little-endian u16 at a linear address. */
  write16(lin: number, v: number): void {
    const e = this.tlb[lin >>> 12];
    if ((e & this.#wrMask) === this.#wrWant && (lin & 0xfff) !== 0xfff) {
      this.#cpu.view.setUint16(((e & ~0xfff) ^ lin) >>> 0, v, true);
    } else this.slowWrite(lin, 2, v);
  }
  /** Writes a little-endian i32 at a linear address. */
  write32(lin: number, v: number): void {
    const e = this.tlb[lin >>> 12];
    if ((e & this.#wrMask) === this.#wrWant && (lin & 0xfff) <= 0xffc) {
      this.#cpu.view.setInt32(((e & ~0xfff) ^ lin) >>> 0, v, true);
    } else this.slowWrite(lin, 4, v);
  }

  /**
   * Host offset of the byte at linear address `lin` when an instruction fetch can take the fast
   * path (RAM or ROM, mapped for the current privilege), else -1.
   */
  fetchHost(lin: number): number {
    const e = this.tlb[lin >>> 12];
    return (e & this.#rdMask) === this.#rdWant ? ((e & ~0xfff) ^ lin) >>> 0 : -1;
  }

  /** Reads at a linear address as the supervisor (descriptor tables, TSS), whatever the CPL. */
  readSystem(lin: number, size: number): number {
    const cpl = this.#cpu.i32[OFF_CPL >> 2];
    this.setUser(false);
    try {
      let v = 0;
      for (let n = 0; n < size; n++) v |= this.slowRead((lin + n) | 0, 1) << (8 * n);
      return v;
    } finally {
      this.setUser(cpl === 3);
    }
  }
  /** Writes at a linear address as the supervisor (accessed bits, TSS, busy bits). */
  writeSystem(lin: number, size: number, v: number): void {
    const cpl = this.#cpu.i32[OFF_CPL >> 2];
    this.setUser(false);
    try {
      for (let n = 0; n < size; n++) this.slowWrite((lin + n) | 0, 1, (v >>> (8 * n)) & 0xff);
    } finally {
      this.setUser(cpl === 3);
    }
  }

  // ---- slow paths ----------------------------------------------------------------------------

  /** Reads through the page walk, byte by byte across a page boundary. */
  slowRead(lin: number, size: number): number {
    if (((lin & 0xfff) + size) > 0x1000) {
      // Translate both pages before reading so a fault leaves nothing half done.
      this.translate(lin, ACCESS_READ);
      // A fault on the second page reports that page's first byte in CR2.
      this.translate((lin + size - 1) & ~0xfff, ACCESS_READ);
      let v = 0;
      for (let n = 0; n < size; n++) v |= this.readByteSlow((lin + n) | 0) << (8 * n);
      return size === 4 ? v | 0 : v;
    }
    const e = this.translate(lin, ACCESS_READ);
    if ((e & TLB_MMIO) !== 0) {
      return this.#cpu.env.mmioRead(this.physical(lin, e), size as 1 | 2 | 4);
    }
    const host = ((e & ~0xfff) ^ lin) >>> 0;
    const view = this.#cpu.view;
    return size === 4
      ? view.getInt32(host, true)
      : size === 2
      ? view.getUint16(host, true)
      : view.getUint8(host);
  }

  /** Reads one byte through the slow path. */
  private readByteSlow(lin: number): number {
    const e = this.translate(lin, ACCESS_READ);
    if ((e & TLB_MMIO) !== 0) return this.#cpu.env.mmioRead(this.physical(lin, e), 1);
    return this.#cpu.u8[((e & ~0xfff) ^ lin) >>> 0];
  }

  /** Writes through the page walk, checking both pages first when the write crosses one. */
  slowWrite(lin: number, size: number, v: number): void {
    if (((lin & 0xfff) + size) > 0x1000) {
      this.translate(lin, ACCESS_WRITE);
      this.translate((lin + size - 1) & ~0xfff, ACCESS_WRITE);
      for (let n = 0; n < size; n++) this.writeByteSlow((lin + n) | 0, (v >>> (8 * n)) & 0xff);
      return;
    }
    const e = this.translate(lin, ACCESS_WRITE);
    if ((e & TLB_MMIO) !== 0) {
      this.#cpu.env.mmioWrite(this.physical(lin, e), size as 1 | 2 | 4, size === 4 ? v >>> 0 : v);
      return;
    }
    if ((e & TLB_ROM) !== 0) return;
    const host = ((e & ~0xfff) ^ lin) >>> 0;
    const view = this.#cpu.view;
    if (size === 4) view.setInt32(host, v, true);
    else if (size === 2) view.setUint16(host, v, true);
    else view.setUint8(host, v);
  }

  /** Writes one byte through the slow path. */
  private writeByteSlow(lin: number, v: number): void {
    const e = this.translate(lin, ACCESS_WRITE);
    if ((e & TLB_MMIO) !== 0) this.#cpu.env.mmioWrite(this.physical(lin, e), 1, v);
    else if ((e & TLB_ROM) === 0) this.#cpu.u8[((e & ~0xfff) ^ lin) >>> 0] = v;
  }

  /** Physical address of `lin` under a TLB entry of an MMIO page (stored as the physical page). */
  private physical(lin: number, e: number): number {
    return ((e & ~0xfff) ^ lin) >>> 0;
  }

  /**
   * Translates a linear address for an access, walking the page tables when paging is on, and
   * returns the TLB entry (filled when cacheable). Raises #PF on a violation.
   */
  translate(lin: number, access: number): number {
    const cpu = this.#cpu;
    const i32 = cpu.i32;
    const cr0 = i32[OFF_CR0 >> 2];
    const user = i32[OFF_CPL >> 2] === 3;
    const write = access === ACCESS_WRITE;
    let phys: number;
    let userOk = true, writeOk = true, global = false;
    let cacheable = true;
    if (cr0 < 0) {
      const cr3 = i32[OFF_CR3 >> 2] & ~0xfff;
      const cr4 = i32[OFF_CR4 >> 2];
      const pdeAddr = (cr3 + ((lin >>> 22) << 2)) >>> 0;
      const pde = this.readPhys32(pdeAddr);
      const errBase = (write ? PF_W : 0) | (user ? PF_U : 0);
      if ((pde & PTE_P) === 0) this.pageFault(lin, errBase);
      if ((pde & PDE_PS) !== 0 && (cr4 & CR4_PSE) !== 0) {
        userOk = (pde & PTE_US) !== 0;
        writeOk = (pde & PTE_RW) !== 0;
        this.checkAccess(lin, user, write, userOk, writeOk, cr0, errBase);
        let upd = pde | PTE_A;
        if (write) upd |= PTE_D;
        if (upd !== pde) this.writePhys32(pdeAddr, upd);
        if (!write && (pde & PTE_D) === 0) writeOk = false; // first write must set D
        global = (pde & PTE_G) !== 0 && (cr4 & CR4_PGE) !== 0;
        phys = ((pde & 0xffc00000) | (lin & 0x3ff000)) >>> 0;
      } else {
        const pteAddr = ((pde & ~0xfff) + (((lin >>> 12) & 0x3ff) << 2)) >>> 0;
        const pte = this.readPhys32(pteAddr);
        if ((pte & PTE_P) === 0) this.pageFault(lin, errBase);
        userOk = (pde & PTE_US) !== 0 && (pte & PTE_US) !== 0;
        writeOk = (pde & PTE_RW) !== 0 && (pte & PTE_RW) !== 0;
        this.checkAccess(lin, user, write, userOk, writeOk, cr0, errBase);
        if ((pde & PTE_A) === 0) this.writePhys32(pdeAddr, pde | PTE_A);
        let upd = pte | PTE_A;
        if (write) upd |= PTE_D;
        if (upd !== pte) this.writePhys32(pteAddr, upd);
        if (!write && (pte & PTE_D) === 0) writeOk = false;
        global = (pte & PTE_G) !== 0 && (cr4 & CR4_PGE) !== 0;
        phys = ((pte & ~0xfff) | 0) >>> 0;
      }
      // A supervisor write allowed only because CR0.WP is clear must not be cached as writable.
      if (write && !writeOk) cacheable = false;
    } else {
      phys = (lin & i32[OFF_A20_MASK >> 2] & ~0xfff) >>> 0;
    }
    const host = cpu.mem.hostPage(phys);
    let flags = TLB_VALID;
    if (userOk) flags |= TLB_USER;
    if (global) flags |= TLB_GLOBAL;
    let base: number;
    if (host < 0) {
      flags |= TLB_MMIO;
      base = phys;
    } else {
      base = host;
      const page = phys >>> 12;
      if (phys < cpu.mem.ramSize) {
        if (writeOk) flags |= TLB_WRITE;
        if (this.codePages[page] !== 0) {
          if (write) {
            this.codeWritten(page);
            if (this.codePages[page] !== 0) flags |= TLB_CODE;
          } else flags |= TLB_CODE;
        }
      } else {
        flags |= TLB_ROM;
      }
    }
    const entry = ((base ^ (lin & ~0xfff)) & ~0xfff) | flags;
    if (cacheable) {
      const vpn = lin >>> 12;
      if (this.tlb[vpn] === 0) {
        const count = this.#i32[OFF_TLB_FILLED_COUNT >> 2];
        if (count < TLB_TRACKED_MAX) {
          this.#filled[count] = vpn;
          this.#i32[OFF_TLB_FILLED_COUNT >> 2] = count + 1;
        } else this.#i32[OFF_TLB_OVERFLOW >> 2] = 1;
      }
      this.tlb[vpn] = entry;
    }
    return entry;
  }

  /** Raises #PF when the page's U/S or R/W bits forbid the access. */
  private checkAccess(
    lin: number,
    user: boolean,
    write: boolean,
    userOk: boolean,
    writeOk: boolean,
    cr0: number,
    errBase: number,
  ): void {
    if (user && !userOk) this.pageFault(lin, errBase | PF_P);
    if (write && !writeOk && (user || (cr0 & (1 << 16)) !== 0)) this.pageFault(lin, errBase | PF_P);
  }

  /** Records CR2 and raises #PF with `code`. */
  private pageFault(lin: number, code: number): never {
    this.#cpu.i32[OFF_CR2 >> 2] = lin;
    raise(PF, code);
  }

  /** Reads a page-table entry from physical memory (outside RAM reads as zero: not present). */
  /** Reads a page-table entry (outside RAM: 0, not present). */
  private readPhys32(addr: number): number {
    const mem = this.#cpu.mem;
    if (addr + 4 > mem.ramSize) return 0;
    return mem.readU32(addr) | 0;
  }
  /** Writes back a page-table entry (accessed and dirty bits). */
  private writePhys32(addr: number, v: number): void {
    const mem = this.#cpu.mem;
    if (addr + 4 <= mem.ramSize) {
      mem.writeU32(addr, v);
      if (this.codePages[addr >>> 12] !== 0) this.codeWritten(addr >>> 12);
    }
  }

  /** Adds an observer of writes to code pages. */
  addCodeListener(listener: (page: number) => void): void {
    this.#codeListeners.push(listener);
  }

  /** Reports a write to code page `page` to every observer, then clears the page's mark. */
  codeWritten(page: number): void {
    for (const l of this.#codeListeners) l(page);
    this.onCodeWrite(page);
    this.unmarkCode(page);
  }

  /** Marks a physical page as holding code, so guest writes to it are seen. */
  markCode(page: number): void {
    if (page >= this.codePages.length) return;
    if (this.codePages[page] === 0) {
      this.codePages[page] = 1;
      this.flushAll();
    }
  }
  /** Clears a page's code mark (its code was invalidated). */
  unmarkCode(page: number): void {
    if (page < this.codePages.length) this.codePages[page] = 0;
  }
}
