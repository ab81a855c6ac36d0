// Phones: every page each role can reach, at 375 by 812 CSS pixels, fits the
// screen (no horizontal scrolling, no element past the right edge), and so it
// does on a tablet held upright (768 px). The pages
// are found by crawling the links from the role's home, GET only and no form
// submitted, so pages added later are covered without listing them here.
// Axe runs on the first page of each kind at both widths, and a screenshot of
// it at 375 px goes to test-output/screenshots/narrow-*.png.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { axe, base, launch, shots, signIn } from './helpers.mjs'

const WIDTH = 375
const TABLET = 768
const HEIGHT = 812
// Bounds: a page kind (its path with numbers and case references made
// generic, and its query's names) is visited at most PER_KIND times, and a
// role at most MAX_PAGES pages. Every kind a role can reach is still visited.
const PER_KIND = 2
const MAX_PAGES = 200

// One account per role, as the server's fixture (test_web_pages --serve)
// makes them: staff members' accounts by staff code, QA and admin by name.
const roles = [
  ['practitioner', 'N07P001'],
  ['SPO', 'N07P009'],
  ['head of PDU', 'N07P012'],
  ['court officer', 'N07P011'],
  ['VLO', 'N07P010'],
  ['QA', 'qa'],
  ['admin', 'admin']
]

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

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
async function overflow (page, width) {
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

// Axe runs once per kind of page over all roles, on the first role to reach it.
const axed = new Set()

for (const [label, account] of roles) {
  test(`${label}: every page reachable from the home fits ${WIDTH} px`, async (t) => {
    const ctx = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, isMobile: true, hasTouch: true })
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

// Without JavaScript the service navigation is not collapsed behind "Menu":
// the header and every navigation item must fit as they are.
test(`the header and navigation fit ${WIDTH} px without JavaScript, for every role`, async () => {
  for (const [label, account] of roles) {
    const ctx = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, javaScriptEnabled: false })
    const page = await ctx.newPage()
    try {
      await signIn(page, account)
      assert.deepEqual(await overflow(page, WIDTH), [], `${label}: the home page without JavaScript`)
      await page.screenshot({ path: `${shots}/narrow-${label.replace(/ /g, '-')}-home-nojs.png` })
    } finally {
      await ctx.close()
    }
  }
})

// With JavaScript the navigation folds behind "Menu": opened, it fits too.
test(`the navigation opened from "Menu" fits ${WIDTH} px, for every role`, async () => {
  for (const [label, account] of roles) {
    const ctx = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT } })
    const page = await ctx.newPage()
    try {
      await signIn(page, account)
      const menu = page.locator('.govuk-service-navigation__toggle')
      // No navigation, or none this role may use (admin, for now): nothing to open.
      if (await menu.count() === 0 || await page.locator('#navigation li').count() === 0) continue
      assert.ok(await menu.isVisible(), `${label}: no "Menu" button at ${WIDTH} px`)
      await menu.click()
      assert.equal(await menu.getAttribute('aria-expanded'), 'true')
      assert.ok(await page.locator('#navigation').isVisible(), `${label}: the menu did not open`)
      assert.deepEqual(await overflow(page, WIDTH), [], `${label}: the opened menu`)
    } finally {
      await ctx.close()
    }
  }
})

// Real data brings words longer than a phone is wide: CRNs run together,
// email addresses, a note without spaces. Put into a table cell, a summary
// list's value, a heading and a paragraph, they wrap.
test('long words, CRNs and email addresses wrap rather than widen the page', async () => {
  const ctx = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT } })
  const page = await ctx.newPage()
  const email = 'firstname.middlename.lastname-of-a-person-on-probation@example-probation-service.gov.uk'
  const word = 'S000001'.repeat(12)
  try {
    await signIn(page, 'N07P001')
    for (const path of ['/', '/cases/S000001', '/cases/S000001/personal', '/cases/S000001/activity']) {
      assert.equal((await page.goto(base + path)).status(), 200, path)
      const put = await page.evaluate(([email, word]) => {
        let n = 0
        for (const sel of ['td', '.govuk-summary-list__value', 'h1', 'main p', 'th']) {
          const el = document.querySelector(sel)
          if (el) { el.textContent = `${word} ${email}`; n++ }
        }
        return n
      }, [email, word])
      assert.ok(put >= 2, `${path}: fewer than two places to put the long words in`)
      for (const width of [WIDTH, TABLET]) {
        await page.setViewportSize({ width, height: HEIGHT })
        assert.deepEqual(await overflow(page, width), [], `${path} at ${width} px`)
      }
      await page.setViewportSize({ width: WIDTH, height: HEIGHT })
    }
  } finally {
    await ctx.close()
  }
})
