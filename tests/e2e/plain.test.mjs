// Browser tests of issue 13's plain-English pages: My work filtered, sorted
// and paged by its GET form (with JavaScript and without), "Needs your
// attention", and the case overview's obligations as sentences with the
// engine's working behind a "How this was worked out" disclosure; axe-core
// (WCAG 2.2 A and AA) on each. Read-only: the fixture's cases are not
// changed. CK_URL is the server (tests/suites/e2e.sh starts it).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { axe, base, launch, shots, withSignedIn } from './helpers.mjs'

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

async function asPractitioner (js, fn) {
  return withSignedIn(browser, ['N07P001', 'PO'], fn, { js })
}

for (const js of [true, false]) {
  test(`My work filters by severity and sorts by person through its form ${js ? 'with' : 'without'} JavaScript`, async () => {
    await asPractitioner(js, async page => {
      await page.goto(`${base}/`)
      assert.ok(await page.isVisible('h1:has-text("My work")'))
      if (js) assert.deepEqual(await axe(page), [])
      const counts = await page.textContent('[aria-label="By severity"]')
      assert.match(counts, /Critical: \d+/)
      await page.selectOption('#due', 'all')
      await page.selectOption('#severity', 'critical')
      await page.selectOption('#sort', 'person')
      await page.click('button:has-text("Apply filters")')
      const url = new URL(page.url())
      assert.equal(url.searchParams.get('severity'), 'critical')
      assert.equal(url.searchParams.get('sort'), 'person')
      assert.equal(await page.inputValue('#severity'), 'critical')
      // Every row is critical, and each reads as a sentence.
      const levels = await page.$$eval('tbody tr td:nth-child(4) .govuk-body-s', els => els.map(e => e.textContent.trim()))
      assert.ok(levels.length > 0)
      assert.deepEqual([...new Set(levels)], ['Critical'])
      const sentences = await page.$$eval('tbody tr td:nth-child(2) p', els => els.map(e => e.textContent.trim()))
      for (const s of sentences) assert.match(s, /^[A-Z].* by \d{1,2} [A-Z][a-z]+ \d{4}\.$|\.$/)
      if (js) assert.deepEqual(await axe(page), [])
      await page.screenshot({ path: `${shots}/plain-my-work${js ? '' : '-nojs'}.png`, fullPage: true })
    })
  })

  test(`the case overview reads in sentences, with the working behind a disclosure, ${js ? 'with' : 'without'} JavaScript`, async () => {
    await asPractitioner(js, async page => {
      assert.equal((await page.goto(`${base}/cases/S000001`)).status(), 200)
      const first = page.locator('table .govuk-details').first()
      assert.ok(await first.isVisible())
      // Closed at first; the summary opens it (a native <details>, so also without JavaScript).
      assert.equal(await first.locator('.govuk-details__text').isVisible(), false)
      await first.locator('.govuk-details__summary').click()
      assert.equal(await first.locator('.govuk-details__text').isVisible(), true)
      assert.match(await first.locator('.govuk-details__text').textContent(), /due \d{4}-\d{2}-\d{2}/)
      const sentence = await page.locator('table tbody tr td:first-child p').first().textContent()
      assert.match(sentence, /\d{1,2} [A-Z][a-z]+ \d{4}/)
      assert.doesNotMatch(sentence, /\d{4}-\d{2}-\d{2}|WD\b/)
      if (js) assert.deepEqual(await axe(page), [])
      await page.screenshot({ path: `${shots}/plain-case-overview${js ? '' : '-nojs'}.png`, fullPage: true })
    })
  })
}

test('an unallocated victim case says who acts on the victim rows, and passes axe', async () => {
  await asPractitioner(true, async page => {
    assert.equal((await page.goto(`${base}/cases/S000009`)).status(), 200)
    const who = await page.locator('td:has-text("Victim liaison:")').first().textContent()
    assert.match(who, /Victim liaison: Val Liaison, (referred on \d{1,2} [A-Z][a-z]+ \d{4}|not referred yet)/)
    assert.deepEqual(await axe(page), [])
  })
})
