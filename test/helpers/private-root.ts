// Whether the sandbox can make a private root here (its own probe): tests of
// what lives in one skip, with this reason, where it cannot.
import { linuxRequirement, notLinux } from "./skip.ts";

/** Why no private root can be made here (mount namespaces or mounts refused), or undefined. */
export async function noPrivateRoot(): Promise<string | undefined> {
  if (notLinux) return notLinux;
  const { sandboxHost } = await import("../../lib/backend/linux/sandbox.ts");
  const h = sandboxHost();
  return linuxRequirement(h.namespaces !== "none" && h.procfs ? undefined : "no private root can be made here (mount namespaces or mounts refused)");
}
