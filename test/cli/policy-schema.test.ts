// schema/policy.schema.json (shipped in the package for `--policy` files)
// cannot drift from the API: its keys are the Policy type's (checked by tsc
// below) and the validator's (read from its unknown-key errors), and on every
// policy of a generated table the schema and validatePolicy() agree.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PolicyError } from "../../lib/errors.ts";
import type { Limits, NetHosts, NetPorts, Policy } from "../../lib/policy/types.ts";
import { validatePolicy } from "../../lib/policy/validate.ts";
import schema from "../../schema/policy.schema.json";
import { root } from "./helpers.ts";
import { check } from "./json-schema.ts";

// tsc fails here when the types gain or lose a key the lists below do not.
const policyKeys = { fs: 1, env: 1, inheritEnv: 1, home: 1, cwd: 1, net: 1, limits: 1, user: 1, compat: 1, pty: 1 } satisfies Record<keyof Policy, 1>;
const fsKeys = { read: 1, write: 1, system: 1, denyRead: 1, denyWrite: 1 } satisfies Record<keyof NonNullable<Policy["fs"]>, 1>;
const limitKeys = { memory: 1, pids: 1, cpuSeconds: 1, timeoutMs: 1, killSignal: 1, killAfterMs: 1, openFiles: 1, fileSize: 1 } satisfies Record<keyof Limits, 1>;
const netKeys = { connect: 1, bind: 1, hosts: 1, deny: 1, resolver: 1 } satisfies Record<keyof NetPorts | keyof NetHosts, 1>;
const userKeys = { uid: 1, gid: 1 } satisfies Record<keyof Extract<Policy["user"], object>, 1>;

type Props = { properties: Record<string, unknown> };
const props = schema.properties;
/** Keys the schema allows at each object of the policy ("" is the policy; $schema is the file's, not the API's). */
const schemaKeys: Record<string, string[]> = {
  "": Object.keys(props).filter((k) => k !== "$schema"),
  fs: Object.keys(props.fs.properties),
  limits: Object.keys(props.limits.properties),
  net: Object.keys((props.net.oneOf[1] as unknown as Props).properties),
  user: Object.keys((props.user.oneOf[2] as unknown as Props).properties),
};

/** The keys validatePolicy knows at `where`, from the "(known: ...)" of its unknown-key error. */
function validatorKeys(where: string): string[] {
  const probe: Record<string, unknown> = { zzz: 1 };
  const input = where === "" ? probe : where === "user" ? { user: { uid: 1, ...probe } } : { [where]: probe };
  try {
    validatePolicy(input);
  } catch (e) {
    const known = /\(known: ([^)]*)\)/.exec((e as Error).message)?.[1];
    if (known !== undefined) return known.split(", ");
  }
  throw new Error(`validatePolicy named no known keys for ${where || "the policy"}`);
}

function validatorVerdict(p: unknown): { ok: true } | { ok: false; field: string } {
  try {
    validatePolicy(p);
    return { ok: true };
  } catch (e) {
    if (e instanceof PolicyError) return { ok: false, field: e.field };
    throw e;
  }
}

