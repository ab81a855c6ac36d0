// Sentence requirements (issue 19), in the browser: a practitioner adds an
// unpaid work requirement to a community order (a bad number of hours is
// refused in words), records an unpaid work session with the hours worked,
// and sees the hours remaining drop, with the bar, with JavaScript and
// without. axe-core (WCAG 2.2 A and AA) on the case's Sentence tab and both
// forms. S000001 is Pat Officer's community order from 17 April 2025 to
// 16 April 2026; the fixture's today is 2 June 2025.
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

// Pat Officer, who holds S000001; a step that never comes fails, not hangs.
const asPractitioner = (js, fn) => withSignedIn(browser, ['N07P001', 'PO'], page => {
  page.setDefaultTimeout(20000)
  return fn(page)
}, { js })

async function fillDate (page, name, d, m, y) {
  await page.fill(`#${name}-day`, d)
  await page.fill(`#${name}-month`, m)
  await page.fill(`#${name}-year`, y)
}

test('a practitioner adds unpaid work, records a session and sees the hours remaining drop', async () => {
  await asPractitioner(true, async page => {
    const sentence = `${base}/cases/S000001/sentence`
    await page.goto(sentence)
    assert.match(await page.content(), /No requirements recorded/)
    assert.deepEqual(await axe(page), [])

    // Add the requirement: too many hours first, refused in words.
    await page.click('a:has-text("Add a requirement")')
    await page.waitForURL(/\/requirements\/new$/)
    assert.deepEqual(await axe(page), [])
    await page.selectOption('#type', 'unpaid_work')
    await page.fill('#amount', '500')
    await fillDate(page, 'start', '17', '4', '2025')
    await page.click('button:has-text("Save")')
    assert.match(await page.locator('.govuk-error-summary').textContent(), /Unpaid work must be between 40 and 300 hours/)
    assert.deepEqual(await axe(page), [])
    await page.fill('#amount', '120')
    await page.fill('#detail', 'Group placement, Saturdays')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/\/cases\/S000001\/sentence\?saved=requirements/)
    const req = page.locator('.ck-requirement').filter({ hasText: 'Unpaid work' })
    assert.match(await req.textContent(), /120 of 120 hours remaining, order ends 16 April 2026/)
    assert.equal(await req.locator('progress').getAttribute('value'), '0')

    // A session of 6 hours: 114 left, and the bar moves.
    await req.locator('a:has-text("Record unpaid work hours")').click()
    await page.waitForURL(/\/session$/)
    assert.deepEqual(await axe(page), [])
    await fillDate(page, 'date', '29', '5', '2025')
    await page.fill('#hours', '6')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/\/cases\/S000001\/sentence\?saved=requirements/)
    const after = page.locator('.ck-requirement').filter({ hasText: 'Unpaid work' })
    assert.match(await after.textContent(), /114 of 120 hours remaining, order ends 16 April 2026/)
    assert.equal(await after.locator('progress').getAttribute('value'), '6')
    assert.equal(await after.locator('progress').getAttribute('max'), '120')
    assert.deepEqual(await axe(page), [])
    await page.screenshot({ path: `${shots}/case-requirements.png`, fullPage: true })
  })

  // Without JavaScript the same words and bar are there.
  await asPractitioner(false, async page => {
    await page.goto(`${base}/cases/S000001/sentence`)
    const req = page.locator('.ck-requirement').filter({ hasText: 'Unpaid work' })
    assert.match(await req.textContent(), /114 of 120 hours remaining/)
    assert.equal(await req.locator('progress').getAttribute('value'), '6')
  })
})
