// Every role's work in the browser (issue 14): each role signs in to its own
// home with the navigation its permissions give it (through axe-core), and
// the journeys of the roles that had none: the court officer creates a case
// at court and works its outstanding check from the court page, quality
// assurance chooses a PDU and draws a sample, and an administrator adds and
// disables an account. Journeys run without JavaScript, the baseline.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { axe, base, launch, shots } from './helpers.mjs'

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

const password = 'a web test passphrase'

async function signInAs (page, username, pw = password) {
  await page.goto(`${base}/sign-in`)
  await page.fill('#username', username)
  await page.fill('#password', pw)
  await page.click('button:has-text("Sign in")')
}

async function as (username, js, fn) {
  const ctx = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 1024, height: 800 } })
  const page = await ctx.newPage()
  try {
    await signInAs(page, username)
    await page.waitForURL(`${base}/`)
    await fn(page)
  } finally {
    await ctx.close()
  }
}

async function navTexts (page) {
  return (await page.locator('#navigation a').allTextContents()).map(t => t.trim())
}

// What each role finds at "/" and in its navigation: the permission matrix
// of docs/security.md, route by route.
const roles = [
  ['practitioner', 'n07p001', 'My work', ['My work', 'Caseload', 'Diary', 'Search', 'Court']],
  ['spo', 'n07p009', 'Camden North', ['My work', 'Caseload', 'Diary', 'Search', 'Court', 'Team', 'PDU dashboard',
    'Region dashboard', 'Inspection', 'Workforce', 'Allocations', 'Case audit']],
  ['head_of_pdu', 'n07p012', 'PDU dashboard', ['My work', 'Caseload', 'Diary', 'Search', 'Court', 'Team', 'PDU dashboard',
    'Region dashboard', 'Inspection', 'Workforce', 'Allocations', 'Case audit']],
  ['court_officer', 'n07p011', 'Court work', ['My work', 'Caseload', 'Diary', 'Search', 'Court']],
  ['vlo', 'n07p010', 'Victim liaison', ['My work', 'Caseload', 'Diary', 'Search', 'Victim liaison']],
  ['qa', 'qa', 'Choose a probation delivery unit', ['My work', 'Caseload', 'Search', 'Team', 'PDU dashboard',
    'Region dashboard', 'Inspection', 'Workforce', 'Case audit']],
  ['admin', 'admin', 'Accounts', ['Accounts']]
]

for (const [role, username, heading, nav] of roles) {
  test(`${role}: signs in to their home, navigation shows only what the role may use, no WCAG 2.2 AA violations`, async () => {
    await as(username, true, async page => {
      assert.match(await page.textContent('h1'), new RegExp(heading))
      assert.deepEqual(await navTexts(page), nav)
      assert.deepEqual(await axe(page), [], `axe on ${role}'s home`)
      await page.screenshot({ path: `${shots}/home-${role}.png`, fullPage: true })
      // Every page the navigation offers opens.
      for (const href of await page.locator('#navigation a').evaluateAll(as => as.map(a => a.getAttribute('href')))) {
        assert.equal((await page.goto(base + href)).status(), 200, `${role}: ${href}`)
      }
    })
  })
}

test('a refused page leads to the role\'s home, never back to the refusal', async () => {
  await as('admin', false, async page => {
    assert.equal((await page.goto(`${base}/caseload`)).status(), 403)
    await page.click('a:has-text("Go to Accounts")')
    await page.waitForURL(`${base}/`)
    assert.match(await page.textContent('h1'), /Accounts/)
  })
})

