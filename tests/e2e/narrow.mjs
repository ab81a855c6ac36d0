// The phone crawl of tests/e2e/narrow.test.mjs and narrow2.test.mjs: every
// page each role can reach, at 375 by 812 CSS pixels, fits the screen (no
// horizontal scrolling, no element past the right edge), and so it does on a
// tablet held upright (768 px). The pages are found by crawling the links
// from the role's home, GET only and no form submitted, so pages added later
// are covered without listing them here. Axe runs on the first page of each
// kind at both widths, and a screenshot of it at 375 px goes to
// test-output/screenshots/narrow-*.png. The roles' crawls are split between
// the two files so that tests/suites/e2e.sh can run them at once, each
// against a server of its own: the crawl alone was a third of the suite.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { axe, base, shots, signIn } from './helpers.mjs'

export const WIDTH = 375
export const TABLET = 768
export const HEIGHT = 812
// Bounds: a page kind (its path with numbers and case references made
// generic, and its query's names) is visited at most PER_KIND times, and a
// role at most MAX_PAGES pages. Every kind a role can reach is still visited.
const PER_KIND = 2
const MAX_PAGES = 200

// One account per role, as the server's fixture (test_web_pages --serve)
// makes them: staff members' accounts by staff code, QA and admin by name.
// The last column is the file that crawls the role's pages: 1 narrow.test.mjs,
// 2 narrow2.test.mjs (each about half the crawl's time).
export const roles = [
  ['practitioner', 'N07P001', 1],
  ['SPO', 'N07P009', 2],
  ['head of PDU', 'N07P012', 2],
  ['court officer', 'N07P011', 2],
  ['VLO', 'N07P010', 1],
  ['QA', 'qa', 1],
  ['admin', 'admin', 1]
]

// What kind of page a URL is: /cases/S000001/contacts/C3/outcome and
// /cases/M000004/contacts/C7/outcome are one kind.
function kindOf (url) {
  const u = new URL(url)
  const path = u.pathname.replace(/\/[A-Z]{0,3}\d+(?=\/|$)/g, '/#').replace(/\d+/g, '#')
  const keys = [...new Set(u.searchParams.keys())].sort().join('&')
  return keys ? `${path}?${keys}` : path
}

// The same-site pages a page links to (no assets, no downloads, no fragments).
async function linksOf (page) {
  const hrefs = await page.$$eval('a[href]', as => as.map(a => a.href))
  const out = []
  for (const href of hrefs) {
    const u = new URL(href)
    if (u.origin !== new URL(base).origin) continue
    if (u.pathname.startsWith('/assets/') || u.pathname === '/sign-out' || u.pathname === '/sign-in') continue
    u.hash = ''
    out.push(u.href)
  }
  return out
}

// What sticks out past the viewport's right edge: the document's scroll
// width, and each visible element whose box ends right of the viewport
// (inside a scrolling or clipping box it would not widen the page, but it
// would still be cut off). Visually hidden text is meant to be off screen.
export async function overflow (page, width) {
  return page.evaluate((width) => {
    const found = []
    const sw = document.documentElement.scrollWidth
    if (sw > width) found.push(`the page is ${sw} px wide`)
    const hidden = '.govuk-visually-hidden, .govuk-visually-hidden-focusable, .govuk-skip-link, [hidden]'
    for (const el of document.body.querySelectorAll('*')) {
      if (el.closest(hidden)) continue
      const r = el.getBoundingClientRect()
      if (r.width === 0 || r.height === 0) continue
      if (r.right > width + 0.5) {
        const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : ''
        const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40)
        found.push(`<${el.tagName.toLowerCase()}${cls}> ends at ${Math.round(r.right)} px ("${text}")`)
        if (found.length >= 6) break
      }
    }
    return found
  }, width)
}

async function crawl (page, label, axed) {
  const problems = []
  const seen = new Set()
  const perKind = new Map()
  const queue = [`${base}/`]
  let visited = 0
  while (queue.length && visited < MAX_PAGES) {
    const url = queue.shift()
    if (seen.has(url)) continue
    seen.add(url)
    const kind = kindOf(url)
    if ((perKind.get(kind) || 0) >= PER_KIND) continue
    perKind.set(kind, (perKind.get(kind) || 0) + 1)
    let resp
    try {
      resp = await page.goto(url)
    } catch (e) {
      // A download (the workforce CSV) is not a page.
      if (/Download is starting|ERR_ABORTED/.test(e.message)) continue
      throw e
    }
    if (!resp || !(resp.headers()['content-type'] || '').startsWith('text/html')) continue
    visited++
    const path = url.slice(base.length)
    assert.ok(resp.status() < 500, `${label}: GET ${path} answered ${resp.status()}`)
    assert.ok(!page.url().startsWith(`${base}/sign-in`), `${label}: signed out at ${path}`)
    const over = await overflow(page, WIDTH)
    if (over.length) problems.push(`${path}: ${over.join('; ')}`)
    const first = !axed.has(kind)
    if (first) {
      axed.add(kind)
      const violations = await axe(page)
      if (violations.length) problems.push(`${path} (axe at ${WIDTH} px): ${violations.join('; ')}`)
      const name = kind.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'home'
      await page.screenshot({ path: `${shots}/narrow-${label.replace(/ /g, '-')}-${name}.png`, fullPage: true })
    }
    // A tablet held upright, where a table's names go beside its values.
    await page.setViewportSize({ width: TABLET, height: HEIGHT })
    const wide = await overflow(page, TABLET)
    if (wide.length) problems.push(`${path} at ${TABLET} px: ${wide.join('; ')}`)
    if (first) {
      const violations = await axe(page)
      if (violations.length) problems.push(`${path} (axe at ${TABLET} px): ${violations.join('; ')}`)
    }
    await page.setViewportSize({ width: WIDTH, height: HEIGHT })
    if (resp.status() === 200) {
      for (const link of await linksOf(page)) if (!seen.has(link)) queue.push(link)
    }
  }
  return { problems, visited, kinds: perKind.size }
}

// The crawl of each role that `file` (1 or 2, as in `roles`) crawls, in the
// browser browser() gives once the file's before hook has launched it. Axe
// runs once per kind of page over the file's roles, on the first role to
// reach it.
export function crawlRoles (file, browser) {
  const axed = new Set()
  for (const [label, account, crawledBy] of roles) {
    assert.ok(crawledBy === 1 || crawledBy === 2, `${label}: crawled by file 1 or 2`)
    if (crawledBy !== file) continue
    test(`${label}: every page reachable from the home fits ${WIDTH} px`, async (t) => {
      const ctx = await browser().newContext({ viewport: { width: WIDTH, height: HEIGHT }, isMobile: true, hasTouch: true })
      const page = await ctx.newPage()
      // A style or script the strict CSP refuses shows here (a page refused
      // to this role, 403, is no error of the page).
      const errors = []
      page.on('console', m => {
        if (m.type() === 'error' && !/the server responded with a status of 4\d\d/.test(m.text())) {
          errors.push(`${page.url().slice(base.length)}: ${m.text()}`)
        }
      })
      try {
        await signIn(page, account)
        const { problems, visited, kinds } = await crawl(page, label, axed)
        problems.push(...errors)
        t.diagnostic(`${label}: ${visited} pages of ${kinds} kinds`)
        assert.ok(visited >= 1, `${label}: no page visited`)
        assert.deepEqual(problems, [], `${label}: ${visited} pages of ${kinds} kinds, these do not fit ${WIDTH} px or have errors`)
      } finally {
        await ctx.close()
      }
    })
  }
}
