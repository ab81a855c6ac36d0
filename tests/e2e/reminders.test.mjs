// Consent to appointment reminders (issue 15): recorded on the Personal
// details tab with GOV.UK validation (a UK mobile or an email, a language,
// the dates), shown there afterwards, and withdrawn the same way. axe-core
// (WCAG 2.2 AA) on the form with its errors and on the tab; screenshots
// under test-output/screenshots/. Works without JavaScript: it is a plain form.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { axe, base, launch, shots, withSignedIn } from './helpers.mjs'

// A case no other browser test writes to.
const CRN = 'S000004'

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

async function fillDate (page, name, d, m, y) {
  await page.fill(`#${name}-day`, d)
  await page.fill(`#${name}-month`, m)
  await page.fill(`#${name}-year`, y)
}

async function mainText (page) {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ')
}

test('consent to reminders: errors named by field, then saved, shown and withdrawn', async () => {
  await withSignedIn(browser, ['N07P001', 'PO'], async page => {
    let resp = await page.goto(`${base}/cases/${CRN}/personal`)
    assert.equal(resp.status(), 200)
    assert.ok((await mainText(page)).includes('No consent to reminders recorded.'))
    await page.click('text=Record consent to reminders')
    assert.match(page.url(), new RegExp(`/cases/${CRN}/consent/change`))

    // Nothing to send to, no date: an error summary linking to each field.
    await page.click('button:has-text("Save")')
    let summary = (await page.locator('.govuk-error-summary').innerText()).replace(/\s+/g, ' ')
    for (const want of ['Enter a mobile phone number or an email address', 'Enter the date consent was given']) {
      assert.ok(summary.includes(want), `no "${want}" in the error summary: ${summary}`)
    }
    assert.match(await page.title(), /^Error: /)

    // A landline and a broken email address.
    await page.fill('#mobile', '020 7946 0000')
    await page.fill('#email', 'sam@example')
    await fillDate(page, 'given', '2', '3', '2025')
    await page.click('button:has-text("Save")')
    summary = (await page.locator('.govuk-error-summary').innerText()).replace(/\s+/g, ' ')
    assert.ok(summary.includes('Enter a UK mobile phone number, like 07700 900 982'), summary)
    assert.ok(summary.includes('Enter an email address in the correct format, like name@example.com'), summary)
    assert.equal(await page.inputValue('#mobile'), '020 7946 0000', 'what was typed is kept')
    assert.deepEqual(await axe(page), [], 'the form with errors')
    await page.screenshot({ path: `${shots}/reminders-consent-errors.png`, fullPage: true })

    // Right this time, in Welsh.
    await page.fill('#mobile', '07700 900 982')
    await page.fill('#email', '')
    await page.check('input[name="language"][value="welsh"]')
    await page.click('button:has-text("Save")')
    assert.match(page.url(), new RegExp(`/cases/${CRN}/personal\\?saved=consent`))
    let main = await mainText(page)
    for (const want of ['Reminders Wanted, since 2 March 2025', 'Mobile for texts 07700 900 982',
      'Email Not given', 'Language Welsh (Cymraeg)', 'Change consent to reminders']) {
      assert.ok(main.includes(want), `no "${want}" on the tab: ${main}`)
    }
    assert.deepEqual(await axe(page), [], 'the Personal details tab')
    await page.screenshot({ path: `${shots}/reminders-consent-saved.png`, fullPage: true })

    // Withdrawn: not before it was given, then on a later date.
    await page.click('text=Change consent to reminders')
    assert.equal(await page.inputValue('#mobile'), '07700 900 982', 'the form starts from what is recorded')
    await fillDate(page, 'withdrawn', '1', '3', '2025')
    await page.click('button:has-text("Save")')
    summary = (await page.locator('.govuk-error-summary').innerText()).replace(/\s+/g, ' ')
    assert.ok(summary.includes('Date consent was withdrawn must be the same as or after the date it was given'), summary)
    await fillDate(page, 'withdrawn', '1', '4', '2025')
    await page.click('button:has-text("Save")')
    resp = await page.goto(`${base}/cases/${CRN}/personal`)
    main = await mainText(page)
    assert.ok(main.includes('Consent withdrawn on 1 April 2025'), main)
  })
})
