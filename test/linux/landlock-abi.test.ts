// The ABI in use decides what is enforced, and the report must match what the
// kernel then does. Every ABI from 1 to the kernel's is planned here (as
// CORDON_LANDLOCK_ABI_CAP would), and for each one the child probes one
// escape per ABI-dependent right: denied exactly when the report says enforced.
// ABIs above the kernel's (8-10 on a 7 kernel) skip here with the reason; their
// plans are unit-tested (test/unit/landlock-plan.test.ts).
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Socket, TCPSocketListener, UnixSocketListener, udp } from "bun";
import { readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { CompatError } from "../../lib/errors.ts";
import { ABI_CAP_VARIABLE, landlockAbiCap, landlockFeatures, prepareLandlock } from "../../lib/backend/linux/landlock.ts";
import { closeFd, landlockAbiVersion } from "../../ffi/linux.ts";
import { OsError } from "../../ffi/errors.ts";
import { createRuleset } from "../../ffi/linux-landlock.ts";
import { spawnLinux } from "../../lib/backend/linux/spawn.ts";
import { FS_RIGHTS, LANDLOCK_ABI_KNOWN, NET_RIGHTS, RESTRICT_FLAGS, planLandlock } from "../../lib/plan/linux/landlock/index.ts";
import { describeUnless, linuxRequirement, testUnless } from "../helpers/skip.ts";
import { confined, scratch, statusOf, systemRead, testAbi } from "./landlock-fixture.ts";

const unmet = linuxRequirement(testAbi >= 1 ? undefined : "landlock ABI >= 1 (kernel or CORDON_LANDLOCK_ABI_CAP)");
const handlers = { socket: { data(_s: Socket<undefined>, _d: Buffer) {}, open() {} } };

describeUnless(unmet, "landlock ABI cap", () => {
  test("CORDON_LANDLOCK_ABI_CAP lowers the planned ABI and never raises it", () => {
    const kernel = landlockAbiVersion();
    expect(landlockFeatures({}).abi).toBe(kernel);
    expect(landlockFeatures({ [ABI_CAP_VARIABLE]: "3" })).toEqual({ abi: Math.min(kernel, 3), kernelAbi: kernel, cap: 3 });
    expect(landlockFeatures({ [ABI_CAP_VARIABLE]: "99" }).abi).toBe(kernel);
    expect(landlockFeatures({ [ABI_CAP_VARIABLE]: "0" }).unavailable).toBe("CORDON_LANDLOCK_ABI_CAP=0");
    expect(landlockAbiCap({ [ABI_CAP_VARIABLE]: "" })).toBeUndefined();
    expect(() => landlockAbiCap({ [ABI_CAP_VARIABLE]: "three" })).toThrow(/CORDON_LANDLOCK_ABI_CAP=three/);
  });

  test("hard compat on a capped ABI refuses before any ruleset exists", () => {
    const saved = process.env[ABI_CAP_VARIABLE];
    process.env[ABI_CAP_VARIABLE] = "3";
    try {
      expect(() => prepareLandlock({ fs: { read: ["/usr"], write: [] }, net: "none", compat: "hard" })).toThrow(CompatError);
    } finally {
      if (saved === undefined) delete process.env[ABI_CAP_VARIABLE];
      else process.env[ABI_CAP_VARIABLE] = saved;
    }
  });
});

describeUnless(unmet, "landlock report matches the kernel at every ABI up to this one", () => {
  let t: ReturnType<typeof scratch>;
  let listener: TCPSocketListener<undefined>;
  let abstract: UnixSocketListener<undefined>;
  let pathname: UnixSocketListener<undefined>;
  let datagrams: udp.Socket<"buffer">;
  let outsider: ReturnType<typeof Bun.spawn>;
  const name = `cordon-landlock-abi-${process.pid}`;
  beforeAll(async () => {
    t = scratch();
    listener = Bun.listen({ hostname: "127.0.0.1", port: 0, ...handlers });
    abstract = Bun.listen({ unix: `\0${name}`, ...handlers });
    // A pathname socket made outside the sandbox, in a directory no grant covers.
    pathname = Bun.listen({ unix: join(t.out, "daemon.sock"), ...handlers });
    datagrams = await Bun.udpSocket({ hostname: "127.0.0.1" });
    outsider = Bun.spawn(["/usr/bin/sleep", "60"]);
  });
  afterAll(() => {
    t.cleanup();
    listener.stop(true);
    abstract.stop(true);
    pathname.stop(true);
    datagrams.close();
    outsider.kill(9);
  });

  for (let abi = 1; abi <= LANDLOCK_ABI_KNOWN; abi++) {
    const reason = abi > testAbi ? `kernel (or cap) offers ABI ${testAbi} < ${abi}` : undefined;
    testUnless(reason, `ABI ${abi}: each escape is denied exactly when the report says enforced`, async () => {
      const probes: [string, [string, ...(string | number)[]]][] = [
        ["fs.write_file", ["write", join(t.out, "f")]],
        ["fs.truncate", ["truncate", join(t.ro, "f")]],
        ["fs.ioctl_dev", ["ioctl_rnd", "/dev/urandom"]],
        ["net.connect_tcp", ["connect", listener.port]],
        ["scope.signal", ["kill", outsider.pid]],
        ["scope.abstract_unix_socket", ["abstract", name]],
        ["fs.resolve_unix", ["unix", join(t.out, "daemon.sock")]],
        ["net.bind_udp", ["udp_bind", 0]],
        ["net.connect_send_udp", ["udp_send", datagrams.port]],
      ];
      const { results, report } = await confined(
        probes.map((p) => p[1]),
        { read: [t.ro], write: [t.rw], abi },
      );
      expect(report.abi).toBe(abi);
      const seen = probes.map(([right], i) => ({ right, enforced: statusOf(report, right) === "enforced", denied: results[i] !== "ok" }));
      for (const s of seen) expect({ right: s.right, denied: s.denied }).toEqual({ right: s.right, denied: s.enforced });
      // And what is enforced is exactly what this ABI has.
      const introduced: Record<string, number> = {
        "fs.write_file": 1, "fs.truncate": 3, "fs.ioctl_dev": 5, "net.connect_tcp": 4, "scope.signal": 6, "scope.abstract_unix_socket": 6,
        "fs.resolve_unix": 9, "net.bind_udp": 10, "net.connect_send_udp": 10,
      };
      for (const s of seen) expect({ right: s.right, enforced: s.enforced }).toEqual({ right: s.right, enforced: abi >= introduced[s.right]! });
    });
  }

  testUnless(testAbi >= 7 ? undefined : `ABI ${testAbi} < 7`, "ABI 7 logging flags are accepted by landlock_restrict_self", async () => {
    const { results, report } = await confined([["write", join(t.out, "f")], ["write", join(t.rw, "g")]], {
      write: [t.rw],
      log: { sameExec: false, newExec: true, subdomains: false },
    });
    expect(statusOf(report, "restrict.log_new_exec_on")).toBe("enforced");
    expect(results).toEqual(["EACCES", "ok"]);
  });
});

describeUnless(unmet, "landlock rights of newer ABIs on this kernel", () => {
  const kernel = process.platform === "linux" ? landlockAbiVersion() : 0;
  const newest = kernel >= LANDLOCK_ABI_KNOWN ? `the kernel offers ABI ${kernel}: nothing newer to refuse` : undefined;

  testUnless(newest, "a right or flag of a newer ABI makes this kernel refuse (EINVAL): the plan cuts every mask to the ABI in use", () => {
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof OsError ? e.errorName : String(e);
      }
      return "accepted";
    };
    for (const [name, right] of Object.entries(FS_RIGHTS)) {
      if (right.abi <= kernel) continue;
      expect({ name, outcome: refused(() => createRuleset({ handledFs: right.bit, handledNet: 0, scoped: 0, size: 24 })) }).toEqual({ name, outcome: "EINVAL" });
    }
    for (const [name, right] of Object.entries(NET_RIGHTS)) {
      if (right.abi <= kernel) continue;
      expect({ name, outcome: refused(() => createRuleset({ handledFs: FS_RIGHTS.read_file.bit, handledNet: right.bit, scoped: 0, size: 24 })) }).toEqual({ name, outcome: "EINVAL" });
    }
    // The positive twin: the plan for this kernel, which knows ABI 10, asks only for what ABI `kernel` has.
    const plan = planLandlock({ fs: { read: [], write: ["/tmp"] }, net: { connect: [443], bind: [] }, compat: "best-effort" }, { abi: kernel });
    expect(plan.report.rights.filter((r) => r.abi > kernel).every((r) => r.status === "not-enforced")).toBe(true);
    closeFd(createRuleset({ handledFs: plan.handledFs, handledNet: plan.handledNet, scoped: plan.scoped, size: plan.attrSize as 8 | 16 | 24 }));
  });

  testUnless(newest ?? (kernel >= RESTRICT_FLAGS.tsync.abi ? "the kernel has TSYNC" : undefined), "TSYNC (ABI 8) is refused by landlock_restrict_self here, so a plan for this kernel never passes it", () => {
    const fd = createRuleset({ handledFs: FS_RIGHTS.write_file.bit, handledNet: 0, scoped: 0, size: 24 });
    const spawnWith = (restrictFlags: number) => {
      try {
        const p = spawnLinux(["/usr/bin/true"], { stdin: "ignore", stdout: "ignore", stderr: "ignore", landlock: { rulesetFd: fd, restrictFlags } });
        return p.exited.then((code) => `exit ${code}`);
      } catch (e) {
        return Promise.resolve(e instanceof OsError ? `${e.op} ${e.errorName}` : String(e));
      }
    };
    return Promise.all([spawnWith(RESTRICT_FLAGS.tsync.bit), spawnWith(0)])
      .then((outcomes) => expect(outcomes).toEqual(["landlock_restrict_self EINVAL", "exit 0"]))
      .finally(() => closeFd(fd));
  });
});

