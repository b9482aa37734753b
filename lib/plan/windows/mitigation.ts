// Process mitigation policies set at creation
// (PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY). Each entry says what it stops
// and whether an ordinary CI command (compilers, shells, test runners, JIT
// runtimes such as node, bun, java, dotnet) can live with it. The "ci"
// profile is the default; "strict" adds what breaks JITs or GUI-linked tools.

import { MITIGATION_POLICY } from "./constants.ts";

export type MitigationProfile = "ci" | "strict";

export type Mitigation = {
  /** PROCESS_CREATION_MITIGATION_POLICY(2)_<name>_ALWAYS_ON */
  readonly name: string;
  /** 0: the first DWORD64, 1: the second (…POLICY2_…). */
  readonly word: 0 | 1;
  readonly bit: number;
  readonly profiles: readonly MitigationProfile[];
  readonly why: string;
  /**
   * Where GetProcessMitigationPolicy shows it in force: the policy record and
   * the bit of its flags word. Absent: no documented record shows it, so the
   * start-up check cannot read it back (it is still set at creation).
   */
  readonly readBack?: { readonly policy: number; readonly bit: number; readonly field: string };
};

const P = MITIGATION_POLICY;

const both: readonly MitigationProfile[] = ["ci", "strict"];
const strictOnly: readonly MitigationProfile[] = ["strict"];

export const mitigations: readonly Mitigation[] = [
  { name: "DEP_ENABLE", word: 0, bit: 0, profiles: both, why: "no execution from data pages (always on for 64-bit; explicit for 32-bit children)" },
  { name: "SEHOP_ENABLE", word: 0, bit: 2, profiles: both, why: "structured-exception chain validation against SEH overwrites (32-bit children)" },
  { name: "FORCE_RELOCATE_IMAGES", word: 0, bit: 8, profiles: both, why: "images built without ASLR are relocated anyway", readBack: { policy: P.ProcessASLRPolicy, bit: 1, field: "EnableForceRelocateImages" } },
  { name: "HEAP_TERMINATE", word: 0, bit: 12, profiles: both, why: "heap corruption ends the process instead of continuing" },
  { name: "BOTTOM_UP_ASLR", word: 0, bit: 16, profiles: both, why: "randomized bottom-up allocations", readBack: { policy: P.ProcessASLRPolicy, bit: 0, field: "EnableBottomUpRandomization" } },
  { name: "HIGH_ENTROPY_ASLR", word: 0, bit: 20, profiles: both, why: "64-bit address entropy for 64-bit children (not read back: a 32-bit child reads EnableHighEntropy 0)" },
  { name: "STRICT_HANDLE_CHECKS", word: 0, bit: 24, profiles: both, why: "using an invalid handle raises instead of failing quietly: handle confusion is caught", readBack: { policy: P.ProcessStrictHandleCheckPolicy, bit: 0, field: "RaiseExceptionOnInvalidHandleReference" } },
  { name: "WIN32K_SYSTEM_CALL_DISABLE", word: 0, bit: 28, profiles: strictOnly, why: "no win32k.sys system calls (the kernel's largest GUI attack surface); breaks anything that loads user32/gdi32, which many console tools do", readBack: { policy: P.ProcessSystemCallDisablePolicy, bit: 0, field: "DisallowWin32kSystemCalls" } },
  { name: "EXTENSION_POINT_DISABLE", word: 0, bit: 32, profiles: both, why: "no AppInit DLLs, legacy IMEs, winevent or shell hooks injected into the child", readBack: { policy: P.ProcessExtensionPointDisablePolicy, bit: 0, field: "DisableExtensionPoints" } },
  { name: "PROHIBIT_DYNAMIC_CODE", word: 0, bit: 36, profiles: strictOnly, why: "no new executable memory; breaks every JIT (node, bun, java, dotnet, browsers)", readBack: { policy: P.ProcessDynamicCodePolicy, bit: 0, field: "ProhibitDynamicCode" } },
  { name: "BLOCK_NON_MICROSOFT_BINARIES", word: 0, bit: 44, profiles: strictOnly, why: "only Microsoft-signed DLLs load; breaks any third-party toolchain", readBack: { policy: P.ProcessSignaturePolicy, bit: 0, field: "MicrosoftSignedOnly" } },
  { name: "FONT_DISABLE", word: 0, bit: 48, profiles: both, why: "no non-system fonts (font parsing in the kernel has been an exploit vector); console programs need none", readBack: { policy: P.ProcessFontDisablePolicy, bit: 0, field: "DisableNonSystemFonts" } },
  { name: "IMAGE_LOAD_NO_REMOTE", word: 0, bit: 52, profiles: both, why: "no DLLs or executables from network shares", readBack: { policy: P.ProcessImageLoadPolicy, bit: 0, field: "NoRemoteImages" } },
  { name: "IMAGE_LOAD_NO_LOW_LABEL", word: 0, bit: 56, profiles: both, why: "no images carrying a low integrity label (files a low-integrity process could have written)", readBack: { policy: P.ProcessImageLoadPolicy, bit: 1, field: "NoLowMandatoryLabelImages" } },
  { name: "IMAGE_LOAD_PREFER_SYSTEM32", word: 0, bit: 60, profiles: both, why: "System32 wins over the application directory: DLL planting beside a tool is ignored", readBack: { policy: P.ProcessImageLoadPolicy, bit: 2, field: "PreferSystem32Images" } },
  { name: "LOADER_INTEGRITY_CONTINUITY", word: 1, bit: 4, profiles: strictOnly, why: "images must satisfy the parent's code-integrity level; needs signed toolchains" },
  { name: "MODULE_TAMPERING_PROTECTION", word: 1, bit: 12, profiles: both, why: "the process's own image cannot be remapped or patched behind the loader's back" },
  { name: "RESTRICT_INDIRECT_BRANCH_PREDICTION", word: 1, bit: 16, profiles: both, why: "no cross-process indirect-branch training (Spectre v2)" },
  { name: "SPECULATIVE_STORE_BYPASS_DISABLE", word: 1, bit: 24, profiles: both, why: "no speculative store bypass (Spectre v4) between processes" },
];

/** The two mitigation words for `profile`, and the names set. */
export function mitigationWords(profile: MitigationProfile): { words: readonly [bigint, bigint]; names: string[] } {
  const words: [bigint, bigint] = [0n, 0n];
  const names: string[] = [];
  for (const m of mitigations) {
    if (!m.profiles.includes(profile)) continue;
    // *_ALWAYS_ON is the value 1 in the two-bit field at `bit` (DEP and SEHOP are single bits).
    words[m.word] |= 1n << BigInt(m.bit);
    names.push(m.name);
  }
  return { words, names };
}

/** What the start-up check reads back for `words`: per policy record, the flag bits that must be set. */
export function mitigationReadBack(words: readonly [bigint, bigint]): { policy: number; mask: number; fields: string[] }[] {
  const byPolicy = new Map<number, { policy: number; mask: number; fields: string[] }>();
  for (const m of mitigations) {
    if (!m.readBack || (words[m.word] & (1n << BigInt(m.bit))) === 0n) continue;
    const entry = byPolicy.get(m.readBack.policy) ?? { policy: m.readBack.policy, mask: 0, fields: [] };
    entry.mask |= 1 << m.readBack.bit;
    entry.fields.push(m.readBack.field);
    byPolicy.set(m.readBack.policy, entry);
  }
  return [...byPolicy.values()];
}
