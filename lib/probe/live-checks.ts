// Tiny sandboxed probes: the property checked from inside a real sandbox
// (default policy, best-effort so a weak host still answers), against
// canaries cordon sets up outside it. Each says whether the property held.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Limits } from "../policy/types.ts";
import { run } from "../spawn.ts";

export type LiveCheck = {
  readonly id: string;
  /** true: held; false: broken from inside; undefined: could not be run here. */
  readonly holds: boolean | undefined;
  readonly evidence: string;
};

type Inside = { status: number; stdout: string; stderr: string };

async function inside(script: string, ...args: string[]): Promise<Inside | string> {
  return insideWith({}, script, ...args);
}

async function insideWith(limits: Limits, script: string, ...args: string[]): Promise<Inside | string> {
  try {
    const r = await run(["sh", "-c", script, "sh", ...args], { compat: "best-effort", limits: { timeoutMs: 20_000, ...limits } });
    return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim().split("\n")[0] ?? "" };
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function check(id: string, r: Inside | string, judge: (r: Inside) => [boolean, string]): LiveCheck {
  if (typeof r === "string") return { id, holds: undefined, evidence: `live probe could not start: ${r}` };
  const [holds, evidence] = judge(r);
  return { id, holds, evidence: `live: ${evidence}` };
}

async function withListener<T>(fn: (port: number) => Promise<T>): Promise<T> {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open: (s) => void s.end(), data() {} } });
  try {
    return await fn(server.port);
  } finally {
    server.stop(true);
  }
}

/** Processes anywhere on the host whose command line holds `marker`. */
function survivors(marker: string): number {
  let n = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker)) n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

export async function liveChecks(): Promise<LiveCheck[]> {
  const scratch = mkdtempSync(join(tmpdir(), "cordon-probe-"));
  const canary = join(scratch, "canary");
  writeFileSync(canary, "outside");
  const victim = Bun.spawn(["sleep", "60"], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  try {
    const device = ["/dev/kmsg", "/dev/mem", "/dev/vda", "/dev/sda", "/dev/nvme0n1"].find((d) => existsSync(d));
    const perl = Bun.which("perl");
    // A sleep length no other process uses, so survivors can be found by their argv.
    const marker = `1000.${process.pid}${Date.now() % 100000}`;
    const [fs, grandchild, signal, procs, fds, dev, net, escape, memory, pids] = await Promise.all([
      inside('cat "$1" >/dev/null 2>&1 && echo read; echo x 2>/dev/null >"$2/new" && echo create; echo x >"$TMPDIR/t" && echo tmp', canary, scratch),
      inside('sh -c "cat \\"\\$1\\" >/dev/null 2>&1 && echo read || echo denied" sh "$1"', canary),
      inside('kill -0 "$1" 2>&1 && echo signalled', String(victim.pid)),
      inside('ls /proc | grep -c "^[0-9]"; test -e "/proc/$1" && echo visible', String(victim.pid)),
      inside("ls /proc/self/fd | tr '\\n' ' '"),
      device ? inside(': <"$1" 2>&1 && echo opened', device) : Promise.resolve("no device node to try"),
      perl
        ? withListener((port) => inside('perl -MIO::Socket::INET -e \'IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]", Proto => "tcp") or do { print "refused: $!\\n"; exit 0 }; print "connected\\n"\' "$1"', String(port)))
        : Promise.resolve("perl(1) not installed (the TCP client)"),
      // A double fork into a new session, then the command exits: nothing may remain.
      inside('(setsid sleep "$1" >/dev/null 2>&1 &); (sleep "$1" >/dev/null 2>&1 &); echo started', marker),
      insideWith({ memory: 32 * 2 ** 20 }, "x=$(head -c 268435456 /dev/zero | tr '\\0' a); echo survived"),
      insideWith({ pids: 4 }, "for i in 1 2 3 4 5 6 7 8; do sleep 1 & done 2>&1; wait"),
    ]);
    const left = survivors(marker);
    return [
      check("P01", fs, (r) => [r.stdout === "tmp", `outside file read ${r.stdout.includes("read") ? "ALLOWED" : "denied"}, create ${r.stdout.includes("create") ? "ALLOWED" : "denied"}, private TMPDIR ${r.stdout.includes("tmp") ? "writable" : "NOT writable"}`]),
      check("P02", net, (r) => [!r.stdout.includes("connected"), `TCP connect to a listener outside: ${r.stdout || r.stderr}`]),
      check("P04", signal, (r) => [!r.stdout.includes("signalled"), `kill -0 of a process outside: ${r.stdout.includes("signalled") ? "ALLOWED" : r.stdout.split("\n")[0] || "denied"}`]),
      check("P05", procs, (r) => [!r.stdout.includes("visible"), `/proc inside lists ${r.stdout.split("\n")[0]} processes; an outside process is ${r.stdout.includes("visible") ? "VISIBLE" : "not there"}`]),
      check("P06", fds, (r) => [/^0 1 2( 3)?$/.test(r.stdout), `open fds inside (ls holds one): ${r.stdout}`]),
      check("P08", grandchild, (r) => [r.stdout === "denied", `a grandchild reading outside the grants: ${r.stdout === "denied" ? "denied" : "ALLOWED"}`]),
      check("P10", escape, (r) => [r.stdout === "started" && left === 0, `a double-forked, setsid() sleeper left behind by the command: ${r.stdout !== "started" ? "not started" : left === 0 ? "gone when the run ended" : `${left} STILL RUNNING`}`]),
      check("P11", memory, (r) => [!r.stdout.includes("survived"), `256 MiB through a shell variable under a 32 MiB limit: ${r.stdout.includes("survived") ? "ALLOWED" : `ended with status ${r.status}`}`]),
      check("P13", pids, (r) => [/fork|resource temporarily unavailable/i.test(r.stdout + r.stderr), `8 background sleeps under a limit of 4 processes: ${/fork|resource temporarily unavailable/i.test(r.stdout + r.stderr) ? "fork refused" : "ALL STARTED"}`]),
      check("P18", dev, (r) => [!r.stdout.includes("opened"), `opening ${device}: ${r.stdout.includes("opened") ? "ALLOWED" : r.stdout.split("\n")[0] || "denied"}`]),
    ];
  } finally {
    victim.kill(9);
    await victim.exited;
    rmSync(scratch, { recursive: true, force: true });
  }
}
