import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, installed by scripts/bootstrap.sh; playwright-core downloads no browser. */
export const CHROMIUM = process.env['REELSCOPE_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * A headless Chromium for page tests. The flags keep it off the network it would otherwise
 * call at start (updates, sync, safe browsing), which this machine refuses, and run it as root.
 */
export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run npm run bootstrap (Debian package chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
