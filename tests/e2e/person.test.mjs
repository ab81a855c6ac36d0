// The person on probation at a glance (issue 13): the summary strip on every
// case page names the practitioner and team and says where he lives and with
// whom; the Personal details tab shows his own details. axe-core (WCAG 2.2
// AA) on each, with screenshots under test-output/screenshots/.
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

async function withPage (fn) {
  return withSignedIn(browser, ['N07P001', 'PO'], fn)
}

// The strip as a reader sees it: one line of facts, then the home.
async function strip (page) {
  const s = page.locator('section[aria-label="Case summary"]')
  assert.equal(await s.count(), 1, 'one case summary strip')
  return (await s.innerText()).replace(/\s+/g, ' ')
}

test('the summary strip is on every case page, with names and the home, and passes axe', async () => {
  await withPage(async page => {
    for (const [name, path] of [['person-strip-overview', '/cases/S000001'],
      ['person-strip-risk', '/cases/S000001/risk'],
      ['person-strip-form', '/cases/S000001/changes/new']]) {
      const resp = await page.goto(base + path)
      assert.equal(resp.status(), 200)
      const text = await strip(page)
      for (const want of ['Test Person', 'CRN S000001', 'Tier', 'RoSH Medium', 'Not MAPPA',
        'Probation practitioner: Pat Officer, Camden North',
        'Lives at: 14 Larkspur Row, Synthetic Estate, London N7 2AB',
        'Lives with: Jo Partner (partner); Alex Partner (stepchild, under 18)']) {
        assert.ok(text.includes(want), `${path}: no "${want}" in the strip: ${text}`)
      }
      assert.ok(!text.includes('N07P001') && !text.includes('N07T01'), `${path}: a code in the strip`)
      assert.deepEqual(await axe(page), [], path)
      await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true })
    }
    // The header names the signed-in user.
    assert.match(await page.locator('.ck-sign-out__who').innerText(), /Pat Officer, Probation practitioner/)
  })
})

test('the Personal details tab shows his own details and passes axe', async () => {
  await withPage(async page => {
    const resp = await page.goto(`${base}/cases/S000001/personal`)
    assert.equal(resp.status(), 200)
    const main = (await page.locator('main').innerText()).replace(/\s+/g, ' ')
    for (const want of ['Personal details', '07700 900123', 'test.person@example.com', 'Testy Persson', 'he/him',
      'Polish', 'Interpreter needed Yes', 'Dyslexia: Letters in plain English', 'Jo Partner, partner',
      'Alex Partner, stepchild (under 18)', '14 Larkspur Row, Synthetic Estate, London N7 2AB',
      'Moved in with his partner']) {
      assert.ok(main.includes(want), `no "${want}" on the Personal details tab`)
    }
    assert.deepEqual(await axe(page), [])
    await page.screenshot({ path: `${shots}/person-personal-details.png`, fullPage: true })
  })
})

// Who lives with him, recorded on the change of circumstances form (fixed
// rows, no JavaScript needed): a half-filled row is refused naming the row
// and field, then a partner and a child are saved and shown on the Personal
// details tab. S000004, so the other files' S000001 household stays as it is.
test('the change of circumstances form records the household and passes axe', async () => {
  await withPage(async page => {
    const path = `${base}/cases/S000004/changes/new`
    assert.equal((await page.goto(path)).status(), 200)
    assert.deepEqual(await axe(page), [], 'the empty form')
    await page.screenshot({ path: `${shots}/person-change-household.png`, fullPage: true })
    await page.getByLabel('Household', { exact: true }).check()
    await page.locator('#date-day').fill('1')
    await page.locator('#date-month').fill('6')
    await page.locator('#date-year').fill('2025')
    await page.getByLabel('Yes', { exact: true }).check()
    await page.getByLabel('Name of household member 1').fill('Robin Example')
    await page.getByLabel('Relationship of household member 1').selectOption('partner')
    await page.getByLabel('Relationship of household member 2').selectOption('child')
    await page.getByRole('button', { name: 'Save' }).click()
    const summary = (await page.locator('.govuk-error-summary').innerText()).replace(/\s+/g, ' ')
    assert.ok(summary.includes('Enter the name of household member 2'), summary)
    assert.deepEqual(await axe(page), [], 'the form with an error')
    // What was typed is kept; the row is completed and saved.
    assert.equal(await page.getByLabel('Name of household member 1').inputValue(), 'Robin Example')
    await page.locator('#date-day').fill('1')
    await page.locator('#date-month').fill('6')
    await page.locator('#date-year').fill('2025')
    await page.getByLabel('Name of household member 2').fill('Lee Example')
    await page.locator('#member2_child').check()
    await page.getByRole('button', { name: 'Save' }).click()
    assert.match(page.url(), /\/cases\/S000004\?saved=changes/)
    await page.goto(`${base}/cases/S000004/personal`)
    const main = (await page.locator('main').innerText()).replace(/\s+/g, ' ')
    for (const want of ['Robin Example, partner', 'Lee Example, child (under 18)']) {
      assert.ok(main.includes(want), `no "${want}" on the Personal details tab`)
    }
    assert.ok((await strip(page)).includes('Lives with: Robin Example (partner); Lee Example (child, under 18)'))
  })
})
