// Which variables a sandbox gets, on any OS: the base set by default, names
// and NAME* patterns on top, never a secret-looking name through a pattern,
// cordon's own variables, and a report of names only.
import { describe, expect, test } from "bun:test";
import { BASE_ENV, composeEnv, inheritedEnv, looksSecret, ownEnv } from "../../lib/policy/env.ts";
import { validatePolicy } from "../../lib/policy/validate.ts";
import { PolicyError } from "../../lib/errors.ts";

const caller = {
  PATH: "/usr/bin:/bin",
  LANG: "C.UTF-8",
  LC_ALL: "C",
  TERM: "xterm",
  CI: "true",
  GITHUB_TOKEN: "ghp_value1",
  NPM_TOKEN: "npm_value2",
  NPM_CONFIG_X: "cfg",
  AWS_SECRET_ACCESS_KEY: "aws_value3",
  PIP_FIND_LINKS: "/host/wheels",
  HOME: "/root",
  UNSET: undefined,
};
const names = (env: Record<string, string>) => Object.keys(env).sort();

describe("the caller's variables", () => {
  test("by default only the base set passes: no token, no secret, no host tool settings", () => {
    expect(names(inheritedEnv(caller, undefined, "linux"))).toEqual(["CI", "LANG", "LC_ALL", "PATH", "TERM"]);
    expect(BASE_ENV).toEqual(["PATH", "LANG", "LANGUAGE", "LC_*", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "TZ", "CI"]);
  });

  test("a name passes when named exactly, a secret-looking one too", () => {
    const env = inheritedEnv(caller, ["GITHUB_TOKEN", "PIP_FIND_LINKS"], "linux");
    expect(env.GITHUB_TOKEN).toBe("ghp_value1");
    expect(env.PIP_FIND_LINKS).toBe("/host/wheels");
    expect(env.NPM_TOKEN).toBeUndefined();
    expect(env.PATH).toBe("/usr/bin:/bin"); // the base set stays
  });

  test("a NAME* pattern admits NPM_CONFIG_X but never NPM_TOKEN; '*' admits every name that does not look secret", () => {
    expect(names(inheritedEnv(caller, ["NPM_*"], "linux"))).toEqual(["CI", "LANG", "LC_ALL", "NPM_CONFIG_X", "PATH", "TERM"]);
    expect(names(inheritedEnv(caller, ["*"], "linux"))).toEqual(["CI", "HOME", "LANG", "LC_ALL", "NPM_CONFIG_X", "PATH", "PIP_FIND_LINKS", "TERM"]);
    expect(names(inheritedEnv(caller, ["NPM_*", "NPM_TOKEN"], "linux"))).toContain("NPM_TOKEN");
  });

  test("true passes the whole environment, false none of it", () => {
    expect(names(inheritedEnv(caller, true, "linux"))).toEqual(names(Object.fromEntries(Object.entries(caller).filter(([, v]) => v !== undefined)) as Record<string, string>));
    expect(inheritedEnv(caller, false, "linux")).toEqual({});
  });

  test("secret-looking names, in any case; ordinary ones are not", () => {
    const secret = ["GH_TOKEN", "token", "MY_SECRET_X", "DB_PASSWORD", "PGPASSWD", "API_KEY", "ssh_key", "AWS_CREDENTIALS", "GIT_AUTHOR_NAME", "HTTP_AUTH", "COOKIE_JAR", "SESSION_ID", "x_session", "OPENAI_API_KEY_ID", "STRIPE_APIKEY", "GPG_PRIVATE"];
    const plain = ["PATH", "KEYBOARD", "KEY_NAME", "NPM_CONFIG_REGISTRY", "LC_ALL", "MONKEY"];
    expect(secret.filter((n) => !looksSecret(n))).toEqual([]);
    expect(plain.filter(looksSecret)).toEqual([]);
    const env = Object.fromEntries([...secret, ...plain].map((n) => [n, "v"]));
    expect(names(inheritedEnv(env, ["*"], "linux"))).toEqual([...plain].sort());
  });

  test("Windows: names match in any case, and the base set adds what Windows programs need to start", () => {
    const win = { Path: "C:\\Windows", SystemRoot: "C:\\Windows", COMSPEC: "cmd.exe", PROCESSOR_ARCHITECTURE: "AMD64", Npm_Config_X: "1", NPM_TOKEN: "t", USERPROFILE: "C:\\Users\\me" };
    expect(names(inheritedEnv(win, ["npm_*"], "win32"))).toEqual(["COMSPEC", "Npm_Config_X", "PROCESSOR_ARCHITECTURE", "Path", "SystemRoot"]);
    // Elsewhere case matters and the Windows names are not in the base set.
    expect(names(inheritedEnv(win, ["npm_*"], "linux"))).toEqual([]);
  });
});

