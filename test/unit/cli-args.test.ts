// `cordon run` flags → policy, one flag at a time, with node:util parseArgs.
import { describe, expect, test } from "bun:test";
import { parseArgs } from "node:util";
import { parseRunArgs } from "../../lib/cli/args.ts";
import { flagOf } from "../../lib/cli/flags.ts";
import { PolicyError } from "../../lib/errors.ts";

const parse = (...args: string[]) => parseRunArgs(args, parseArgs);

function failure(...args: string[]): { kind: string; field?: string; message: string } {
  try {
    parse(...args);
  } catch (e) {
    if (e instanceof PolicyError) return { kind: "policy", field: e.field, message: e.message };
    if (e instanceof TypeError) return { kind: "flag", message: e.message };
    throw e;
  }
  throw new Error("accepted");
}

describe("cordon run flags", () => {
  test("defaults: no grants, no network, hard, no limits", () => {
    const r = parse("--", "echo", "hi");
    expect(r.argv).toEqual(["echo", "hi"]);
    expect(r.policy).toEqual({ fs: { read: [], write: [] }, net: "none", limits: {}, compat: "hard" });
    expect(r.reportFile).toBeUndefined();
  });

  test("arguments after -- stay the command's, even when they look like flags", () => {
    expect(parse("--", "ls", "--allow-net", "-l").argv).toEqual(["ls", "--allow-net", "-l"]);
  });

  test("--allow-read: repeatable and comma-separated", () => {
    expect(parse("--allow-read=/a,/b", "--allow-read=/c", "--", "x").policy.fs).toEqual({ read: ["/a", "/b", "/c"], write: [] });
  });

  test("--allow-write: repeatable, a comma stays part of the path", () => {
    expect(parse("--allow-write=/a", "--allow-write=/b,c", "--", "x").policy.fs).toEqual({ read: [], write: ["/a", "/b,c"] });
  });

  test("a leading ~ or ~/ in a path flag is $HOME (a shell leaves it after '='); elsewhere it stays", () => {
    const home = process.env.HOME;
    process.env.HOME = "/srv/user-x";
    try {
      const r = parse("--allow-read=~/a,~", "--allow-write=~/w", "--cwd=~/c", "--report=~/r.json", "--allow-read=x/~/y,~user", "--", "x");
      expect(r.policy.fs).toEqual({ read: ["/srv/user-x/a", "/srv/user-x", "x/~/y", "~user"], write: ["/srv/user-x/w"] });
      expect(r.policy.cwd).toBe("/srv/user-x/c");
      expect(r.reportFile).toBe("/srv/user-x/r.json");
    } finally {
      if (home === undefined) delete process.env.HOME;
      else process.env.HOME = home;
    }
  });

  test("--allow-net", () => expect(parse("--allow-net", "--", "x").policy.net).toBe("all"));

  test("--allow-net=HOST[:PORT],...: host grants, repeatable and comma-separated; --deny-net beside them", () => {
    const net = parse("--allow-net=registry.npmjs.org:443,*.github.com", "--allow-net=[2001:db8::1]:8080", "--deny-net=gist.github.com", "--", "x").policy.net;
    expect(net).toEqual({ hosts: ["registry.npmjs.org:443", "*.github.com", "[2001:db8::1]:8080"], deny: ["gist.github.com"] });
  });

  test("a bare --allow-net after -- stays the command's; one before it is the whole network", () => {
    const r = parse("--allow-net", "--", "curl", "--allow-net");
    expect(r.policy.net).toBe("all");
    expect(r.argv).toEqual(["curl", "--allow-net"]);
  });

  test("--allow-connect and --allow-bind: repeatable ports", () => {
    expect(parse("--allow-connect=443", "--allow-connect=80", "--allow-bind=8080", "--", "x").policy.net).toEqual({ connect: [443, 80], bind: [8080] });
    expect(parse("--allow-bind=9000", "--", "x").policy.net).toEqual({ connect: [], bind: [9000] });
  });

  test("--memory with suffixes", () => {
    expect(parse("--memory=64M", "--", "x").policy.limits?.memory).toBe(64 * 2 ** 20);
    expect(parse("--memory=2097152", "--", "x").policy.limits?.memory).toBe(2097152);
  });

  test("--pids, --cpu, --timeout", () => {
    const { limits } = parse("--pids=32", "--cpu=5", "--timeout=1.5", "--", "x").policy;
    expect(limits).toEqual({ pids: 32, cpuSeconds: 5, timeoutMs: 1500 });
  });

  test("--memory and --file-size take fractions with a unit; --open-files a count", () => {
    const { limits } = parse("--memory=1.5G", "--file-size=0.5M", "--open-files=64", "--", "x").policy;
    expect(limits).toEqual({ memory: 1.5 * 2 ** 30, fileSize: 2 ** 19, openFiles: 64 });
  });

  test("--timeout and --cpu take durations with a unit; a bare number stays seconds", () => {
    const ms = (t: string) => parse(`--timeout=${t}`, "--", "x").policy.limits?.timeoutMs;
    expect([ms("90"), ms("90s"), ms("2m"), ms("1h"), ms("1h30m"), ms("500ms"), ms("1.1s"), ms("1d")]).toEqual([90_000, 90_000, 120_000, 3_600_000, 5_400_000, 500, 1100, 86_400_000]);
    const cpu = (t: string) => parse(`--cpu=${t}`, "--", "x").policy.limits?.cpuSeconds;
    expect([cpu("30"), cpu("90s"), cpu("1.5m"), cpu("1h")]).toEqual([30, 90, 90, 3600]);
  });

  test("--user: name, uid, uid:gid", () => {
    expect(parse("--user=nobody", "--", "x").policy.user).toBe("nobody");
    expect(parse("--user=1000", "--", "x").policy.user).toBe(1000);
    expect(parse("--user=1000:100", "--", "x").policy.user).toEqual({ uid: 1000, gid: 100 });
  });

  test("--env: repeatable KEY=VALUE, the value may hold '=' or be empty", () => {
    expect(parse("--env=A=1", "--env=B=x=y", "--env=C=", "--", "x").policy.env).toEqual({ A: "1", B: "x=y", C: "" });
  });

  test("--cwd, --best-effort, --report", () => {
    const r = parse("--cwd=/srv", "--best-effort", "--report=out.json", "--", "x");
    expect(r.policy.cwd).toBe("/srv");
    expect(r.policy.compat).toBe("best-effort");
    expect(r.reportFile).toBe("out.json");
  });
});

