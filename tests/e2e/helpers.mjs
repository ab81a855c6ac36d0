// What every browser test file shares: the server (CK_URL, started by
// tests/suites/e2e.sh), Debian's Chromium through playwright-core, signing
// in, and axe-core (WCAG 2.2 A and AA).
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { chromium } = require('playwright-core')
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export const base = process.env.CK_URL
// The JSON API's calls go here: Stoplight Prism in front of the server,
// checking each answer against docs/openapi.json (tests/suites/e2e.sh).
export const api = process.env.CK_API_URL || base
export const shots = 'test-output/screenshots'
mkdirSync(shots, { recursive: true })

// launch() gives Chromium a fresh temporary --user-data-dir of its own (it
// refuses one passed in args) and removes it on close.
export function launch () {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic']
  })
}

// The server's fixture (test_web_pages --serve) has an account for each
// staff member, named by the staff code in lower case, with the role the
// staff member's grade is for and the same test password: the grade and
// team are the organisation's, the arguments only say whom.
//
// The first sign-in of an account in a test file goes through the form; the
// later ones put that session's cookies into the new context and open the
// home, which must answer as that account's home (a lost session would land
// on the sign-in page). Through the form a sign-in is three page loads, the
// form filled in by playwright's injected script and a password hash on the
// server: most of a one-page test's browser CPU (e2e20's section of
// bench/RESULTS.md). Either way the page is at the home afterwards.
const sessions = new Map()
export async function signIn (page, staff, grade, team = 'N07T01') {
  const who = staff.toLowerCase()
  const cookies = sessions.get(who)
  if (cookies) {
    await page.context().addCookies(cookies)
    const resp = await page.goto(`${base}/`)
    if (page.url() !== `${base}/` || !resp || resp.status() !== 200) {
      throw new Error(`signIn: ${who}'s session answered ${resp?.status()} at ${page.url()}`)
    }
    return
  }
  await page.goto(`${base}/sign-in`)
  await page.fill('#username', who)
  await page.fill('#password', 'a web test passphrase')
  await page.click('button:has-text("Sign in")')
  await page.waitForURL(`${base}/`)
  sessions.set(who, await page.context().cookies(base))
}

// Runs fn(page) in a fresh browser context signed in as `who` (signIn's
// arguments), then closes the context whatever happens.
export async function withSignedIn (browser, who, fn, { js = true, viewport = { width: 1024, height: 800 } } = {}) {
  const ctx = await browser.newContext({ javaScriptEnabled: js, viewport })
  const page = await ctx.newPage()
  try {
    await signIn(page, ...who)
    await fn(page)
  } finally {
    await ctx.close()
  }
}

export async function axe (page) {
  // Evaluated through the DevTools protocol: the page's CSP rightly refuses
  // an injected inline <script>.
  await page.evaluate(axeSource)
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
    return r.violations.map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')})`)
  })
}
