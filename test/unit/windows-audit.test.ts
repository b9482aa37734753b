// The Windows audit's bookkeeping, on any OS: which outside count decides
// each two-sided row, and which rows are n/a when the keeper could not plant
// their canary.
import { describe, expect, test } from "bun:test";
import { windowsChannels } from "../../lib/audit/channels-other.ts";
import { receipts, unplanted } from "../../lib/audit/windows.ts";
import { judge } from "../../lib/audit/verdict.ts";

const ready = { pid: 4, tcpPort: 5000, mutex: true, window: true, clipboard: true, credential: true };

describe("windows audit", () => {
  test("every channel with a receipt gets its outside count, and only those", () => {
    const got = receipts({ pipe: 1, message: 0, tcp: 2, registry: 1 }, { stream: false, temp: true });
    const withReceipt = windowsChannels.filter((c) => c.receipt).map((c) => c.id).sort();
    expect([...got.keys()].sort()).toEqual(withReceipt);
    expect(Object.fromEntries(got)).toEqual({ "win.named-pipes": 1, "win.window-messages": 0, "win.network": 2, "win.registry.hkcu": 1, "win.ads": 0, "win.temp.shared": 1 });
  });

  test("a call that worked inside but never arrived outside is blocked; one that arrived is reachable", () => {
    const pipe = windowsChannels.find((c) => c.id === "win.named-pipes")!;
    const ok = { id: pipe.id, ok: true, call: "CreateFileW", errno: null, detail: "" };
    expect(judge(pipe, ok, 0).verdict).toBe("blocked");
    expect(judge(pipe, ok, 1).verdict).toBe("reachable");
    const denied = { ...ok, ok: false, errno: "ERROR_ACCESS_DENIED" };
    expect(judge(pipe, denied, 0)).toMatchObject({ verdict: "blocked", mechanism: "AppContainer (its own object namespace and ACLs)" });
  });

  test("rows whose canary the keeper could not plant are n/a with the reason; a full keeper leaves none", () => {
    expect(unplanted(ready).size).toBe(0);
    const partial = unplanted({ ...ready, window: false, credential: false, tcpPort: 0 });
    expect([...partial.keys()].sort()).toEqual(["win.credentials", "win.network", "win.window-messages"]);
    expect(partial.get("win.window-messages")).toContain("could not make a window");
  });
});
