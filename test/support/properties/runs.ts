/**
 * Run counts for the properties: CI's by default, PROPS_SCALE=10 for a longer hunt. PROPS_SEED and PROPS_PATH replay
 * a failure exactly as fast-check reported it (its message prints both).
 */
const scale = Number(process.env.PROPS_SCALE ?? 1);

export const PROPERTY_TIMEOUT_MS = 300_000;

export function runsOf(numRuns: number): { numRuns: number; seed?: number; path?: string } {
  const seed = process.env.PROPS_SEED;
  const path = process.env.PROPS_PATH;
  return { numRuns: Math.max(1, Math.round(numRuns * scale)), ...(seed ? { seed: Number(seed) } : {}), ...(path ? { path } : {}) };
}
