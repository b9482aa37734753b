// `cordon audit`: run a probe inside a sandbox of the given policy, with
// canaries planted outside, and report each channel of channels.ts as
// blocked / reachable / partial / n/a / error with its evidence; then scan for
// what the sandbox left behind and check that every canary is gone.
import { randomBytes } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import type { LinuxHostModel } from "../host/linux/types.ts";
import type { Policy } from "../policy/types.ts";
import type { Report } from "../report.ts";
import { spawn } from "../spawn.ts";
import { CanaryKeeper, canaryConfig, removeScratch, type Found } from "./canaries.ts";
import { channelsFor, type ReceiptKey } from "./channels.ts";
import { converse, type Ask } from "./converse.ts";
import { checkSetid, connectFromOutside, fcapsWith, hostFacts, hostNodesReached, restoreDevices, snapshotDevices } from "./host-state.ts";
import { canaryKeeperProgram, insideProgram } from "./probe-source.ts";
import { reportTamper } from "./report-tamper.ts";
import { cordonCgroups, processesWithNonce, remainingCanaries, sharedDirs, takeFile } from "./scan.ts";
import { judge, parseInside, type AuditRow } from "./verdict.ts";
import { auditWindows } from "./windows.ts";

export type { AuditRow, InsideResult, Verdict } from "./verdict.ts";
export type { Channel, ChannelClass } from "./channels.ts";

export type AuditOptions = {
  /** python3 for both halves (default: the first of /usr/bin/python3, /bin/python3, /usr/local/bin/python3). */
  readonly python?: string;
};

export type AuditReport = {
  readonly platform: string;
  /** Every object the audit made is named or keyed with it. */
  readonly nonce: string;
  readonly rows: readonly AuditRow[];
  /** What the sandbox left on the host (files, SysV objects, queues, keys, cgroups, processes); `removed` says whether the audit removed it. */
  readonly leftovers: readonly Found[];
  readonly teardown: { readonly removed: readonly string[]; readonly remaining: readonly string[] };
  /** The enforcement report of the sandbox the probe ran in. */
  readonly report?: Report;
  /** Linux: the host model the sandbox was planned with (lib/host/linux, the one `cordon probe` shows). */
  readonly host?: LinuxHostModel;
  /** The probe's exit status and anything worth knowing about the run. */
  readonly notes: readonly string[];
};

const pythons = ["/usr/bin/python3", "/bin/python3", "/usr/local/bin/python3"];

function realDir(path: string): string | undefined {
  try {
    return realpathSync(resolve(path));
  } catch {
    return undefined;
  }
}

/**
 * Audit a policy on this host. The probe runs inside `spawn(policy)` with one
 * addition: read access to a scratch directory holding a read-only canary
 * file (for the metadata, flock rows). Throws when the audit cannot run at
 * all (no python3, or the sandbox refuses the policy in hard mode).
 */
