// Policy → landlock plan: which rights the ruleset handles, the rules that
// grant them back beneath each path and TCP port, the restrict_self flags,
// and a report saying, for every right and rule, whether this ABI enforces it.
import { CompatError, PolicyError } from "../../../errors.ts";
import type { ResolvedPolicy } from "../../../policy/types.ts";
import { type CompatLevel, type LandlockCompat, levelOf, validateCompat } from "./compat.ts";
import {
  FS_FILE_RIGHTS,
  FS_READ_GRANT,
  FS_WRITE_GRANT,
  LANDLOCK_ABI_KNOWN,
  NET_RIGHTS,
  type RestrictFlag,
  type RightKind,
  type RightName,
  abiOf,
  bitOf,
  maskAt,
  namesOf,
  rightsOf,
  rulesetAttrSize,
} from "./rights.ts";

/**
 * What the host offers: the landlock ABI (0 when absent or disabled), possibly
 * capped for tests, and for ABI 0 why landlock is unavailable.
 */
export type LandlockFeatures = { readonly abi: number; readonly unavailable?: string };

/** Audit logging of denials (ABI 7); unset fields keep the kernel's defaults (same exec on, new exec off, subdomains on). */
export type LandlockLog = { readonly sameExec?: boolean; readonly newExec?: boolean; readonly subdomains?: boolean };

export type LandlockOptions = { readonly compat?: LandlockCompat; readonly log?: LandlockLog };

/** A path-beneath rule: `access` if the path is a directory, `fileAccess` (its file rights) otherwise. */
export type PathRule = { readonly path: string; readonly access: number; readonly fileAccess: number };
export type NetRule = { readonly port: number; readonly access: number };

export type RightReport = {
  readonly right: RightName;
  /** The ABI that introduced it. */
  readonly abi: number;
  readonly level: CompatLevel;
  readonly status: "enforced" | "not-enforced";
  readonly reason?: string;
};

export type RuleReport = {
  /** The grant path, or `tcp:<port>`. */
  readonly target: string;
  readonly requested: readonly RightName[];
  readonly granted: readonly RightName[];
  readonly dropped: readonly { readonly right: RightName; readonly reason: string }[];
  /** Set when the rule is added: a non-directory keeps only its file rights. */
  readonly kind?: "directory" | "file";
};

export type LandlockReport = {
  readonly abi: number;
  /** full: every requested right enforced; partial: some dropped (best-effort); none: landlock not applied. */
  readonly status: "full" | "partial" | "none";
  readonly reason?: string;
  readonly rights: readonly RightReport[];
  readonly rules: readonly RuleReport[];
};

export type LandlockPlan = {
  /** The ABI the plan is written for: the host's, at most LANDLOCK_ABI_KNOWN. */
  readonly abi: number;
  /** false: nothing to restrict (no landlock here, or a soft requirement is unmet). */
  readonly apply: boolean;
  /** Bytes of struct landlock_ruleset_attr this ABI knows. */
  readonly attrSize: 0 | 8 | 16 | 24;
  readonly handledFs: number;
  readonly handledNet: number;
  readonly scoped: number;
  readonly rules: readonly PathRule[];
  readonly netRules: readonly NetRule[];
  readonly restrictFlags: number;
  readonly report: LandlockReport;
};

type Policy = Pick<ResolvedPolicy, "fs" | "net" | "compat">;

function validatePaths(field: string, paths: readonly string[]): void {
  for (const p of paths) {
    if (typeof p !== "string" || !p.startsWith("/")) throw new PolicyError(field, `${JSON.stringify(p)} is not an absolute path`);
    if (p.includes("\0")) throw new PolicyError(field, `${JSON.stringify(p)} contains a NUL byte`);
  }
}

function validatePorts(field: string, ports: readonly number[]): void {
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new PolicyError(field, `${p} is not a TCP port (0..65535)`);
  }
}

/** Restrict flags the log options ask for (only those that differ from the kernel's defaults). */
function wantedFlags(log: LandlockLog | undefined): RestrictFlag[] {
  const out: RestrictFlag[] = [];
  if (log?.sameExec === false) out.push("log_same_exec_off");
  if (log?.newExec === true) out.push("log_new_exec_on");
  if (log?.subdomains === false) out.push("log_subdomains_off");
  return out;
}

/** Plans kept for reuse: a sandbox spawns with the same policy again and again. */
const PLAN_CACHE_SIZE = 16;
const planCache = new Map<string, LandlockPlan>();
/**
 * Keys seen once. A plan is frozen and kept only when its inputs come back:
 * the sandbox's private TMPDIR makes most sandbox plans unique, and freezing
 * one costs as much as compiling it.
 */
