// Phones: every page each role can reach fits 375 px and 768 px (the crawl,
// tests/e2e/narrow.mjs; the other half of the roles is narrow2.test.mjs), the
// header and navigation fit with and without JavaScript, and long words wrap.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { base, launch, shots, signIn } from './helpers.mjs'
import { HEIGHT, TABLET, WIDTH, crawlRoles, overflow, roles } from './narrow.mjs'

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

crawlRoles(1, () => browser)

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
