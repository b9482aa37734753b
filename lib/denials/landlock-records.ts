// Landlock's audit records (ABI 7; Documentation/admin-guide/LSM/landlock.rst)
// as text, and what each denial means in cordon's terms. Pure.
//
//   AUDIT_LANDLOCK_ACCESS (1423): domain=HEX blockers=fs.read_file,... then the
//     object: path="..." dev="..." ino=N | daddr=A dest=PORT | src=PORT | opid=N ocomm="..."
//   AUDIT_LANDLOCK_DOMAIN (1424): domain=HEX status=allocated mode=enforcing pid=N uid=N exe="..." comm="..."
//                                 domain=HEX status=deallocated denials=N
import type { DenialInput } from "./log.ts";

export type AuditRecord = {
  /** "SECONDS.MS:SERIAL": records of one event share it. */
  readonly event: string;
  readonly fields: Readonly<Record<string, string>>;
};

/** An untrusted string the kernel logged in hex (it held a space, a quote or a control character). */
function unhex(v: string): string {
  if (v.length % 2 !== 0 || !/^[0-9A-F]+$/.test(v)) return v;
  return Buffer.from(v, "hex").toString("utf8");
}

/** Parses `audit(1.2:3): key=value key="quoted value" ...`; undefined when it is no audit record. */
export function parseAuditRecord(text: string): AuditRecord | undefined {
  const head = /^audit\(([0-9.]+:[0-9]+)\):\s*/.exec(text);
  if (!head) return undefined;
  const fields: Record<string, string> = {};
  const re = /(\w+)=("[^"]*"|\S*)/g;
  const body = text.slice(head[0].length);
  for (const m of body.matchAll(re)) {
    const raw = m[2]!;
    fields[m[1]!] = raw.startsWith('"') ? raw.slice(1, -1) : ["path", "exe", "comm", "ocomm", "name"].includes(m[1]!) ? unhex(raw) : raw;
  }
  return { event: head[1]!, fields };
}

/** What a file right's denial tried, in one word, and whether a read grant would allow it. */
const FS_ACCESS: Record<string, { access: string; grant: "read" | "write" }> = {
  "fs.execute": { access: "exec", grant: "read" },
  "fs.read_file": { access: "read", grant: "read" },
  "fs.read_dir": { access: "readdir", grant: "read" },
  "fs.write_file": { access: "write", grant: "write" },
  "fs.truncate": { access: "truncate", grant: "write" },
  "fs.remove_dir": { access: "remove", grant: "write" },
  "fs.remove_file": { access: "remove", grant: "write" },
  "fs.make_char": { access: "create", grant: "write" },
  "fs.make_dir": { access: "create", grant: "write" },
  "fs.make_reg": { access: "create", grant: "write" },
  "fs.make_sock": { access: "create", grant: "write" },
  "fs.make_fifo": { access: "create", grant: "write" },
  "fs.make_block": { access: "create", grant: "write" },
  "fs.make_sym": { access: "create", grant: "write" },
  "fs.refer": { access: "link", grant: "write" },
  "fs.ioctl_dev": { access: "ioctl", grant: "write" },
  "fs.resolve_unix": { access: "connect", grant: "write" },
};

const OUTSIDE = "the process is outside the sandbox: no flag reaches it";

/**
 * The denials one ACCESS record stands for, one per distinct access: a
 * record may name several rights (a rename is make_reg and refer).
 */
export function landlockDenials(r: AuditRecord): DenialInput[] {
  const f = r.fields;
  const named = new Set((f.blockers ?? "").split(",").filter(Boolean));
  // One open names every right it lacked: an exec's open reads too, a write grant reads and truncates as well.
  if (named.has("fs.execute") || named.has("fs.write_file")) named.delete("fs.read_file");
  if (named.has("fs.write_file")) named.delete("fs.truncate");
  const blockers = [...named];
  const by = "landlock audit";
  const out = new Map<string, DenialInput>();
  const put = (d: DenialInput) => out.set(`${d.class}\0${d.access}\0${d.target}`, d);
  const detail = `blockers=${f.blockers ?? ""}`;
  for (const b of blockers) {
    const fsRight = FS_ACCESS[b];
    if (fsRight) {
      const path = f.path ?? f.name ?? `dev ${f.dev ?? "?"} inode ${f.ino ?? "?"}`;
      const flag = fsRight.grant === "read" ? "--allow-read" : "--allow-write";
      put({ class: "fs", access: fsRight.access, target: path, ...(f.path ? { allow: `${flag}=${path}` } : { why: "the record names no path" }), by, detail });
    } else if (b === "net.connect_tcp" || b === "net.connect_send_udp") {
      const port = f.dest ?? "?";
      const udp = b.endsWith("udp");
      put({ class: "net", access: "connect", target: `${f.daddr ?? "?"}:${port}${udp ? " (udp)" : ""}`, allow: udp ? "--allow-net" : `--allow-connect=${port}`, by, detail });
    } else if (b === "net.bind_tcp" || b === "net.bind_udp") {
      const port = f.src ?? "?";
      const udp = b.endsWith("udp");
      put({ class: "net", access: "bind", target: `${udp ? "udp" : "tcp"} port ${port}`, allow: udp ? "--allow-net" : `--allow-bind=${port}`, by, detail });
    } else if (b === "scope.signal") {
      put({ class: "signal", access: "signal", target: target(f), why: OUTSIDE, by, detail });
    } else if (b === "ptrace") {
      put({ class: "ptrace", access: "ptrace", target: target(f), why: OUTSIDE, by, detail });
    } else if (b === "scope.abstract_unix_socket") {
      put({ class: "ipc", access: "connect", target: "an abstract unix socket outside the sandbox", why: "abstract unix sockets outside the sandbox stay closed: no flag opens them", by, detail });
    } else if (b === "fs.change_topology") {
      put({ class: "fs", access: "mount", target: f.path ?? "a mount", why: "mounts stay closed in a sandbox: no flag allows them", by, detail });
    } else {
      put({ class: "fs", access: b, target: f.path ?? "?", why: `a right cordon does not know: ${b}`, by, detail });
    }
  }
  return [...out.values()];
}

function target(f: Readonly<Record<string, string>>): string {
  return f.opid ? `pid ${f.opid}${f.ocomm ? ` (${f.ocomm})` : ""}` : "a process outside the sandbox";
}