const seenOnce = new Set<string>();
const SEEN_SIZE = 64;

/**
 * Compiles the landlock part of a resolved policy for a host offering
 * `features.abi`. From the second call with the same inputs on, the same
 * frozen plan is returned; a first-seen plan is the caller's own.
 */
export function planLandlock(policy: Policy, features: LandlockFeatures, options: LandlockOptions = {}): LandlockPlan {
  validateCompat(options.compat);
  validatePaths("fs.read", policy.fs.read);
  validatePaths("fs.write", policy.fs.write);
  const net = policy.net;
  if (typeof net === "object") {
    validatePorts("net.connect", net.connect);
    validatePorts("net.bind", net.bind);
  }
  const abi = Math.max(0, Math.min(LANDLOCK_ABI_KNOWN, Math.floor(Number.isFinite(features.abi) ? features.abi : 0)));
  const flags = wantedFlags(options.log);
  const key = planKey(policy, abi, features.unavailable, options.compat, flags);
  const cached = key === undefined ? undefined : planCache.get(key);
  if (cached !== undefined) {
    // Most recently used last, so the oldest is the one evicted.
    planCache.delete(key!);
    planCache.set(key!, cached);
    return cached;
  }
  const plan = compile(policy, abi, features.unavailable, options.compat, flags);
  if (key === undefined) return plan;
  if (!seenOnce.has(key)) {
    if (seenOnce.size >= SEEN_SIZE) seenOnce.clear();
    seenOnce.add(key);
    return plan;
  }
  seenOnce.delete(key);
  if (planCache.size >= PLAN_CACHE_SIZE) planCache.delete(planCache.keys().next().value!);
  planCache.set(key, deepFreeze(plan));
  return plan;
}

/**
 * Everything a plan depends on, as a string; called after validation, so the
 * paths are strings and the ports integers. Inputs of unexpected types are not
 * cached (undefined) rather than risk two of them sharing a key.
 */
function planKey(policy: Policy, abi: number, unavailable: unknown, compat: LandlockCompat | undefined, flags: readonly RestrictFlag[]): string | undefined {
  if (typeof policy.compat !== "string" || (unavailable !== undefined && typeof unavailable !== "string")) return undefined;
  const net = policy.net;
  if (typeof net !== "string" && typeof net !== "object") return undefined;
  // Levels are read through the prototype chain, which the key would not see.
  if (typeof compat === "object" && (!isPlain(compat) || (compat.rights !== undefined && !isPlain(compat.rights)))) return undefined;
  const netKey = typeof net === "object" ? [[...net.connect], [...net.bind]] : net;
  const compatKey = typeof compat === "object" ? [compat.default ?? null, Object.entries(compat.rights ?? {})] : (compat ?? null);
  return JSON.stringify([abi, unavailable ?? null, policy.compat, netKey, compatKey, flags, [...policy.fs.read], [...policy.fs.write]]);
}

function isPlain(o: object): boolean {
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}

/** Freezes a plan and everything in it (plain objects and arrays only). */
function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

