// Runs a python3 op list in a child confined by a landlock ruleset built here,
// and returns each op's outcome: "ok" or the errno name it failed with.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeFd } from "../../ffi/linux.ts";
import { buildLandlock, landlockFeatures } from "../../lib/backend/linux/landlock.ts";
import { spawnLinux } from "../../lib/backend/linux/spawn.ts";
import { planLandlock, type LandlockLog, type LandlockReport } from "../../lib/plan/linux/landlock/index.ts";
import { systemPaths } from "../../lib/policy/system-paths.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";

export const PYTHON = "/usr/bin/python3";

/** The ABI the tests plan for: the kernel's, lowered by CORDON_LANDLOCK_ABI_CAP. */
export const testAbi: number = process.platform === "linux" ? landlockFeatures().abi : 0;

// One op per entry: [name, ...args]. Failures print the errno's name.
const OPS = String.raw`
import errno, json, os, socket, subprocess, sys
def connect(port):
    s = socket.socket()
    try: s.connect(("127.0.0.1", int(port)))
    finally: s.close()
def bind(port):
    s = socket.socket()
    try: s.bind(("127.0.0.1", int(port)))
    finally: s.close()
def abstract(name):
    s = socket.socket(socket.AF_UNIX)
    try: s.connect("\0" + name)
    finally: s.close()
def unix(path):
    s = socket.socket(socket.AF_UNIX)
    try: s.connect(path)
    finally: s.close()
def udp_bind(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try: s.bind(("127.0.0.1", int(port)))
    finally: s.close()
def udp_send(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try: s.sendto(b"x", ("127.0.0.1", int(port)))
    finally: s.close()
def abstract_own(name):
    srv = socket.socket(socket.AF_UNIX); srv.bind("\0" + name); srv.listen(1)
    abstract(name); srv.close()
def kill_own():
    p = subprocess.Popen(["/usr/bin/sleep", "30"]); os.kill(p.pid, 9); p.wait()
def read(path):
    with open(path) as f: f.read()
def write(path):
    with open(path, "w") as f: f.write("x")
def ioctl_rnd(path):
    import fcntl, struct
    fd = os.open(path, os.O_RDONLY)
    try: fcntl.ioctl(fd, 0x80045200, struct.pack("i", 0))  # RNDGETENTCNT
    finally: os.close(fd)
def run(path):
    subprocess.run([path], check=True)
ops = {
    "read": read, "write": write, "mkdir": os.mkdir, "rmdir": os.rmdir, "unlink": os.unlink,
    "rename": os.rename, "link": os.link, "symlink": os.symlink, "truncate": lambda p: os.truncate(p, 0),
    "listdir": os.listdir, "exec": run, "mkfifo": os.mkfifo, "ioctl_rnd": ioctl_rnd, "connect": connect, "bind": bind,
    "kill": lambda pid: os.kill(int(pid), 0), "kill_own": kill_own,
    "abstract": abstract, "abstract_own": abstract_own, "unix": unix, "udp_bind": udp_bind, "udp_send": udp_send,
}
out = []
for op, *args in json.loads(sys.argv[1]):
    try:
        ops[op](*args); out.append("ok")
    except OSError as e:
        out.append(errno.errorcode.get(e.errno, str(e.errno)))
print(json.dumps(out))
`;

export type Op = [string, ...(string | number)[]];

export type Confined = { readonly results: string[]; readonly report: LandlockReport; readonly stderr: string; readonly code: number };

export type ConfineOptions = {
  readonly read?: readonly string[];
  readonly write?: readonly string[];
  readonly net?: ResolvedPolicy["net"];
  /** Plan for this ABI instead of testAbi (never above the kernel's). */
  readonly abi?: number;
  readonly log?: LandlockLog;
};

/** The system read set that exists here (python3 and coreutils need it). */
export function systemRead(): string[] {
  return systemPaths("linux").read.filter((p) => existsSync(p));
}

/** Runs `ops` under a ruleset granting the system read set plus `read`/`write`. */
export async function confined(ops: readonly Op[], o: ConfineOptions = {}): Promise<Confined> {
  const abi = Math.min(testAbi, o.abi ?? testAbi);
  const policy = {
    fs: { read: [...systemRead(), ...(o.read ?? [])], write: ["/dev/null", ...(o.write ?? [])] },
    net: o.net ?? "none",
    compat: "best-effort" as const,
  };
  const built = buildLandlock(planLandlock(policy, { abi }, o.log ? { log: o.log } : {}));
  const landlock = built.rulesetFd === undefined ? {} : { landlock: { rulesetFd: built.rulesetFd, restrictFlags: built.restrictFlags } };
  let proc;
  try {
    proc = spawnLinux([PYTHON, "-c", OPS, JSON.stringify(ops)], { ...landlock, env: { PATH: "/usr/bin:/bin" }, stdout: "pipe", stderr: "pipe" });
  } finally {
    if (built.rulesetFd !== undefined) closeFd(built.rulesetFd);
  }
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout as ReadableStream).text(),
    new Response(proc.stderr as ReadableStream).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`fixture exited ${code}: ${stderr}`);
  return { results: JSON.parse(stdout) as string[], report: built.report, stderr, code };
}

/** Status of one right in a report. */
export function statusOf(report: LandlockReport, right: string): string | undefined {
  return report.rights.find((r) => r.right === right)?.status;
}

/** A scratch tree: `rw/` (write grant), `ro/` (read grant), `out/` (no grant), each with a file `f`, and `true` copies. */
export function scratch(): { root: string; rw: string; ro: string; out: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), "cordon-landlock-"));
  const dirs = { rw: join(root, "rw"), ro: join(root, "ro"), out: join(root, "out") };
  for (const d of Object.values(dirs)) {
    mkdirSync(d);
    mkdirSync(join(d, "sub"));
    writeFileSync(join(d, "f"), "data");
    copyFileSync("/usr/bin/true", join(d, "true"));
  }
  return { root, ...dirs, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
