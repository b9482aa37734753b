// CreateProcessW with STARTUPINFOEXW (cordon_windows_spawn.h).
import { ptr } from "bun:ffi";
import { windows, type Handle } from "./windows.ts";
import { check } from "./status.ts";

/** CORDON_WINDOWS_SPAWN_* */
const ATTR = { MITIGATION: 1, CHILD_PROCESS_POLICY: 2, STD_HANDLES: 4, SECURITY_CAPABILITIES: 8 } as const;

export type SpawnRequest = {
  /** The full command line (already quoted). */
  readonly commandLine: string;
  readonly application?: string;
  /** The child's whole environment; undefined inherits this process's. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** The only handles the child inherits (PROC_THREAD_ATTRIBUTE_HANDLE_LIST); each must be inheritable. */
  readonly inherit?: readonly Handle[];
  readonly creationFlags?: number;
  /** The job the child is born in (PROC_THREAD_ATTRIBUTE_JOB_LIST). */
  readonly job?: Handle;
  /** PROCESS_CREATION_MITIGATION_POLICY_* and …POLICY2_* words. */
  readonly mitigation?: readonly [bigint, bigint];
  /** PROCESS_CREATION_CHILD_PROCESS_* */
  readonly childProcessPolicy?: number;
  readonly stdio?: { readonly stdin: Handle; readonly stdout: Handle; readonly stderr: Handle };
  /** CreateProcessAsUserW with this token. */
  readonly token?: Handle;
  /** Address of a SECURITY_CAPABILITIES record kept alive by the caller. */
  readonly securityCapabilities?: Uint8Array;
};

export type Spawned = { readonly process: Handle; readonly thread: Handle; readonly pid: number; readonly tid: number };

const utf16z = (s: string) => Buffer.from(s + "\0", "utf16le");

/** The UTF-16 environment block: NAME=value entries sorted case-insensitively, double NUL. */
export function environmentBlock(env: Readonly<Record<string, string>>): Buffer {
  const keys = Object.keys(env).sort((a, b) => (a.toUpperCase() < b.toUpperCase() ? -1 : a.toUpperCase() > b.toUpperCase() ? 1 : 0));
  const text = keys.map((k) => `${k}=${env[k]}\0`).join("");
  return Buffer.from((text.length ? text : "\0") + "\0", "utf16le");
}

export function spawnProcess(r: SpawnRequest): Spawned {
  const cmd = utf16z(r.commandLine);
  const app = r.application !== undefined ? utf16z(r.application) : undefined;
  const env = r.env !== undefined ? environmentBlock(r.env) : undefined;
  const cwd = r.cwd !== undefined ? utf16z(r.cwd) : undefined;
  const inherit = r.inherit?.length ? BigUint64Array.from(r.inherit) : undefined;
  let attrs = 0;
  if (r.mitigation) attrs |= ATTR.MITIGATION;
  if (r.childProcessPolicy !== undefined) attrs |= ATTR.CHILD_PROCESS_POLICY;
  if (r.stdio) attrs |= ATTR.STD_HANDLES;
  if (r.securityCapabilities) attrs |= ATTR.SECURITY_CAPABILITIES;

  const req = new Uint8Array(120);
  const v = new DataView(req.buffer);
  const addr = (b: Uint8Array | BigUint64Array | undefined) => (b ? BigInt(ptr(b)) : 0n);
  v.setBigUint64(0, addr(cmd), true);
  v.setBigUint64(8, addr(app), true);
  v.setBigUint64(16, addr(env), true);
  v.setBigUint64(24, addr(cwd), true);
  v.setBigUint64(32, addr(inherit), true);
  v.setUint32(40, inherit?.length ?? 0, true);
  v.setUint32(44, r.creationFlags ?? 0, true);
  v.setBigUint64(48, r.job ?? 0n, true);
  v.setBigUint64(56, r.mitigation?.[0] ?? 0n, true);
  v.setBigUint64(64, r.mitigation?.[1] ?? 0n, true);
  v.setUint32(72, r.childProcessPolicy ?? 0, true);
  v.setUint32(76, attrs, true);
  v.setBigUint64(80, r.stdio?.stdin ?? 0n, true);
  v.setBigUint64(88, r.stdio?.stdout ?? 0n, true);
  v.setBigUint64(96, r.stdio?.stderr ?? 0n, true);
  v.setBigUint64(104, r.token ?? 0n, true);
  v.setBigUint64(112, addr(r.securityCapabilities), true);

  const out = new Uint8Array(24);
  check("CreateProcessW", "win32", windows().cordon_windows_spawn(req, req, out, out), r.commandLine);
  // Keep every buffer the request points into alive until after the call.
  void [cmd, app, env, cwd, inherit, r.securityCapabilities];
  const o = new DataView(out.buffer);
  return { process: o.getBigUint64(0, true), thread: o.getBigUint64(8, true), pid: o.getUint32(16, true), tid: o.getUint32(20, true) };
}

export function resumeThread(thread: Handle): number {
  return check("ResumeThread", "win32", windows().cordon_windows_thread_resume(thread));
}

/** Blocks up to `timeoutMs`; true once the process has exited. */
export function waitProcess(process: Handle, timeoutMs: number): boolean {
  return check("WaitForSingleObject", "win32", windows().cordon_windows_process_wait(process, timeoutMs >>> 0)) === 0;
}

export const STILL_ACTIVE = 259;

export function exitCode(process: Handle): number {
  const out = new Uint32Array(1);
  check("GetExitCodeProcess", "win32", windows().cordon_windows_process_exit_code(process, out, out));
  return out[0]!;
}

export function terminateProcess(process: Handle, code: number): void {
  check("TerminateProcess", "win32", windows().cordon_windows_process_terminate(process, code));
}

/** SYNCHRONIZE | PROCESS_QUERY_INFORMATION | PROCESS_TERMINATE: wait on, read (IsProcessInJob needs QUERY_INFORMATION on older systems and Wine), end. */
export const PROCESS_WATCH_ACCESS = 0x0010_0000 | 0x0400 | 0x0001;

/** A handle to process `pid` (for waiting on a process found by enumeration). */
export function openProcess(pid: number, access = PROCESS_WATCH_ACCESS): Handle {
  const out = new BigUint64Array(1);
  check("OpenProcess", "win32", windows().cordon_windows_process_open(pid, access, out, out));
  return out[0]!;
}

/** The flags word of one mitigation policy of `process`, as the kernel reports it. */
export function mitigationFlags(process: Handle, policy: number): number {
  const out = new Uint32Array(1);
  check("GetProcessMitigationPolicy", "win32", windows().cordon_windows_process_mitigation(process, policy, out, out));
  return out[0]!;
}
