// `cordon plan`'s own options, beside the run options: apart from plan.ts so
// that the help can list them without loading the seL4 planner.
export const planOptions = { target: { type: "string" }, board: { type: "string" } } as const;
