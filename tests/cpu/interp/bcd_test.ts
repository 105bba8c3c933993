/** bcd.ts: the SDM's DAA, DAS, AAA, AAS, AAM and AAD definitions and their examples. */

import { DE } from "../../../src/cpu/fault.ts";
import { AF, CF, PF, SF, ZF } from "../../../src/cpu/flags.ts";
import { runCases } from "./_cases.ts";

/** Flags daa/das define. */
const DAA = CF | AF | SF | ZF | PF;
/** Flags aaa/aas define. */
const AAA = CF | AF;
/** Flags aam/aad define. */
const AAM = SF | ZF | PF;

runCases("bcd", [
  // 27: daa (SDM example: 79 + 35 = AE, daa gives 14 with CF)
  {
    name: "daa after 79+35 gives 14 and CF",
    code: [0x27],
    regs: { eax: 0xae },
    out: { eax: 0x14 },
    outFlags: CF | AF | PF,
    mask: DAA,
  },
  {
    name: "daa of 9A gives 00 with CF and AF",
    code: [0x27],
    regs: { eax: 0x9a },
    out: { eax: 0 },
    outFlags: CF | AF | ZF | PF,
    mask: DAA,
  },
  {
    name: "daa keeps a valid 45",
    code: [0x27],
    regs: { eax: 0x45 },
    out: { eax: 0x45 },
    outFlags: 0,
    mask: DAA,
  },
  {
    name: "daa with AF in adds 6",
    code: [0x27],
    regs: { eax: 0x12 },
    flags: AF,
    out: { eax: 0x18 },
    outFlags: AF | PF,
    mask: DAA,
  },
  // 2f: das (SDM example: 35 - 47 = EE with CF and AF; das gives 88 with CF)
  {
    name: "das after 35-47 gives 88 and CF",
    code: [0x2f],
    regs: { eax: 0xee },
    flags: CF | AF,
    out: { eax: 0x88 },
    outFlags: CF | AF | SF | PF,
    mask: DAA,
  },
  {
    name: "das with CF in subtracts 60",
    code: [0x2f],
    regs: { eax: 0x20 },
    flags: CF,
    out: { eax: 0xc0 },
    outFlags: CF | SF | PF,
    mask: DAA,
  },
  // 37: aaa
  {
    name: "aaa adjusts 0F to 5 with a carry into AH",
    code: [0x37],
    regs: { eax: 0x010f },
    out: { eax: 0x0205 },
    outFlags: CF | AF,
    mask: AAA,
  },
  {
    name: "aaa on FA carries from AL into AH (AX + 106h)",
    code: [0x37],
    regs: { eax: 0x00fa },
    out: { eax: 0x0200 },
    outFlags: CF | AF,
    mask: AAA,
  },
  {
    name: "aaa without adjustment masks AL",
    code: [0x37],
    regs: { eax: 0x0535 },
    flags: CF,
    out: { eax: 0x0505 },
    outFlags: 0,
    mask: AAA,
  },
  // 3f: aas
  {
    name: "aas with AF borrows from AH",
    code: [0x3f],
    regs: { eax: 0x0200 },
    flags: AF,
    out: { eax: 0x000a },
    outFlags: CF | AF,
    mask: AAA,
  },
  // d4 0a: aam
  {
    name: "aam splits 79 into 7 and 9",
    code: [0xd4, 0x0a],
    regs: { eax: 0x4f },
    out: { eax: 0x0709 },
    outFlags: PF,
    mask: AAM,
  },
  // d4 10: aam 16
  {
    name: "aam 16 splits nibbles",
    code: [0xd4, 0x10],
    regs: { eax: 0xf0 },
    out: { eax: 0x0f00 },
    outFlags: ZF | PF,
    mask: AAM,
  },
  // d4 00: aam 0
  { name: "aam 0 raises #DE", code: [0xd4, 0x00], regs: { eax: 0x4f }, fault: DE },
  // d5 0a: aad
  {
    name: "aad joins 7 and 9 into 79",
    code: [0xd5, 0x0a],
    regs: { eax: 0x0709 },
    out: { eax: 0x4f },
    outFlags: 0,
    mask: AAM,
  },
  // d5 10: aad 16
  {
    name: "aad 16 truncates to 8 bits",
    code: [0xd5, 0x10],
    regs: { eax: 0x0fff },
    out: { eax: 0xef },
    outFlags: SF,
    mask: AAM,
  },
]);
