// Conformance with Bun.spawn: one table of cases, each run through Bun.spawn
// and through cordon's spawn() under the least restrictive policy there is
// (all of / readable, the scratch directory writable, any network,
// best-effort), and what each run shows is compared: exit code, signal code,
// `exited`, stdout/stderr bytes, the members' kinds, `killed`, onExit's
// arguments, resourceUsage()'s shape. Where cordon deliberately differs (an
// unknown option, an option a sandbox cannot take), both sides are asserted.
import { afterAll, expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const { spawn } = await import("../../lib/spawn.ts");
const { SpawnOptionError } = await import("../../lib/errors.ts");

const dir = mkdtempSync(join(tmpdir(), "cordon-parity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "input.txt"), "from a file\n");
const unrestricted = { fs: { read: ["/"], write: [dir] }, net: "all" as const, compat: "best-effort" as const };

type Proc = ReturnType<typeof Bun.spawn>;
type Side = "bun" | "cordon";
type Case = {
  argv: string[];
  /** Made afresh for each side: streams, bodies and signals are single-use. */
  options?: (side: Side) => Record<string, unknown>;
  /** Acts on the running process (kill, write, abort) before its end is awaited. */
  drive?: (p: Proc) => unknown;
  /** More to observe once it has exited. */
  extra?: (p: Proc, side: Side) => unknown;
};

function kind(v: unknown): string {
  if (v === undefined || v === null) return String(v);
  if (typeof v === "number") return "fd";
  if (v instanceof ReadableStream) return "stream";
  if (typeof (v as { write?: unknown }).write === "function") return "sink";
  return typeof v;
}

/** Bun's ResourceUsage keys (getters on its prototype, so not own keys). */
const usageKeys = ["contextSwitches", "cpuTime", "maxRSS", "messages", "ops", "shmSize", "signalCount", "swapCount"];

/** resourceUsage()'s keys and value types, nested. */
function shape(v: unknown, keys?: readonly string[]): unknown {
  if (v === null || typeof v !== "object") return typeof v;
  return Object.fromEntries((keys ?? Object.keys(v)).toSorted().map((k) => [k, shape((v as Record<string, unknown>)[k])]));
}

async function observe(side: Side, c: Case): Promise<Record<string, unknown>> {
  let onExit: unknown[] | undefined;
  let proc!: Proc;
  const options = { ...(c.options?.(side) ?? {}), onExit: (...a: unknown[]) => (onExit = [a[0] === proc, ...a.slice(1)]) };
  try {
    proc = side === "bun" ? Bun.spawn(c.argv, options as never) : (spawn(c.argv, unrestricted, options as never) as unknown as Proc);
  } catch (e) {
    return { threw: (e as Error).name, cause: (e as { cause?: unknown }).cause };
  }
  const killedAtStart = proc.killed;
  const usageAtStart = proc.resourceUsage();
  const members = { stdin: kind(proc.stdin), stdout: kind(proc.stdout), stderr: kind(proc.stderr), stdio: proc.stdio.map(kind), readable: proc.readable === proc.stdout };
  await c.drive?.(proc);
  const text = (s: unknown) => (s instanceof ReadableStream ? new Response(s).text() : undefined);
  const [stdout, stderr, exited] = await Promise.all([text(proc.stdout), text(proc.stderr), proc.exited]);
  await Bun.sleep(20); // onExit runs after `exited` settles
  return {
    exited,
    exitCode: proc.exitCode,
    signalCode: proc.signalCode,
    stdout,
    stderr,
    members,
    killedAtStart,
    killed: proc.killed,
    usageAtStart,
    usage: shape(proc.resourceUsage(), usageKeys),
    onExit,
    extra: await c.extra?.(proc, side),
  };
}

const cat = ["cat"];
const sleep = ["sleep", "5"];
const cases: Record<string, Case> = {
  "exit code": { argv: ["sh", "-c", "exit 3"] },
  "default stdio: stdin ignored, stdout piped, stderr inherited": { argv: cat },
  "stdout and stderr piped, bytes as written": {
    argv: ["sh", "-c", "printf 'out\\000put'; printf 'err' >&2"],
    options: () => ({ stderr: "pipe" }),
  },
  "kill() sends SIGTERM: exitCode null, signalCode SIGTERM, exited 143": { argv: sleep, drive: (p) => p.kill() },
  "kill('SIGKILL')": { argv: sleep, drive: (p) => p.kill("SIGKILL") },
  "kill(SIGUSR1 by number)": { argv: sleep, drive: (p) => p.kill(10) },
  "a command that signals itself: SIGUSR2": { argv: ["sh", "-c", "kill -USR2 $$"] },
  "a real-time signal has no name: signalCode is its number": { argv: ["sh", "-c", "kill -RTMIN $$"] },
  "timeout: SIGTERM": { argv: sleep, options: () => ({ timeout: 100 }) },
  "timeout with killSignal SIGINT": { argv: sleep, options: () => ({ timeout: 100, killSignal: "SIGINT" }) },
  "timeout 0 is no timeout": { argv: ["sh", "-c", "sleep 0.2; exit 4"], options: () => ({ timeout: 0 }) },
  "an AbortSignal aborted later: killSignal": {
    argv: sleep,
    options: () => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 80);
      return { signal: ac.signal };
    },
  },
  "an AbortSignal aborted already: AbortError, nothing starts": {
    argv: sleep,
    options: () => ({ signal: AbortSignal.abort("stop") }),
  },
  // `exec`: the process Bun kills is the only one left holding the pipes. A
  // forked `sleep` would outlive Bun's kill whenever the shell forked it
  // first, and keep Bun's stdout open for 5 s (the whole tree: see below).
  "maxBuffer exceeded on stdout: killSignal": { argv: ["sh", "-c", "head -c 3000 /dev/zero; exec sleep 5"], options: () => ({ maxBuffer: 1000 }) },
  "maxBuffer exceeded on stderr, with killSignal SIGKILL": {
    argv: ["sh", "-c", "head -c 3000 /dev/zero >&2; exec sleep 5"],
    options: () => ({ maxBuffer: 1000, stderr: "pipe", killSignal: "SIGKILL" }),
  },
  "maxBuffer met exactly, per stream: no kill": {
    argv: ["sh", "-c", "head -c 1000 /dev/zero; head -c 1000 /dev/zero >&2"],
    options: () => ({ maxBuffer: 1000, stderr: "pipe" }),
  },
  "a megabyte of output read only after the exit": {
    argv: ["sh", "-c", "head -c 1048576 /dev/zero | tr '\\000' x"],
    extra: async () => "read after",
  },
  "stdin: a Blob": { argv: cat, options: () => ({ stdin: new Blob(["blob\n"]) }) },
  "stdin: a Uint8Array": { argv: cat, options: () => ({ stdin: new TextEncoder().encode("bytes\n") }) },
  "stdin: an ArrayBuffer": { argv: cat, options: () => ({ stdin: new TextEncoder().encode("buffer\n").buffer }) },
  "stdin: a Response": { argv: cat, options: () => ({ stdin: new Response("response\n") }) },
  "stdin: a Request": { argv: cat, options: () => ({ stdin: new Request("http://localhost/", { method: "POST", body: "request\n" }) }) },
  "stdin: a ReadableStream (the stdin member is the stream)": {
    argv: cat,
    options: () => ({
      stdin: new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode("stream\n"));
          c.close();
        },
      }),
    }),
  },
  "stdin: Bun.file(path)": { argv: cat, options: () => ({ stdin: Bun.file(join(dir, "input.txt")) }) },
  "stdin: an fd number (the member is the number)": {
    argv: cat,
    options: () => ({ stdin: openSync(join(dir, "input.txt"), "r") }),
    extra: (p) => closeSync(p.stdin as unknown as number),
  },
  "stdin: pipe, written and ended by the caller": {
    argv: cat,
    options: () => ({ stdin: "pipe" }),
    drive: (p) => {
      const sink = p.stdin as { write(s: string): unknown; end(): unknown };
      sink.write("piped\n");
      return sink.end();
    },
  },
  "stdout: Bun.file(path), written from offset 0 without truncation": {
    argv: ["sh", "-c", "echo to-file; echo to-err >&2"],
    options: (side) => {
      writeFileSync(join(dir, `out-${side}`), "a longer previous content\n");
      return { stdout: Bun.file(join(dir, `out-${side}`)), stderr: Bun.file(join(dir, `err-${side}`)) };
    },
    extra: (_p, side) => [readFileSync(join(dir, `out-${side}`), "utf8"), readFileSync(join(dir, `err-${side}`), "utf8")],
  },
  "stdout: an fd number": {
    argv: ["sh", "-c", "echo via-fd"],
    options: (side) => ({ stdout: openSync(join(dir, `fd-${side}`), "w") }),
    extra: (p, side) => {
      closeSync(p.stdout as unknown as number);
      return readFileSync(join(dir, `fd-${side}`), "utf8");
    },
  },
  "stdout: null and ignore": { argv: ["sh", "-c", "echo gone; echo gone >&2"], options: () => ({ stdout: null, stderr: "ignore" }) },
  "stdio array: extra fds 3 (pipe) and 4 (socket-fd), ignore at 5": {
    argv: ["sh", "-c", "echo three >&3; echo four >&4; { echo five >&5; } 2>/dev/null || echo no-five"],
    options: () => ({ stdio: ["ignore", "pipe", "pipe", "pipe", "socket-fd", "ignore"] }),
    extra: (p) =>
      [3, 4].map((i) => {
        const fd = p.stdio[i] as number;
        const b = Buffer.alloc(64);
        const n = readSync(fd, b);
        closeSync(fd);
        return b.subarray(0, n).toString();
      }),
  },
  "stdio array: an fd number at 3": {
    argv: ["sh", "-c", "echo at-three >&3"],
    options: (side) => ({ stdio: ["ignore", "ignore", "inherit", openSync(join(dir, `three-${side}`), "w")] }),
    extra: (p, side) => {
      closeSync(p.stdio[3] as number);
      return readFileSync(join(dir, `three-${side}`), "utf8");
    },
  },
  "stdio array overrides stdin/stdout/stderr": { argv: ["sh", "-c", "echo o; echo e >&2"], options: () => ({ stdout: "ignore", stdio: [null, "pipe", "pipe"] }) },
  argv0: { argv: ["sh", "-c", "echo $0"], options: () => ({ argv0: "renamed" }) },
  "lazy output": { argv: ["sh", "-c", "echo lazy"], options: () => ({ lazy: true }) },
  "Windows-only options are ignored elsewhere": { argv: ["true"], options: () => ({ windowsHide: true, windowsVerbatimArguments: false }) },
  "ArrayBufferView as stdout is refused": { argv: ["true"], options: () => ({ stdout: new Uint8Array(8) }) },
  "asyncDispose kills (SIGTERM) and waits": {
    argv: sleep,
    drive: (p) => (p as unknown as AsyncDisposable)[Symbol.asyncDispose](),
  },
  "command not found": { argv: ["cordon-no-such-command"] },
};

