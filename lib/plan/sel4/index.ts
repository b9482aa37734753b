// seL4 Microkit target: a CI job's policy as a Microkit system description
// (docs/sel4/README.md). Pure: no OS code, runs on any host.
export { planMicrokit, DEFAULTS, MANUAL, type GrantMapping, type Holding, type MicrokitPlan, type Sel4Job } from "./job.ts";
export { checkSystem } from "./check.ts";
export { SCHEMA, PAGE_SIZES, parseNumber, type ElementRule, type Value } from "./schema.ts";
export { BOARDS, type Board, type Device } from "./board.ts";
export { toXml, type SdfElement } from "./sdf.ts";
