// The "./freebsd" entry: the FreeBSD backend and its mechanisms.
export { sandboxSpawn } from "./sandbox.ts";
export { planFreebsd, rightsFor, type FreebsdPlan } from "../../plan/freebsd/index.ts";
export {
  capEnter,
  capGetmode,
  capRightsLimit,
  kqueue,
  NOTE,
  procDrain,
  procWatchStatus,
  racctProbe,
  reapAcquire,
  reapKillSubtree,
  reapOrphans,
  reapPids,
  reapStatus,
} from "../../../ffi/freebsd.ts";