describeUnless(unmet, "landlock grant paths", () => {
  test("a grant path that does not exist is an error naming the path, and no ruleset leaks", () => {
    const missing = "/nonexistent/cordon/grant";
    // What the fds name, not how many there are: other threads of this process open and close fds too.
    const targets = () =>
      readdirSync("/proc/self/fd").flatMap((fd) => {
        try {
          return [readlinkSync(`/proc/self/fd/${fd}`)];
        } catch {
          return []; // closed since it was listed
        }
      });
    const rulesets = () => targets().filter((t) => t === "anon_inode:[landlock-ruleset]").length;
    const rulesetsBefore = rulesets();
    const granted = systemRead();
    const openBefore = new Set(targets());
    let err: unknown;
    try {
      prepareLandlock({ fs: { read: [...granted, missing], write: [] }, net: "none", compat: "best-effort" });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toContain(missing);
    expect((err as { errorName?: string }).errorName).toBe("ENOENT");
    expect(rulesets()).toBe(rulesetsBefore);
    expect(targets().filter((t) => granted.includes(t) && !openBefore.has(t))).toEqual([]);
  });

  test("a file grant carries only file rights, and the report says it is a file", async () => {
    const t = scratch();
    try {
      const file = join(t.out, "f");
      const built = prepareLandlock({ fs: { read: [], write: [file] }, net: "all", compat: "best-effort" });
      if (built.rulesetFd !== undefined) closeFd(built.rulesetFd);
      const rule = built.report.rules.find((r) => r.target === file)!;
      expect(rule.kind).toBe("file");
      expect(rule.granted).not.toContain("fs.read_dir");
      expect(rule.granted).toContain("fs.write_file");
      // In a child: that one file is writable, its directory's other entries are not.
      const { results } = await confined([["write", file], ["write", join(t.out, "true")]], { write: [file] });
      expect(results).toEqual(["ok", "EACCES"]);
    } finally {
      t.cleanup();
    }
  });
});
