// Policy → struct sock_filter[]. The program:
//   ld arch; jeq AUDIT_ARCH_<arch> or return foreignArch   (foreign ABIs never reach the table)
//   ld nr;   binary search over number ranges              (dispatch.ts)
//   leaves:  a return, or argument checks ending in returns (conditions.ts)
// then equal checks of different syscalls become one body (share.ts) and
// loads of what the accumulator already holds are dropped (reloads.ts).
import { PolicyError } from "../../../errors.ts";
import { type Arch, AUDIT_ARCH, isArch } from "./arch.ts";
import { BPF_JEQ, BPF_MAXINSNS, encode, type Insn } from "./bpf.ts";
import { SECCOMP_DATA_ARCH, SECCOMP_DATA_NR } from "./data.ts";
import { ranges, searchTree } from "./dispatch.ts";
import { jmp, ld, ret } from "./ir.ts";
import { layout } from "./layout.ts";
import { dropReloads } from "./reloads.ts";
import { share } from "./share.ts";
import { resolvePolicy, show } from "./policy.ts";

export type CompiledFilter = {
  /** struct sock_filter[] bytes, little-endian, for seccomp(SECCOMP_SET_MODE_FILTER). */
  readonly filter: Uint8Array;
  /** Instruction count (filter.length / 8), what sock_fprog.len gets. */
  readonly instructions: number;
};

/** The instruction list, before encoding (tests and diagnostics). */
export function compileProgram(policy: unknown, arch: unknown): Insn[] {
  if (!isArch(arch)) throw new PolicyError("seccomp.arch", `must be "x86_64" or "aarch64", got ${show(arch)}`);
  const p = resolvePolicy(policy, arch as Arch);
  const dispatch = ld(SECCOMP_DATA_NR, searchTree(ranges(p)));
  const root = ld(SECCOMP_DATA_ARCH, jmp(BPF_JEQ, AUDIT_ARCH[p.arch], dispatch, ret(p.foreignRet)));
  const program = layout(dropReloads(share(root)));
  if (program.length > BPF_MAXINSNS) {
    throw new PolicyError(
      "seccomp.rules",
      `compiles to ${program.length} instructions; the kernel loads at most ${BPF_MAXINSNS} (BPF_MAXINSNS)`,
    );
  }
  return program;
}

// Every sandboxed spawn compiles the same few policies: keep the last results.
const CACHE_SIZE = 16;
const cache = new Map<string, CompiledFilter>();

function cacheKey(policy: unknown, arch: unknown): string | undefined {
  try {
    return `${String(arch)}\0p${JSON.stringify(policy)}`; // fast path: no bigint values
  } catch {
    try {
      // Tag strings and bigints so that neither can pose as the other.
      const tagged = (_: string, v: unknown) => (typeof v === "bigint" ? `b${v}` : typeof v === "string" ? `s${v}` : v);
      return `${String(arch)}\0b${JSON.stringify(policy, tagged)}`;
    } catch {
      return undefined; // not serialisable (a cycle, say): compile uncached, validation reports it
    }
  }
}

/** Compile `policy` for `arch`. Throws PolicyError on a malformed policy or an oversized program. */
export function compileSeccomp(policy: unknown, arch: Arch): CompiledFilter {
  const key = cacheKey(policy, arch);
  const hit = key === undefined ? undefined : cache.get(key);
  if (hit) return { filter: hit.filter.slice(), instructions: hit.instructions };
  const program = compileProgram(policy, arch);
  const out = { filter: encode(program), instructions: program.length };
  if (key !== undefined) {
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, { filter: out.filter.slice(), instructions: out.instructions });
  }
  return out;
}
