// Test support: where ../shared's real CIFAR-10 lives, the rule for when something a test needs is absent
// (skip with a message on a user's clone, fail under CI=true), and scratch folders that clean up after
// themselves.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

type SharedDataName = 'cifar10-sample' | 'cifar10-train';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** ../shared/data/<name> relative to the repository root. */
export function sharedData(name: SharedDataName): string {
  return join(repoRoot, '..', 'shared', 'data', name);
}

/** The skip message for something a test needs and lacks; under CI=true, where it must exist, an error. */
export function unavailableInCi(what: string): string {
  if (process.env.CI === 'true') throw new Error(`${what}; CI must have it`);
  return what;
}

/** `false` when every named data folder exists, else the skip message (an error under CI=true): for `{ skip }`. */
export function sharedDataSkip(...names: SharedDataName[]): string | false {
  const missing = names.map(sharedData).filter((dir) => !existsSync(dir));
  if (missing.length === 0) return false;
  return unavailableInCi(`${missing.join(', ')} absent (real CIFAR-10 lives beside the repository, never inside it)`);
}

/** Returns the folder, or skips the test (fails it under CI=true) when it is absent. */
export function requireSharedData(t: TestContext, name: SharedDataName): string | null {
  const skip = sharedDataSkip(name);
  if (skip === false) return sharedData(name);
  t.skip(skip);
  return null;
}

/** Runs `run` in a fresh temporary folder and removes the folder afterwards, whatever happened. */
export async function withTempDir(prefix: string, run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
