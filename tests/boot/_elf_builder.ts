/** Builds small ELF32, a.out-kludge and bzImage files byte by byte for the boot loader tests. */

/** One segment of a test ELF. */
export interface SegmentSpec {
  /** Virtual address. */
  vaddr: number;
  /** Physical address (defaults to vaddr). */
  paddr?: number;
  /** Bytes stored in the file. */
  data: Uint8Array;
  /** Bytes in memory (defaults to data.length). */
  memsz?: number;
  /** p_flags (defaults to r-x). */
  flags?: number;
  /** p_type (defaults to PT_LOAD = 1). */
  type?: number;
}

/** A multiboot header to embed in a test image. */
export interface HeaderSpec {
  /** The flags field. */
  flags: number;
  /** Words after the checksum (a.out kludge fields, video fields). */
  extra?: number[];
  /** Added to the correct checksum to make it wrong. */
  checksumDelta?: number;
}

/** A test ELF file. */
export interface ElfSpec {
  /** e_entry. */
  entry: number;
  /** Program headers, in order. */
  segments: SegmentSpec[];
  /** Multiboot header placed right after the program headers; omitted when null. */
  multiboot?: HeaderSpec | null;
  /** e_ident[EI_CLASS] (default 1). */
  elfClass?: number;
  /** e_ident[EI_DATA] (default 1). */
  data?: number;
  /** e_machine (default 3). */
  machine?: number;
  /** e_type (default 2). */
  type?: number;
}

/** The default multiboot header: page-align modules and memory info. */
export const DEFAULT_HEADER: HeaderSpec = { flags: 0x3 };

/** The bytes of a multiboot header. */
export function multibootHeader(spec: HeaderSpec): Uint8Array {
  const words = [0x1badb002, spec.flags, 0, ...(spec.extra ?? [])];
  words[2] = (-(0x1badb002 + spec.flags) + (spec.checksumDelta ?? 0)) >>> 0;
  return u32s(words);
}

/** Little-endian bytes of a list of u32 words. */
export function u32s(words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  return out;
}

/** Offset of the multiboot header in an ELF built by buildElf. */
export function headerOffset(spec: ElfSpec): number {
  return 52 + 32 * spec.segments.length;
}

/** Builds an ELF32 executable: header, program headers, multiboot header, segment data. */
export function buildElf(spec: ElfSpec): Uint8Array {
  const header = spec.multiboot === null ? new Uint8Array(0) : multibootHeader(
    spec.multiboot ?? DEFAULT_HEADER,
  );
  let at = headerOffset(spec) + header.length;
  const offsets = spec.segments.map((s) => {
    at = Math.ceil(at / 16) * 16;
    const offset = at;
    at += s.data.length;
    return offset;
  });
  const out = new Uint8Array(at);
  const view = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, spec.elfClass ?? 1, spec.data ?? 1, 1]);
  view.setUint16(16, spec.type ?? 2, true);
  view.setUint16(18, spec.machine ?? 3, true);
  view.setUint32(20, 1, true);
  view.setUint32(24, spec.entry, true);
  view.setUint32(28, 52, true); // e_phoff
  view.setUint16(40, 52, true); // e_ehsize
  view.setUint16(42, 32, true); // e_phentsize
  view.setUint16(44, spec.segments.length, true);
  spec.segments.forEach((s, i) => {
    const ph = 52 + 32 * i;
    view.setUint32(ph, s.type ?? 1, true);
    view.setUint32(ph + 4, offsets[i], true);
    view.setUint32(ph + 8, s.vaddr, true);
    view.setUint32(ph + 12, s.paddr ?? s.vaddr, true);
    view.setUint32(ph + 16, s.data.length, true);
    view.setUint32(ph + 20, s.memsz ?? s.data.length, true);
    view.setUint32(ph + 24, s.flags ?? 5, true);
    view.setUint32(ph + 28, 16, true);
    out.set(s.data, offsets[i]);
  });
  out.set(header, headerOffset(spec));
  return out;
}

/** Fields of an a.out-kludge image whose header is at file offset 0. */
export interface AoutSpec {
  /** header_addr. */
  headerAddr: number;
  /** load_addr. */
  loadAddr: number;
  /** load_end_addr. */
  loadEndAddr: number;
  /** bss_end_addr. */
  bssEndAddr: number;
  /** entry_addr. */
  entryAddr: number;
  /** Bytes after the 32-byte header. */
  body: Uint8Array;
  /** Zero bytes before the header (its file offset). */
  pad?: number;
}

/** Builds a flat image with an a.out-kludge multiboot header at `pad`. */
export function buildAout(spec: AoutSpec): Uint8Array {
  const header = multibootHeader({
    flags: 0x10003,
    extra: [spec.headerAddr, spec.loadAddr, spec.loadEndAddr, spec.bssEndAddr, spec.entryAddr],
  });
  const pad = spec.pad ?? 0;
  const out = new Uint8Array(pad + header.length + spec.body.length);
  out.set(header, pad);
  out.set(spec.body, pad + header.length);
  return out;
}

/** Fields of a test bzImage. */
export interface BzImageSpec {
  /** Boot protocol version (default 0x020f). */
  version?: number;
  /** setup_sects (default 1). */
  setupSects?: number;
  /** loadflags (default LOADED_HIGH). */
  loadflags?: number;
  /** code32_start (default 0x100000). */
  code32Start?: number;
  /** initrd_addr_max (default 0x7fffffff). */
  initrdAddrMax?: number;
  /** cmdline_size (default 2047). */
  cmdlineSize?: number;
  /** init_size (default 0). */
  initSize?: number;
  /** The protected-mode kernel. */
  kernel: Uint8Array;
}

/** Builds a bzImage: boot sector with the setup header, setup sectors, protected-mode kernel. */
export function buildBzImage(spec: BzImageSpec): Uint8Array {
  const setupSects = spec.setupSects ?? 1;
  const out = new Uint8Array((setupSects + 1) * 512 + spec.kernel.length);
  const view = new DataView(out.buffer);
  out[0x1f1] = setupSects;
  view.setUint16(0x1fe, 0xaa55, true);
  out[0x200] = 0xeb; // jmp short past the header
  out[0x201] = 0x6a; // header ends at 0x202 + 0x6a = 0x26c
  view.setUint32(0x202, 0x53726448, true); // "HdrS"
  view.setUint16(0x206, spec.version ?? 0x020f, true);
  out[0x211] = spec.loadflags ?? 1;
  view.setUint32(0x214, spec.code32Start ?? 0x100000, true);
  view.setUint32(0x22c, spec.initrdAddrMax ?? 0x7fffffff, true);
  view.setUint32(0x230, 0x200000, true);
  view.setUint32(0x238, spec.cmdlineSize ?? 2047, true);
  view.setUint32(0x260, spec.initSize ?? 0, true);
  out.set(spec.kernel, (setupSects + 1) * 512);
  return out;
}

/** `length` bytes counting up from `start` (mod 256), easy to recognise in memory. */
export function pattern(length: number, start = 1): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);
}
