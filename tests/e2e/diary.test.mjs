// Appointments and the diary (issue 15), in the browser without JavaScript
// (the baseline): a practitioner books an appointment with typed times at
// an office, sees it in the week view, reschedules it at the service's
// request, and clears an appointment from "Appointments without an outcome"
// by recording its outcome from the list. axe-core (WCAG 2.2 A and AA,
// which needs JavaScript) on the booking form, the diary and the list.
// The fixture's today is Monday 2 June 2025; CDIARY1 (27 May, no outcome)
// is the server's own for this test (test_web_pages --serve).
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

const kim = ['N07P004', 'PO']

async function checkAxe (path) {
  await withSignedIn(browser, kim, async page => {
    assert.equal((await page.goto(`${base}${path}`)).status(), 200)
    assert.deepEqual(await axe(page), [], path)
  })
}

test('a practitioner books, sees the week, reschedules, and clears an appointment without an outcome', async () => {
  await checkAxe('/cases/S000004/appointments/new')
  await withSignedIn(browser, kim, async page => {
    page.setDefaultTimeout(20000)
    // Book: typed times, the practitioner already chosen, an office.
    await page.goto(`${base}/cases/S000004/appointments/new`)
    assert.equal(await page.inputValue('#officer'), 'N07P004')
    await page.selectOption('#type', 'COAP')
    await page.fill('#date-day', '11')
    await page.fill('#date-month', '6')
    await page.fill('#date-year', '2025')
    await page.fill('#start_time', '9:30')
    await page.fill('#end_time', '8:00')
    await page.selectOption('#location', 'N07OFF1')
    await page.click('button:has-text("Save")')
    assert.match(await page.textContent('.govuk-error-summary'), /End time must be after the start time/)
    await page.fill('#end_time', '10:15')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/saved=appointments/)

    // The week view shows it, with the place by name.
    await page.goto(`${base}/diary?view=week&date=2025-06-09`)
    const week = await page.textContent('main')
    assert.match(week, /Week beginning 9 June 2025/)
    assert.match(week, /9:30am to 10:15am/)
    assert.match(week, /Camden Probation Office/)
    await page.screenshot({ path: `${shots}/diary-week.png`, fullPage: true })

    // Reschedule it: the service asked; the new time shows, the old one
    // has the rescheduled outcome.
    await page.goto(`${base}/cases/S000004/appointments`)
    await page.locator('a:has-text("Reschedule the appointment on 11 June 2025")').click()
    await page.waitForURL(/\/reschedule$/)
    await page.fill('#date-day', '12')
    await page.fill('#date-month', '6')
    await page.fill('#date-year', '2025')
    await page.fill('#start_time', '14:00')
    await page.fill('#end_time', '14:45')
    await page.check('input[name=asked][value=RSSR]')
    await page.fill('#reason', 'Officer on a training course')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/saved=contacts/)
    await page.goto(`${base}/diary?view=week&date=2025-06-09`)
    const moved = await page.textContent('main')
    assert.match(moved, /2pm to 2:45pm/)
    assert.match(moved, /Rescheduled – service request/)

    // "Without an outcome": one click to the outcome form, and it is gone.
    await page.goto(`${base}/diary/without-outcome`)
    await page.screenshot({ path: `${shots}/diary-without-outcome.png`, fullPage: true })
    const link = page.locator('a[href="/cases/S000004/contacts/CDIARY1/outcome"]')
    assert.equal(await link.count(), 1)
    await link.click()
    await page.waitForURL(/CDIARY1\/outcome$/)
    await page.check('input[name=outcome][value=ATTC]')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/saved=contacts/)
    await page.goto(`${base}/diary/without-outcome`)
    assert.equal(await page.locator('a[href="/cases/S000004/contacts/CDIARY1/outcome"]').count(), 0)
  }, { js: false })
  await checkAxe('/diary?view=week&date=2025-06-09')
  await checkAxe('/diary/without-outcome')
  await checkAxe('/diary/calendar')
})

test("an SPO sees the team's diary with each appointment's officer", async () => {
  await withSignedIn(browser, ['N07P009', 'SPO'], async page => {
    assert.equal((await page.goto(`${base}/diary/team?view=week&date=2025-06-09`)).status(), 200)
    assert.match(await page.textContent('main'), /Team diary/)
    assert.deepEqual(await axe(page), [])
    await page.screenshot({ path: `${shots}/diary-team.png`, fullPage: true })
  })
})
