// Browser tests of the web app: Debian's Chromium driven by playwright-core,
// axe-core on every page type (WCAG 2.2 A and AA), the same pages with
// JavaScript off, and a screenshot of each under test-output/screenshots/.
// CK_URL is the server (tests/suites/e2e.sh starts it).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { axe, base, launch, shots, signIn } from './helpers.mjs'

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

const pages = [
  ['PO', 'N07P001', 'my-work', '/', 'My work'],
  ['PO', 'N07P001', 'caseload', '/caseload', 'My caseload'],
  ['PO', 'N07P001', 'search', '/search?q=S000001', 'Search'],
  ['PO', 'N07P001', 'case-overview', '/cases/S000001', 'Overview'],
  ['PO', 'N07P001', 'case-activity', '/cases/S000001/activity', 'Activity log'],
  ['PO', 'N07P001', 'case-sentence', '/cases/S000001/sentence', 'Sentence'],
  ['PO', 'N07P001', 'case-risk', '/cases/S000001/risk', 'Risk and registrations'],
  ['PO', 'N07P001', 'case-checks', '/cases/S000001/checks', 'Safeguarding checks'],
  ['PO', 'N07P001', 'case-compliance', '/cases/S000004/compliance', 'Compliance'],
  ['PO', 'N07P001', 'case-appointments', '/cases/S000001/appointments', 'Appointments'],
  ['PO', 'N07P001', 'case-personal', '/cases/S000001/personal', 'Personal details'],
  ['PO', 'N07P001', 'book-appointment', '/cases/S000001/appointments/new', 'Book an appointment'],
  ['PO', 'N07P001', 'add-registration', '/cases/S000001/registrations/new', 'Add a registration'],
  ['SPO', 'N07P009', 'team', '/team', 'Camden North'],
  ['SPO', 'N07P009', 'pdu', '/pdu', 'PDU dashboard'],
  ['SPO', 'N07P009', 'pdu-trends', '/pdu?code=N07PDU1', 'Month by month'],
  ['SPO', 'N07P009', 'region', '/region', 'Region dashboard'],
  ['VLO', 'N07P010', 'victims', '/victims', 'Victim liaison'],
  ['VLO', 'N07P010', 'victim-list', '/cases/S000009/victims', 'Add a victim'],
  ['VLO', 'N07P010', 'victim-record', '/cases/S000009/victims/V1', 'Victim V1'],
  ['VLO', 'N07P010', 'victim-edit', '/cases/S000009/victims/V1/edit', 'Change a victim'],
  ['SPO', 'N07P009', 'allocate', '/team/allocate/S000009', 'Allocate a case'],
  ['PO', 'N07P001', 'record-outcome', '/cases/S000001/contacts/C3/outcome', 'Record an outcome'],
  ['court_officer', 'N07P011', 'court', '/court', 'Court work'],
  // Managing the service (tests/e2e/manage.test.mjs has the journeys).
  ['head_of_pdu', 'N07P012', 'inspection', '/inspection', 'out of 27'],
  ['head_of_pdu', 'N07P012', 'inspection-drill-down', '/inspection/key-questions/A2', 'A2: Police domestic abuse check'],
  ['head_of_pdu', 'N07P012', 'organisational-standard', '/inspection/standards/staff', 'Rate Staff'],
  ['SPO', 'N07P009', 'workforce', '/workforce', 'Caseload distribution'],
  ['SPO', 'N07P009', 'team-capacity', '/workforce/teams/N07T02', 'Capacity: Camden South'],
  ['SPO', 'N07P009', 'allocations', '/allocations?scope=pdu', 'Cases that need a practitioner'],
  ['SPO', 'N07P009', 'case-audit', '/qa', 'Draw a sample']
]

// The pages are only read, so the tests of one account with JavaScript on
// (or off) share one signed-in page: a fresh browser context and its first
// page load cost more of the browser's time than the page's own test (e2e20's
// section of bench/RESULTS.md). Each test still opens its page, and sees
// only its own console errors. Closing the browser closes these contexts.
const shared = new Map()
async function pageFor (staff, grade, js) {
  const key = `${staff} ${js}`
  if (!shared.has(key)) {
    shared.set(key, (async () => {
      const ctx = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 1024, height: 800 } })
      const page = await ctx.newPage()
      await signIn(page, staff, grade)
      return page
    })())
  }
  return shared.get(key)
}

for (const js of [true, false]) {
  for (const [grade, staff, name, path, heading] of pages) {
    test(`${name} ${js ? 'with' : 'without'} JavaScript: renders, no WCAG 2.2 AA violations`, async () => {
      const page = await pageFor(staff, grade, js)
      const errors = []
      const onConsole = m => { if (m.type() === 'error') errors.push(m.text()) }
      page.on('console', onConsole)
      try {
        const resp = await page.goto(base + path)
        assert.equal(resp.status(), 200)
        assert.ok((await page.content()).includes(heading), `no "${heading}" on ${path}`)
        if (js) {
          assert.deepEqual(errors, [], 'console errors (CSP or script)')
          assert.ok(await page.evaluate(() => document.body.classList.contains('govuk-frontend-supported')))
          const violations = await axe(page)
          assert.deepEqual(violations, [])
        }
        await page.screenshot({ path: `${shots}/${name}${js ? '' : '-nojs'}.png`, fullPage: true })
      } finally {
        page.off('console', onConsole)
      }
    })
  }
}

