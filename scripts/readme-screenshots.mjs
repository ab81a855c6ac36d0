// Takes the README's screenshots (docs/screenshots/) from a running server
// holding synthetic data: CK_URL, CK_CRN (the case), CK_PASSWORD (of the
// accounts shots-po, the case's PO, and shots-spo, an SPO of its team). Run
// by scripts/readme-screenshots.sh.
import { createRequire } from 'node:module'
import { mkdirSync } from 'node:fs'

const require = createRequire(import.meta.url)
const { chromium } = require('playwright-core')
const { CK_URL: base, CK_CRN: crn, CK_PASSWORD: password } = process.env
const out = 'docs/screenshots'
mkdirSync(out, { recursive: true })

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] })
async function shot (who, path, file, fullPage = false) {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 820 } })
  const page = await ctx.newPage()
  await page.goto(`${base}/sign-in`)
  await page.fill('#username', who)
  await page.fill('#password', password)
  await page.click('button:has-text("Sign in")')
  await page.waitForURL(url => !url.pathname.startsWith('/sign-in'))
  await page.goto(base + path)
  await page.screenshot({ path: `${out}/${file}`, fullPage })
  await ctx.close()
}
try {
  await shot('shots-po', `/cases/${crn}`, 'case-overview.png')
  await shot('shots-spo', '/pdu', 'pdu-dashboard.png', true)
  await shot('shots-spo', '/region', 'region-dashboard.png')
} finally {
  await browser.close()
}
