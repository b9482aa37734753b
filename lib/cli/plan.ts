// `cordon plan --target=sel4-microkit [--board=NAME] [run options] -- COMMAND`:
// the job `cordon run` would sandbox here, as a seL4 Microkit system
// description on stdout (lib/plan/sel4). The run options mean the same;
// those without meaning on seL4 are refused rather than dropped.
import type { parseArgs as ParseArgs } from "node:util";
import { PolicyError } from "../errors.ts";
import { BOARDS, planMicrokit } from "../plan/sel4/index.ts";
import { validatePolicy } from "../policy/validate.ts";
import { parseRunArgs, runOptions } from "./args.ts";
import { parseCommand, withoutOptions } from "./parse.ts";
import { planOptions } from "./plan-options.ts";

const TARGETS = ["sel4-microkit"];

/** Run options a Microkit system cannot carry, and why. */
const refused: Record<string, string> = {
  user: "seL4 has no users: a protection domain holds exactly the capabilities it is given",
  "best-effort": "a Microkit system is exactly its description: nothing in it is best-effort",
  report: "cordon plan runs nothing, so there is no enforcement report",
  explain: "cordon plan runs nothing, so nothing is denied",
};

export async function planCommand(args: readonly string[], parseArgs: typeof ParseArgs): Promise<number> {
  const { values, tokens } = parseCommand(parseArgs, "plan", args, { ...runOptions, ...planOptions });
  if (values.target === undefined) throw new PolicyError("--target", `missing (one of: ${TARGETS.join(", ")})`);
  if (!TARGETS.includes(values.target)) throw new PolicyError("--target", `unknown target ${JSON.stringify(values.target)} (one of: ${TARGETS.join(", ")})`);
  if (values.board !== undefined && !(values.board in BOARDS)) throw new PolicyError("--board", `unknown board ${JSON.stringify(values.board)} (known: ${Object.keys(BOARDS).join(", ")})`);
  for (const [flag, why] of Object.entries(refused)) if (values[flag as keyof typeof values] !== undefined) throw new PolicyError(`--${flag}`, why);
  // The run options go to the run parser as they were given, without this command's own.
  const { argv, policy } = parseRunArgs(withoutOptions(args, tokens, planOptions), parseArgs);
  const plan = planMicrokit({ argv, policy: validatePolicy(policy), ...(values.board !== undefined ? { board: values.board } : {}) });
  process.stdout.write(plan.xml);
  return 0;
}
