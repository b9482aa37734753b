// Lookups made ahead of connects (lib/net/lookups-ahead.ts): each serves one
// connect while fresh; anything else resolves at the connect.
import { describe, expect, test } from "bun:test";
import { AHEAD_MAX, AHEAD_MS, LookupsAhead } from "../../lib/net/lookups-ahead.ts";

function counting(answers: string[][]) {
  const asked: string[] = [];
  let n = 0;
  const resolve = async (name: string) => {
    asked.push(name);
    const a = answers[Math.min(n++, answers.length - 1)]!;
    if (a.length === 0) throw Object.assign(new Error("no such name"), { code: "ENOTFOUND" });
    return a;
  };
  return { asked, resolve };
}

describe("lookups made ahead of connects", () => {
  test("a lookup's upstream answer serves the next connect once; the connect after it resolves again (a name that rebinds is seen)", async () => {
    let now = 0;
    const r = counting([["198.18.0.10"], ["127.0.0.1"]]);
    const ahead = new LookupsAhead(r.resolve, () => now);
    ahead.looked("rebind.test");
    ahead.looked("rebind.test"); // the AAAA query of the same lookup: no second upstream lookup
    expect(r.asked).toEqual(["rebind.test"]);
    now += 10;
    expect(await ahead.forConnect("rebind.test")).toEqual(["198.18.0.10"]);
    expect(await ahead.forConnect("rebind.test")).toEqual(["127.0.0.1"]);
    expect(r.asked).toEqual(["rebind.test", "rebind.test"]);
  });

  test("a lookup made ahead and older than AHEAD_MS is not used: the connect resolves now", async () => {
    let now = 0;
    const r = counting([["198.18.0.10"], ["198.18.0.11"]]);
    const ahead = new LookupsAhead(r.resolve, () => now);
    ahead.looked("registry.test");
    now += AHEAD_MS;
    expect(await ahead.forConnect("registry.test")).toEqual(["198.18.0.11"]);
  });

  test("at most AHEAD_MAX names at once; a failed lookup ahead fails its connect, not the process", async () => {
    const r = counting([[]]);
    const ahead = new LookupsAhead(r.resolve, () => 0);
    for (let i = 0; i < AHEAD_MAX + 10; i++) ahead.looked(`n${i}.wild.test`);
    expect(r.asked).toHaveLength(AHEAD_MAX);
    await Bun.sleep(1);
    await expect(ahead.forConnect("n0.wild.test")).rejects.toMatchObject({ code: "ENOTFOUND" });
  });
});
