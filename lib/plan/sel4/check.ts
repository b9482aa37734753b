// Holds a system description to the Microkit manual (./schema.ts): element
// and attribute names, allowed values, children and their counts, then the
// rules the manual states in prose: unique names, references that resolve,
// sizes and addresses that are multiples of the page size, budget <= period,
// protected calls only to strictly higher priority and no call cycles,
// channel and interrupt ids unique per PD, at most 63 PDs, an interrupt
// owned by one PD. Returns the problems; none means the description keeps to
// the documented format (the Microkit tool itself is not run here).
import { MAX_PDS, PAGE_SIZES, SCHEMA, STACK_SIZE, parseNumber, type Value } from "./schema.ts";
import type { SdfElement } from "./sdf.ts";

function valueProblem(v: Value, s: string): string | undefined {
  switch (v.kind) {
    case "name":
      return s.length > 0 ? undefined : "empty";
    case "text":
      return undefined;
    case "bool":
      return s === "true" || s === "false" ? undefined : "not true or false";
    case "enum":
      return v.values.includes(s) ? undefined : `not one of ${v.values.join(", ")}`;
    case "perms": {
      const ok = s.length > 0 && [...s].every((c, i) => v.letters.includes(c) && s.indexOf(c) === i) && !v.except.includes(s);
      return ok ? undefined : `not a combination of ${[...v.letters].join(", ")}${v.except.length ? ` other than ${v.except.join(", ")}` : ""}`;
    }
    case "int": {
      const n = parseNumber(s);
      if (n === undefined) return "not a number";
      if ((v.min !== undefined && n < v.min) || (v.max !== undefined && n > v.max)) return `out of range ${v.min ?? "-"}..${v.max ?? "-"}`;
      return undefined;
    }
  }
}

function structure(e: SdfElement, parent: string | undefined, path: string, out: string[]): void {
  const rule = SCHEMA[e.name];
  if (!rule) {
    out.push(`${path}: unknown element <${e.name}>`);
    return;
  }
  for (const [attr, value] of Object.entries(e.attrs)) {
    const a = rule.attrs[attr];
    if (!a || (a.onlyUnder && a.onlyUnder !== parent)) out.push(`${path}: attribute ${attr} not allowed here`);
    else {
      const p = valueProblem(a.value, value);
      if (p) out.push(`${path}: ${attr}="${value}" ${p}`);
    }
  }
  for (const [attr, a] of Object.entries(rule.attrs)) {
    if (a.required && !(attr in e.attrs) && (!a.onlyUnder || a.onlyUnder === parent)) out.push(`${path}: missing attribute ${attr}`);
  }
  for (const [child, [min, max]] of Object.entries(rule.children)) {
    const n = e.children.filter((c) => c.name === child).length;
    if (n < min || n > max) out.push(`${path}: ${n} <${child}> (allowed ${min}..${max})`);
  }
  for (const c of e.children) {
    if (!(c.name in rule.children)) out.push(`${path}: <${c.name}> not allowed in <${e.name}>`);
    else structure(c, e.name, `${path}/${c.name}${c.attrs.name ? `[${c.attrs.name}]` : ""}`, out);
  }
}

const num = (e: SdfElement, attr: string) => (e.attrs[attr] === undefined ? undefined : parseNumber(e.attrs[attr]!));

/** Every protection domain, children included, with its parent's name. */
function allPds(root: SdfElement): SdfElement[] {
  const out: SdfElement[] = [];
  const walk = (e: SdfElement) => {
    for (const c of e.children) if (c.name === "protection_domain") (out.push(c), walk(c));
  };
  walk(root);
  return out;
}

