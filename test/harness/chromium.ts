/**
 * The browser the docs and demo-report tests render in: Debian's `chromium` (npm run setup
 * installs it), headless, driven by playwright-core. One launch for both, so that the flags
 * (no sandbox in containers, no network chatter, no GPU) are set in one place.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Fails with what to install when the browser is missing (call it before slow set-up). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (npm run setup installs it)`);
}

export function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
