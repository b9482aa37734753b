// The landlock plan compiler: pure, so it is tested for every ABI on any host.
export { type CompatLevel, type LandlockCompat } from "./compat.ts";
export { guaranteeRights, landlockGuarantees } from "./guarantees.ts";
export {
  type LandlockFeatures,
  type LandlockLog,
  type LandlockOptions,
  type LandlockPlan,
  type LandlockReport,
  type NetRule,
  type PathRule,
  type RightReport,
  type RuleReport,
  planLandlock,
} from "./plan.ts";
export * from "./rights.ts";
