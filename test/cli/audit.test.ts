// `cordon audit` as users run it: --json is one parseable AuditReport and
// exits 0; the table leads with the summary and ends with the teardown; run
// flags mean what they mean for `cordon run`; a command is refused. And
// `cordon probe` carries the host settings.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditReport } from "../../lib/audit/index.ts";
import type { HostReport } from "../../lib/probe/report.ts";
import { describeUnless, linuxRequirement, notLinux } from "../helpers/skip.ts";
import { cordon, noSandbox } from "./helpers.ts";

const python = linuxRequirement(existsSync("/usr/bin/python3") ? undefined : "no /usr/bin/python3 (both halves of the audit use it)");

describeUnless(noSandbox ?? python, "cordon audit", () => {
  test("--json: exit 0, one AuditReport with a verdict and evidence per row, nothing left, canaries gone", async () => {
    const r = await cordon(["audit", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as AuditReport;
    expect(report.platform).toBe(`linux-${process.arch}`);
    expect(report.nonce).toMatch(/^[0-9a-f]{8}$/);
    for (const row of report.rows) {
      expect(typeof row.channel).toBe("string");
      expect(["blocked", "reachable", "partial", "n/a", "error"]).toContain(row.verdict);
      expect(row.evidence.length).toBeGreaterThan(0);
    }
    expect(report.rows.find((row) => row.channel === "net.udp.send")!.verdict).toBe("blocked");
    expect(report.leftovers).toEqual([]);
    expect(report.teardown.remaining).toEqual([]);
    expect(report.report!.guarantees.length).toBeGreaterThan(0);
  });

  test("table: summary first, one line per channel, teardown last; --allow-net makes UDP reachable", async () => {
    const r = await cordon(["audit", "--allow-net"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^cordon audit: linux-\w+, nonce [0-9a-f]{8}: \d+ reachable, \d+ partial, \d+ blocked, \d+ granted by design, \d+ n\/a, 0 error$/);
    expect(lines[2]).toStartWith("channel");
    expect(lines.find((l) => l.startsWith("net.udp.send"))).toMatch(/^net\.udp\.send\s+reachable\s.*outside counted [1-9]/);
    expect(lines).toContain("left behind after exit: nothing");
    expect(lines.some((l) => /^canaries: all removed \(\d+ objects\)$/.test(l))).toBe(true);
  });

  test("~/.ssh files: blocked under the default policy, reachable once --allow-read covers $HOME", async () => {
    const home = mkdtempSync(join(tmpdir(), "cordon-audit-home-"));
    try {
      mkdirSync(join(home, ".ssh"));
      writeFileSync(join(home, ".ssh", "id_test"), "not a key\n", { mode: 0o600 });
      const row = async (args: string[]) => {
        const r = await cordon(["audit", "--json", ...args], { env: { HOME: home } });
        expect(r.code).toBe(0);
        return (JSON.parse(r.stdout) as AuditReport).rows.find((x) => x.channel === "fs.keys.ssh-user")!;
      };
      const closed = await row([]);
      expect(closed.verdict).toBe("blocked");
      expect(closed.mechanism!.length).toBeGreaterThan(5);
      const open = await row([`--allow-read=${home}`]);
      expect(open.verdict).toBe("reachable");
      expect(open.evidence).toContain(join(home, ".ssh", "id_test"));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test("a command is refused with one cordon: line and 125", async () => {
    const r = await cordon(["audit", "--", "true"]);
    expect(r.code).toBe(125);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toStartWith("cordon: ");
  });

  test("--report at a symlink: refused with one cordon: line and 125, before the audit runs; its target untouched", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cordon-audit-report-"));
    try {
      writeFileSync(join(dir, "outside"), "precious\n");
      symlinkSync(join(dir, "outside"), join(dir, "report.json"));
      const r = await cordon(["audit", `--report=${join(dir, "report.json")}`], { timeoutMs: 20_000 });
      expect({ code: r.code, stderr: r.stderr.trim(), stdout: r.stdout }).toEqual({ code: 125, stderr: `cordon: --report: cannot write ${join(dir, "report.json")}: a symbolic link`, stdout: "" });
      expect(readFileSync(join(dir, "outside"), "utf8")).toBe("precious\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeUnless(noSandbox ?? python, "cordon audit --fail-on", () => {
  /** Channels a run reports with `verdict`, leaving out what the policy grants by design. */
  const having = (report: AuditReport, verdict: string) => report.rows.filter((r) => r.verdict === verdict && !r.byDesign).map((r) => r.channel);

  test("--fail-on=reachable with --allow-net: exit 1, the report still printed, one cordon: line naming the channels (net.udp.send among them)", async () => {
    const r = await cordon(["audit", "--json", "--allow-net", "--fail-on=reachable"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as AuditReport;
    const reachable = having(report, "reachable");
    expect(reachable).toContain("net.udp.send");
    expect(r.stderr).toBe(`cordon: audit: ${reachable.length} channels reachable (--fail-on): ${reachable.join(", ")}\n`);
  });

  test("positive twin: the same audit passes (0) once --accept names every channel it found reachable (those granted by design need not be named); one left out fails it again", async () => {
    const first = JSON.parse((await cordon(["audit", "--json", "--allow-net"])).stdout) as AuditReport;
    const reachable = having(first, "reachable");
    expect(reachable.length).toBeGreaterThan(1);
    expect(first.rows.some((row) => row.byDesign && row.verdict === "reachable")).toBe(true);
    const all = await cordon(["audit", "--allow-net", "--fail-on=reachable", `--accept=${reachable.join(",")}`]);
    expect({ code: all.code, stderr: all.stderr }).toEqual({ code: 0, stderr: "" });
    const allButUdp = reachable.filter((c) => c !== "net.udp.send");
    const missing = await cordon(["audit", "--allow-net", "--fail-on=reachable", ...allButUdp.map((c) => `--accept=${c}`)]);
    expect({ code: missing.code, stderr: missing.stderr }).toEqual({ code: 1, stderr: "cordon: audit: 1 channel reachable (--fail-on): net.udp.send\n" });
    const byPrefix = await cordon(["audit", "--allow-net", "--fail-on=reachable", `--accept=${[...allButUdp.filter((c) => !c.startsWith("net.")), "net.*"].join(",")}`]);
    expect({ code: byPrefix.code, stderr: byPrefix.stderr }).toEqual({ code: 0, stderr: "" });
  });

  test("--fail-on=partial,error: exit 1 exactly when a row has one of those verdicts, naming those rows", async () => {
    const r = await cordon(["audit", "--json", "--fail-on=partial,error"]);
    const report = JSON.parse(r.stdout) as AuditReport;
    const failing = report.rows.filter((row) => row.verdict === "partial" || row.verdict === "error").map((row) => row.channel);
    expect(r.code).toBe(failing.length === 0 ? 0 : 1);
    expect(r.stderr).toBe(failing.length === 0 ? "" : `cordon: audit: ${failing.length} channel${failing.length === 1 ? "" : "s"} partial/error (--fail-on): ${failing.join(", ")}\n`);
  });

  const refused: [string[], string][] = [
    [["--fail-on=reachabel"], "cordon: --fail-on: unknown verdict \"reachabel\"; did you mean reachable? (known: reachable, partial, error)"],
    [["--fail-on=reachable", "--accept=net.udp.sned"], "cordon: --accept: no channel \"net.udp.sned\"; did you mean net.udp.send? (cordon audit --json lists them)"],
    [["--fail-on=reachable", "--accept=nosuch.*"], "cordon: --accept: no channel \"nosuch.*\" (cordon audit --json lists them)"],
    [["--accept=net.udp.send"], "cordon: --accept: only means something with --fail-on"],
  ];
  for (const [args, line] of refused) {
    test(`cordon audit ${args.join(" ")}: 125 before the audit runs`, async () => {
      const r = await cordon(["audit", ...args]);
      expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 125, stderr: `${line}\n`, stdout: "" });
    });
  }
});

describeUnless(notLinux, "cordon probe: host settings", () => {
  test("--json lists each setting with its value as /proc/sys has it, a status and what cordon does", async () => {
    const r = await cordon(["probe", "--json"]);
    expect(r.code).toBe(0);
    const settings = (JSON.parse(r.stdout) as HostReport).features.settings!;
    for (const name of ["lockdown", "kernel.unprivileged_bpf_disabled", "kernel.io_uring_disabled", "dev.tty.legacy_tiocsti", "kernel.kptr_restrict", "kernel.dmesg_restrict", "kernel.yama.ptrace_scope", "fs.protected_symlinks", "user.max_user_namespaces"]) {
      const s = settings.find((x) => x.setting === name)!;
      expect(["hardened", "weak", "info", "absent"]).toContain(s.status);
      expect(s.cordon.length).toBeGreaterThan(5);
      const actual = existsSync(s.source) ? readFileSync(s.source, "utf8").trim() : null;
      expect(s.value).toBe(actual);
    }
  });

  test("the table has a host settings section", async () => {
    const r = await cordon(["probe"]);
    expect(r.stdout).toContain("host settings (how far a sandbox here can be trusted):");
    expect(r.stdout).toMatch(/\ndev\.tty\.legacy_tiocsti\s+\S+\s+(hardened|weak|absent)/);
  });
});
