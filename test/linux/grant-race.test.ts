// A grant swapped for a symlink while cordon starts: a racing process keeps
// exchanging the granted directory with a symlink to an outside directory
// (renameat2 RENAME_EXCHANGE) while sandboxes start and write into the grant.
// Before the grants were opened once and checked against their resolution,
// about one spawn in twenty got the write grant (landlock rule and bind) on
// the outside directory while the policy named the granted one.
import { afterAll, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const python = notLinux ?? (Bun.which("python3") ? undefined : "python3 is needed for the racing renameat2 loop");

/** Exchanges `a` and `b` (RENAME_EXCHANGE) as fast as it can for at most `seconds`; leaves `a` a directory. */
const RACER = `
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, b, seconds = sys.argv[1].encode(), sys.argv[2].encode(), float(sys.argv[3])
swap = lambda: libc.renameat2(-100, a, -100, b, 2)
if swap() != 0:
    sys.exit("renameat2: errno %d" % ctypes.get_errno())
swap()
print("ready", flush=True)
end = time.time() + seconds
n = 0
while time.time() < end and not os.path.exists(a + b".stop"):
    swap()
    n += 1
if os.path.islink(a):
    swap()
print(n, flush=True)
`;

describeUnless(python, "a grant swapped for a symlink while cordon starts", () => {
  const base = mkdtempSync(join(tmpdir(), "cordon-race-"));
  const outside = mkdtempSync(join(tmpdir(), "cordon-race-outside-"));
  const granted = join(base, "w");
  const link = join(base, "l");
  mkdirSync(granted);
  symlinkSync(outside, link);
  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  /** Starts the racer and waits until it swaps; `stop()` ends it and returns how many swaps it made. */
  async function race(seconds: number) {
    const p = Bun.spawn(["python3", "-c", RACER, granted, link, String(seconds)], { stdout: "pipe", stderr: "pipe" });
    const reader = p.stdout.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    if (!first.startsWith("ready")) throw new Error(`racer did not start: ${first} ${await new Response(p.stderr).text()}`);
    return {
      async stop() {
        Bun.write(`${granted}.stop`, "");
        const code = await p.exited;
        rmSync(`${granted}.stop`, { force: true });
        let rest = "";
        for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
        expect(code).toBe(0);
        return Number(rest.trim());
      },
    };
  }

  test("200 spawns of one resolved policy while the grant is swapped: each writes into the granted directory or is refused with GrantChangedError; nothing lands outside", async () => {
    const { resolvePolicy } = await import("../../lib/resolve-policy.ts");
    const { sandboxSpawn } = await import("../../lib/backend/linux/sandbox.ts");
    const { GrantChangedError } = await import("../../lib/errors.ts");
    const { policy, cleanup } = resolvePolicy({ fs: { write: [granted] } });
    expect(policy.fs.write).toContain(granted);
    const racer = await race(60);
    const outcomes = { wrote: 0, refused: 0 };
    const other: string[] = [];
    try {
      // At least 200; more (up to 2000) until the racer has been met both ways, which load can delay.
      for (let i = 0; i < 2000 && (i < 200 || outcomes.refused === 0 || outcomes.wrote === 0); i++) {
        try {
          const { proc } = sandboxSpawn(["sh", "-c", `echo ${i} > ${granted}/f-${i}`], policy, { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
          const code = await proc.exited;
          if (code === 0) outcomes.wrote++;
          else other.push(`spawn ${i} exited ${code}`);
        } catch (e) {
          if (e instanceof GrantChangedError) outcomes.refused++;
          else other.push(`spawn ${i}: ${String(e)}`);
        }
      }
    } finally {
      const swaps = await racer.stop();
      cleanup();
      expect(swaps).toBeGreaterThan(100);
    }
    expect(lstatSync(granted).isDirectory()).toBe(true);
    expect(readdirSync(outside)).toEqual([]);
    expect(other).toEqual([]);
    expect(readdirSync(granted).length).toBe(outcomes.wrote);
    // The race was real: some spawns met the symlink, some the directory.
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.wrote).toBeGreaterThan(0);
  }, 120_000);

  test("100 spawns resolving the grant while it is swapped: a file outside is only ever written under a policy that names the outside directory", async () => {
    const { spawn } = await import("../../lib/spawn.ts");
    const { GrantChangedError, PolicyError } = await import("../../lib/errors.ts");
    for (const f of readdirSync(granted)) rmSync(join(granted, f));
    const racer = await race(60);
    const namedOutside = new Set<number>();
    const other: string[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        try {
          const p = spawn(["sh", "-c", `echo ${i} > ${granted}/g-${i} || { ls -la ${base} ${granted}; grep race /proc/self/mountinfo; } >&2`], { fs: { write: [granted] } }, { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
          const [code, err] = await Promise.all([p.exited, new Response(p.stderr as ReadableStream).text()]);
          if (p.policy.fs.write.includes(outside)) namedOutside.add(i);
          else if (code !== 0) other.push(`spawn ${i} exited ${code}: ${err.trim()}`);
        } catch (e) {
          if (!(e instanceof GrantChangedError || e instanceof PolicyError)) other.push(`spawn ${i}: ${String(e)}`);
        }
      }
    } finally {
      await racer.stop();
    }
    const landedOutside = readdirSync(outside).map((f) => Number(f.slice(2)));
    expect(landedOutside.filter((i) => !namedOutside.has(i))).toEqual([]);
    expect(other).toEqual([]);
    expect(existsSync(granted)).toBe(true);
  }, 120_000);
});

describeUnless(notLinux, "a view's bind is checked against its grant's fd", () => {
  const base = mkdtempSync(join(tmpdir(), "cordon-same-"));
  const a = join(base, "a");
  const b = join(base, "b");
  for (const d of [a, b]) mkdirSync(d);
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  test("a bind showing another file than its sameAs fd stops the spawn with ESTALE; the same file runs; sameAs on a non-bind entry is refused", async () => {
    const { spawnLinux } = await import("../../lib/backend/linux/spawn.ts");
    const { CLONE_NEW } = await import("../../ffi/linux-spawn.ts");
    const { openPath } = await import("../../ffi/linux-landlock.ts");
    const { closeFd } = await import("../../ffi/linux.ts");
    const system = ["/usr", "/bin", "/lib", "/lib64", "/etc/ld.so.cache"].filter((p) => existsSync(p));
    const { privateRootView } = await import("../../lib/backend/linux/private-root.ts");
    const ns = process.getuid?.() === 0 ? {} : { userNamespace: { uid: process.getuid!(), gid: process.getgid!() } };
    const [fdA, fdB] = [openPath(a), openPath(b)];
    try {
      const view = (sameAs: number, kind: "dir-ro" | "mkdir" = "dir-ro") =>
        privateRootView(system, [], base, false).concat([{ kind, path: a, sameAs }]).sort((x, y) => (x.path < y.path ? -1 : 1));
      const spawnWith = (v: ReturnType<typeof view>) =>
        spawnLinux(["/bin/true"], { ...ns, cloneNamespaces: CLONE_NEW.NS, privateRoot: v, searchPath: false, stdin: "ignore", stdout: "ignore", stderr: "ignore" });
      expect(() => spawnWith(view(fdB))).toThrow("ESTALE");
      expect(await spawnWith(view(fdA)).exited).toBe(0);
      expect(() => spawnWith(view(fdA, "mkdir"))).toThrow("CORDON_E_INVALID_ARGUMENT");
    } finally {
      closeFd(fdA);
      closeFd(fdB);
    }
  });
});