/** The plan of validated inputs; `abi` is already clamped to what cordon knows. */
function compile(
  policy: Policy,
  abi: number,
  unavailable: string | undefined,
  compat: LandlockCompat | undefined,
  flags: readonly RestrictFlag[],
): LandlockPlan {
  const net = policy.net;
  const tooOld = (have: number, need: number) =>
    have === 0 ? `landlock is not available (ABI 0${unavailable ? `: ${unavailable}` : ""})` : `landlock ABI ${have} < ${need}`;

  // Requirements: fs and scopes always (deny by default); TCP unless net is "all"; log flags when asked.
  const needed: RightName[] = [
    ...rightsOf("fs").map((r) => r.name),
    ...(net === "all" ? [] : rightsOf("net").map((r) => r.name)),
    ...rightsOf("scope").map((r) => r.name),
    ...flags.map((f) => `restrict.${f}` as RightName),
  ];
  const level = (r: RightName) => levelOf(r, compat, policy.compat);
  // Without REFER handled (ABI 1) the kernel denies every cross-directory
  // rename and link: stricter, so never a missing guarantee.
  const referStricter = (r: RightName) => r === "fs.refer" && abi >= 1;
  const missing = needed.filter((r) => abiOf(r) > abi && !referStricter(r));

  const hard = missing.filter((r) => level(r) === "hard");
  if (hard.length > 0) throw new CompatError(hard.map((r) => ({ guarantee: `landlock ${r}`, reason: tooOld(abi, abiOf(r)) })));

  const soft = missing.filter((r) => level(r) === "soft");
  const apply = abi >= 1 && soft.length === 0;
  const notApplied =
    abi === 0
      ? tooOld(0, 1)
      : soft.length > 0
        ? `soft requirement ${soft.map((r) => `${r} (ABI ${abiOf(r)})`).join(", ")} unmet at ABI ${abi}: landlock not applied`
        : undefined;

  const neededMask = (kind: RightKind) => needed.filter((r) => r.startsWith(`${kind}.`)).reduce((m, r) => m | bitOf(r), 0);
  const handledFs = apply ? neededMask("fs") & maskAt("fs", abi) : 0;
  const handledNet = apply ? neededMask("net") & maskAt("net", abi) : 0;
  const scoped = apply ? neededMask("scope") & maskAt("scope", abi) : 0;
  const restrictFlags = apply ? neededMask("restrict") & maskAt("restrict", abi) : 0;

  const referDenied = `landlock ABI ${abi} < 2: every rename or link across directories is denied, also inside grants`;
  const rights: RightReport[] = needed.map((r) => {
    const base = { right: r, abi: abiOf(r), level: level(r) };
    if (!apply) return { ...base, status: "not-enforced", reason: notApplied! };
    if (referStricter(r) && abiOf(r) > abi) return { ...base, status: "enforced", reason: referDenied };
    if (abiOf(r) > abi) return { ...base, status: "not-enforced", reason: tooOld(abi, abiOf(r)) };
    return { ...base, status: "enforced" };
  });

  // Path rules, merged per path: a path both read and written gets the union.
  const grants = new Map<string, number>();
  for (const p of policy.fs.read) grants.set(p, (grants.get(p) ?? 0) | FS_READ_GRANT);
  for (const p of policy.fs.write) grants.set(p, (grants.get(p) ?? 0) | FS_WRITE_GRANT);
  const rules: PathRule[] = [];
  const ruleReports: RuleReport[] = [];
  const dropReason = (r: RightName) => (!apply ? notApplied! : referStricter(r) ? referDenied : tooOld(abi, abiOf(r)));
  // Grants come in a few kinds (read, write, both): their names are worked out once per kind and shared, frozen, by every path's report.
  const byGrant = new Map<number, Omit<RuleReport, "target">>();
  for (const [path, grant] of grants) {
    const access = grant & handledFs;
    if (apply) rules.push({ path, access, fileAccess: access & FS_FILE_RIGHTS });
    let names = byGrant.get(grant);
    if (!names) {
      const requested = namesOf("fs", grant);
      const granted = namesOf("fs", access);
      names = deepFreeze({ requested, granted, dropped: requested.filter((r) => !granted.includes(r)).map((r) => ({ right: r, reason: dropReason(r) })) });
      byGrant.set(grant, names);
    }
    ruleReports.push({ target: path, ...names });
  }

  // TCP port rules, merged per port.
  const netRules: NetRule[] = [];
  if (typeof net === "object") {
    const ports = new Map<number, number>();
    for (const p of net.connect) ports.set(p, (ports.get(p) ?? 0) | NET_RIGHTS.connect_tcp.bit);
    for (const p of net.bind) ports.set(p, (ports.get(p) ?? 0) | NET_RIGHTS.bind_tcp.bit);
    for (const [port, want] of [...ports].sort((a, b) => a[0] - b[0])) {
      const access = want & handledNet;
      if (access !== 0) netRules.push({ port, access });
      const requested = namesOf("net", want);
      const granted = namesOf("net", access);
      ruleReports.push({
        target: `tcp:${port}`,
        requested,
        granted,
        // Without TCP handling the port is open anyway: the grant is moot, the confinement is what is lost.
        dropped: requested.filter((r) => !granted.includes(r)).map((r) => ({ right: r, reason: `${dropReason(r)}: TCP is not confined` })),
      });
    }
  }

  const anyDropped = rights.some((r) => r.status === "not-enforced");
  return {
    abi,
    apply,
    attrSize: apply ? rulesetAttrSize(abi) : 0,
    handledFs,
    handledNet,
    scoped,
    rules,
    netRules,
    restrictFlags,
    report: {
      abi,
      status: !apply ? "none" : anyDropped ? "partial" : "full",
      ...(notApplied ? { reason: notApplied } : {}),
      rights,
      rules: ruleReports,
    },
  };
}
