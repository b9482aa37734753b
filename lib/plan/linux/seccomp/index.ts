// seccomp-bpf plan: policy → classic BPF for seccomp(SECCOMP_SET_MODE_FILTER).
import { PolicyError } from "../../../errors.ts";
import { type Action, type Rule, type SeccompPolicy, show } from "./policy.ts";
import { isPresetName, PRESET_NAMES, PRESETS, type PresetName } from "./presets.ts";

export { compileProgram, compileSeccomp, type CompiledFilter } from "./compile.ts";
export { evaluate, evaluator, type SeccompInput } from "./evaluate.ts";
export type { Action, ArgCondition, ArgOp, Rule, SeccompPolicy } from "./policy.ts";
export { HARDENING, IPC_ISOLATION, NO_LISTEN, NO_NETWORK, TCP_ONLY, PRESETS, PRESET_NAMES, networkRules, type PresetName } from "./presets.ts";
export { NO_SETID } from "./setid.ts";
export { ARCHES, AUDIT_ARCH, AUDIT_ARCH_AARCH64, AUDIT_ARCH_X86_64, X32_LEGACY_END, X32_LEGACY_START, X32_SYSCALL_BIT, syscallNumber, type Arch } from "./arch.ts";
export { BPF_MAXINSNS } from "./bpf.ts";
export * from "./actions.ts";

/**
 * A policy of presets plus custom rules. Custom rules come first, so they
 * can override a preset for a syscall (first match wins); the default is "allow".
 */
export function presetPolicy(
  presets: readonly PresetName[],
  options: { readonly rules?: readonly Rule[]; readonly defaultAction?: Action } = {},
): SeccompPolicy {
  if (!Array.isArray(presets)) throw new PolicyError("seccomp.presets", "must be an array of preset names");
  if (typeof options !== "object" || options === null) throw new PolicyError("seccomp", "options must be an object { rules?, defaultAction? }");
  if (options.rules !== undefined && !Array.isArray(options.rules)) throw new PolicyError("seccomp.rules", "must be an array");
  const rules: Rule[] = [...(options.rules ?? [])];
  presets.forEach((name, i) => {
    if (!isPresetName(name)) {
      throw new PolicyError(`seccomp.presets[${i}]`, `unknown preset ${show(name)}; known: ${PRESET_NAMES.join(", ")}`);
    }
    rules.push(...PRESETS[name]);
  });
  return { defaultAction: options.defaultAction ?? "allow", rules };
}