test('sign-in page and the error summary pass axe, on a phone', async () => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const page = await ctx.newPage()
  try {
    await page.goto(`${base}/sign-in`)
    assert.deepEqual(await axe(page), [])
    await page.click('button:has-text("Sign in")')
    assert.ok(await page.isVisible('.govuk-error-summary'))
    assert.deepEqual(await axe(page), [])
    await page.screenshot({ path: `${shots}/sign-in-errors-phone.png`, fullPage: true })
  } finally {
    await ctx.close()
  }
})

test('a form with errors keeps what was typed and names every field, without JavaScript', async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false })
  const page = await ctx.newPage()
  try {
    await signIn(page, 'N07P001', 'PO')
    await page.goto(`${base}/cases/S000001/appointments/new`)
    await page.fill('#date-day', '31')
    await page.fill('#date-month', '2')
    await page.fill('#date-year', '2026')
    await page.click('button:has-text("Save")')
    const summary = await page.textContent('.govuk-error-summary')
    assert.match(summary, /Select the type of appointment/)
    assert.match(summary, /must be a real date/)
    assert.equal(await page.inputValue('#date-day'), '31')
  } finally {
    await ctx.close()
  }
})

// The journeys the brief names, through the browser without JavaScript (the
// baseline every page must work at), each form checked with axe first.
async function journey (grade, staff, fn) {
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1024, height: 800 } })
  const page = await ctx.newPage()
  try {
    await signIn(page, staff, grade)
    await fn(page)
  } finally {
    await ctx.close()
  }
}

async function axeWithJs (path, grade, staff) {
  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  try {
    await signIn(page, staff, grade)
    // An error page would pass axe in the form's place.
    assert.equal((await page.goto(base + path)).status(), 200, path)
    assert.deepEqual(await axe(page), [])
  } finally {
    await ctx.close()
  }
}

test('a practitioner records a failed appointment, sees ENFORCE, records a warning and sees it met', async () => {
  await axeWithJs('/cases/S000001/contacts/C3/outcome', 'PO', 'N07P001')
  await journey('PO', 'N07P001', async page => {
    await page.goto(`${base}/cases/S000001/contacts/C3/outcome`)
    await page.check('input[name=outcome][value=AFTA]')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/\/cases\/S000001\?saved=contacts/)
    const row = page.locator('tr', { hasText: 'Enforcement action' })
    assert.equal(await row.count(), 1)
    assert.match(await row.textContent(), /Overdue/)
    await row.locator('a:has-text("Record enforcement action")').click()
    await page.check('input[name=action][value=first_warning]')
    await page.fill('#date-day', '27')
    await page.fill('#date-month', '5')
    await page.fill('#date-year', '2025')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/saved=contacts/)
    assert.equal(await page.locator('tr', { hasText: 'Enforcement action' }).count(), 0)
    await page.goto(`${base}/cases/S000001/compliance`)
    assert.match(await page.content(), /First warning, for the appointment on 13 May 2025/)
    await page.screenshot({ path: `${shots}/journey-enforcement.png`, fullPage: true })
  })
})

test('a VLO adds a victim, sees the first contact overdue, records it and sees it met', async () => {
  await axeWithJs('/cases/S000009/victims/new', 'VLO', 'N07P010')
  await journey('VLO', 'N07P010', async page => {
    await page.goto(`${base}/cases/S000009/victims/new`)
    await page.check('input[name=scheme][value=statutory]')
    await page.fill('#referred-day', '28')
    await page.fill('#referred-month', '4')
    await page.fill('#referred-year', '2025')
    await page.fill('#name', 'Robin Example')
    await page.fill('#email', 'not an email')
    await page.click('button:has-text("Save")')
    assert.match(await page.textContent('.govuk-error-summary'), /email address in the correct format/)
    assert.equal(await page.inputValue('#name'), 'Robin Example')
    await page.fill('#email', 'robin@example.com')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/\/cases\/S000009\/victims\/V[0-9a-f]+\?saved=victims/)
    const record = page.url().split('?')[0]
    await page.goto(`${base}/victims`)
    const item = page.locator('li', { hasText: 'first contact due' })
    assert.equal(await item.count(), 1)
    assert.match(await item.textContent(), /Overdue/)
    await page.goto(`${record}/edit`)
    await page.fill('#first_contact-day', '20')
    await page.fill('#first_contact-month', '5')
    await page.fill('#first_contact-year', '2025')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/saved=victims/)
    assert.match(await page.content(), /20 May 2025/)
    await page.goto(`${base}/victims`)
    assert.equal(await page.locator('li', { hasText: 'first contact due' }).count(), 0)
  })
})

test('an SPO allocates an unallocated case from the team page', async () => {
  await journey('SPO', 'N07P009', async page => {
    await page.goto(`${base}/team`)
    await page.click('a[href="/team/allocate/S000009"]')
    await page.click('button:has-text("Allocate")')
    assert.match(await page.textContent('.govuk-error-summary'), /Select who to allocate the case to/)
    await page.check('input[name=staff][value=N07P004]')
    await page.click('button:has-text("Allocate")')
    await page.waitForURL(/\/team\?allocated=S000009/)
    assert.match(await page.content(), /Case S000009 allocated/)
    assert.equal(await page.locator('a[href="/team/allocate/S000009"]').count(), 0)
  })
})
