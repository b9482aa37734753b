// A call the run's seccomp filter refused (the supervisor answered with the
// filter's own errno), as a denial with the flag that lifts it where one
// does. Pure.
import { ERRNO, UAPI_SHARED as K } from "../../ffi/generated/linux-tables.ts";
import type { ResolvedPolicy } from "../policy/types.ts";
import type { Call } from "./calls.ts";
import type { DenialInput } from "./log.ts";

const ENOSYS = ERRNO.NOSYS;
const errnoNames = new Map<number, string>(Object.entries(ERRNO).map(([k, v]) => [v, `E${k}`]));
const FAMILIES: Record<number, string> = Object.fromEntries((["AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET", "AF_VSOCK"] as const).map((n) => [K[n], n]));

const BY = "seccomp user-notify";
const ALWAYS = "refused in every cordon sandbox: no flag allows it";

/**
 * The denial a refused call stands for; undefined for ENOSYS answers, which
 * steer programs to their fallback (clone3 to clone, io_uring to plain
 * calls) rather than stop them.
 */
export function refusedDenial(c: Call, net: ResolvedPolicy["net"]): DenialInput | undefined {
  if (c.errno === 0 || c.errno === ENOSYS) return undefined;
  const detail = `${c.name}(${c.args.slice(0, 3).map((a) => `0x${a.toString(16)}`).join(", ")}) answered ${errnoNames.get(c.errno) ?? c.errno}`;
  if (c.name === "socket") {
    const family = Number(c.args[0]! & 0xffffffffn);
    const name = FAMILIES[family] ?? `family ${family}`;
    const ip = family === 2 || family === 10;
    if (ip) return { class: "net", access: "socket", target: name, allow: "--allow-net", by: BY, detail: `${detail}${net === "none" ? "" : "; only TCP is open to --allow-connect/--allow-bind"}` };
    return { class: "net", access: "socket", target: name, why: family === 1 ? "unix sockets stay closed where landlock cannot confine their paths" : ALWAYS, by: BY, detail };
  }
  if (c.name === "ptrace") return { class: "ptrace", access: "ptrace", target: `ptrace request ${c.args[0]}`, why: ALWAYS, by: BY, detail };
  return { class: "syscall", access: "call", target: c.name, why: ALWAYS, by: BY, detail };
}
