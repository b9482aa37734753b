// `cordon learn [run options] [--output=FILE] -- COMMAND [ARG...]`: runs the
// command observed (every file and socket call recorded by the seccomp
// supervisor, as a record, never as an authority) inside the run options as
// the outer bound, and writes the narrowest policy that would have let it
// run, as a --policy file with a note per grant. Without file or network
// flags the bound is the caller's own view: everything readable, the working
// directory writable, any network. The command's stdout goes to stderr when
// the policy goes to stdout. Exit status: the command's.
import { existsSync, lstatSync, realpathSync, writeFileSync } from "node:fs";
import type { parseArgs as ParseArgs } from "node:util";
import { explainLines } from "../denials/format.ts";
import { learnPolicy, Observations } from "../denials/learn.ts";
import { PolicyError } from "../errors.ts";
import { exitStatus } from "../exit-status.ts";
import { systemPaths } from "../policy/system-paths.ts";
import type { Policy } from "../policy/types.ts";
import { spawn } from "../spawn.ts";
import { parseRunArgs, runOptions } from "./args.ts";
import { learnOptions } from "./learn-options.ts";
import { parseCommand, withoutOptions } from "./parse.ts";

function realpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** The system set as a policy resolves it: every learned policy has it already. */
function systemSet(): string[] {
  const s = systemPaths("linux");
  return [...s.read, ...s.write].flatMap((p) => [p, realpath(p)]).filter((p): p is string => p !== undefined);
}

export async function learnCommand(args: readonly string[], parseArgs: typeof ParseArgs): Promise<number> {
  const { values, tokens } = parseCommand(parseArgs, "learn", args, { ...runOptions, ...learnOptions });
  const { argv, policy, blame } = parseRunArgs(withoutOptions(args, tokens, learnOptions), parseArgs);
  const given = (...names: string[]) => tokens.some((t) => t.kind === "option" && names.includes(t.name));
  if (given("report", "explain", "user")) throw new PolicyError("--report", "cordon learn writes a policy, not a report; --report, --explain and --user are cordon run's");
  const output = values.output;
  if (output !== undefined && output === "") throw new PolicyError("--output", "expected a file name");
  // The outer bound: the run options, or the caller's own view where they name no files or network.
  const cwd = policy.cwd ?? process.cwd();
  const outer: Policy = {
    ...policy,
    ...(given("allow-read", "allow-write", "policy") ? {} : { fs: { ...policy.fs, read: ["/"], write: [cwd] } }),
    ...(given("allow-net", "allow-connect", "allow-bind", "policy") ? {} : { net: "all" as const }),
  };
  const obs = new Observations();
  const t0 = performance.now();
  let proc;
  try {
    proc = spawn(argv, outer, { stdin: "inherit", stdout: output === undefined ? 2 : "inherit", stderr: "inherit", onCall: (c) => obs.add(c) });
  } catch (e) {
    throw e instanceof PolicyError && blame ? blame(e) : e;
  }
  await proc.exited;
  const wallMs = performance.now() - t0;
  const status = exitStatus({ exitCode: proc.exitCode, signalCode: proc.signalCode, timedOut: proc.timedOut });
  const own = [proc.policy.runDir, proc.policy.tmpDir, proc.policy.home].filter((p): p is string => p !== undefined && !policy.home);
  // The sandbox shows its own cgroups at /sys/fs/cgroup (a cgroup namespace): the host's paths there are not the run's to grant.
  own.push("/sys/fs/cgroup");
  const learned = learnPolicy(
    obs,
    { cwd, home: process.env.HOME, given: [...systemSet(), ...own], bound: proc.policy.fs, peakRss: (proc.resourceUsage?.() as { maxRSS?: number } | undefined)?.maxRSS, wallMs },
    { realpath, isDirectory: (p) => existsSync(p) && lstatSync(p).isDirectory() },
  );
  const notes: Record<string, string> = { ...learned.notes };
  if (obs.calls === 0) notes.observed = "no call was recorded: this host offers no seccomp user notification, or the run had no filter";
  const denied = proc.report.denials ?? [];
  if (denied.length) notes.denied = `the outer bound refused ${denied.length} thing(s) the learned policy cannot add: ${denied.map((d) => `${d.access} ${d.target}`).join("; ")}`;
  if (status !== 0) notes.status = `the command exited ${status} while it was learned: the policy holds what it used until then`;
  const text = JSON.stringify({ ...learned.policy, $notes: notes }, null, 2) + "\n";
  if (output === undefined) process.stdout.write(text);
  else writeFileSync(output, text);
  if (denied.length && proc.report.explain) for (const l of explainLines(denied, proc.report.explain)) console.error(l);
  return status;
}