function normalize(o: Record<string, unknown>): Record<string, unknown> {
  // Error classes differ by design (Bun's TypeError/ENOENT, cordon's typed errors): thrown or not is what must agree.
  if ("threw" in o) return { threw: o.threw === "AbortError" ? "AbortError" : true, cause: o.cause };
  return o;
}

describeUnless(notLinux, "Bun.spawn parity (unrestricted policy)", () => {
  for (const [title, c] of Object.entries(cases)) {
    test(title, async () => {
      const bun = normalize(await observe("bun", c));
      const cordon = normalize(await observe("cordon", c));
      expect(cordon).toEqual(bun);
    });
  }

  // A case whose reference (Bun) depends on whether the command forked before
  // the kill fails now and then; each overrun case runs here often enough to show it.
  test("maxBuffer overruns, 50 times each: both sides settle within 2 s and agree every time", async () => {
    const bounded = <T>(p: Promise<T>, ms: number) => Promise.race([p, Bun.sleep(ms).then(() => "still running after 2 s")]);
    for (const title of Object.keys(cases).filter((t) => t.startsWith("maxBuffer exceeded"))) {
      for (let i = 0; i < 50; i++) {
        const bun = await bounded(observe("bun", cases[title]!), 2000);
        const cordon = await bounded(observe("cordon", cases[title]!), 2000);
        expect({ title, i, cordon }).toEqual({ title, i, cordon: bun });
      }
    }
  }, 120_000);

  test("where cordon differs on purpose: a maxBuffer overrun kills the whole tree, so a child forked before it releases the pipes", async () => {
    // The child is forked before any output: Bun's kill (of the command alone) always leaves it holding stdout.
    const argv = ["sh", "-c", "sleep 5 & echo $! >&2; head -c 3000 /dev/zero >&2; wait"];
    const options = { maxBuffer: 1000, stderr: "pipe" as const, killSignal: "SIGKILL" as const };
    const settled = async (p: { stdout: unknown; stderr: unknown; exited: Promise<number> }) => {
      const err = new Response(p.stderr as ReadableStream).text();
      const out = Promise.race([new Response(p.stdout as ReadableStream).text().then(() => "ended"), Bun.sleep(1000).then(() => "still open")]);
      return { exited: await p.exited, stdout: await out, child: Number.parseInt(await err, 10) };
    };
    const bun = await settled(Bun.spawn(argv, options));
    const left = (() => {
      try {
        return process.kill(bun.child, "SIGKILL");
      } catch {
        return false;
      }
    })();
    expect({ exited: bun.exited, stdout: bun.stdout, left }).toEqual({ exited: 137, stdout: "still open", left: true });
    const cordon = await settled(spawn(argv, unrestricted, options) as never);
    expect({ exited: cordon.exited, stdout: cordon.stdout }).toEqual({ exited: 137, stdout: "ended" });
  });

  test("where cordon differs on purpose: an unknown or misspelt option is a typed error (Bun ignores it)", () => {
    expect(() => Bun.spawn(["true"], { stdoutt: "pipe" } as never)).not.toThrow();
    const e = (() => {
      try {
        spawn(["true"], unrestricted, { stdoutt: "pipe" } as never);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(SpawnOptionError);
    expect((e as InstanceType<typeof SpawnOptionError>).option).toBe("stdoutt");
    expect(String(e)).toContain('did you mean "stdout"');
  });

  test("where cordon differs on purpose: options a sandbox cannot take are typed errors naming them", () => {
    for (const option of ["terminal", "ipc", "serialization", "onDisconnect", "detached", "cwd", "env", "uid", "gid", "cgroup"]) {
      let err: unknown;
      try {
        spawn(["true"], unrestricted, { [option]: option === "ipc" || option === "onDisconnect" ? () => {} : {} } as never);
      } catch (e) {
        err = e;
      }
      expect({ option, name: (err as Error)?.name, named: (err as { option?: string })?.option }).toEqual({ option, name: "SpawnOptionError", named: option });
    }
  });
});
