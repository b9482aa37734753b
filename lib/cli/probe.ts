// `cordon probe`: what this host can enforce. Grows with every backend.
import { hostFeatures } from "../host.ts";

export async function probe(opts: { json: boolean }): Promise<number> {
  const features = await hostFeatures();
  if (opts.json) {
    console.log(JSON.stringify(features, null, 2));
    return 0;
  }
  const rows = Object.entries(features).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : String(v)]);
  const width = Math.max(...rows.map(([k]) => k!.length));
  for (const [k, v] of rows) console.log(`${k!.padEnd(width)}  ${v}`);
  return 0;
}
