// What the Windows plan needs to know about this host, asked of the system
// once per process: elevation, Wine (whose gaps the plan knows), and the
// directories every AppContainer can already read.
import { wineVersion } from "../../../ffi/windows.ts";
import { tokenInfo } from "../../../ffi/windows-token.ts";
import type { WindowsHost } from "../../plan/windows/index.ts";

let cached: WindowsHost | undefined;

/**
 * What host grants' filters need and cordon's native calls cannot do yet
 * (plan/windows/egress.ts): until they can, the plan keeps such a sandbox at
 * no network and says why, rather than applying half of its filters.
 */
const EGRESS_NOT_BUILT: NonNullable<WindowsHost["lacks"]> = {
  "wfp-remote-address": "cordon's WFP filter call (cordon_windows_wfp_add_filter) has no remote-address condition yet, and a permit for the proxy's port on every address would let the command reach that port anywhere",
  "loopback-exemption": "cordon does not yet exempt the AppContainer from loopback isolation (NetworkIsolationSetAppContainerConfig), which blocks its connects to the proxy on loopback",
};

export function windowsHost(env: NodeJS.ProcessEnv = process.env): WindowsHost {
  if (cached && env === process.env) return cached;
  const wine = wineVersion();
  const readable = [env.SystemRoot, env.ProgramFiles, env["ProgramFiles(x86)"]].filter((p): p is string => !!p);
  const host = { elevated: tokenInfo().elevated, packageReadable: readable, ...(wine !== undefined ? { wine } : {}), lacks: EGRESS_NOT_BUILT };
  if (env === process.env) cached = host;
  return host;
}
