// Browser test of issue 16's case overview: the explanations behind "How
// this was worked out" are written out from the stored recipes when the page
// is shown (one line of words, the due date and its working), and the
// sentences name what each due date counts from, read back from the store
// instead of evaluating the case again. Read-only; CK_URL is the server
// (tests/suites/e2e.sh starts it).
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

test('the overview writes out every explanation and its sentence from what the store kept', async () => {
  await withSignedIn(browser, ['N07P001', 'PO'], async page => {
    assert.equal((await page.goto(`${base}/cases/S000001`)).status(), 200)
    const texts = await page.$$eval('table .govuk-details__text', els => els.map(e => e.textContent.trim()))
    assert.ok(texts.length > 0)
    for (const t of texts) {
      assert.doesNotMatch(t, /[\u0000-\u001f]/)
      assert.match(t, /^\S.*; due \d{4}-\d{2}-\d{2} \(.+\)(; met by .+)?$/)
    }
    // With a basis the sentence says what the due date counts from ("Seen on
    // 6 May 2025; ... by 13 May 2025"); without one it would name only the due date.
    const sentences = await page.$$eval('table tbody tr td:first-child p', els => els.map(e => e.textContent.trim()))
    assert.ok(sentences.some(s => /\d{1,2} [A-Z][a-z]+ \d{4};.* by \d{1,2} [A-Z][a-z]+ \d{4}/.test(s)), sentences.join('\n'))
    await page.screenshot({ path: `${shots}/overview-explanations.png`, fullPage: true })
  })
})

// The overview as each role reads it (issue 16, point 5: it no longer loads
// the case's contacts; its appointment without an outcome comes from an
// index), at a desktop and a phone width: no WCAG failure, nothing wider
// than the screen, and only the readers who may act get links to the forms.
const readers = [
  { who: ['N07P001', 'PO'], acts: true },
  { who: ['N07P009', 'SPO'], acts: true },
  { who: ['N07P012', 'head_of_pdu'], acts: false },
  { who: ['qa', 'QA'], acts: false }
]
for (const { who, acts } of readers) {
  for (const width of [1280, 375]) {
    test(`the overview for ${who[0]} at ${width} px`, async () => {
      await withSignedIn(browser, who, async page => {
        assert.equal((await page.goto(`${base}/cases/S000001`)).status(), 200)
        assert.deepEqual(await axe(page), [])
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        assert.ok(overflow <= 0, `the page is ${overflow} px wider than the window`)
        const attention = await page.$eval('#attention-title', e => e.closest('.govuk-notification-banner').textContent)
        assert.match(attention, /Appointment on 13 May 2025 has no outcome/)
        const outcomeLinks = await page.$$('a[href*="/contacts/"][href$="/outcome"], a[href*="/outcome?"]')
        const actionHeader = await page.$$('th:has-text("Action")')
        if (acts) {
          assert.ok(outcomeLinks.length > 0, 'a practitioner or SPO gets the form to record the outcome')
          assert.equal(actionHeader.length, 1)
        } else {
          assert.equal(outcomeLinks.length, 0, 'no link to a form this reader cannot open')
          assert.equal(actionHeader.length, 0, 'no empty Action column')
        }
        assert.match(await page.textContent('main'), /Overdue and due/)
        await page.screenshot({ path: `${shots}/overview-${who[0].toLowerCase()}-${width}.png`, fullPage: true })
      }, { viewport: { width, height: 900 } })
    })
  }
}
