// A CI job as a seL4 Microkit system (docs/sel4/README.md): the command is
// one protection domain that holds nothing but its own memory, its
// arguments, and channels to servers that each expose one grant kind:
//   job         the command; child of the supervisor (its fault handler)
//   supervisor  starts and stops the job, owns its deadline
//   fs          file server: one region per file grant, nothing else
//   net         network server: the port allow-list, the driver's queues
//   net_driver  the NIC's registers and interrupt; DMA buffers by address only
//   serial      the UART's registers and interrupt; the job's output
//   timer       the timer interrupt; the supervisor's deadline
// Every grant of the policy becomes exactly one region (file grants, the
// allow-list); limits become the job's heap size, budget and period.
import { basename, resolve } from "node:path/posix";
import { PolicyError } from "../../errors.ts";
import type { Policy } from "../../policy/types.ts";
import { BOARDS, type Board, type Device } from "./board.ts";
import { checkSystem } from "./check.ts";
import { AddressSpace, KiB, MiB, regionElement, sized, type Region } from "./layout.ts";
import { el, hex, toXml, type SdfElement } from "./sdf.ts";

export const MANUAL = "seL4 Microkit manual 2.3.0-dev (seL4/microkit docs/manual.md, commit cfd52163), chapter System Description File";

export const DEFAULTS = {
  board: "qemu_virt_aarch64",
  heap: 64 * MiB,
  stack: 1 * MiB,
  writeStore: 64 * MiB,
  io: 256 * KiB,
  stdout: 64 * KiB,
  config: 64 * KiB,
  queue: 4 * KiB,
  dmaData: 2 * MiB,
} as const;

/** Priorities: a protected call goes only to a strictly higher priority (job → fs/net, supervisor → timer). */
const PRIORITY = { job: 100, fs: 150, net: 150, supervisor: 200, serial: 240, net_driver: 250, timer: 254 } as const;

/** `board`: a name of BOARDS (default qemu_virt_aarch64) or a board described by the caller. */
export type Sel4Job = { readonly argv: readonly string[]; readonly policy: Policy; readonly board?: string | Board };

/** A grant of the policy and the one element that carries it. */
export type GrantMapping = { readonly grant: string; readonly element: string };

/** Something the job protection domain holds, and why. */
export type Holding = { readonly element: string; readonly why: string };

export type MicrokitPlan = {
  readonly system: SdfElement;
  readonly xml: string;
  readonly grants: readonly GrantMapping[];
  /** The job's whole authority: every region mapped into it and every channel end it holds. */
  readonly job: readonly Holding[];
  /** Policy parts a Microkit system expresses differently or not at all. */
  readonly notes: readonly string[];
};

type Pd = { name: string; attrs: Record<string, string | number | boolean | undefined>; image: string; space: AddressSpace; irqs: SdfElement[]; setvars: SdfElement[]; children: SdfElement[]; comment: string };

const pd = (name: string, priority: number, comment: string, attrs: Pd["attrs"] = {}): Pd => ({ name, attrs: { priority, ...attrs }, image: `${name}.elf`, space: new AddressSpace(), irqs: [], setvars: [], children: [], comment });

function pdElement(p: Pd, extra: Pd["attrs"] = {}): SdfElement {
  return el("protection_domain", { name: p.name, ...extra, ...p.attrs }, [el("program_image", { path: p.image }), ...p.space.maps, ...p.irqs, ...p.setvars, ...p.children], p.comment);
}

function channel(a: Pd, b: Pd, opts: { aCalls?: true; aNotifies?: boolean; bNotifies?: boolean } = {}): SdfElement {
  const end = (x: Pd, pp: boolean, notify: boolean) => el("end", { pd: x.name, id: x.space.id(), pp: pp ? "true" : undefined, notify: notify ? undefined : "false", setvar_id: `${a === x ? b.name : a.name}_channel` });
  return el("channel", {}, [end(a, opts.aCalls === true, opts.aNotifies ?? true), end(b, false, opts.bNotifies ?? true)]);
}

function device(p: Pd, name: string, d: Device, regions: Region[]): void {
  if (d.mmio) {
    const r: Region = { name, size: d.mmio.size, pageSize: 0x1000, physAddr: d.mmio.paddr, comment: `${name}: the device's registers, mapped uncached into ${p.name} only` };
    regions.push(r);
    p.space.map(r, "rw", { cached: false });
  }
  p.irqs.push(el("irq", { irq: d.irq.number, id: p.space.id(), trigger: d.irq.trigger, setvar_id: `${name}_irq` }));
}

const image = (command: string) => `${basename(command).replace(/[^A-Za-z0-9._-]/g, "_") || "job"}.elf`;

