// The screenshots in docs/screenshots/: each role's home on a 390 × 844 phone, the village's public
// page and the vote page, from the demo county (what the README shows).
//   node scripts/docs-screenshots.mjs            # starts the backend like the e2e tests
//   node scripts/docs-screenshots.mjs http://127.0.0.1:8000   # or a running server with the demo
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS, REPO } from '../e2e/server.mjs';
import { newPhonePage, loginAs } from '../e2e/helpers.mjs';

const OUT = join(REPO, 'docs', 'screenshots');
const ROLES = [
  ['county-home', '13800000001'],
  ['township-home', '13800000011'],
  ['secretary-home', '13810000001'],
  ['member-home', '13820000001'],
];

const server = process.argv[2] ? { url: process.argv[2].replace(/\/$/, ''), stop: async () => {} } : await startServer();
const { api, apiLogin } = graphqlClient(() => server.url);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
mkdirSync(OUT, { recursive: true });

/** The first screen as the phone shows it, once the page has settled. */
async function shoot(page, name) {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

try {
  for (const [name, phone] of ROLES) {
    const page = await newPhonePage(browser, { deviceScaleFactor: 1 });
    await loginAs(page, server.url, phone);
    await shoot(page, name);
    await page.context().close();
  }
  const village = (await api(`{ mySecretaryProfile { village { id } } }`, {}, await apiLogin('13810000001'))).mySecretaryProfile.village;
  const voting = (await api(`{ polls(status: VOTING, first: 1) { edges { node { id } } } }`, {}, await apiLogin('13800000001'))).polls
    .edges;
  const anon = await newPhonePage(browser, { deviceScaleFactor: 1 });
  await anon.goto(`${server.url}/v/${village.id}`);
  await anon.getByRole('heading').first().waitFor();
  await shoot(anon, 'public-village');
  if (voting.length) {
    await anon.goto(`${server.url}/vote/${voting[0].node.id}`);
    await anon.getByRole('heading').first().waitFor();
    await shoot(anon, 'vote');
  }
} finally {
  await browser.close();
  await server.stop();
}
