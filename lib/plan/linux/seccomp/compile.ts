// Policy → struct sock_filter[]. The program:
//   ld arch; jeq AUDIT_ARCH_<arch> or return foreignArch   (foreign ABIs never reach the table)
//   ld nr;   binary search over number ranges              (dispatch.ts)
//   leaves:  a return, or argument checks ending in returns (conditions.ts)
// then loads of what the accumulator already holds are dropped (reloads.ts).
import { PolicyError } from "../../../errors.ts";
import { type Arch, AUDIT_ARCH, isArch } from "./arch.ts";
import { BPF_JEQ, BPF_MAXINSNS, encode, type Insn } from "./bpf.ts";
import { SECCOMP_DATA_ARCH, SECCOMP_DATA_NR } from "./data.ts";
import { ranges, searchTree } from "./dispatch.ts";
import { jmp, ld, ret } from "./ir.ts";
import { layout } from "./layout.ts";
import { dropReloads } from "./reloads.ts";
import { resolvePolicy } from "./policy.ts";

export type CompiledFilter = {
  /** struct sock_filter[] bytes, little-endian, for seccomp(SECCOMP_SET_MODE_FILTER). */
  readonly filter: Uint8Array;
  /** Instruction count (filter.length / 8), what sock_fprog.len gets. */
  readonly instructions: number;
};

/** The instruction list, before encoding (tests and diagnostics). */
export function compileProgram(policy: unknown, arch: unknown): Insn[] {
  if (!isArch(arch)) throw new PolicyError("seccomp.arch", `must be "x86_64" or "aarch64", got ${JSON.stringify(arch)}`);
  const p = resolvePolicy(policy, arch as Arch);
  const dispatch = ld(SECCOMP_DATA_NR, searchTree(ranges(p)));
  const root = ld(SECCOMP_DATA_ARCH, jmp(BPF_JEQ, AUDIT_ARCH[p.arch], dispatch, ret(p.foreignRet)));
  const program = layout(dropReloads(root));
  if (program.length > BPF_MAXINSNS) {
    throw new PolicyError(
      "seccomp.rules",
      `compiles to ${program.length} instructions; the kernel loads at most ${BPF_MAXINSNS} (BPF_MAXINSNS)`,
    );
  }
  return program;
}

/** Compile `policy` for `arch`. Throws PolicyError on a malformed policy or an oversized program. */
export function compileSeccomp(policy: unknown, arch: Arch): CompiledFilter {
  const program = compileProgram(policy, arch);
  return { filter: encode(program), instructions: program.length };
}
