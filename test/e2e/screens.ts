import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { expect } from 'vitest';

/** A real side panel's size, and a phone's. */
export const SIDE_PANEL = { width: 400, height: 900 };
export const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** Where tests leave screenshots of the main screens for review (not committed). */
export const SCREENS_DIR = resolve(import.meta.dirname, 'screens');

export type Theme = 'light' | 'dark';

export async function useTheme(page: Page, theme: Theme): Promise<void> {
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
}

/** Saves `test/e2e/screens/<name>-<theme>.png` of what the page shows now. */
export async function saveScreen(page: Page, name: string, theme: Theme = 'light'): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  await page.screenshot({ path: resolve(SCREENS_DIR, `${name}-${theme}.png`) as `${string}.png` });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core (WCAG 2.x A/AA rules and best practices) on the page; returns its serious and critical findings. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Injected through the DevTools protocol: extension pages' CSP admits no script tags of ours.
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
    }
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * The main-screen check of issue 17: in light and in dark, no serious or critical accessibility
 * violation, and a screenshot of each for review.
 */
export async function checkScreen(page: Page, name: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(page, theme);
    await saveScreen(page, name, theme);
    expect(await seriousViolations(page), `${name} (${theme})`).toEqual([]);
  }
  await useTheme(page, 'light');
}