export async function audit(policy: Policy = {}, options: AuditOptions = {}): Promise<AuditReport> {
  const nonce = randomBytes(4).toString("hex");
  const platform = `${process.platform}-${process.arch}`;
  const channels = channelsFor(process.platform);
  if (channels.length === 0) {
    return { platform, nonce, rows: [], leftovers: [], teardown: { removed: [], remaining: [] }, notes: [`no audit channels for ${process.platform} yet`] };
  }
  if (process.platform === "win32") {
    const r = await auditWindows(policy, nonce);
    return { platform, nonce, rows: r.rows, leftovers: r.leftovers, teardown: { removed: [], remaining: [] }, ...(r.report ? { report: r.report } : {}), notes: r.notes };
  }
  if (process.platform !== "linux") {
    // The channel list exists; the probes that try them are Linux and Windows only so far.
    const rows = channels.map((c) => ({ channel: c.id, class: c.class, title: c.title, persistent: c.persistent, verdict: "n/a" as const, evidence: "not probed on this OS yet", mechanism: c.closeWith }));
    return { platform, nonce, rows, leftovers: [], teardown: { removed: [], remaining: [] }, notes: [`the ${process.platform} probes are not written yet: the rows list each channel and what closes it`] };
  }
  const python = options.python ?? pythons.find((p) => existsSync(p));
  if (!python) throw new Error(`cordon audit needs python3 in the system read set (${pythons.join(", ")})`);

  const { linuxHostModel, sandboxNamespaces } = await import("../host/linux/index.ts");
  const host = linuxHostModel();
  const ns = sandboxNamespaces(host);
  const cfg = canaryConfig(nonce);
  let keeper: CanaryKeeper | undefined;
  const hostNote = `host model: namespaces ${ns.namespaces}${ns.procfs ? ", a fresh /proc" : ", no fresh /proc"}${ns.netns ? ", a network namespace" : ""}; landlock ABI ${host.landlock.kernelAbi}; seccomp ${host.seccomp.actions.includes("errno") ? "yes" : "no"}`;
  const notes: string[] = [];
  let rows: AuditRow[] = [];
  let leftovers: Found[] = [];
  let report: Report | undefined;
  let removed: string[] = [];
  try {
    const started = await CanaryKeeper.start(python, canaryKeeperProgram(), cfg);
    keeper = started.keeper;
    const ready = started.ready;
    const writeDir = policy.fs?.write?.[0] !== undefined ? realDir(policy.fs.write[0]) : undefined;
    const facts = hostFacts(process.env.HOME);
    const inside = {
      ...cfg,
      ...facts,
      home: process.env.HOME,
      ...(writeDir ? { writeDir } : {}),
      tcpPort: ready.tcpPort,
      udpPort: ready.udpPort,
      victimPid: ready.pid,
      sessionKeyring: ready.sessionKeyring,
    };
    const sandboxPolicy: Policy = {
      ...policy,
      fs: { ...policy.fs, read: [...(policy.fs?.read ?? []), cfg.roDir] },
      limits: { timeoutMs: 30_000, ...policy.limits },
    };
    // The report rows run `cordon run` itself, next to the probe.
    const cli = join(import.meta.dir, "..", "..", "bin", "cordon.ts");
    const tampering = Promise.all([reportTamper("symlink", cli, python, cfg), reportTamper("fifo", cli, python, cfg)]);
    const devices = snapshotDevices(facts.devices);
    const found = new Map<string, number>();
    let connected = false;
    const proc = spawn([python, "-I", "-c", insideProgram(), JSON.stringify(inside)], sandboxPolicy, { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    report = proc.report;
    const answer = async (q: Ask): Promise<object> => {
      if (q.ask === "setid" && typeof q.files === "object" && q.files !== null) {
        // The probe plants in the write grant, or else in its private TMPDIR: the host looks only there.
        const dir = [writeDir, proc.policy.tmpDir].find((d) => d !== undefined && d === q.dir);
        if (!dir) return { error: `not a place the host knows: ${String(q.dir)}` };
        for (const [id, n] of checkSetid(dir, nonce, q.files as Record<string, unknown>, fcapsWith(python))) found.set(id, n);
        return { checked: true };
      }
      if (q.ask === "listen" && Number.isInteger(q.port) && (q.port as number) > 0 && (q.port as number) < 65536) {
        const r = await connectFromOutside(q.port as number, nonce);
        connected = r.connected;
        return r;
      }
      return { error: `unknown question ${q.ask}` };
    };
    const [stdout, stderr, status] = await Promise.all([converse(proc.stdout as ReadableStream<Uint8Array>, proc.stdin, answer), new Response(proc.stderr as ReadableStream).text(), proc.exited]);
    const parsed = parseInside(stdout);
    for (const r of await tampering) parsed.results.set(r.id, r);
    notes.push(`inside probe exited ${status}${parsed.done ? "" : " before finishing"}${proc.timedOut ? " (timed out)" : ""}`);
    if (stderr.trim()) notes.push(`inside probe stderr: ${stderr.trim().split("\n").slice(-1)[0]}`);

    // Outside receipts.
    const counts: Partial<Record<string, number>> = { ...(await keeper.counts()) };
    for (const id of ["dev.meta.chmod", "dev.meta.chown", "dev.meta.utimes"]) found.set(id, hostNodesReached(devices, parsed.results.get(id)));
    const restored = restoreDevices(devices);
    leftovers.push(...restored);
    const accepted = parsed.results.get("net.tcp.listen")?.data?.accepted === true;
    found.set("net.tcp.listen", connected && accepted ? 1 : 0);
    // A call that failed inside cannot have arrived anywhere.
    for (const [id, r] of parsed.results) if (r.ok === false && !found.has(id)) found.set(id, 0);
    const shared = sharedDirs(process.env.HOME);
    for (const [id, dir] of Object.entries(shared)) {
      const there = takeFile(dir, nonce);
      found.set(id, there ? 1 : 0);
      if (there) leftovers.push({ kind: "file", name: join(dir, `cordon-audit-${nonce}`), removed: !existsSync(join(dir, `cordon-audit-${nonce}`)) });
    }
    const outside = takeFile(cfg.outsideDir, nonce);
    found.set("fs.outside.create", outside ? 1 : 0);
    if (outside) leftovers.push({ kind: "file", name: join(cfg.outsideDir, `cordon-audit-${nonce}`), removed: true });
    if (writeDir) found.set("fs.write-grant", takeFile(writeDir, nonce) ? 1 : 0);

    const left = await keeper.scan({ shmKeys: [cfg.leaveKey], mqNames: [`/cordon-audit-${nonce}-in`], keyDescs: [`cordon-audit-${nonce}-in`] });
    found.set("ipc.sysv.persist", left.some((f) => f.kind === "sysv-shm") ? 1 : 0);
    leftovers.push(...left);
    // The one-shot spawn's spare cgroup set (empty, removed after an idle spell) is not a leftover: removed first, anything left is.
    (await import("../backend/linux/cgroup/pool.ts")).drainSpares();
    for (const cg of cordonCgroups()) leftovers.push({ kind: "cgroup", name: cg, removed: false });
    for (const pid of processesWithNonce(nonce, [process.pid, keeper.pid])) leftovers.push({ kind: "process", name: String(pid), removed: false });

    rows = channels.map((c) => {
      const receipt = c.receipt === undefined ? undefined : c.receipt === "found" ? found.get(c.id) : counts[c.receipt as ReceiptKey];
      const row = judge(c, parsed.results.get(c.id), receipt);
      // Inbound connections are what the policy grants when it grants the whole network.
      return c.id === "net.tcp.listen" && policy.net === "all" && row.verdict === "reachable" ? { ...row, byDesign: true, mechanism: "by design: the policy grants the network" } : row;
    });
  } finally {
    if (keeper) removed = await keeper.teardown().catch((e) => (notes.push(`teardown: ${String(e)}`), []));
    removeScratch(cfg);
  }
  const remaining = [...remainingCanaries(cfg), ...processesWithNonce(nonce, [process.pid]).map((pid) => `process ${pid}`)];
  return { platform, nonce, rows, leftovers, teardown: { removed, remaining }, ...(report ? { report } : {}), host, notes: [...notes, hostNote] };
}
