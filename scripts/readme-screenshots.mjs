// Takes the README's screenshots (docs/screenshots/) from a running server
// holding synthetic data: CK_URL, CK_CRN (the case), CK_STAFF/CK_TEAM (a PO
// of it), CK_SPO (an SPO of the same PDU). Run by scripts/readme-screenshots.sh.
import { createRequire } from 'node:module'
import { mkdirSync } from 'node:fs'

const require = createRequire(import.meta.url)
const { chromium } = require('playwright-core')
const { CK_URL: base, CK_CRN: crn, CK_STAFF: staff, CK_TEAM: team, CK_SPO: spo } = process.env
const out = 'docs/screenshots'
mkdirSync(out, { recursive: true })

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] })
async function shot (who, grade, path, file) {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 820 } })
  const page = await ctx.newPage()
  await page.goto(`${base}/sign-in`)
  await page.fill('#staff', who)
  await page.check(`input[name=grade][value=${grade}]`)
  await page.fill('#team', team)
  await page.click('button:has-text("Sign in")')
  await page.goto(base + path)
  await page.screenshot({ path: `${out}/${file}` })
  await ctx.close()
}
try {
  await shot(staff, 'PO', `/cases/${crn}`, 'case-overview.png')
  await shot(spo, 'SPO', '/pdu', 'pdu-dashboard.png')
} finally {
  await browser.close()
}
