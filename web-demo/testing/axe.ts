// axe-core, the accessibility checker, run inside the page: the rule violations it reports for what is on
// screen (the demo must have none, in the light and the dark colour scheme).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** Selectors of the offending elements and axe's summary of each. */
  nodes: { target: string[]; summary: string }[];
}

const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// The callbacks below run inside the page, where axe-core's script defined `axe` (the test project has no DOM types).
declare const document: unknown;
declare const axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> };

export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the devtools protocol: the demo's Content-Security-Policy forbids inline scripts.
  if (!(await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined'))) await page.evaluate(source);
  return page.evaluate(async () => {
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary ?? '' })) }));
  });
}