describe("bad cordon run arguments name the problem", () => {
  const bad: [string[], string, RegExp][] = [
    [[], "command", /missing/],
    [["echo"], "command", /after --/],
    [["--"], "command", /missing/],
    [["--memory=lots", "--", "x"], "--memory", /not a size/],
    [["--memory=1.5", "--", "x"], "--memory", /not a size/],
    [["--file-size=big", "--", "x"], "--file-size", /not a size/],
    [["--open-files=1k", "--", "x"], "--open-files", /whole number/],
    [["--pids=-1", "--", "x"], "--pids", /whole number/],
    [["--pids=ten", "--", "x"], "--pids", /whole number/],
    [["--cpu=1.5", "--", "x"], "--cpu", /whole number/],
    [["--cpu=500ms", "--", "x"], "--cpu", /whole number/],
    [["--timeout=0", "--", "x"], "--timeout", /positive/],
    [["--timeout=0s", "--", "x"], "--timeout", /positive/],
    [["--timeout=-3", "--", "x"], "--timeout", /positive/],
    [["--timeout=1y", "--", "x"], "--timeout", /positive/],
    [["--timeout=1 h", "--", "x"], "--timeout", /positive/],
    [["--timeout=h", "--", "x"], "--timeout", /positive/],
    [["--allow-connect=0", "--", "x"], "--allow-connect", /TCP port/],
    [["--allow-connect=65536", "--", "x"], "--allow-connect", /TCP port/],
    [["--allow-bind=http", "--", "x"], "--allow-bind", /TCP port/],
    [["--allow-net", "--allow-connect=80", "--", "x"], "--allow-net", /one or the other/],
    [["--allow-net=a.example:0", "--", "x"], "--allow-net", /not a port/],
    [["--allow-net=*", "--", "x"], "--allow-net", /wildcard/],
    [["--allow-net=*.com", "--", "x"], "--allow-net", /two labels/],
    [["--allow-net=a.example,", "--", "x"], "--allow-net", /HOST/],
    [["--allow-net=2001:db8::1:443x", "--", "x"], "--allow-net", /IPv6/],
    [["--allow-net=a.example", "--allow-connect=443", "--", "x"], "--allow-net", /network of its own/],
    [["--allow-net", "--allow-net=a.example", "--", "x"], "--allow-net", /one or the other/],
    [["--deny-net=b.example", "--", "x"], "--deny-net", /needs --allow-net=HOST/],
    [["--allow-net", "--deny-net=b.example", "--", "x"], "--deny-net", /needs --allow-net=HOST/],
    [["--allow-net=a.example", "--deny-net=300.1.1.1", "--", "x"], "--deny-net", /IPv4/],
    [["--env=NOEQUALS", "--", "x"], "--env", /KEY=VALUE/],
    [["--env==v", "--", "x"], "--env", /KEY=VALUE/],
  ];
  for (const [args, field, message] of bad) {
    test(`${args.join(" ") || "(nothing)"} → ${field}`, () => {
      const f = failure(...args);
      expect(f.kind).toBe("policy");
      expect(f.field).toBe(field);
      expect(f.message).toMatch(message);
    });
  }

  for (const args of [["--bogus", "--", "x"], ["--memory", "--", "x"], ["--deny-net", "--", "x"], ["-m", "1G", "--", "x"]]) {
    test(`${args.join(" ")} is refused by parseArgs, naming the flag`, () => {
      const f = failure(...args);
      expect(f.kind).toBe("flag");
      expect(f.message).toContain(args[0]!.split("=")[0]!.replace(/^-m$/, "-m"));
    });
  }
});

describe("flagOf", () => {
  const cases: [string, string][] = [
    ["fs.read[3]", "--allow-read"],
    ["fs.write[0]", "--allow-write"],
    ["net.connect[0]", "--allow-connect"],
    ["net.bind[1]", "--allow-bind"],
    ["limits.memory", "--memory"],
    ["limits.pids", "--pids"],
    ["limits.cpuSeconds", "--cpu"],
    ["limits.timeoutMs", "--timeout"],
    ["user.gid", "--user"],
    ["env.A", "--env"],
    ["cwd", "--cwd"],
    ["compat", "compat"],
  ];
  for (const [field, flag] of cases) test(`${field} → ${flag}`, () => expect(flagOf(field)).toBe(flag));
});
