import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (package `chromium`), which .ci/run installs when it is missing. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A headless Chromium; no network beyond this machine is needed or used. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] });
}
