// The seL4 Microkit generator (lib/plan/sel4): its XML is well-formed and
// keeps to the schema written from the Microkit manual; every grant becomes
// exactly one region or channel and the job holds nothing else; limits become
// the job's heap size, budget and period. The Microkit SDK is not installable
// here, so the documented schema is the only judge (lib/plan/sel4/schema.ts).
import { describe, expect, test } from "bun:test";
import { PolicyError } from "../../lib/errors.ts";
import { BOARDS, checkSystem, parseNumber, planMicrokit, type Board, type SdfElement } from "../../lib/plan/sel4/index.ts";
import type { Policy } from "../../lib/policy/types.ts";
import { testUnless } from "../helpers/skip.ts";
import { parseXml } from "../helpers/xml.ts";

const MiB = 2 ** 20;
const full: Policy = { fs: { read: ["/job/src", "/opt/tools"], write: ["/job/out"] }, net: { connect: [443, 80], bind: [8080] }, limits: { memory: 100_000_000, cpuSeconds: 60, timeoutMs: 600_000 } };
const shapes: Record<string, Policy> = {
  "nothing granted": {},
  "read only": { fs: { read: ["/src"] } },
  "write, no network": { fs: { write: ["/out"] }, limits: { memory: 3 * MiB } },
  "ports and limits": full,
  "unrestricted network": { net: "all", limits: { timeoutMs: 1000 } },
};
const plan = (policy: Policy, argv = ["make", "test"], board?: string | Board) => planMicrokit({ argv, policy, ...(board ? { board } : {}) });
const xmlOf = (policy: Policy) => parseXml(plan(policy).xml);

/** Every element below `e` (itself included). */
const all = (e: SdfElement): SdfElement[] => [e, ...e.children.flatMap(all)];
const pds = (root: SdfElement) => all(root).filter((e) => e.name === "protection_domain");
const pdNamed = (root: SdfElement, name: string) => pds(root).find((p) => p.attrs.name === name);
const mapsOf = (pd: SdfElement) => pd.children.filter((c) => c.name === "map").map((m) => m.attrs.mr!);
const channelsOf = (root: SdfElement, name: string) =>
  root.children.filter((c) => c.name === "channel").flatMap((c) => {
    const ends = c.children;
    const mine = ends.findIndex((e) => e.attrs.pd === name);
    return mine < 0 ? [] : [{ peer: ends[1 - mine]!.attrs.pd!, end: ends[mine]!.attrs }];
  });

describe("well-formed XML", () => {
  for (const [shape, policy] of Object.entries(shapes)) {
    test(`${shape}: parses back to the tree that was generated`, () => {
      const p = plan(policy);
      expect(parseXml(p.xml)).toEqual(stripComments(p.system));
    });
  }

  test("the reader itself refuses malformed XML (so passing it means something)", () => {
    const ok = '<?xml version="1.0" encoding="UTF-8"?>\n<system><channel /></system>';
    expect(() => parseXml(ok)).not.toThrow();
    for (const bad of [ok.replace("</system>", ""), ok.replace("<channel />", "<channel>"), ok.replace("<channel />", '<channel a="1" a="2" />'), ok.replace("<channel />", "<channel a=1 />"), ok.replace("<channel />", "<!-- a -- b -->"), ok + "<x />", ok.replace("<channel />", '<channel a="<" />')])
      expect(() => parseXml(bad)).toThrow(/not well-formed/);
  });

  test("attribute values and comments that carry user text are escaped", () => {
    const p = plan({ fs: { read: ['/job/a"b<c&--d'] } }, ["./build--all", "--x"]);
    expect(() => parseXml(p.xml)).not.toThrow();
    expect(p.xml).toContain('<program_image path="build--all.elf" />');
  });

  const python = Bun.which("python3") ? undefined : "python3 not installed (a second, independent XML parser)";
  testUnless(python, "an independent parser (Python's expat) reads every shape", () => {
    for (const policy of Object.values(shapes)) {
      const r = Bun.spawnSync(["python3", "-c", "import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())"], { stdin: new TextEncoder().encode(plan(policy).xml) });
      expect([r.exitCode, r.stderr.toString()]).toEqual([0, ""]);
    }
  });
});

