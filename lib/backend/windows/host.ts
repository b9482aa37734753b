// What the Windows plan needs to know about this host, asked of the system.
import { wineVersion } from "../../../ffi/windows.ts";
import { tokenInfo } from "../../../ffi/windows-token.ts";
import type { WindowsHost } from "../../plan/windows/index.ts";

/** Elevation of this process's token, Wine's version if any, and the directories every sandbox identity can already read. */
export function windowsHost(env: NodeJS.ProcessEnv = process.env): WindowsHost {
  const wine = wineVersion();
  const readable = [env.SystemRoot, env.ProgramFiles, env["ProgramFiles(x86)"]].filter((p): p is string => !!p);
  return { elevated: tokenInfo().elevated, packageReadable: readable, ...(wine !== undefined ? { wine } : {}) };
}