describe("cordon's own variables and the report", () => {
  test("TMPDIR, HOME with the XDG base directories beneath it, and the account where it is known", () => {
    expect(ownEnv({ tmpDir: "/r/tmp", home: "/r/home", account: { name: "ci", shell: "/bin/sh" }, os: "linux" })).toEqual({
      TMPDIR: "/r/tmp",
      HOME: "/r/home",
      XDG_CONFIG_HOME: "/r/home/.config",
      XDG_CACHE_HOME: "/r/home/.cache",
      XDG_DATA_HOME: "/r/home/.local/share",
      XDG_STATE_HOME: "/r/home/.local/state",
      USER: "ci",
      LOGNAME: "ci",
      SHELL: "/bin/sh",
    });
    expect(Object.keys(ownEnv({ tmpDir: "/t", home: "/h", os: "darwin" }))).not.toContain("USER");
    const win = ownEnv({ tmpDir: "C:\\r\\tmp", home: "C:\\r\\home", account: { name: "ci" }, os: "win32" });
    expect(win).toMatchObject({ TEMP: "C:\\r\\tmp", TMP: "C:\\r\\tmp", HOME: "C:\\r\\home", USERPROFILE: "C:\\r\\home", XDG_CACHE_HOME: "C:\\r\\home\\.cache" });
    expect(win.USER).toBeUndefined();
  });

  test("the policy's env wins over cordon's, cordon's over the caller's; the report holds names, never values", () => {
    const inherited = inheritedEnv({ ...caller, TMPDIR: "/host/tmp" }, true, "linux");
    const { env, report } = composeEnv(inherited, ownEnv({ tmpDir: "/r/tmp", home: "/r/home", os: "linux" }), { HOME: "/mine", A: "1" }, "linux");
    expect(env.HOME).toBe("/mine");
    expect(env.TMPDIR).toBe("/r/tmp");
    expect(env.GITHUB_TOKEN).toBe("ghp_value1");
    expect(report.passed).toContain("GITHUB_TOKEN");
    expect(report.passed).not.toContain("HOME");
    expect(report.passed).not.toContain("TMPDIR");
    expect(report.set).toEqual(["A", "HOME", "TMPDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"]);
    const json = JSON.stringify(report);
    for (const value of ["ghp_value1", "npm_value2", "aws_value3", "/host/wheels", "/host/tmp"]) expect(json).not.toContain(value);
  });

  test("Windows: a name cordon sets replaces the caller's spelled in another case, and the policy's spelling wins", () => {
    const { env, report } = composeEnv({ Temp: "C:\\host", Path: "C:\\bin" }, { TEMP: "C:\\r\\tmp" }, { temp: "C:\\mine" }, "win32");
    expect(env).toEqual({ Path: "C:\\bin", temp: "C:\\mine" });
    expect(report).toEqual({ passed: ["Path"], set: ["temp"] });
  });
});

describe("validation of inheritEnv and home", () => {
  const fieldOf = (input: unknown) => {
    try {
      validatePolicy(input);
    } catch (e) {
      if (e instanceof PolicyError) return e.field;
      throw e;
    }
    return "accepted";
  };
  test.each([
    [{ inheritEnv: 1 }, "inheritEnv"],
    [{ inheritEnv: "PATH" }, "inheritEnv"],
    [{ inheritEnv: ["PATH", 3] }, "inheritEnv[1]"],
    [{ inheritEnv: [""] }, "inheritEnv[0]"],
    [{ inheritEnv: ["A=B"] }, "inheritEnv[0]"],
    [{ inheritEnv: ["*_TOKEN"] }, "inheritEnv[0]"],
    [{ inheritEnv: ["A\0"] }, "inheritEnv[0]"],
    [{ home: "" }, "home"],
    [{ home: 7 }, "home"],
    [{ inheritEnv: ["NPM_*", "GITHUB_TOKEN", "*"], home: "/h" }, "accepted"],
    [{ inheritEnv: true }, "accepted"],
  ] as [unknown, string][])("%j → %s", (input, field) => expect(fieldOf(input)).toBe(field));
});