/** The tree as XML carries it: comments are not elements. */
function stripComments(e: SdfElement): SdfElement {
  return { name: e.name, attrs: e.attrs, children: e.children.map(stripComments) };
}

describe("the documented schema", () => {
  for (const [shape, policy] of Object.entries(shapes)) {
    test(`${shape}: every element, attribute, value and child count is one the manual defines`, () => {
      expect(checkSystem(xmlOf(policy))).toEqual([]);
    });
  }

  test("the checker refuses what the manual forbids", () => {
    const base = xmlOf(full);
    const edit = (f: (e: SdfElement) => SdfElement | undefined) => {
      const walk = (e: SdfElement): SdfElement | undefined => {
        const r = f(e);
        if (r !== e) return r;
        return { ...e, children: e.children.map(walk).filter((c): c is SdfElement => c !== undefined) };
      };
      return checkSystem(walk(base)!);
    };
    const attr = (name: string, key: string, value: string | undefined) => (e: SdfElement) =>
      e.name === name ? { ...e, attrs: Object.fromEntries(Object.entries({ ...e.attrs, [key]: value }).filter(([, v]) => v !== undefined)) as Record<string, string> } : e;
    const cases: [string, string[]][] = [
      ["unknown element", edit((e) => (e.name === "system" ? { ...e, children: [...e.children, { name: "thread", attrs: {}, children: [] }] } : e))],
      ["unknown attribute", edit(attr("memory_region", "colour", "red"))],
      ["write-only mapping", edit(attr("map", "perms", "w"))],
      ["priority 255", edit(attr("protection_domain", "priority", "255"))],
      ["budget beyond period", edit((e) => (e.attrs.name === "job" ? { ...e, attrs: { ...e.attrs, budget: "2000", period: "1000" } } : e))],
      ["channel id 63", edit(attr("end", "id", "63"))],
      ["size not a page multiple", edit(attr("memory_region", "size", "0x1234"))],
      ["missing program image", edit((e) => (e.name === "program_image" ? undefined : e))],
      ["an id on a top-level PD", edit((e) => (e.attrs.name === "serial" ? { ...e, attrs: { ...e.attrs, id: "1" } } : e))],
      ["a call to a lower priority", edit((e) => (e.attrs.name === "fs" ? { ...e, attrs: { ...e.attrs, priority: "50" } } : e))],
      ["a map of no region", edit(attr("map", "mr", "nowhere"))],
      ["a channel with one end", edit((e) => (e.name === "channel" ? { ...e, children: e.children.slice(0, 1) } : e))],
    ];
    for (const [why, problems] of cases) expect([why, problems.length > 0]).toEqual([why, true]);
    const many = { name: "system", attrs: {}, children: Array.from({ length: 64 }, (_, i) => ({ name: "protection_domain", attrs: { name: `p${i}` }, children: [{ name: "program_image", attrs: { path: "p.elf" }, children: [] }] })) };
    expect(checkSystem(many)).toContain("64 protection domains (at most 63)");
    const cycle = parseXml(`<?xml version="1.0" encoding="UTF-8"?><system><protection_domain name="a" priority="1"><program_image path="a" /></protection_domain><protection_domain name="b" priority="2"><program_image path="b" /></protection_domain><channel><end pd="a" id="0" pp="true" /><end pd="b" id="0" pp="true" /></channel></system>`);
    expect(checkSystem(cycle).join("\n")).toMatch(/not strictly lower|cycle/);
  });

  test("numbers are read the way the manual writes them", () => {
    expect([parseNumber("0x10_0000"), parseNumber("1_000"), parseNumber("42"), parseNumber("0x"), parseNumber("-1"), parseNumber("1e3")]).toEqual([0x100000, 1000, 42, undefined, undefined, undefined]);
  });
});

