// Contact notes and the activity log (issue 13), in the browser: a
// practitioner books an appointment, records its outcome with a note, and
// finds it from the activity log by a word of it (another form of the word,
// marked in the note), with JavaScript and without (the filters are a GET
// form). axe-core (WCAG 2.2 A and AA, which needs JavaScript) on every page changed: the booking and
// outcome forms with their notes and sensitive fields, the activity log with
// results, with none and with an error. The fixture's today is 2 June 2025.
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

async function withPage (js, fn) {
  return withSignedIn(browser, ['N07P001', 'PO'], async page => {
    page.setDefaultTimeout(20000) // a step that never comes fails the test instead of hanging it
    await fn(page)
  }, { js })
}

const note = 'Talked about the allotment: he is growing courgettes and wants volunteering hours.\n\n' +
  'Said "it\'s going well" <b>not bold</b>; next visit agreed.'

test('a practitioner records an outcome with a note and finds it in the activity log by a word in it', async () => {
  await withPage(true, async page => {
    // The booking form: notes and the sensitive checkbox, accessible.
    assert.equal((await page.goto(`${base}/cases/S000001/appointments/new`)).status(), 200)
    assert.equal(await page.locator('textarea#notes').count(), 1)
    assert.equal(await page.locator('input#sensitive[type=checkbox]').count(), 1)
    assert.deepEqual(await axe(page), [])
    await page.selectOption('#type', { index: 1 })
    await page.fill('#date-day', '2')
    await page.fill('#date-month', '6')
    await page.fill('#date-year', '2025')
    await page.fill('#start_time', '16:00')
    await page.fill('#end_time', '16:30')
    await page.selectOption('#location', 'video')
    await page.fill('#notes', 'Booked by phone.')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/saved=appointments/)

    // Its outcome, with the note; the form starts from the booking's note.
    await page.goto(`${base}/cases/S000001/appointments`)
    await page.locator('a:has-text("Record an outcome for 2 June 2025")').first().click()
    await page.waitForURL(/\/outcome$/)
    assert.equal(await page.inputValue('#notes'), 'Booked by phone.')
    assert.deepEqual(await axe(page), [])
    await page.check('input[name=outcome][value=ATTC]')
    await page.fill('#notes', note)
    await page.click('button:has-text("Save")')
    await page.waitForURL(/saved=contacts/)

    // Found by another form of a word in it, the words marked, the markup
    // in the note shown as text, its paragraphs kept.
    await page.goto(`${base}/cases/S000001/activity`)
    assert.deepEqual(await axe(page), [])
    await page.fill('#q', 'courgette volunteer')
    await page.click('button:has-text("Apply filters")')
    await page.waitForURL(/q=courgette\+volunteer/)
    const items = page.locator('.ck-activity__item')
    assert.equal(await items.count(), 1)
    const item = items.first()
    assert.deepEqual(await item.locator('mark').allTextContents(), ['courgettes', 'volunteering'])
    assert.equal(await item.locator('.ck-activity__notes p').count(), 2)
    assert.match(await item.textContent(), /<b>not bold<\/b>/)
    assert.equal(await item.locator('b').count(), 0)
    assert.match(await item.textContent(), /Attended – complied/)
    assert.match(await item.textContent(), /Recorded by\s*\S+ \S+/)
    assert.deepEqual(await axe(page), [])
    await page.screenshot({ path: `${shots}/activity-search.png`, fullPage: true })

    // No match, and a bad date: said on the page, accessible.
    await page.goto(`${base}/cases/S000001/activity?q=zebra`)
    assert.match(await page.content(), /No contacts match these words/)
    assert.deepEqual(await axe(page), [])
    const bad = await page.goto(`${base}/cases/S000001/activity?from-day=31&from-month=2&from-year=2025`)
    assert.equal(bad.status(), 400)
    assert.match(await page.locator('.govuk-error-summary').textContent(), /Date from must be a real date/)
    assert.deepEqual(await axe(page), [])
  })
})

test('the activity log filters without JavaScript', async () => {
  await withPage(false, async page => {
    await page.goto(`${base}/cases/S000001/activity`)
    await page.fill('#q', 'ATTENDING') // any form, any case
    await page.check('#compliance')
    await page.click('button:has-text("Apply filters")')
    await page.waitForURL(/q=ATTENDING/)
    assert.equal((await page.goto(`${base}/cases/S000001/activity?q=allotment&hide_system=yes&category=Appointments`)).status(), 200)
    assert.equal(await page.locator('.ck-activity__item').count(), 1)
    assert.equal(await page.locator('#hide_system').isChecked(), true)
    // (axe needs JavaScript: the first test runs it on this page)
    await page.screenshot({ path: `${shots}/activity-filters-nojs.png`, fullPage: true })
  })
})
