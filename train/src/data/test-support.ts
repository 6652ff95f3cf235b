// Test support: where ../shared's real CIFAR-10 lives, and the rule for when it is absent (skip with a
// message on a user's clone, fail under CI=true).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** ../shared/data/<name> relative to the repository root. */
export function sharedData(name: 'cifar10-sample' | 'cifar10-train'): string {
  return join(repoRoot, '..', 'shared', 'data', name);
}

/** Returns the folder, or skips the test (fails it under CI=true) when it is absent. */
export function requireSharedData(t: TestContext, name: 'cifar10-sample' | 'cifar10-train'): string | null {
  const dir = sharedData(name);
  if (existsSync(dir)) return dir;
  const message = `${dir} is absent (real CIFAR-10 lives beside the repository, never inside it)`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI must have it`);
  t.skip(message);
  return null;
}
