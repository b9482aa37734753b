// `cordon run` flags for the environment and home: --allow-env in Deno's form
// (bare, or =NAME,...), --home=DIR, and the flags named in errors.
import { describe, expect, test } from "bun:test";
import { parseArgs } from "node:util";
import { parseRunArgs } from "../../lib/cli/args.ts";
import { flagOf } from "../../lib/cli/flags.ts";
import { policyMessage } from "../../lib/cli/run.ts";
import { PolicyError } from "../../lib/errors.ts";
import { validatePolicy } from "../../lib/policy/validate.ts";

const parse = (...args: string[]) => parseRunArgs(args, parseArgs);

describe("--allow-env and --home", () => {
  test("without --allow-env the policy leaves inheritEnv to its default (the base set)", () => {
    expect(parse("--", "x").policy.inheritEnv).toBeUndefined();
  });

  test("bare --allow-env is the whole environment, whatever else is listed", () => {
    expect(parse("--allow-env", "--", "x").policy.inheritEnv).toBe(true);
    expect(parse("--allow-env=A", "--allow-env", "--", "x").policy.inheritEnv).toBe(true);
  });

  test("--allow-env=NAME,...: names and NAME* patterns, repeatable, comma-separated", () => {
    expect(parse("--allow-env=GITHUB_TOKEN,NPM_*", "--allow-env=PIP_INDEX_URL", "--", "x").policy.inheritEnv).toEqual(["GITHUB_TOKEN", "NPM_*", "PIP_INDEX_URL"]);
  });

  test("after -- a bare --allow-env is the command's argument, and a value needs '='", () => {
    const r = parse("--", "echo", "--allow-env");
    expect(r.argv).toEqual(["echo", "--allow-env"]);
    expect(r.policy.inheritEnv).toBeUndefined();
    expect(() => parse("--allow-env", "PATH", "--", "x")).toThrow(PolicyError); // PATH is taken as the command
  });

  test("--home=DIR, with a leading ~ as the caller's $HOME", () => {
    expect(parse("--home=/srv/cache/home", "--", "x").policy.home).toBe("/srv/cache/home");
    const saved = process.env.HOME;
    process.env.HOME = "/srv/user-x";
    try {
      expect(parse("--home=~/ci-home", "--", "x").policy.home).toBe("/srv/user-x/ci-home");
    } finally {
      if (saved === undefined) delete process.env.HOME;
      else process.env.HOME = saved;
    }
  });

  test("a bad pattern is reported as --allow-env, a bad home as --home", () => {
    const message = (input: unknown) => {
      try {
        validatePolicy(input);
      } catch (e) {
        if (e instanceof PolicyError) return policyMessage(e);
        throw e;
      }
      return "accepted";
    };
    expect(message(parse("--allow-env=A,*B", "--", "x").policy)).toBe(`--allow-env: '*' may only end a pattern (NAME*): "*B"`);
    expect(message(parse("--allow-env=", "--", "x").policy)).toBe("--allow-env: must not be empty: \"\"");
    expect(message(parse("--home=", "--", "x").policy)).toBe("--home: must not be empty");
    expect(flagOf("inheritEnv[3]")).toBe("--allow-env");
    expect(flagOf("inheritEnv")).toBe("--allow-env");
    expect(flagOf("home")).toBe("--home");
  });
});