function semantics(root: SdfElement, out: string[]): void {
  const pds = allPds(root);
  const mrs = root.children.filter((c) => c.name === "memory_region");
  const channels = root.children.filter((c) => c.name === "channel");
  const dup = (kind: string, names: string[]) => names.filter((n, i) => names.indexOf(n) !== i).forEach((n) => out.push(`duplicate ${kind} name ${n}`));
  dup("protection domain", pds.map((p) => p.attrs.name!));
  dup("memory region", mrs.map((m) => m.attrs.name!));
  if (pds.length > MAX_PDS) out.push(`${pds.length} protection domains (at most ${MAX_PDS})`);

  const mrByName = new Map(mrs.map((m) => [m.attrs.name!, m]));
  const pageOf = (m: SdfElement) => num(m, "page_size") ?? PAGE_SIZES[0];
  for (const m of mrs) {
    const size = num(m, "size");
    if (size === undefined && m.attrs.prefill_path === undefined && m.attrs.prefill_bootinfo === undefined) out.push(`memory region ${m.attrs.name}: no size and nothing to prefill it from`);
    if (size !== undefined && size % pageOf(m) !== 0) out.push(`memory region ${m.attrs.name}: size ${m.attrs.size} is not a multiple of its page size`);
    const paddr = num(m, "phys_addr");
    if (paddr !== undefined && paddr % pageOf(m) !== 0) out.push(`memory region ${m.attrs.name}: phys_addr ${m.attrs.phys_addr} is not a multiple of its page size`);
  }

  const priority = new Map(pds.map((p) => [p.attrs.name!, num(p, "priority") ?? 0]));
  const ids = new Map<string, number[]>(pds.map((p) => [p.attrs.name!, []]));
  for (const pd of pds) {
    const budget = num(pd, "budget") ?? 1000;
    const period = num(pd, "period") ?? budget;
    if (budget > period) out.push(`protection domain ${pd.attrs.name}: budget ${budget} exceeds period ${period}`);
    const stack = num(pd, "stack_size");
    if (stack !== undefined && (stack % STACK_SIZE.min !== 0)) out.push(`protection domain ${pd.attrs.name}: stack_size not 4 KiB aligned`);
    const spans: [number, number, string][] = [];
    for (const map of pd.children.filter((c) => c.name === "map")) {
      const mr = mrByName.get(map.attrs.mr!);
      if (!mr) {
        out.push(`protection domain ${pd.attrs.name}: maps unknown memory region ${map.attrs.mr}`);
        continue;
      }
      const vaddr = num(map, "vaddr") ?? 0;
      if (vaddr % pageOf(mr) !== 0) out.push(`protection domain ${pd.attrs.name}: ${map.attrs.mr} at ${map.attrs.vaddr} is not aligned to its page size`);
      const size = num(mr, "size");
      if (size !== undefined) spans.push([vaddr, vaddr + size, map.attrs.mr!]);
    }
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) if (spans[i]![0] < spans[i - 1]![1]) out.push(`protection domain ${pd.attrs.name}: ${spans[i - 1]![2]} and ${spans[i]![2]} overlap`);
    for (const s of pd.children.filter((c) => c.name === "setvar")) if (!mrByName.has(s.attrs.region_paddr!)) out.push(`protection domain ${pd.attrs.name}: setvar names unknown memory region ${s.attrs.region_paddr}`);
    for (const irq of pd.children.filter((c) => c.name === "irq")) ids.get(pd.attrs.name!)!.push(num(irq, "id")!);
  }

  const irqs = pds.flatMap((p) => p.children.filter((c) => c.name === "irq").map((i) => i.attrs.irq!));
  irqs.filter((n, i) => irqs.indexOf(n) !== i).forEach((n) => out.push(`interrupt ${n} is given to more than one protection domain`));

  const calls = new Map<string, string[]>();
  for (const ch of channels) {
    const ends = ch.children.filter((c) => c.name === "end");
    if (ends.length !== 2) continue;
    for (const [self, other] of [[ends[0]!, ends[1]!], [ends[1]!, ends[0]!]] as const) {
      const pd = self.attrs.pd!;
      if (!priority.has(pd)) {
        out.push(`channel end names unknown protection domain ${pd}`);
        continue;
      }
      ids.get(pd)!.push(num(self, "id")!);
      if (self.attrs.pp === "true") {
        if (!(priority.get(other.attrs.pd!)! > priority.get(pd)!)) out.push(`${pd} may call ${other.attrs.pd} but its priority is not strictly lower`);
        calls.set(pd, [...(calls.get(pd) ?? []), other.attrs.pd!]);
      }
    }
    if (ends[0]!.attrs.pd === ends[1]!.attrs.pd) out.push(`channel joins ${ends[0]!.attrs.pd} to itself`);
  }
  for (const [pd, list] of ids) {
    list.filter((n, i) => list.indexOf(n) !== i).forEach((n) => out.push(`protection domain ${pd}: channel or interrupt id ${n} used twice`));
    if (list.length > 63) out.push(`protection domain ${pd}: more than 63 channels and interrupts`);
  }
  // The protected-call graph must be acyclic.
  const state = new Map<string, "open" | "done">();
  const visit = (pd: string): boolean => {
    if (state.get(pd) === "done") return false;
    if (state.get(pd) === "open") return true;
    state.set(pd, "open");
    const cyclic = (calls.get(pd) ?? []).some(visit);
    state.set(pd, "done");
    return cyclic;
  };
  if ([...calls.keys()].some(visit)) out.push("protected calls form a cycle");

  for (const io of root.children.filter((c) => c.name === "io_address_space"))
    for (const m of io.children) if (!mrByName.has(m.attrs.mr!)) out.push(`io address space ${io.attrs.name}: maps unknown memory region ${m.attrs.mr}`);
}

export function checkSystem(root: SdfElement): string[] {
  const out: string[] = [];
  if (root.name !== "system") return [`root element is <${root.name}>, not <system>`];
  structure(root, undefined, "system", out);
  if (out.length === 0) semantics(root, out);
  return out;
}
