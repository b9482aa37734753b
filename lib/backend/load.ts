// Which backend serves which platform: each module exports `backend` (the
// contract of lib/backend/contract.ts). Loaded on first use only, so
// importing cordon never loads another OS's code.
import { CompatError } from "../errors.ts";
import type { SandboxBackend } from "./contract.ts";

/** Backends that exist so far; other platforms join as theirs land. */
const backends: Partial<Record<NodeJS.Platform, { module: string; name: string }>> = {
  linux: { module: "./linux/sandbox.ts", name: "Linux" },
  darwin: { module: "./darwin/sandbox.ts", name: "macOS" },
  freebsd: { module: "./freebsd/sandbox.ts", name: "FreeBSD" },
  win32: { module: "./windows/sandbox.ts", name: "Windows" },
};

/** Loaded backends: require() resolves the module again on every call. */
const loaded = new Map<NodeJS.Platform, SandboxBackend<any, any, any>>();

/** The backend of `platform`, or a CompatError saying why there is none. */
export function loadBackend(platform: NodeJS.Platform): SandboxBackend<any, any, any> {
  const cached = loaded.get(platform);
  if (cached) return cached;
  const entry = backends[platform];
  const unavailable = (reason: string) => new CompatError([{ guarantee: "sandbox", reason }]);
  if (!entry) throw unavailable(`no sandbox backend for ${platform} yet`);
  let mod: { backend?: SandboxBackend<any, any, any> };
  try {
    // require, not import(): spawn() stays synchronous like Bun.spawn.
    mod = require(entry.module);
  } catch (e) {
    if ((e as { code?: string }).code === "MODULE_NOT_FOUND" || /Cannot find module/.test(String(e))) {
      throw unavailable(`the ${entry.name} sandbox backend is not available in this build`);
    }
    throw e;
  }
  const backend = mod.backend;
  if (typeof backend?.plan !== "function" || typeof backend.execute !== "function") throw unavailable(`the ${entry.name} sandbox backend cannot run a policy yet`);
  loaded.set(platform, backend);
  return backend;
}

