// `cordon learn`'s own options (the run options come from args.ts).
export const learnOptions = {
  output: { type: "string" },
} as const;
