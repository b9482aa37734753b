// Outside fixtures for `cordon audit` on Linux: a scratch directory (an
// outside file, a read-only-granted file, socket paths) and the canary keeper
// (probes/canary-keeper.py, run with python3 as the caller) that plants SysV, POSIX
// mqueue, POSIX shm and keyring canaries plus unix, abstract, TCP and UDP
// listeners, counts what arrives, and removes everything on teardown.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReceiptKey } from "./channels.ts";
import { LineReader } from "./lines.ts";

export type CanaryConfig = {
  readonly nonce: string;
  readonly outsideDir: string;
  readonly outsideFile: string;
  readonly roDir: string;
  readonly roFile: string;
  readonly unixStream: string;
  readonly unixDgram: string;
  readonly abstract: string;
  readonly shmKey: number;
  readonly msgKey: number;
  readonly semKey: number;
  /** Key of the segment the inside probe creates and leaves, to see whether it outlives the sandbox. */
  readonly leaveKey: number;
  readonly mqName: string;
  readonly posixShm: string;
  readonly keyDesc: string;
};

export type Ready = { readonly pid: number; readonly tcpPort: number; readonly udpPort: number; readonly sessionKeyring: number; readonly key: number | null };

export type Found = { readonly kind: string; readonly name: string; readonly removed: boolean };

/** SysV keys from the nonce: four consecutive keys in a range no common program uses. */
export function sysvKeys(nonce: string): { shmKey: number; msgKey: number; semKey: number; leaveKey: number } {
  const base = 0x43000000 + (parseInt(nonce.slice(-8), 16) % 0x400000) * 4;
  return { shmKey: base, msgKey: base + 1, semKey: base + 2, leaveKey: base + 3 };
}

export function canaryConfig(nonce: string): CanaryConfig {
  const scratch = mkdtempSync(join(tmpdir(), `cordon-audit-${nonce}-`));
  const outsideDir = join(scratch, "outside");
  const roDir = join(scratch, "granted-ro");
  mkdirSync(outsideDir);
  mkdirSync(roDir);
  const outsideFile = join(outsideDir, "canary");
  const roFile = join(roDir, "canary");
  writeFileSync(outsideFile, "outside canary\n", { mode: 0o644 });
  writeFileSync(roFile, "read-only canary\n", { mode: 0o644 });
  const name = `cordon-audit-${nonce}`;
  return {
    nonce,
    outsideDir,
    outsideFile,
    roDir,
    roFile,
    unixStream: join(outsideDir, "stream.sock"),
    unixDgram: join(outsideDir, "dgram.sock"),
    abstract: `${name}-abstract`,
    ...sysvKeys(nonce),
    mqName: `/${name}`,
    posixShm: `${name}-canary`,
    keyDesc: `${name}-canary`,
  };
}

/** The scratch directory holding the outside fixtures. */
export function scratchOf(cfg: CanaryConfig): string {
  return join(cfg.outsideDir, "..");
}

/** A running keeper: ask for counts, scan for leftovers, tear down. */
export class CanaryKeeper {
  private readonly lines: LineReader;

  private constructor(
    private readonly proc: Bun.Subprocess<"pipe", "pipe", "pipe">,
    readonly config: CanaryConfig,
  ) {
    this.lines = new LineReader(proc.stdout);
  }

  static async start(python: string, source: string, config: CanaryConfig): Promise<{ keeper: CanaryKeeper; ready: Ready }> {
    const proc = Bun.spawn([python, "-I", "-c", source, JSON.stringify(config)], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    const keeper = new CanaryKeeper(proc, config);
    const first = await keeper.line();
    const v = first ? (JSON.parse(first) as Ready & { ready?: boolean; error?: string }) : undefined;
    if (!v?.ready) {
      const err = await new Response(proc.stderr).text();
      await proc.exited;
      throw new Error(`the canary keeper did not start: ${v?.error ?? (err.trim().split("\n").pop() || "no output")}`);
    }
    return { keeper, ready: v };
  }

  private line(): Promise<string | undefined> {
    return this.lines.next();
  }

  private async ask<T>(command: string): Promise<T> {
    this.proc.stdin.write(command + "\n");
    this.proc.stdin.flush();
    const line = await this.line();
    if (line === undefined) throw new Error(`the canary keeper exited before answering ${command.split(" ")[0]}`);
    return JSON.parse(line) as T;
  }

  /** What arrived at each canary so far. */
  counts(): Promise<Partial<Record<ReceiptKey, number>>> {
    return this.ask("count");
  }

  /** Look for (and remove) SysV segments, mqueues and keys the sandbox may have left. */
  async scan(spec: { shmKeys: number[]; mqNames: string[]; keyDescs: string[] }): Promise<Found[]> {
    return (await this.ask<{ found: Found[] }>(`scan ${JSON.stringify(spec)}`)).found;
  }

  /** Remove every canary; returns what the keeper removed. */
  async teardown(): Promise<string[]> {
    let removed: string[] = [];
    try {
      removed = (await this.ask<{ removed: string[] }>("teardown")).removed;
    } finally {
      this.proc.stdin.end();
      await this.proc.exited;
    }
    return removed;
  }

  get pid(): number {
    return this.proc.pid;
  }
}

export function removeScratch(cfg: CanaryConfig): void {
  rmSync(scratchOf(cfg), { recursive: true, force: true });
}
