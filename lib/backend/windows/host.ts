// What the Windows plan needs to know about this host, asked of the system
// once per process: elevation, Wine (whose gaps the plan knows), and the
// directories every AppContainer can already read.
import { wineVersion } from "../../../ffi/windows.ts";
import { tokenInfo } from "../../../ffi/windows-token.ts";
import type { WindowsHost } from "../../plan/windows/index.ts";

let cached: WindowsHost | undefined;

export function windowsHost(env: NodeJS.ProcessEnv = process.env): WindowsHost {
  if (cached && env === process.env) return cached;
  const wine = wineVersion();
  const readable = [env.SystemRoot, env.ProgramFiles, env["ProgramFiles(x86)"]].filter((p): p is string => !!p);
  const host = { elevated: tokenInfo().elevated, packageReadable: readable, ...(wine !== undefined ? { wine } : {}) };
  if (env === process.env) cached = host;
  return host;
}