test('the court officer creates a case at court, then requests its police check and records the reply', async () => {
  await as('n07p011', true, async page => {
    await page.goto(`${base}/court/cases/new`)
    assert.deepEqual(await axe(page), [], 'axe on the new case form')
  })
  await as('n07p011', false, async page => {
    await page.click('a:has-text("Create a case at court")')
    await page.waitForURL(`${base}/court/cases/new`)
    // The API's checks, by the field they name.
    await page.fill('#crn', 'C910001')
    await page.click('button:has-text("Create the case")')
    assert.match(await page.textContent('.govuk-error-summary'), /Enter the date the report was requested/)
    await page.fill('#surname', 'Okafor')
    await page.fill('#forename', 'Remi')
    await page.fill('#date_of_birth-day', '14')
    await page.fill('#date_of_birth-month', '7')
    await page.fill('#date_of_birth-year', '1993')
    await page.check('input[name=gender][value=M]')
    await page.selectOption('#team', 'N07T01')
    await page.selectOption('#offence_category', 'violence')
    await page.check('input[name=domestic_abuse][value=yes]')
    await page.fill('#report_requested-day', '29')
    await page.fill('#report_requested-month', '5')
    await page.fill('#report_requested-year', '2025')
    await page.click('button:has-text("Create the case")')
    assert.match(await page.textContent('.govuk-error-summary'), /Report: /)
    await page.check('input[name=report_type][value=fast]')
    await page.click('button:has-text("Create the case")')
    await page.waitForURL(/\/court\?created=C910001$/)
    assert.match(await page.textContent('.govuk-notification-banner'), /Case C910001 created/)
    // The outstanding police check is on the court page, to be asked for.
    const row = () => page.locator('tr', { hasText: 'Remi Okafor' }).filter({ hasText: 'Police domestic abuse check' })
    await row().locator('a:has-text("Request the check")').click()
    await page.waitForURL(/\/cases\/C910001\/checks\/new\?rule=DA_CHECK$/)
    assert.ok(await page.isChecked('input[name=kind][value=police_da]'))
    await page.fill('#requested-day', '30')
    await page.fill('#requested-month', '5')
    await page.fill('#requested-year', '2025')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/\/cases\/C910001\?saved=checks$/)
    // Back on the court page the check waits for its reply.
    await page.goto(`${base}/court`)
    await row().locator('a:has-text("Record the reply")').click()
    await page.waitForURL(/\/cases\/C910001\/checks\/K[0-9a-f]+\/receive$/)
    await page.fill('#received-day', '2')
    await page.fill('#received-month', '6')
    await page.fill('#received-year', '2025')
    await page.check('input[name=relevant][value=no]')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/\/cases\/C910001\?saved=checks$/)
    await page.goto(`${base}/court`)
    assert.equal(await row().count(), 0)
    assert.equal(await page.locator('tr', { hasText: 'Remi Okafor' }).filter({ hasText: "Children's services check" }).count(), 1)
    await page.screenshot({ path: `${shots}/journey-court-officer.png`, fullPage: true })
  })
})

test('quality assurance chooses a PDU and draws a case audit sample', async () => {
  await as('qa', true, async page => {
    await page.goto(`${base}/qa?pdu=N07PDU1`)
    assert.deepEqual(await axe(page), [], 'axe on the case audit of a chosen PDU')
  })
  await as('qa', false, async page => {
    await page.click('a:has-text("Camden and Islington")')
    await page.waitForURL(`${base}/qa?pdu=N07PDU1`)
    await page.click('button:has-text("Draw sample")')
    await page.waitForURL(/\/qa\/\d+$/)
    assert.match(await page.textContent('h1'), /Sample \d+/)
    assert.ok(await page.locator('a', { hasText: /^Answer for / }).count() > 0)
    await page.screenshot({ path: `${shots}/journey-qa-sample.png`, fullPage: true })
    await page.click('a:has-text("Back to case audit")')
    await page.waitForURL(`${base}/qa?pdu=N07PDU1`)
  })
})

test('an administrator adds an account, which signs in with the password shown once, then disables it', async () => {
  let pw
  await as('admin', false, async page => {
    await page.click('a:has-text("Add an account")')
    await page.fill('#username', 'e2e.newcomer')
    await page.check('input[name=role][value=practitioner]')
    await page.click('button:has-text("Add the account")')
    assert.match(await page.textContent('.govuk-error-summary'), /needs a staff code/)
    await page.fill('#staff', 'N07P004')
    await page.click('button:has-text("Add the account")')
    assert.match(await page.textContent('h1'), /Account added/)
    pw = (await page.textContent('#secret')).trim()
    assert.equal(pw.length, 24)
  })
  await as('admin', true, async page => {
    await page.goto(`${base}/accounts/e2e.newcomer`)
    assert.deepEqual(await axe(page), [], 'axe on an account')
  })
  const ctx = await browser.newContext({ javaScriptEnabled: false })
  const page = await ctx.newPage()
  try {
    await signInAs(page, 'e2e.newcomer', pw)
    await page.waitForURL(`${base}/`)
    assert.match(await page.textContent('h1'), /My work/)
  } finally {
    await ctx.close()
  }
  await as('admin', false, async page => {
    await page.goto(`${base}/accounts/e2e.newcomer`)
    await page.click('button:has-text("Disable the account")')
    assert.match(await page.textContent('.govuk-notification-banner'), /Account disabled/)
    await page.screenshot({ path: `${shots}/journey-admin-disable.png`, fullPage: true })
  })
  const after = await browser.newContext({ javaScriptEnabled: false })
  const refused = await after.newPage()
  try {
    await signInAs(refused, 'e2e.newcomer', pw)
    assert.match(await refused.textContent('.govuk-error-summary'), /cannot sign in just now/)
  } finally {
    await after.close()
  }
})