describe("grants: each is exactly one region or channel, and the job holds nothing else", () => {
  const p = plan(full);
  const root = parseXml(p.xml);
  const job = pdNamed(root, "job")!;

  test("each grant of the policy maps to exactly one element, which exists", () => {
    const expected = ["fs.read /job/src", "fs.read /opt/tools", "fs.write /job/out", "net connect 443", "net connect 80", "net bind 8080", "limits.memory 100000000", "limits.timeoutMs 600000", "limits.cpuSeconds 60"];
    expect(p.grants.map((g) => g.grant).sort()).toEqual(expected.sort());
    const regions = new Set(root.children.filter((c) => c.name === "memory_region").map((m) => `memory_region ${m.attrs.name}`));
    for (const g of p.grants) {
      if (g.element.startsWith("memory_region")) expect(regions.has(g.element)).toBe(true);
      if (g.element === "channel supervisor-timer") expect(channelsOf(root, "supervisor").map((c) => c.peer)).toContain("timer");
    }
  });

  test("a file grant's region is mapped into the file server only; the allow-list into the network server only", () => {
    const holders = (mr: string) => pds(root).filter((pd) => mapsOf(pd).includes(mr)).map((pd) => pd.attrs.name);
    for (const mr of ["read_0", "read_1", "write_0", "fs_config"]) expect([mr, holders(mr)]).toEqual([mr, ["fs"]]);
    expect(holders("net_allow")).toEqual(["net"]);
  });

  test("the job maps only its heap, arguments, output and the two request regions, and calls only fs and net", () => {
    expect(mapsOf(job).sort()).toEqual(["fs_io", "job_args", "job_heap", "job_stdout", "net_io"]);
    expect(channelsOf(root, "job").map((c) => c.peer).sort()).toEqual(["fs", "net", "serial"]);
    expect(job.children.filter((c) => !["program_image", "map"].includes(c.name))).toEqual([]);
    expect(p.job.map((h) => h.element).sort()).toEqual(["channel job-fs (protected call)", "channel job-net (protected call)", "channel job-serial (notify)", "map fs_io (rw)", "map job_args (r)", "map job_heap (rw)", "map job_stdout (rw)", "map net_io (rw)"]);
  });

  test("every region is a grant or part of the fixed job shape: nothing else is in the system", () => {
    const shape = ["job_heap", "job_args", "job_stdout", "uart_regs", "fs_io", "fs_config", "net_io", "net_rx_queue", "net_tx_queue", "net_rx_data", "net_tx_data", "net_regs"];
    const granted = p.grants.filter((g) => g.element.startsWith("memory_region")).map((g) => g.element.split(" ")[1]!);
    const regions = root.children.filter((c) => c.name === "memory_region").map((m) => m.attrs.name!);
    expect(regions.filter((r) => !shape.includes(r) && !granted.includes(r))).toEqual([]);
  });

  test("no network grant: no network server, no NIC driver, no NIC registers", () => {
    const r = xmlOf({ fs: { read: ["/src"] } });
    expect(pds(r).map((p) => p.attrs.name).sort()).toEqual(["fs", "job", "serial", "supervisor"]);
    expect(all(r).some((e) => e.attrs.name === "net_regs" || e.attrs.mr === "net_io")).toBe(false);
  });

  test("no file grant: no file server; no timeout: no timer", () => {
    const r = xmlOf({});
    expect(pds(r).map((p) => p.attrs.name).sort()).toEqual(["job", "serial", "supervisor"]);
    expect(mapsOf(pdNamed(r, "job")!).sort()).toEqual(["job_args", "job_heap", "job_stdout"]);
  });

  test("device registers and interrupts belong to their driver only, never to the job or a server", () => {
    const devices = root.children.filter((c) => c.name === "memory_region" && c.attrs.phys_addr !== undefined).map((m) => m.attrs.name!);
    expect(devices.sort()).toEqual(["net_regs", "uart_regs"]);
    for (const pd of pds(root)) {
      const mine = mapsOf(pd).filter((m) => devices.includes(m));
      const irqs = pd.children.filter((c) => c.name === "irq").map((c) => c.attrs.irq);
      const expected = { serial: [["uart_regs"], ["33"]], net_driver: [["net_regs"], ["79"]], timer: [[], ["30"]] }[pd.attrs.name as string] ?? [[], []];
      expect([pd.attrs.name, mine, irqs]).toEqual([pd.attrs.name, ...expected]);
    }
    // The driver reaches packet buffers by physical address (setvar), never by a mapping.
    expect(mapsOf(pdNamed(root, "net_driver")!).filter((m) => m.endsWith("_data"))).toEqual([]);
  });

  test("protected calls go only up in priority, to passive servers that run on the caller's budget", () => {
    const prio = (n: string) => Number(pdNamed(root, n)!.attrs.priority ?? 0);
    for (const c of root.children.filter((e) => e.name === "channel"))
      for (const [a, b] of [[c.children[0]!, c.children[1]!], [c.children[1]!, c.children[0]!]] as const)
        if (a.attrs.pp === "true") {
          expect(prio(b.attrs.pd!)).toBeGreaterThan(prio(a.attrs.pd!));
          expect([b.attrs.pd, pdNamed(root, b.attrs.pd!)!.attrs.passive]).toEqual([b.attrs.pd, "true"]);
        }
  });

  test("a board with an IOMMU gets an IO address space holding the packet buffers and nothing else", () => {
    const iommu: Board = { ...BOARDS.qemu_virt_aarch64!, net: { ...BOARDS.qemu_virt_aarch64!.net, iommu: { peripheralId: "0:4.0", domainId: 1 } } };
    const r = parseXml(plan(full, ["make"], iommu).xml);
    expect(checkSystem(r)).toEqual([]);
    const spaces = r.children.filter((c) => c.name === "io_address_space");
    expect(spaces.flatMap((s) => s.children.map((m) => m.attrs.mr))).toEqual(["net_rx_data", "net_tx_data"]);
    expect(plan(full).notes.join("\n")).toContain("DMA is not confined (P19)");
  });
});

