// `pty: true` asks for pseudo-terminals of the sandbox's own: on Linux a new
// devpts instance in its private root. Elsewhere the ptys a command can open
// are the host's (other sessions' terminals among them), so the request is
// refused there, naming the field, rather than ignored or met with the host's.
import { PolicyError } from "../errors.ts";
import type { ResolvedPolicy } from "../policy/types.ts";

export function refusePty(policy: Pick<ResolvedPolicy, "pty">, os: string): void {
  if (policy.pty) throw new PolicyError("pty", `a private pseudo-terminal device is made on Linux only; on ${os} the ptys a command opens are the host's`);
}
