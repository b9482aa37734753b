// A consumer's tsconfig never typechecks cordon's sources: the packed tarball
// carries declarations built by tsc (scripts/build-types.ts) and its exports
// send TypeScript to them ("types" first) and Bun to the .ts sources ("bun").
// A scratch project installs the tarball offline (no registry request) and
// runs tsc under strict options that cordon's own sources are not written for.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import pkg from "../../package.json";
import { declarationOf } from "../../scripts/build-types.ts";
import { packageNatives, packPackage, stageCordon } from "../../scripts/package-natives.ts";
import { Project, type Result } from "./project.ts";
import { serveRegistry, tarballEntries } from "./registry.ts";

const root = join(import.meta.dir, "..", "..");
const tsc = join(root, "node_modules", ".bin", "tsc");

const strict = {
  target: "ESNext",
  lib: ["ESNext"],
  strict: true,
  noPropertyAccessFromIndexSignature: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  // Declarations in node_modules are checked too: nothing is skipped.
  skipLibCheck: false,
  noEmit: true,
  types: ["bun-types"],
};

/** Uses every entry point the way an application would. */
const consumer = `
import { run, spawn, validatePolicy, parseSize, PolicyError, CompatError, type Policy, type Report, type AuditReport } from "cordon";
import * as linux from "cordon/linux";
import * as windows from "cordon/windows";
import * as darwin from "cordon/darwin";
import * as freebsd from "cordon/freebsd";
import { ABI_VERSION, platformTag } from "cordon/raw";

const policy: Policy = {
  fs: { read: ["."], write: ["./out"] },
  net: { connect: [443] },
  limits: { memory: parseSize("limits.memory", "512M"), timeoutMs: 60_000 },
  env: { CI: "true" },
};

export async function job(): Promise<string> {
  const checked: Policy = validatePolicy(policy);
  const r = await run(["echo", "hi"], checked);
  const p = spawn(["true"], {});
  const report: Report = p.report;
  await p.exited;
  return \`\${r.status} \${r.stdout} \${report.guarantees.length} \${platformTag()} \${ABI_VERSION}\`;
}

export function failed(e: unknown): string | undefined {
  if (e instanceof PolicyError) return e.field;
  if (e instanceof CompatError) return e.missing.join(", ");
  return undefined;
}

export type Rows = AuditReport["rows"];
export const backends = [Object.keys(linux), Object.keys(windows), Object.keys(darwin), Object.keys(freebsd)];
`;

/** The same, with a policy the types must refuse: a size as a string. */
const wrong = `
import type { Policy } from "cordon";
export const policy: Policy = { limits: { memory: "512M" } };
`;

let work: string;
let project: Project;
let requests: string[] = [];

function typecheck(config: string): Promise<Result> {
  return project.exec([tsc, "-p", config, "--pretty", "false"]);
}

beforeAll(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), "cordon-consumer-")));
  const { tarball } = packPackage(stageCordon(packageNatives(join(work, "npm")), join(work, "cordon")), join(work, "tarballs"));
  const registry = serveRegistry([]);
  try {
    project = new Project(join(work, "app"), registry.url);
    const add = await project.bun("add", "--offline", tarball);
    if (add.code !== 0) throw new Error(`bun add --offline ${tarball} failed:\n${add.stdout}${add.stderr}`);
    requests = [...registry.requests];
  } finally {
    registry.stop();
  }
  // What `bun add -d @types/bun` puts there, taken from this checkout (no registry).
  mkdirSync(join(project.dir, "node_modules", "@types"), { recursive: true });
  for (const dep of ["bun-types", "@types/node", "undici-types"]) symlinkSync(join(root, "node_modules", dep), join(project.dir, "node_modules", dep));
  writeFileSync(join(project.dir, "consumer.ts"), consumer);
  writeFileSync(join(project.dir, "wrong.ts"), wrong);
  const config = (compilerOptions: object, files: string[]) => JSON.stringify({ compilerOptions: { ...strict, ...compilerOptions }, files }, null, 2);
  writeFileSync(join(project.dir, "tsconfig.json"), config({ module: "nodenext", moduleResolution: "nodenext" }, ["consumer.ts"]));
  writeFileSync(join(project.dir, "tsconfig.bundler.json"), config({ module: "preserve", moduleResolution: "bundler" }, ["consumer.ts"]));
  writeFileSync(join(project.dir, "tsconfig.wrong.json"), config({ module: "nodenext", moduleResolution: "nodenext" }, ["wrong.ts"]));
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("package.json exports", () => {
  test("each entry: \"types\" first (the declaration of its source), then \"bun\" and \"default\" (the .ts source)", () => {
    for (const [entry, target] of Object.entries(pkg.exports as Record<string, string | Record<string, string>>)) {
      if (typeof target === "string") {
        expect({ entry, target }).toEqual({ entry, target: expect.stringMatching(/\.json$/) });
        continue;
      }
      expect({ entry, order: Object.keys(target) }).toEqual({ entry, order: ["types", "bun", "default"] });
      expect(target.bun).toBe(target.default!);
      expect(target.types).toBe(declarationOf(target.default!));
    }
    expect(pkg.types).toBe(pkg.exports["."].types);
  });

  test("the tarball holds a declaration for every source file of lib/ and ffi/", () => {
    const paths = new Set(tarballEntries(join(work, "tarballs", `cordon-${pkg.version}.tgz`)).map((e) => e.path));
    const sources = [...paths].filter((p) => /^(lib|ffi)\/.+\.ts$/.test(p));
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.filter((s) => !paths.has(declarationOf(`./${s}`).slice(2)))).toEqual([]);
  });
});

