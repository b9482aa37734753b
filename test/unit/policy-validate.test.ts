// validatePolicy: every malformed input is a PolicyError naming its field;
// well-formed input comes back as an equal, fresh copy.
import { describe, expect, test } from "bun:test";
import { PolicyError } from "../../lib/errors.ts";
import { validatePolicy } from "../../lib/policy/validate.ts";

function fieldOf(input: unknown): string {
  try {
    validatePolicy(input);
  } catch (e) {
    if (e instanceof PolicyError) return e.field;
    throw e;
  }
  throw new Error("accepted");
}

describe("validatePolicy rejects, naming the field", () => {
  const bad: [string, unknown, string][] = [
    ["policy not an object", 42, "policy"],
    ["policy an array", [], "policy"],
    ["unknown top-level key", { network: "none" }, "network"],
    ["fs not an object", { fs: "/" }, "fs"],
    ["unknown fs key", { fs: { exec: [] } }, "fs.exec"],
    ["fs.read not an array", { fs: { read: "/usr" } }, "fs.read"],
    ["fs.write element not a string", { fs: { write: ["/a", "/b", 3] } }, "fs.write[2]"],
    ["empty path", { fs: { read: [""] } }, "fs.read[0]"],
    ["path with NUL", { fs: { write: ["/tmp/a\0b"] } }, "fs.write[0]"],
    ["fs.system not boolean", { fs: { system: "yes" } }, "fs.system"],
    ["env not an object", { env: ["A=1"] }, "env"],
    ["env value not a string", { env: { A: 1 } }, "env.A"],
    ["env name with =", { env: { "A=B": "1" } }, "env.A=B"],
    ["env value with NUL", { env: { A: "x\0" } }, "env.A"],
    ["inheritEnv not boolean", { inheritEnv: 1 }, "inheritEnv"],
    ["cwd not a string", { cwd: 5 }, "cwd"],
    ["cwd empty", { cwd: "" }, "cwd"],
    ["net unknown word", { net: "some" }, "net"],
    ["net unknown key", { net: { udp: [53] } }, "net.udp"],
    ["port not an integer", { net: { connect: [80.5] } }, "net.connect[0]"],
    ["port zero", { net: { bind: [8080, 0] } }, "net.bind[1]"],
    ["port above 65535", { net: { connect: [65536] } }, "net.connect[0]"],
    ["port as a string", { net: { connect: ["443"] } }, "net.connect[0]"],
    ["limits not an object", { limits: 5 }, "limits"],
    ["unknown limit", { limits: { disk: 1 } }, "limits.disk"],
    ["negative memory", { limits: { memory: -1 } }, "limits.memory"],
    ["memory below 1 MiB", { limits: { memory: 1024 } }, "limits.memory"],
    ["memory beyond 2^53", { limits: { memory: 2 ** 60 } }, "limits.memory"],
    ["memory not an integer", { limits: { memory: 2 ** 20 + 0.5 } }, "limits.memory"],
    ["memory as a string", { limits: { memory: "1G" } }, "limits.memory"],
    ["zero pids", { limits: { pids: 0 } }, "limits.pids"],
    ["pids beyond the kernel's limit", { limits: { pids: 2 ** 23 } }, "limits.pids"],
    ["negative cpu", { limits: { cpuSeconds: -5 } }, "limits.cpuSeconds"],
    ["zero timeout", { limits: { timeoutMs: 0 } }, "limits.timeoutMs"],
    ["infinite timeout", { limits: { timeoutMs: Infinity } }, "limits.timeoutMs"],
    ["NaN timeout", { limits: { timeoutMs: NaN } }, "limits.timeoutMs"],
    ["zero open files", { limits: { openFiles: 0 } }, "limits.openFiles"],
    ["negative file size", { limits: { fileSize: -1 } }, "limits.fileSize"],
    ["negative uid", { user: -1 }, "user"],
    ["uid (uid_t)-1", { user: 2 ** 32 - 1 }, "user"],
    ["user name with colon", { user: "a:b" }, "user"],
    ["user object without uid", { user: { gid: 1 } }, "user.uid"],
    ["user object bad gid", { user: { uid: 1, gid: -2 } }, "user.gid"],
    ["user unknown key", { user: { uid: 1, groups: [] } }, "user.groups"],
    ["compat unknown", { compat: "soft" }, "compat"],
  ];
  for (const [name, input, field] of bad) {
    test(`${name} → ${field}`, () => expect(fieldOf(input)).toBe(field));
  }

  test("the message starts with the field", () => {
    expect(() => validatePolicy({ limits: { pids: 0 } })).toThrow(/^limits\.pids: /);
  });
});

describe("validatePolicy accepts", () => {
  test("an empty policy and undefined", () => {
    expect(validatePolicy({})).toEqual({});
    expect(validatePolicy(undefined)).toEqual({});
  });

  test("a full policy, unchanged and copied", () => {
    const input = {
      fs: { read: ["/usr", "rel/dir"], write: ["/tmp"], system: false },
      env: { A: "1", EMPTY: "" },
      inheritEnv: false,
      cwd: "/",
      net: { connect: [443], bind: [8080] },
      limits: { memory: 2 ** 30, pids: 64, cpuSeconds: 10, timeoutMs: 1500.5, openFiles: 256, fileSize: 4096 },
      user: { uid: 1000, gid: 1000 },
      compat: "best-effort",
    };
    const out = validatePolicy(input);
    expect(out).toEqual(input as typeof out);
    expect(out.fs?.read).not.toBe(input.fs.read);
  });

  test("net words and user forms", () => {
    expect(validatePolicy({ net: "all" }).net).toBe("all");
    expect(validatePolicy({ net: "none" }).net).toBe("none");
    expect(validatePolicy({ user: "nobody" }).user).toBe("nobody");
    expect(validatePolicy({ user: 0 }).user).toBe(0);
  });
});
