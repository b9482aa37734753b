// Fetch and execution separated by account (elevated only): one dedicated
// account fetches — it may reach the network and write the cache — and
// another runs the job offline, reading the cache but unable to change it.
// What the job runs cannot poison what the next fetch reuses, and what was
// fetched cannot phone home while it runs. Each phase is an ordinary Windows
// plan with the account identity; this file adds what ties them together and
// is pure: the names, the cache's grants per phase, and the check, made as
// the run's account before it starts, that it cannot write the cache.
import { CompatError, PolicyError } from "../../errors.ts";
import type { ResolvedPolicy } from "../../policy/types.ts";
import type { GuaranteeId, GuaranteeReport } from "../../report.ts";

/** A row of one phase: its registry id prefixed with the phase. */
export type PhaseGuaranteeReport = Omit<GuaranteeReport, "guarantee"> & { readonly guarantee: `${"fetch" | "run"}:${GuaranteeId}` };
import { GENERIC_WRITE, type AccessExpectation } from "./account.ts";
import type { WindowsHost } from "./host.ts";
import { planWindows, type WindowsOptions, type WindowsPlan } from "./index.ts";
import { under } from "./paths.ts";

export type FetchExecOptions = Omit<WindowsOptions, "identity" | "name"> & {
  /** The directory the fetch phase fills and the run phase reads. */
  readonly cache: string;
  /** Account names (defaults: cordon-fetch, cordon-run). */
  readonly fetchAccount?: string;
  readonly runAccount?: string;
};

export type FetchExecPlan = {
  readonly fetch: WindowsPlan;
  readonly run: WindowsPlan;
  readonly accounts: { readonly fetch: string; readonly run: string };
  /** Both phases' rows, each id prefixed with its phase (fetch:…, run:…). */
  readonly report: readonly PhaseGuaranteeReport[];
};

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The two phases' plans. The fetch phase gets write access to the cache (and
 * whatever network its policy asks for); the run phase gets read access to
 * the cache, no network, and an expectation checked as its account that it
 * cannot write the cache. Refused in hard mode where it cannot be had: without
 * an administrator (accounts and their WFP filters need one), on a host that
 * lacks accounts or WFP (Wine), and wherever the account tier confines files
 * only partly — which is everywhere, so hard mode names those rows.
 */
export function planFetchExec(fetchPolicy: ResolvedPolicy, runPolicy: ResolvedPolicy, host: WindowsHost, opts: FetchExecOptions): FetchExecPlan {
  const accounts = { fetch: opts.fetchAccount ?? "cordon-fetch", run: opts.runAccount ?? "cordon-run" };
  if (sameName(accounts.fetch, accounts.run)) throw new PolicyError("runAccount", `must differ from the fetch account (${accounts.fetch}): the separation is the two accounts`);
  if (runPolicy.net !== "none") throw new PolicyError("net", "the run phase of fetch/exec separation is offline: its policy must have net \"none\"");
  if (runPolicy.fs.write.some((w) => under(opts.cache, [w]) || under(w, [opts.cache]))) {
    throw new PolicyError("fs.write", `the run phase may not write the cache ${opts.cache} or anything around it`);
  }
  const { cache, fetchAccount: _f, runAccount: _r, ...rest } = opts;
  const withCache = (p: ResolvedPolicy, key: "read" | "write"): ResolvedPolicy => ({
    ...p,
    compat: "best-effort",
    fs: { ...p.fs, [key]: p.fs[key].some((x) => under(cache, [x])) ? p.fs[key] : [...p.fs[key], cache] },
  });
  const fetch = planWindows(withCache(fetchPolicy, "write"), host, { ...rest, identity: "account", name: accounts.fetch });
  const run0 = planWindows(withCache(runPolicy, "read"), host, { ...rest, identity: "account", name: accounts.run });
  const cacheClosed: AccessExpectation = { path: cache, access: GENERIC_WRITE, allowed: false, guarantee: "fs.write-confined", why: "the cache, which only the fetch account may write" };
  const run: WindowsPlan = { ...run0, isolation: { ...run0.isolation, checks: [...run0.isolation.checks, cacheClosed] } };

  const report: PhaseGuaranteeReport[] = [...fetch.report.map((g) => ({ ...g, guarantee: `fetch:${g.guarantee}` as const })), ...run.report.map((g) => ({ ...g, guarantee: `run:${g.guarantee}` as const }))];
  if (fetchPolicy.compat === "hard" || runPolicy.compat === "hard") {
    const missing = report.filter((g) => g.status !== "enforced").map((g) => ({ guarantee: g.guarantee, reason: g.reason ?? g.status }));
    if (missing.length) throw new CompatError(missing);
  }
  return { fetch, run, accounts, report };
}
