/**
 * Headless Chromium for tests that must see a page the way a person would (the HTML drift report).
 *
 * Uses the system Chromium through playwright-core (no browser download). A missing browser fails the
 * test with the command that installs it, never skips it.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where the Debian `chromium` package installs the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The message shown when Chromium is missing. */
export const CHROMIUM_MISSING_MESSAGE = `Chromium was not found at ${CHROMIUM_PATH}. The HTML report test renders the page in headless Chromium: install it with \`apt-get install -y chromium\`, then run the tests again.`;

/** Flags that keep a test browser headless, offline and quiet. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium, or throws {@link CHROMIUM_MISSING_MESSAGE}. Close it in `afterAll`. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(CHROMIUM_MISSING_MESSAGE);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