/** Budget and period of the job (µs): the CPU seconds within the wall-clock window, which is also its deadline. */
function schedule(limits: NonNullable<Policy["limits"]>, notes: string[]): { budget?: number; period?: number } {
  const { cpuSeconds, timeoutMs } = limits;
  if (cpuSeconds === undefined) return {};
  if (timeoutMs === undefined) throw new PolicyError("limits.cpuSeconds", "a Microkit budget renews every period: give a timeout, whose window becomes the period");
  const period = Math.round(timeoutMs * 1000);
  const budget = Math.min(period, Math.round(cpuSeconds * 1e6));
  if (budget === period) notes.push("the CPU limit is not less than the timeout: the job (one thread) could not use more anyway, so its budget is the whole period");
  return { budget, period };
}

export function planMicrokit(job: Sel4Job): MicrokitPlan {
  const board: Board | undefined = typeof job.board === "object" ? job.board : BOARDS[job.board ?? DEFAULTS.board];
  if (!board) throw new PolicyError("board", `unknown board ${JSON.stringify(job.board)} (known: ${Object.keys(BOARDS).join(", ")})`);
  const { policy, argv } = job;
  if (argv.length === 0) throw new PolicyError("command", "missing");
  if (policy.user !== undefined) throw new PolicyError("user", "seL4 has no users: a protection domain holds exactly the capabilities it is given");
  const limits = policy.limits ?? {};
  const notes: string[] = [];
  const grants: GrantMapping[] = [];
  const holds: Holding[] = [];
  const regions: Region[] = [];
  const channels: SdfElement[] = [];
  const ioSpaces: SdfElement[] = [];
  const read = (policy.fs?.read ?? []).map((p) => resolve("/", p));
  const write = (policy.fs?.write ?? []).map((p) => resolve("/", p));
  const net = policy.net ?? "none";

  const sched = schedule(limits, notes);
  const jobPd = pd("job", PRIORITY.job, `the command ${argv.join(" ")}: its own memory, its arguments, and channels to the servers below; nothing else`, { ...sched, stack_size: hex(DEFAULTS.stack) });
  jobPd.image = image(argv[0]!);
  const supervisor = pd("supervisor", PRIORITY.supervisor, "parent of the job: receives its faults, stops it at the deadline (microkit_pd_stop), reports its end on the serial line");
  const serial = pd("serial", PRIORITY.serial, "serial driver: the UART's registers and interrupt; prints the job's output region");
  const give = (pdOf: Pd, r: Region, perms: "r" | "rw", why: string) => {
    pdOf.space.map(r, perms);
    if (pdOf === jobPd) holds.push({ element: `map ${r.name} (${perms})`, why });
  };

  const heap = sized("job_heap", limits.memory ?? DEFAULTS.heap, { comment: limits.memory === undefined ? "the job's memory: 64 MiB (no memory limit given)" : "the job's memory: the memory limit, in whole pages" });
  grants.push({ grant: limits.memory === undefined ? "memory (default)" : `limits.memory ${limits.memory}`, element: "memory_region job_heap" });
  const args = { ...sized("job_args", DEFAULTS.config), prefill: "job_args.bin", comment: "the command's arguments, environment and working directory, written at build time" };
  const stdout = sized("job_stdout", DEFAULTS.stdout, { comment: "the job's output, read by serial" });
  regions.push(heap, args, stdout);
  give(jobPd, heap, "rw", "its memory bound (P11)");
  give(jobPd, args, "r", "its arguments and environment");
  give(jobPd, stdout, "rw", "its output");
  serial.space.map(stdout, "r");
  channels.push(channel(jobPd, serial, { bNotifies: false }));
  holds.push({ element: "channel job-serial (notify)", why: "tell serial that output is ready" });
  device(serial, "uart_regs", board.serial, regions);
  channels.push(channel(supervisor, serial, { bNotifies: false }));

  const pds: Pd[] = [supervisor, serial];
  if (read.length + write.length > 0) {
    const fs = pd("fs", PRIORITY.fs, "file server: each granted subtree is one region here and nowhere else; runs on its callers' budget", { passive: "true" });
    const io = sized("fs_io", DEFAULTS.io, { comment: "requests and data between the job and fs" });
    const config = { ...sized("fs_config", DEFAULTS.config), prefill: "fs_config.bin", comment: "the grant paths, the open-file limit and the file size limit" };
    regions.push(io, config);
    give(jobPd, io, "rw", "file requests");
    fs.space.map(io, "rw");
    fs.space.map(config, "r");
    read.forEach((path, i) => {
      const r: Region = { name: `read_${i}`, prefill: `fs/read_${i}.img`, comment: `read grant ${path}: an image of that subtree, read-only, in fs only` };
      regions.push(r);
      fs.space.map(r, "r");
      grants.push({ grant: `fs.read ${path}`, element: `memory_region read_${i}` });
    });
    write.forEach((path, i) => {
      const r = sized(`write_${i}`, limits.fileSize ?? DEFAULTS.writeStore, { comment: `write grant ${path}: its store, in fs only; ${limits.fileSize === undefined ? "64 MiB" : "limits.fileSize"} at most` });
      regions.push(r);
      fs.space.map(r, "rw");
      grants.push({ grant: `fs.write ${path}`, element: `memory_region write_${i}` });
    });
    channels.push(channel(jobPd, fs, { aCalls: true, aNotifies: false, bNotifies: false }));
    holds.push({ element: "channel job-fs (protected call)", why: "open, read and write files beneath the grants" });
    pds.push(fs);
  }

  if (net !== "none") {
    const server = pd("net", PRIORITY.net, "network server: the IP stack and the allow-list; runs on its callers' budget", { passive: "true" });
    const driver = pd("net_driver", PRIORITY.net_driver, "NIC driver: the device's registers and interrupt, the queues; packet buffers only by physical address");
    const io = sized("net_io", DEFAULTS.io, { comment: "requests and data between the job and net" });
    const allow = { ...sized("net_allow", DEFAULTS.queue), prefill: "net_allow.bin", comment: net === "all" ? "the allow-list: every host and port (unrestricted network)" : "the allow-list: the granted TCP ports, nothing else" };
    const queues = [sized("net_rx_queue", DEFAULTS.queue), sized("net_tx_queue", DEFAULTS.queue)];
    const data = [sized("net_rx_data", DEFAULTS.dmaData, { comment: "received packets: mapped in net, known to the driver by physical address only" }), sized("net_tx_data", DEFAULTS.dmaData, { comment: "packets to send: mapped in net only" })];
    regions.push(io, allow, ...queues, ...data);
    give(jobPd, io, "rw", "socket requests");
    server.space.map(io, "rw");
    server.space.map(allow, "r");
    for (const q of queues) (server.space.map(q, "rw"), driver.space.map(q, "rw"));
    for (const d of data) (server.space.map(d, "rw"), driver.setvars.push(el("setvar", { symbol: `${d.name}_paddr`, region_paddr: d.name })));
    const ports = net === "all" ? ["all"] : [...net.connect!.map((p) => `connect ${p}`), ...net.bind!.map((p) => `bind ${p}`)];
    for (const p of ports) grants.push({ grant: `net ${p}`, element: "memory_region net_allow" });
    device(driver, "net_regs", board.net, regions);
    channels.push(channel(jobPd, server, { aCalls: true, aNotifies: false, bNotifies: false }), channel(server, driver));
    holds.push({ element: "channel job-net (protected call)", why: "connect and bind, as the allow-list permits" });
    pds.push(server, driver);
    if (board.net.iommu) {
      const io = board.net.iommu;
      const spaces = el("io_address_space", { name: "net_dma", peripheral_id: io.peripheralId, domain_id: io.domainId }, data.map((d, i) => el("iomap", { mr: d.name, iovaddr: hex(0x10000000 + i * DEFAULTS.dmaData), perms: "rw" })));
      ioSpaces.push(spaces);
    } else notes.push(`${board.name}: no IOMMU in front of the NIC, so its DMA is not confined (P19); the driver and the device are trusted`);
  } else notes.push("no network: neither a network server nor a NIC driver exists in this system");

  if (limits.timeoutMs !== undefined) {
    const timer = pd("timer", PRIORITY.timer, "timer driver: the timer interrupt; tells the supervisor when the deadline passed", { passive: "true" });
    device(timer, "timer_regs", board.timer, regions);
    channels.push(channel(supervisor, timer, { aCalls: true }));
    grants.push({ grant: `limits.timeoutMs ${limits.timeoutMs}`, element: "channel supervisor-timer" });
    pds.push(timer);
  }
  if (sched.budget !== undefined) grants.push({ grant: `limits.cpuSeconds ${limits.cpuSeconds}`, element: "protection_domain job budget" });
  if (limits.pids !== undefined) notes.push("process limit: the job is one protection domain without untyped memory, so it can create no thread or process at all");
  if (limits.openFiles !== undefined) notes.push("limits.openFiles: kept by fs (fs_config), not in the system description");
  if (policy.fs?.system !== false) notes.push("the system read set is not granted: a seL4 job has no host system; grant what it needs with read grants");

  supervisor.children.push(pdElement(jobPd, { id: 0 }));
  const system = el("system", {}, [...regions.map(regionElement), ...ioSpaces, ...pds.map((p) => pdElement(p)), ...channels]);
  const problems = checkSystem(system);
  // Fail closed: a description outside the documented format is never handed out.
  if (problems.length) throw new PolicyError("target", `the generated system breaks the Microkit format: ${problems.join("; ")}`);
  const header = [
    `Generated by cordon plan, target sel4-microkit, for the command: ${argv.join(" ")}`,
    `Format: ${MANUAL}. The Microkit SDK is not installable where cordon is built, so this description is checked against the documented schema only (lib/plan/sel4/check.ts), not built with the tool.`,
    `Board: ${board.name} (${board.summary}). Design: docs/sel4/README.md.`,
    ...grants.map((g) => `grant ${g.grant} -> ${g.element}`),
    ...notes,
  ];
  return { system, xml: toXml(system, header), grants, job: holds, notes };
}
