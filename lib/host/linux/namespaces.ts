// The namespaces a sandbox gets on a host model, in the order a spawn wants
// them: a fresh /proc (and with it a private root) first, made directly, then
// inside a user namespace; a network namespace where it comes with them.
import type { LinuxHostModel, NamespaceRoute } from "./types.ts";

export type SandboxNamespaces = { readonly namespaces: NamespaceRoute; readonly procfs: boolean; readonly netns: boolean };

export function sandboxNamespaces(host: Pick<LinuxHostModel, "namespaces" | "mounts">): SandboxNamespaces {
  const { namespaces: ns, mounts } = host;
  const routes = [
    { route: "direct", kinds: ns.direct, proc: mounts.proc.direct && mounts.tmpfs.direct },
    { route: "user", kinds: ns.inUser, proc: ns.user && mounts.proc.inUser && mounts.tmpfs.inUser },
  ] as const;
  // pid and IPC namespaces are the least a route gives; a mount namespace comes with a fresh /proc.
  const usable = routes.filter((r) => r.kinds.pid && r.kinds.ipc && (r.route === "direct" || ns.user));
  for (const procfs of [true, false]) {
    const r = usable.find((u) => !procfs || (u.proc && u.kinds.mount));
    if (r) return { namespaces: r.route, procfs, netns: r.kinds.net };
  }
  return { namespaces: "none", procfs: false, netns: false };
}
