// Browser journeys of managing the service, on the PDU tests/ck_test_manage.h
// puts in the browser suite's server: each page through axe-core with
// JavaScript, then the journey itself without JavaScript (the baseline every
// page must work at).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { api, axe, base, launch, shots, withSignedIn } from './helpers.mjs'

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

async function as (who, js, fn) {
  return withSignedIn(browser, who, fn, { js })
}

async function noViolations (page, path) {
  // An error page would pass axe in the page's place.
  if (path) assert.equal((await page.goto(base + path)).status(), 200, path)
  assert.deepEqual(await axe(page), [], `axe on ${page.url()}`)
}

// The team's open and overdue ALLOCATE obligations, from the worklist API.
async function lostOnWorklist (page, team) {
  const r = await page.request.get(`${api}/api/v1/worklist?team=${team}&limit=500`)
  assert.equal(r.status(), 200)
  return (await r.json()).items.filter(i => i.rule === 'ALLOCATE').map(i => i.crn).sort()
}

// How many cases the team page says the leaver N07P021 holds (null: not
// listed).
async function leaverCases (page) {
  await page.goto(`${base}/team`)
  const row = page.locator('tr', { hasText: 'N07P021' })
  if (await row.count() === 0) return null
  // The number links to the cases; its link also says so to screen readers.
  return (await row.locator('td').nth(2).textContent()).trim().split(/\s/)[0]
}

const spo = ['N07P020', 'SPO', 'N07T02']
const head = ['N07P012', 'head_of_pdu', 'N07T01']

test('an SPO reallocates a leaver\'s caseload in one action and the lost cases leave the team worklist', async () => {
  await as(spo, true, async page => noViolations(page, '/allocations'))
  await as(spo, false, async page => {
    assert.deepEqual(await lostOnWorklist(page, 'N07T02'), ['M000001', 'M000002', 'M000003', 'M000006'])
    assert.equal(await leaverCases(page), '3')
    await page.goto(`${base}/allocations`)
    for (const crn of ['M000001', 'M000002', 'M000003']) {
      assert.match(await page.textContent(`#case-${crn}`), /Lost/)
    }
    await page.click('button:has-text("Reallocate Lee Leaver\'s cases")')
    // The plan first: each case, to whom, capacity after; nothing moved yet.
    assert.match(await page.textContent('h1'), /Check the reallocation of Lee Leaver's cases/)
    assert.equal(await page.locator('#moves tbody tr').count(), 3)
    await page.click('button:has-text("Confirm and reallocate")')
    assert.match(await page.textContent('h1'), /Cases reallocated/)
    for (const crn of ['M000001', 'M000002', 'M000003']) {
      assert.match(await page.textContent('#moves'), new RegExp(crn))
    }
    await page.goto(`${base}/allocations`)
    for (const crn of ['M000001', 'M000002', 'M000003']) {
      assert.equal(await page.locator(`#case-${crn}`).count(), 0)
    }
    assert.match(await page.textContent('main'), /Nobody who has left or is on long-term absence still holds a case/)
    await page.screenshot({ path: `${shots}/journey-reallocate-leaver.png`, fullPage: true })
    assert.deepEqual(await lostOnWorklist(page, 'N07T02'), ['M000006'])
    assert.ok(['0', null].includes(await leaverCases(page)))
    // The leaver holds nothing now, so the team's capacity page lists only
    // those in post, the over-capacity one flagged.
    await page.goto(`${base}/workforce/teams/N07T02`)
    assert.doesNotMatch(await page.textContent('#people'), /Lee Leaver/)
    assert.match(await page.textContent('#people'), /Ana Able.*Over capacity/s)
  })
})

test('the head of PDU sees the score out of 27 with each standard\'s rating and drills into the failing cases', async () => {
  await as(head, true, async page => {
    await noViolations(page, '/inspection')
    await noViolations(page, '/inspection/key-questions/A2')
  })
  await as(head, false, async page => {
    await page.goto(`${base}/inspection`)
    assert.match(await page.textContent('#score'), /\d+ out of 27/)
    const rows = page.locator('#standards tbody tr')
    assert.equal(await rows.count(), 9)
    for (let i = 0; i < 9; i++) {
      assert.match(await rows.nth(i).locator('.govuk-tag').textContent(), /Outstanding|Good|Requires improvement|Inadequate|Not rated/)
    }
    assert.match(await page.textContent('#trend'), /Jun 2025/)
    await page.click('a[href^="/inspection/key-questions/A2"]')
    await page.waitForURL(/\/inspection\/key-questions\/A2\?from=/)
    assert.match(await page.textContent('h1'), /A2: Police domestic abuse check and children's services check met on time/)
    const failing = page.locator('#failures tbody tr', { hasText: 'M000001' })
    assert.equal(await failing.count(), 2)
    assert.match(await failing.first().textContent(), /no children's services check received/)
    await page.screenshot({ path: `${shots}/journey-inspection-drill-down.png`, fullPage: true })
  })
})

test('the head of PDU rates an organisational standard with its evidence', async () => {
  await as(head, true, async page => {
    await page.goto(`${base}/inspection/standards/services`)
    await page.click('button:has-text("Save rating")')
    assert.match(await page.textContent('.govuk-error-summary'), /Select a rating/)
    await noViolations(page)
  })
  await as(head, false, async page => {
    await page.goto(`${base}/inspection/standards/services`)
    await page.check('input[name=rating][value=requires_improvement]')
    await page.fill('#evidence', 'Two commissioned services lapsed in April')
    await page.click('button:has-text("Save rating")')
    await page.waitForURL(/\/inspection\?saved=services/)
    const row = page.locator('#standards tbody tr', { has: page.getByRole('rowheader', { name: 'Services', exact: true }) })
    assert.match(await row.textContent(), /Requires improvement/)
    assert.match(await row.textContent(), /Two commissioned services lapsed in April/)
  })
})

test('an SPO draws a case audit sample, answers for a case and sees the disagreement', async () => {
  await as(spo, false, async page => {
    await page.goto(`${base}/qa`)
    await page.click('button:has-text("Draw sample")')
    await page.waitForURL(/\/qa\/\d+$/)
    const sample = page.url()
    await page.locator('a', { hasText: /^Answer for M/ }).first().click()
    await page.waitForURL(/\/qa\/\d+\/cases\/M\d+$/)
    const crn = page.url().split('/').pop()
    await page.check('input[name=assessment][value=yes]')
    await page.fill('#assessment-note', 'Checks requested by phone')
    await page.click('button:has-text("Save answers")')
    await page.waitForURL(/\?saved=/)
    await page.click('a:has-text("see the disagreements")')
    const row = page.locator('#disagreements tbody tr', { hasText: crn })
    assert.match(await row.textContent(), /Assessment.*Sufficient.*Not sufficient.*Checks requested by phone/s)
    // The audit's pages through axe, with JavaScript.
    const path = new URL(sample).pathname
    await as(spo, true, async p => {
      await noViolations(p, path)
      await noViolations(p, `${path}/cases/${crn}`)
      await noViolations(p, `${path}/disagreements`)
    })
  })
})