describe("schema/policy.schema.json", () => {
  test("its keys are the Policy type's", () => {
    expect(schemaKeys[""]!.sort()).toEqual(Object.keys(policyKeys).sort());
    expect(schemaKeys.fs!.sort()).toEqual(Object.keys(fsKeys).sort());
    expect(schemaKeys.limits!.sort()).toEqual(Object.keys(limitKeys).sort());
    expect(schemaKeys.net!.sort()).toEqual(Object.keys(netKeys).sort());
    expect(schemaKeys.user!.sort()).toEqual(Object.keys(userKeys).sort());
  });

  test("its keys are the ones validatePolicy knows, at every level", () => {
    for (const [where, keys] of Object.entries(schemaKeys)) expect({ where, keys: [...keys].sort() }).toEqual({ where, keys: validatorKeys(where).sort() });
  });

  test("the examples in schema/examples conform to it and pass validatePolicy", () => {
    const dir = join(root, "schema", "examples");
    const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const example = JSON.parse(readFileSync(join(dir, f), "utf8")) as Record<string, unknown>;
      expect({ f, errors: check(schema, example) }).toEqual({ f, errors: [] });
      const { $schema: _, ...policy } = example;
      expect({ f, verdict: validatorVerdict(policy) }).toEqual({ f, verdict: { ok: true } });
    }
  });

  // Every node of a full policy replaced by each of these (or removed, or given an unknown key).
  const full = {
    fs: { read: ["/usr", "."], write: ["/tmp/x"], system: true },
    env: { A: "1", B: "" },
    inheritEnv: ["NODE_OPTIONS", "NPM_*"],
    home: "/tmp/home",
    cwd: "/tmp",
    net: { connect: [443], bind: [8080] },
    limits: { memory: 1048576, pids: 4194304, cpuSeconds: 1, timeoutMs: 0.5, openFiles: 1073741824, fileSize: 1 },
    user: { uid: 0, gid: 4294967294 },
    compat: "best-effort",
  };
  const values: unknown[] = [
    null, true, false, 0, -1, 1, 0.5, 1.5, 65535, 65536, 1048575, 1048576, 4194304, 4194305, 2 ** 30, 2 ** 30 + 1,
    4294967294, 4294967295, 2 ** 53 - 1, 2 ** 53, "", "x", "0", "a\0b", "a=b", "a b", "a:b", "a/b", "none", "all", "hard", "best-effort",
    [], ["x"], [""], ["a\0"], [1], [0], [65536], [1, "x"], {}, { uid: 1 }, { gid: 1 }, { uid: -1 }, { zzz: 1 }, { "": "x" }, { "A=B": "x" }, { "A\0": "x" }, { A: 1 },
    { read: [] }, { connect: [] }, { connect: [80], bind: [] }, { memory: 2 ** 20 },
    { hosts: [] }, { hosts: ["example.org:443"] }, { hosts: ["example.org"], connect: [80] }, { deny: ["example.org"] }, { resolver: "198.18.0.1" },
    { hosts: ["*.example.org"], deny: ["a.example.org"], resolver: "198.18.0.1:53" },
    "A*", "*", "A*B", "**", ["A*"], ["*"], ["A*B"], ["A="], ["A", "B*"],
  ];

  function nodes(v: unknown, path: (string | number)[] = []): (string | number)[][] {
    const here = path.length ? [path] : [];
    if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => nodes(x, [...path, i]))];
    if (typeof v === "object" && v !== null) return [...here, ...Object.entries(v).flatMap(([k, x]) => nodes(x, [...path, k]))];
    return here;
  }

  function replaced(path: (string | number)[], value: unknown, remove: boolean): unknown {
    const copy = structuredClone(full) as Record<string | number, unknown>;
    let at = copy;
    for (const seg of path.slice(0, -1)) at = at[seg] as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    if (remove) {
      if (Array.isArray(at)) at.splice(last as number, 1);
      else delete at[last];
    } else at[last] = value;
    return copy;
  }

  test("it and validatePolicy agree on every policy of the generated table", () => {
    const cases: { name: string; policy: unknown }[] = [{ name: "full", policy: full }, { name: "empty", policy: {} }];
    for (const path of nodes(full)) {
      const name = path.join(".");
      cases.push({ name: `${name} removed`, policy: replaced(path, undefined, true) });
      for (const v of values) cases.push({ name: `${name} = ${JSON.stringify(v)}`, policy: replaced(path, v, false) });
    }
    for (const obj of ["", "fs", "limits", "net", "user", "env"]) {
      const p = structuredClone(full) as unknown as Record<string, Record<string, unknown>>;
      (obj === "" ? p : p[obj]!).zzz = 1;
      cases.push({ name: `unknown key in ${obj || "the policy"}`, policy: p });
    }
    const disagree: string[] = [];
    let rejected = 0;
    for (const c of cases) {
      const errors = check(schema, c.policy);
      const v = validatorVerdict(c.policy);
      if (!v.ok) rejected++;
      if (v.ok !== (errors.length === 0)) disagree.push(`${c.name}: validator ${v.ok ? "accepts" : `rejects (${v.field})`}, schema ${errors.length ? `rejects (${errors[0]})` : "accepts"}`);
    }
    expect(disagree).toEqual([]);
    // The table exercises both sides.
    expect(cases.length).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(cases.length / 3);
    expect(rejected).toBeLessThan(cases.length);
  });

  test("the checker itself refuses what the schema forbids (a broken schema would accept everything)", () => {
    expect(check(schema, { limits: { memory: 1 } })).toEqual(["limits.memory: below 1048576"]);
    expect(check(schema, { fs: { raed: [] } })).toEqual(["fs.raed: not allowed"]);
    expect(() => check({ type: "object", if: {} }, {})).toThrow("outside the checked subset");
  });
});
