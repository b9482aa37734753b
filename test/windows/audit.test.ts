// `cordon audit` on Windows: the probe program tries each of the 14 Windows
// channels from inside the sandbox against canaries a keeper planted outside,
// and the outside counts what arrived. On Windows the default sandbox must
// block every channel its AppContainer, job UI restrictions and private TEMP
// close. Under Wine nothing of that is applied (measured: no AppContainer, UI
// restrictions not kept), so the same run shows the probes reaching every
// channel Wine has — the positive twin — with the outside confirming each
// two-sided row; the two Wine lacks are n/a with the reason.
import { expect } from "bun:test";
import { audit } from "../../lib/audit/index.ts";
import { auditProbePath } from "../../lib/audit/windows.ts";
import { windowsChannels } from "../../lib/audit/channels-other.ts";
import { existsSync } from "node:fs";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { lacking, notWindows, wine } from "./support.ts";

const T = 120_000;
const noProbe = notWindows ?? (existsSync(auditProbePath()) ? undefined : `${auditProbePath()} is not built (zig build)`);

/** Channels the default sandbox (AppContainer without capabilities, all job UI restrictions, private TEMP) closes. */
const closedByDefault = [
  "win.named-objects",
  "win.named-pipes",
  "win.registry.hkcu",
  "win.clipboard",
  "win.window-messages",
  "win.global-atoms",
  "win.ads",
  "win.temp.shared",
  "win.services.tasks",
  "win.network",
  "win.credentials",
  "win.processes",
];

describeUnless(noProbe, "cordon audit on Windows", () => {
  testUnless(wine ? undefined : "measures what Wine leaves open; on Windows the next test runs", "under Wine (no identity applied, UI limits not kept) the probes reach every channel Wine has, the outside confirms each two-sided one, and the two Wine lacks are n/a", async () => {
    const r = await audit({ compat: "best-effort" });
    expect(r.platform).toBe(`win32-${process.arch}`);
    expect(r.rows.map((row) => row.channel)).toEqual(windowsChannels.map((c) => c.id));
    const verdict = Object.fromEntries(r.rows.map((row) => [row.channel, row.verdict]));
    // Measured: a fresh Wine prefix may not have started rpcss yet, so the endpoint mapper's pipe is absent (n/a, said so).
    const rpc = r.rows.find((row) => row.channel === "win.alpc-rpc")!;
    if (rpc.verdict === "n/a") expect(rpc.evidence).toContain("no endpoint mapper pipe");
    else expect(rpc.verdict).toBe("reachable");
    for (const id of ["win.named-objects", "win.named-pipes", "win.registry.hkcu", "win.registry.hklm", "win.clipboard", "win.global-atoms", "win.temp.shared", "win.services.tasks", "win.network", "win.credentials", "win.processes"]) {
      expect({ id, verdict: verdict[id] }).toEqual({ id, verdict: "reachable" });
    }
    // Measured: without a display driver no window can be made; a name with a colon is a file of its own.
    expect(r.rows.find((row) => row.channel === "win.window-messages")).toMatchObject({ verdict: "n/a", evidence: expect.stringContaining("could not make a window") });
    expect(r.rows.find((row) => row.channel === "win.ads")).toMatchObject({ verdict: "n/a", evidence: expect.stringContaining("a name with a colon became a file of its own") });
    for (const id of ["win.named-pipes", "win.registry.hkcu", "win.network", "win.temp.shared"]) expect({ id, receipt: r.rows.find((row) => row.channel === id)?.receipt }).toEqual({ id, receipt: 1 });
    // What the probe left outside was found and removed.
    expect(r.leftovers.map((f) => f.kind).sort()).toEqual(["file", "registry key"]);
    expect(r.leftovers.every((f) => f.removed)).toBe(true);
  }, T);

  testUnless(lacking("appcontainer", "job-ui"), "the default sandbox blocks every channel its AppContainer, UI restrictions and private TEMP close; nothing is left outside", async () => {
    const r = await audit({ compat: "best-effort" });
    for (const id of closedByDefault) {
      const row = r.rows.find((x) => x.channel === id);
      expect({ id, verdict: row?.verdict, evidence: row?.evidence }).toMatchObject({ id, verdict: "blocked" });
    }
    expect(r.leftovers).toEqual([]);
  }, T);
});
