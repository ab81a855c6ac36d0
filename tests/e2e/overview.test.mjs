// Browser test of issue 16's case overview: the explanations behind "How
// this was worked out" are written out from the stored recipes when the page
// is shown (one line of words, the due date and its working), and the
// sentences name what each due date counts from, read back from the store
// instead of evaluating the case again. Read-only; CK_URL is the server
// (tests/suites/e2e.sh starts it).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { base, launch, shots, withSignedIn } from './helpers.mjs'

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