describe("a consumer project with the tarball installed offline", () => {
  test("bun add --offline of the tarball asked no registry", () => {
    expect(requests).toEqual([]);
  });

  test("tsc: 0 errors under strict, noPropertyAccessFromIndexSignature, exactOptionalPropertyTypes, module/moduleResolution nodenext, skipLibCheck false", async () => {
    const r = await typecheck("tsconfig.json");
    expect({ code: r.code, out: r.stdout + r.stderr }).toEqual({ code: 0, out: "" });
  }, 60_000);

  test("tsc: 0 errors with module preserve / moduleResolution bundler too", async () => {
    const r = await typecheck("tsconfig.bundler.json");
    expect({ code: r.code, out: r.stdout + r.stderr }).toEqual({ code: 0, out: "" });
  }, 60_000);

  test("the program reads only cordon's declarations, never a .ts source of it", async () => {
    const r = await project.exec([tsc, "-p", "tsconfig.json", "--listFilesOnly"]);
    expect(r.code).toBe(0);
    const installed = realpathSync(join(project.dir, "node_modules", "cordon")) + sep;
    const files = r.stdout.split("\n").filter((f) => f.startsWith(installed) || f.startsWith(join(project.dir, "node_modules", "cordon") + sep));
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((f) => !f.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((f) => !f.includes(`${sep}cordon${sep}types${sep}`))).toEqual([]);
  }, 60_000);

  test("the declarations carry real types: a size given as a string is an error in the consumer's file, and only there", async () => {
    const r = await typecheck("tsconfig.wrong.json");
    expect(r.code).not.toBe(0);
    const errors = r.stdout.trim().split("\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^wrong\.ts\(3,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
  }, 60_000);

  test("Bun resolves every entry to its .ts source (the \"bun\" condition)", async () => {
    const entries = Object.keys(pkg.exports).filter((e) => !e.endsWith(".json"));
    const script = `console.log(JSON.stringify(${JSON.stringify(entries)}.map((e) => import.meta.resolve("cordon" + e.slice(1)))))`;
    writeFileSync(join(project.dir, "resolve.ts"), script);
    const r = await project.bun("resolve.ts");
    expect(r.stderr).toBe("");
    const resolved = (JSON.parse(r.stdout) as string[]).map((u) => Bun.fileURLToPath(u).split(`${sep}node_modules${sep}cordon${sep}`)[1]);
    const exports = pkg.exports as unknown as Record<string, { bun: string }>;
    expect(resolved).toEqual(entries.map((e) => exports[e]!.bun.slice(2)));
  });
});

test("the policy schema is reachable as cordon/schema/policy.schema.json", () => {
  const installed = join(project.dir, "node_modules", "cordon", "schema", "policy.schema.json");
  expect(JSON.parse(readFileSync(installed, "utf8")).title).toBe("cordon policy");
});
