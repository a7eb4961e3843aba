import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../../test/browser';
import { startPlatform, type RunningPlatform } from '../../../test/platform';
import { addNeighbourhood } from '../../../test/people';

/*
 * The pages as a person sees them in Chromium, with the browser allowed to reach nothing but the
 * gateway (every other request is aborted and recorded): a closed municipal network. The explorer
 * loads, shows the schema's docs and runs an example; the landing page lists the neighbourhoods,
 * a name written as HTML included, as text. Screenshots are saved (SCREENSHOT_DIR, else a temporary
 * folder) and their paths printed.
 */
describe('pages in headless Chromium, with no network beyond the gateway', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let screenshots: string;
  const INJECTED = `Wijk <img src=x onerror="window.__injected=1"><script>window.__injected=2</script> & "Zoon"`;

  beforeAll(async () => {
    platform = await startPlatform();
    await addNeighbourhood(platform, 'zoon-wijk');
    await platform.subgraphs.community.admin.query(`UPDATE community.neighbourhood SET name = $1 WHERE slug = 'zoon-wijk'`, [INJECTED]);
    browser = await launchBrowser();
    screenshots = process.env.SCREENSHOT_DIR ?? (await mkdtemp(join(tmpdir(), 'dbwe-screenshots-')));
    await mkdir(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  /** A browser context that reaches only the gateway, and what it tried to reach elsewhere or was refused by CSP. */
  async function closedNetwork(): Promise<{ context: BrowserContext; page: Page; outside: string[]; problems: string[] }> {
    const origin = new URL(platform.gatewayUrl).origin;
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const outside: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || new URL(url).origin === origin) return route.continue();
      outside.push(url);
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    return { context, page, outside, problems };
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    const path = join(screenshots, name);
    await page.screenshot({ path, fullPage: false });
    console.log(`screenshot: ${path}`);
  }

  it('the explorer loads from the gateway alone, shows the docs and runs the resident example', async () => {
    const { context, page, outside, problems } = await closedNetwork();
    await page.goto(new URL('/explorer?neighbourhood=spijkerkwartier', platform.gatewayUrl).href);
    await page.locator('.graphiql-container').waitFor();
    // One tab per user group, the resident's first.
    expect(await page.locator('.graphiql-tab').count()).toBe(4);
    await page.getByText('# A resident.').first().waitFor();

    // The docs come from introspection: the root query type and its fields.
    await page.getByRole('button', { name: /show documentation explorer/i }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().click();
    await page.locator('.graphiql-doc-explorer').getByText('neighbourhoods', { exact: true }).first().waitFor();

    // The document has two operations: the run button offers them by name.
    await page.locator('.graphiql-execute-button').click();
    await page.getByRole('menuitem', { name: 'MyNeighbourhood' }).click();
    const responseLine = (text: string) =>
      page
        .locator('.graphiql-response .CodeMirror-line', { hasText: text })
        .first()
        .waitFor()
        .catch(async (error: unknown) => {
          await screenshot(page, 'explorer-failed.png');
          throw error;
        });
    await responseLine('"name": "Spijkerkwartier"');
    await responseLine('"wishes": {');
    // The header editor is open, where the token goes.
    await page.locator('.graphiql-editor-tool .CodeMirror-line', { hasText: '"Authorization": ""' }).first().waitFor();
    await screenshot(page, 'explorer.png');

    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a token typed into the header editor stays in the tab: nothing the next person at this browser can read keeps it', async () => {
    const { context, page, problems } = await closedNetwork();
    const token = `dbwe-review-token-${Date.now()}`;
    await page.goto(new URL('/explorer', platform.gatewayUrl).href);
    await page.locator('.graphiql-container').waitFor();
    await page.locator('.graphiql-editor-tool .CodeMirror-line', { hasText: '"Authorization": ""' }).first().waitFor();
    await page.evaluate((value) => {
      type Editor = { CodeMirror: { getValue(): string; setValue(text: string): void } };
      const editors = [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')] as unknown as Editor[];
      editors.find((e) => e.CodeMirror.getValue().includes('"Authorization"'))!.CodeMirror.setValue(JSON.stringify({ Authorization: `Bearer ${value}` }));
    }, token);
    const sent = page.waitForRequest((request) => request.method() === 'POST' && (request.headers().authorization ?? '').includes(token));
    await page.locator('.graphiql-execute-button').click();
    await page.getByRole('menuitem', { name: 'MyNeighbourhood' }).click();
    await sent;
    // Open a second tab and switch back, as a person does, so GraphiQL writes its tab state.
    await page.locator('.graphiql-tab').nth(1).click();
    await page.locator('.graphiql-tab').nth(0).click();
    await page.waitForTimeout(500);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(stored).not.toContain(token);
    // The history is still kept, without the headers.
    expect(JSON.parse(stored)).toHaveProperty(['graphiql:queries'], expect.stringContaining('MyNeighbourhood'));
    await page.reload();
    await page.locator('.graphiql-container').waitFor();
    await page.locator('.graphiql-editor-tool .CodeMirror-line', { hasText: '"Authorization"' }).first().waitFor({ state: 'attached' });
    const editors = await page.evaluate(() =>
      [...document.querySelectorAll('.CodeMirror')].map((e) => (e as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue()).join('\n'),
    );
    expect(editors).toContain('"Authorization"');
    expect(editors).not.toContain(token);
    expect(problems.filter((p) => !/401|Unauthorized|Failed to load resource/i.test(p))).toEqual([]);
    await context.close();
  });

  it('the landing page names the neighbourhoods, one named in HTML as plain text, and links the data', async () => {
    const { context, page, outside, problems } = await closedNetwork();
    await page.goto(platform.gatewayUrl);
    expect(await page.locator('h1').textContent()).toBe('dBWE public graph');
    const names = await page.locator('ul.neighbourhoods li strong').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['Spijkerkwartier', 'Klarendal', INJECTED]));
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
    expect(await page.locator('ul.neighbourhoods img, ul.neighbourhoods script').count()).toBe(0);
    await screenshot(page, 'landing.png');

    const links = await page.locator('a', { hasText: 'data package' }).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toContain('/export/v1/neighbourhoods/spijkerkwartier/datapackage.json');
    await page.getByRole('link', { name: 'Open the explorer' }).click();
    await page.locator('.graphiql-container').waitFor();

    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
