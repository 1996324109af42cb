import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import type { TestAccount } from '../test/support/accounts.ts';
import type { Teardown } from './teardown.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchBrowser(teardown: Teardown, name: string): Promise<Browser> {
  // Playwright's own signal handlers would kill Chromium and exit the process mid-teardown.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  teardown.add(`Chromium (${name})`, () => browser.close());
  return browser;
}

/**
 * A fresh context (empty cache and storage) signed in as `account` through its session
 * cookie. Cookies ignore ports, so the same cookie reaches zero-cache's WebSocket.
 */
export async function signedInContext(browser: Browser, appUrl: string, account: TestAccount): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: appUrl, viewport: { width: 1600, height: 900 } });
  await context.addCookies(
    account.cookie.split('; ').map((pair) => {
      const eq = pair.indexOf('=');
      return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: appUrl, httpOnly: true, sameSite: 'Lax' as const };
    }),
  );
  // tsx compiles with esbuild's keepNames, which wraps named functions in __name(fn, "name");
  // functions we hand to the page (evaluate, addInitScript) carry that call with them.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  return context;
}
