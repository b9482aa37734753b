// `cordon audit` on Windows: the probe program (cordon-audit-probe.exe,
// beside cordon.dll) runs twice — outside as the keeper, which plants the
// canaries (named mutex, pipe server, hidden window, global atom, credential,
// TCP listener on loopback, the clipboard's text) and counts what arrives, and
// inside the policy's sandbox, where it tries each channel of
// channels-other.ts once. Two-sided rows are reachable only if the outside saw
// the probe arrive; what the probe left (a registry key, a file in the
// caller's %TEMP%, a stream on the read-only canary file) is looked for and
// removed by the keeper or here.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, realpathSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { checkedHelperPath, findLibrary } from "../../ffi/library.ts";
import type { Policy } from "../policy/types.ts";
import type { Report } from "../report.ts";
import { spawn } from "../spawn.ts";
import { emptyDir } from "../backend/windows/tmp-dir.ts";
import type { Found } from "./canaries.ts";
import { windowsChannels } from "./channels-other.ts";
import { judge, parseInside, type AuditRow } from "./verdict.ts";

/** What the keeper planted (its first line). */
export type KeeperReady = { readonly pid: number; readonly tcpPort: number; readonly mutex: boolean; readonly window: boolean; readonly clipboard: boolean; readonly credential: boolean };
/** What arrived outside (its answer to "counts"). */
export type KeeperCounts = { readonly pipe: number; readonly message: number; readonly tcp: number; readonly registry: number };

export type WindowsAuditResult = {
  readonly rows: readonly AuditRow[];
  readonly leftovers: readonly Found[];
  readonly report?: Report;
  readonly notes: readonly string[];
};

/** The probe program beside the library this process loads, checked against its pinned digest before first use. */
export function auditProbePath(): string {
  return checkedHelperPath("cordon-audit-probe.exe") ?? join(dirname(findLibrary()), "cordon-audit-probe.exe");
}

/** Lines of a stream, one at a time. */
function lines(stream: ReadableStream<Uint8Array>): () => Promise<string | undefined> {
  const reader = stream.getReader();
  let buffered = "";
  return async () => {
    for (;;) {
      const at = buffered.indexOf("\n");
      if (at >= 0) {
        const line = buffered.slice(0, at).trim();
        buffered = buffered.slice(at + 1);
        return line;
      }
      const r = await reader.read();
      if (r.done) {
        const rest = buffered.trim();
        buffered = "";
        return rest || undefined;
      }
      buffered += new TextDecoder().decode(r.value);
    }
  };
}

/**
 * What the outside saw, per two-sided row: the keeper's counters, and the
 * files the probe may have left (each removed once looked at).
 */
export function receipts(counts: KeeperCounts, left: { readonly stream: boolean; readonly temp: boolean }): ReadonlyMap<string, number> {
  return new Map([
    ["win.named-pipes", counts.pipe],
    ["win.window-messages", counts.message],
    ["win.network", counts.tcp],
    ["win.registry.hkcu", counts.registry],
    ["win.ads", left.stream ? 1 : 0],
    ["win.temp.shared", left.temp ? 1 : 0],
  ]);
}

/** Rows the keeper could not set up here are n/a, with why. */
export function unplanted(ready: KeeperReady): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  if (!ready.window) out.set("win.window-messages", "the keeper could not make a window here (no window station or display driver)");
  if (!ready.mutex) out.set("win.named-objects", "the keeper could not create its named mutex");
  if (!ready.credential) out.set("win.credentials", "the keeper could not write its credential (no Credential Manager here)");
  if (!ready.tcpPort) out.set("win.network", "the keeper could not listen on loopback");
  return out;
}

function takeFile(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    unlinkSync(path);
  } catch {
    // reported as found; the leftover list says it stayed
  }
  return true;
}

export async function auditWindows(policy: Policy, nonce = randomBytes(4).toString("hex")): Promise<WindowsAuditResult> {
  const probe = auditProbePath();
  if (!existsSync(probe)) throw new Error(`cordon audit needs ${probe} (built by \`zig build\` beside cordon.dll)`);
  const notes: string[] = [];
  const leftovers: Found[] = [];
  const scratch = realpathSync(mkdtempSync(join(tmpdir(), "cordon-audit-")));
  const roFile = join(scratch, "canary.txt");
  writeFileSync(roFile, "cordon audit canary\n");
  const callerTemp = realpathSync(tmpdir());

  const keeper = Bun.spawn([probe], { env: { ...process.env, CORDON_AUDIT_MODE: "keep", CORDON_AUDIT_NONCE: nonce }, stdin: "pipe", stdout: "pipe", stderr: "ignore" });
  const keeperLine = lines(keeper.stdout);
  let report: Report | undefined;
  try {
    const readyLine = await keeperLine();
    if (!readyLine) throw new Error("the audit's keeper exited before it was ready");
    const ready = JSON.parse(readyLine) as KeeperReady;

    const sandboxPolicy: Policy = {
      ...policy,
      fs: { ...policy.fs, read: [...(policy.fs?.read ?? []), dirname(probe), scratch] },
      env: { ...policy.env, CORDON_AUDIT: [nonce, ready.pid, ready.tcpPort, roFile, callerTemp].join(";") },
      limits: { timeoutMs: 30_000, ...policy.limits },
    };
    const proc = spawn([probe], sandboxPolicy, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    report = proc.report;
    const [stdout, stderr, status] = await Promise.all([new Response(proc.stdout as ReadableStream).text(), new Response(proc.stderr as ReadableStream).text(), proc.exited]);
    const parsed = parseInside(stdout);
    notes.push(`inside probe exited ${status}${parsed.done ? "" : " before finishing"}${proc.timedOut ? " (timed out)" : ""}`);
    if (stderr.trim()) notes.push(`inside probe stderr: ${stderr.trim().split("\n").slice(-1)[0]}`);

    keeper.stdin.write("counts\n");
    await keeper.stdin.flush();
    const countsLine = await keeperLine();
    if (!countsLine) throw new Error("the audit's keeper did not answer with its counts");
    const counts = JSON.parse(countsLine) as KeeperCounts;
    const stream = `${roFile}:cordon-audit-${nonce}`;
    const temp = join(callerTemp, `cordon-audit-${nonce}`);
    const left = { stream: takeFile(stream), temp: takeFile(temp) };
    if (left.stream) leftovers.push({ kind: "file", name: stream, removed: !existsSync(stream) });
    if (left.temp) leftovers.push({ kind: "file", name: temp, removed: !existsSync(temp) });
    if (counts.registry) leftovers.push({ kind: "registry key", name: `HKCU\\Software\\cordon-audit-${nonce}`, removed: true });

    const got = receipts(counts, left);
    const absent = unplanted(ready);
    const rows = windowsChannels.map((c) => {
      const why = absent.get(c.id);
      if (why) return { channel: c.id, class: c.class, title: c.title, persistent: c.persistent, verdict: "n/a" as const, evidence: why };
      return judge(c, parsed.results.get(c.id), got.get(c.id));
    });
    return { rows, leftovers, ...(report ? { report } : {}), notes };
  } finally {
    keeper.stdin.write("quit\n");
    await keeper.stdin.end();
    await keeper.exited;
    // Entry by entry: Bun's recursive rmSync fails under Wine 8 (EFAULT).
    emptyDir(scratch);
    rmdirSync(scratch);
  }
}
