// argv[0] as CreateProcessW must run it: a full path given as
// lpApplicationName, so Windows' own search (which tries the application's
// and the current directory first — a planting risk) never runs. A bare name
// is looked up in the sandbox's PATH with PATHEXT, among what the sandbox's
// identity can reach only (its grants, and for an AppContainer what ALL
// APPLICATION PACKAGES may read), as programPath does on the other OSes.
import { realpathSync, statSync } from "node:fs";
import { extname, win32 } from "node:path";
import { OsError } from "../../errors.ts";
import { envValue, type WindowsPlan } from "../../plan/windows/index.ts";
import { under } from "../../plan/windows/paths.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

function notFound(argv0: string): OsError {
  return new OsError("execve", "errno", -2, "ENOENT", `command not found in the sandbox's PATH: ${argv0}`);
}

/** The full path of the program `argv0` names, or OsError (ENOENT, ENOEXEC) as on the other OSes. */
export function windowsProgram(argv0: string, policy: ResolvedPolicy, plan: WindowsPlan, packageReadable: readonly string[]): string {
  const env = plan.spawn.env;
  const exts = (envValue(env, "PATHEXT") ?? ".COM;.EXE;.BAT;.CMD").split(";").filter(Boolean);
  const named = (p: string) => [...(exts.some((e) => e.toLowerCase() === extname(p).toLowerCase()) ? [p] : []), ...exts.map((e) => p + e)];
  const kind = plan.isolation.identity.kind;
  const roots = [...policy.fs.read, ...policy.fs.write, ...(kind === "appcontainer" ? packageReadable : [])];
  // A low-integrity token reads everything; the other identities only their grants.
  const reachable = (p: string) => kind === "low-integrity" || (under(p, roots) && under(realpathSync(p), roots));

  let found: string | undefined;
  if (/[\\/:]/.test(argv0)) {
    found = named(win32.resolve(policy.cwd, argv0)).find(isFile);
  } else {
    const root = envValue(env, "SystemRoot") ?? "C:\\Windows";
    const dirs = (envValue(env, "PATH") ?? `${root}\\System32;${root}`).split(";").filter(Boolean);
    for (const dir of dirs) {
      found = named(win32.resolve(policy.cwd, dir, argv0)).find((p) => isFile(p) && reachable(p));
      if (found) break;
    }
  }
  if (!found) throw notFound(argv0);
  if (/^\.(bat|cmd)$/i.test(extname(found))) {
    // cmd.exe re-parses a batch file's arguments by its own rules, not CommandLineToArgvW's:
    // quoting argv safely for it is a different problem, so it is left to the caller.
    throw new OsError("execve", "errno", -8, "ENOEXEC", `${found} is a batch file: run it as cmd /d /c ${argv0}`);
  }
  return found;
}