describe("limits: budgets, periods and memory sizes", () => {
  test("memory becomes the job's heap, in whole pages: at least the limit, less than a page more", () => {
    for (const memory of [3 * MiB, 100_000_000, 4096, 5000, 2 ** 31]) {
      const heap = xmlOf({ limits: { memory } }).children.find((c) => c.attrs.name === "job_heap")!;
      const size = parseNumber(heap.attrs.size!)!;
      const page = parseNumber(heap.attrs.page_size!)!;
      expect([memory, size >= memory, size - memory < page, size % page]).toEqual([memory, true, true, 0]);
    }
  });

  test("CPU seconds become the budget within the timeout as the period, in microseconds", () => {
    const job = pdNamed(xmlOf({ limits: { cpuSeconds: 60, timeoutMs: 600_000 } }), "job")!;
    expect([job.attrs.budget, job.attrs.period]).toEqual(["60000000", "600000000"]);
  });

  test("no CPU limit: no budget or period (the manual's full default); more CPU than time: the whole period", () => {
    const none = pdNamed(xmlOf({ limits: { timeoutMs: 1000 } }), "job")!;
    expect([none.attrs.budget, none.attrs.period]).toEqual([undefined, undefined]);
    const capped = plan({ limits: { cpuSeconds: 10, timeoutMs: 5000 } });
    expect([pdNamed(parseXml(capped.xml), "job")!.attrs.budget, pdNamed(parseXml(capped.xml), "job")!.attrs.period]).toEqual(["5000000", "5000000"]);
  });

  test("a CPU limit without a timeout has no period to renew in: refused", () => {
    expect(() => plan({ limits: { cpuSeconds: 10 } })).toThrow(PolicyError);
  });

  test("a file size limit bounds each write grant's store", () => {
    const w = xmlOf({ fs: { write: ["/out"] }, limits: { fileSize: 8 * MiB } }).children.find((c) => c.attrs.name === "write_0")!;
    expect(parseNumber(w.attrs.size!)).toBe(8 * MiB);
  });

  test("what seL4 has no use for is refused or stated, never dropped silently", () => {
    expect(() => plan({ user: 1000 })).toThrow(/no users/);
    expect(() => planMicrokit({ argv: ["x"], policy: {}, board: "pdp11" })).toThrow(/unknown board/);
    expect(plan({ limits: { pids: 4 } }).notes.join("\n")).toContain("can create no thread or process");
  });
});
