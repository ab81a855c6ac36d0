// Licence conditions (issue 19), in the browser, on S000009 (a custody
// sentence, release on 29 December 2026). Victim liaison adds a named
// victim in the scheme; a practitioner adds a non-contact condition
// protecting them and an exclusion zone, and sees them on the sentence tab
// without the victim's name; victim liaison sees the name behind the
// condition, records that the victim was told, and sees it done. axe-core
// (WCAG 2.2 A and AA) on the forms and pages; screenshots as a practitioner
// and as victim liaison. The fixture's today is 2 June 2025.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { axe, base, launch, shots, withSignedIn } from './helpers.mjs'

const PO = ['N07P001', 'PO']
const VLO = ['N07P010', 'VLO']
const victimName = 'Morwenna Testvictim'
const crn = 'S000009'
let victimUrl, victimId // the victim victim liaison adds

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

async function as (who, fn) {
  return withSignedIn(browser, who, async page => {
    page.setDefaultTimeout(20000)
    await fn(page)
  })
}

async function fillDate (page, name, d, m, y) {
  await page.fill(`#${name}-day`, d)
  await page.fill(`#${name}-month`, m)
  await page.fill(`#${name}-year`, y)
}

test('victim liaison names the victim; a practitioner adds conditions and never sees the name', async () => {
  await as(VLO, async page => {
    // A victim in the scheme, with a name (the example's victims have none).
    await page.goto(`${base}/cases/${crn}/victims/new`)
    await page.check('input[name=scheme][value=statutory]')
    await fillDate(page, 'referred', '28', '5', '2025')
    await fillDate(page, 'first_contact', '30', '5', '2025')
    await page.check('input[name=opted][value=in]')
    await fillDate(page, 'opted_on', '30', '5', '2025')
    await page.fill('#name', victimName)
    await page.click('button:has-text("Save")')
    await page.waitForURL(/\/victims\/V[0-9a-f]+\?saved=victims/)
    victimUrl = page.url().split('?')[0]
    victimId = victimUrl.split('/').pop()
  })
  await as(PO, async page => {
    await page.goto(`${base}/cases/${crn}/sentence`)
    await page.click('a:has-text("Add a licence condition")')
    await page.waitForURL(/\/events\/E1\/condition$/)
    assert.deepEqual(await axe(page), [])
    assert.equal(await page.locator(`text=${victimName}`).count(), 0)
    // An error first: a non-contact condition with no one named.
    await page.check('input[name=type][value=non_contact]')
    await fillDate(page, 'start', '29', '12', '2026')
    await page.click('button:has-text("Save")')
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter who they must not contact, or select the victim/)
    assert.deepEqual(await axe(page), [])
    await page.check('input[name=victim_related][value=yes]')
    await page.selectOption('#victim_id', victimId)
    await page.click('button:has-text("Save")')
    await page.waitForURL(/\/sentence\?saved=events/)

    await page.click('a:has-text("Add a licence condition")')
    await page.check('input[name=type][value=exclusion_zone]')
    await fillDate(page, 'start', '29', '12', '2026')
    await page.check('input[name=victim_related][value=yes]')
    await page.fill('#detail', 'The streets inside the ring road, as the licence map shows')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/\/sentence\?saved=events/)

    const text = await page.locator('main').innerText()
    assert.match(text, /Not to contact a named victim/)
    assert.match(text, /Not to enter an exclusion zone/)
    assert.match(text, /The streets inside the ring road/)
    assert.ok(!text.includes(victimName), 'the practitioner sees the victim\'s name')
    assert.ok(!(await page.content()).includes(victimName))
    assert.deepEqual(await axe(page), [])
    await page.locator('#conditions-E1').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${shots}/licence-conditions-po.png`, fullPage: true })
  })
})

test('victim liaison sees the name behind the condition and records that the victim was told', async () => {
  await as(VLO, async page => {
    await page.goto(victimUrl)
    const before = await page.locator('main').innerText()
    assert.match(before, new RegExp(`Not to contact ${victimName}, a victim`))
    assert.match(before, /Not told yet/)
    assert.match(before, /The licence starts on 29 December 2026/)
    assert.deepEqual(await axe(page), [])
    await page.click('a:has-text("Record that the victim was told")')
    await page.waitForURL(/\/victims\/V[0-9a-f]+\/told$/)
    assert.match(await page.locator('main').innerText(), /They are being told of:/)
    assert.deepEqual(await axe(page), [])
    await page.click('button:has-text("Save")')
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Select how the victim was told/)
    await fillDate(page, 'date', '2', '6', '2025')
    await page.check('input[name=how][value=letter]')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/\/victims\/V[0-9a-f]+\?saved=victims/)
    const after = await page.locator('main').innerText()
    assert.match(after, /Done/)
    assert.match(after, /Told on 2 June 2025 by letter, by Val Liaison/)
    assert.ok(!after.includes('Not told yet'))
    assert.equal(await page.locator('a:has-text("Record that the victim was told")').count(), 0)
    assert.deepEqual(await axe(page), [])
    await page.screenshot({ path: `${shots}/licence-conditions-vlo.png`, fullPage: true })
  })
})
