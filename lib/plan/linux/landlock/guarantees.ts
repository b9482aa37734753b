// The landlock report folded into cordon's guarantee vocabulary (lib/report.ts).
import type { GuaranteeId, GuaranteeReport } from "../../../report.ts";
import type { LandlockReport } from "./plan.ts";
import type { RightName } from "./rights.ts";

/** Which rights make up each guarantee landlock contributes to. */
const GUARANTEES: readonly { readonly guarantee: GuaranteeId; readonly rights: readonly RightName[] }[] = [
  { guarantee: "fs.read-confined", rights: ["fs.read_file", "fs.read_dir"] },
  { guarantee: "fs.exec-confined", rights: ["fs.execute"] },
  {
    guarantee: "fs.write-confined",
    rights: [
      "fs.write_file", "fs.remove_dir", "fs.remove_file", "fs.make_char", "fs.make_dir", "fs.make_reg",
      "fs.make_sock", "fs.make_fifo", "fs.make_block", "fs.make_sym", "fs.refer", "fs.truncate",
    ],
  },
  { guarantee: "fs.ioctl-dev-confined", rights: ["fs.ioctl_dev"] },
  { guarantee: "net.tcp-bind-confined", rights: ["net.bind_tcp"] },
  { guarantee: "net.tcp-connect-confined", rights: ["net.connect_tcp"] },
  // No UDP port is ever granted: handled, these deny every UDP bind, connect and addressed send.
  { guarantee: "net.udp-bind-confined", rights: ["net.bind_udp"] },
  { guarantee: "net.udp-send-confined", rights: ["net.connect_send_udp"] },
  { guarantee: "ipc.abstract-unix-scoped", rights: ["scope.abstract_unix_socket"] },
  // Pathname sockets made outside are reachable only beneath the grants (landlock: the write grants).
  { guarantee: "ipc.unix-path-confined", rights: ["fs.resolve_unix"] },
  { guarantee: "ipc.signal-scoped", rights: ["scope.signal"] },
];

/** The landlock rights a guarantee is made of, or undefined for a guarantee landlock does not give. */
export function guaranteeRights(guarantee: string): readonly RightName[] | undefined {
  return GUARANTEES.find((g) => g.guarantee === guarantee)?.rights;
}

/** Reports already folded, by their rights list (a kept plan's is the same frozen array at every spawn). */
const folded = new WeakMap<object, { readonly abi: number; readonly out: readonly GuaranteeReport[] }>();

/** One entry per guarantee whose rights were requested: enforced, partial or not, and why (entries frozen: spawns may share them). */
export function landlockGuarantees(report: LandlockReport): GuaranteeReport[] {
  const hit = Object.isFrozen(report.rights) ? folded.get(report.rights) : undefined;
  if (hit && hit.abi === report.abi) return [...hit.out];
  const out = fold(report);
  if (Object.isFrozen(report.rights)) folded.set(report.rights, { abi: report.abi, out });
  return [...out];
}

function fold(report: LandlockReport): GuaranteeReport[] {
  const out: GuaranteeReport[] = [];
  for (const g of GUARANTEES) {
    const rights = report.rights.filter((r) => g.rights.includes(r.right));
    if (rights.length === 0) continue;
    const missing = rights.filter((r) => r.status !== "enforced");
    const status = missing.length === 0 ? "enforced" : missing.length === rights.length ? "not-enforced" : "partial";
    const reasons = [...new Set(missing.map((r) => `${r.right}: ${r.reason}`))];
    out.push(
      Object.freeze({
        guarantee: g.guarantee,
        status,
        by: Object.freeze(status === "not-enforced" ? [] : [`landlock abi ${report.abi}`]),
        ...(reasons.length > 0 ? { reason: reasons.join("; ") } : {}),
      }),
    );
  }
  return out;
}
