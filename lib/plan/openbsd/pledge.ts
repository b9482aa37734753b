// pledge(2) promise sets from a policy. The launcher pledges itself only what
// it needs to exec; the program gets the execpromises, and because they are
// set, execve keeps the unveil list (the kernel drops it otherwise).
import type { ResolvedPolicy } from "../../policy/types.ts";

/** Promises the launcher keeps between pledge and execve. */
export const LAUNCHER_PROMISES = "stdio exec";

type Promise = { readonly name: string; readonly why: string };

/** What every ordinary program needs. */
export const basePromises: readonly Promise[] = [
  { name: "stdio", why: "read/write on open descriptors, memory, time: every program" },
  { name: "rpath", why: "open files for reading (unveil decides which)" },
  { name: "proc", why: "fork: shells and build tools start children" },
  { name: "exec", why: "execve of children (they inherit the same execpromises)" },
  { name: "prot_exec", why: "ld.so maps shared libraries executable" },
  { name: "tty", why: "terminal ioctls when a terminal is attached" },
  { name: "getpw", why: "user and group names (getpwuid)" },
];

/** Added when the policy grants any write path. */
export const writePromises: readonly Promise[] = [
  { name: "wpath", why: "open files for writing (unveil decides which)" },
  { name: "cpath", why: "create and remove files and directories" },
  { name: "fattr", why: "chmod, utimes and the like on written files" },
  { name: "flock", why: "file locks taken by build tools and package managers" },
];

/** Added when the policy allows any network: pledge cannot narrow it to ports. */
export const netPromises: readonly Promise[] = [
  { name: "inet", why: "IPv4/IPv6 sockets" },
  { name: "dns", why: "name resolution" },
];

export function execPromises(policy: Pick<ResolvedPolicy, "fs" | "net">): string {
  const set = [...basePromises];
  if (policy.fs.write.length > 0) set.push(...writePromises);
  if (policy.net !== "none") set.push(...netPromises);
  return set.map((p) => p.name).join(" ");
}
