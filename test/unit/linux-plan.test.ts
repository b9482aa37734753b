// planLinux is pure: a described host and a resolved policy give the whole
// plan the backend carries out (grants, landlock rules, namespaces, the
// private root's description) and its report, on any OS, with nothing probed.
import { describe, expect, test } from "bun:test";
import { CompatError } from "../../lib/errors.ts";
import { linuxReport } from "../../lib/probe/linux-report.ts";
import { expandRoot, planLinux, type LinuxPlanHost } from "../../lib/plan/linux/index.ts";
import { FS_READ_GRANT, FS_WRITE_GRANT } from "../../lib/plan/linux/landlock/index.ts";
import type { ResolvedPolicy } from "../../lib/policy/types.ts";

const root: LinuxPlanHost = {
  sandbox: { arch: "x86_64", seccomp: true, landlockAbi: 7, namespaces: "direct", procfs: true, netns: true, capabilities: true },
  containment: { cgroups: { v1: {}, notes: [] }, euid: 0, pidNamespace: true },
  init: "/opt/cordon/cordon-init",
  ids: { uid: 1000, gid: 1000 },
};
const container: LinuxPlanHost = { ...root, sandbox: { ...root.sandbox, namespaces: "none", procfs: false, netns: false } };

const policy = (p: Partial<ResolvedPolicy> = {}): ResolvedPolicy => ({
  fs: { read: ["/usr"], write: ["/job/out", "/tmp/cordon-1"] },
  env: { PATH: "/usr/bin" },
  cwd: "/job",
  net: "none",
  limits: {},
  compat: "best-effort",
  tmpDir: "/tmp/cordon-1",
  ...p,
});

describe("planLinux on a described host", () => {
  test("a write grant becomes a landlock write rule and a writable bind of the private root; cordon-init is granted read-only", () => {
    const plan = planLinux(policy(), root);
    const out = plan.landlock.rules.find((r) => r.path === "/job/out")!;
    expect(out.access).toBe(FS_WRITE_GRANT & plan.landlock.handledFs);
    const usr = plan.landlock.rules.find((r) => r.path === "/usr")!;
    expect(usr.access).toBe(FS_READ_GRANT & plan.landlock.handledFs);
    expect(out.access).not.toBe(usr.access);
    expect(plan.view?.write).toContain("/job/out");
    expect(plan.view?.own).toBe("/tmp/cordon-1");
    expect(plan.read).toContain("/opt/cordon/cordon-init");
    expect(plan.write).not.toContain("/opt/cordon/cordon-init");
    expect(plan.checked).toEqual(expect.arrayContaining(["/job/out", "/usr", "/tmp/cordon-1"]));
    expect(plan.namespaces).toMatchObject({ pid: true, ipc: true, mount: true, net: true });
    expect(plan.namespaces.user).toBeUndefined();
    expect(plan.underInit).toBe(true);
    expect(plan.mountProc).toBe(true);
    expect(plan.seccomp?.filter.length).toBeGreaterThan(0);
  });

  test("where no namespace can be had: no view, no init, the command's own /proc/<pid> only, and the report says what is lost", () => {
    const plan = planLinux(policy(), container);
    expect(plan.view).toBeUndefined();
    expect(plan.init).toBeUndefined();
    expect(plan.underInit).toBe(false);
    expect(plan.procSelf).toBe(true);
    expect(plan.namespaces).toMatchObject({ pid: false, mount: false, net: false });
    expect(plan.notes.some((n) => n.startsWith("devices: no private root here"))).toBe(true);
  });

  test("unprivileged: the namespaces inside a user namespace keeping the caller's ids", () => {
    const plan = planLinux(policy(), { ...root, sandbox: { ...root.sandbox, namespaces: "user", capabilities: false } });
    expect(plan.namespaces.user).toEqual({ uid: 1000, gid: 1000 });
  });

  test("pty without a private root: best-effort notes it as a refusal hard mode would make", () => {
    const plan = planLinux(policy({ pty: true }), container);
    expect(plan.refusals.map((r) => r.guarantee)).toEqual(["pty"]);
    const withRoot = planLinux(policy({ pty: true }), root);
    expect(withRoot.refusals).toEqual([]);
    expect(withRoot.view?.mounts.pty).toBe(true);
  });

  test("hard mode: a containment gap throws CompatError in the plan, before anything is made", () => {
    expect(() => planLinux(policy({ compat: "hard", limits: { memory: 2 ** 30 } }), root)).toThrow(CompatError);
  });

  test("a grant of / stands for the host's top of / when described, and stays / otherwise", () => {
    expect(expandRoot(["/", "/job"], ["/usr", "/etc"])).toEqual(["/usr", "/etc", "/job"]);
    expect(expandRoot(["/", "/job"], undefined)).toEqual(["/", "/job"]);
    const plan = planLinux(policy({ fs: { read: ["/"], write: [] } }), { ...root, rootTop: ["/usr", "/etc"] });
    expect(plan.read).toEqual(["/usr", "/etc", "/opt/cordon/cordon-init"]);
  });

  test("the described-host report is planLinux's", () => {
    const p = policy();
    expect(linuxReport(p, root)).toEqual([...planLinux(p, root).report]);
  });
});
