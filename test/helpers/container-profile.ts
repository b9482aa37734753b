// A seccomp profile like a container runtime's default: clone3 answers ENOSYS,
// no namespaces (clone with CLONE_NEW*, unshare, setns) and no mounts. A
// cordon run under it has no private root and no pid namespace.
import { compileSeccomp } from "../../lib/plan/linux/seccomp/index.ts";

const NS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;
const EPERM = { errno: "EPERM" } as const;

/** The compiled profile for this process's arch, for spawnLinux's `seccomp.filter`. */
export function containerProfile(): Uint8Array {
  return compileSeccomp(
    {
      defaultAction: "allow",
      rules: [
        { syscall: "clone3", action: { errno: "ENOSYS" } },
        { syscall: "clone", action: EPERM, when: [{ arg: 0, op: "masked-ne", mask: NS, value: 0 }] },
        { syscall: "unshare", action: EPERM },
        { syscall: "setns", action: EPERM },
        ...["mount", "umount2", "pivot_root", "move_mount", "fsopen", "fsmount", "open_tree"].map((syscall) => ({ syscall, action: EPERM })),
      ],
    },
    process.arch === "arm64" ? "aarch64" : "x86_64",
  ).filter;
}
