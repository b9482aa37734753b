// Whether the sandbox can give a command a network namespace of its own here
// (its own probe): tests of host grants through the relay skip, with this
// reason, where it cannot.
import { linuxRequirement, notLinux } from "./skip.ts";

/** Why no network namespace can be made here, or undefined. */
export async function noNetns(): Promise<string | undefined> {
  if (notLinux) return notLinux;
  const { sandboxHost } = await import("../../lib/backend/linux/sandbox.ts");
  const h = sandboxHost();
  return linuxRequirement(h.netns && h.namespaces !== "none" ? undefined : "no network namespace can be made here");
}
