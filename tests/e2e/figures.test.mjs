// Browser journeys of issue 14's figures, read only (the suite's other files
// change the same PDU at the same time): from the PDU dashboard's numbers to
// the cases behind them, the region table sorted without JavaScript, and the
// warning before a case goes to someone over capacity. axe-core on each page
// (with JavaScript: axe runs in the page); the sorting without it.
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

async function as (who, js, fn, viewport = { width: 1366, height: 768 }) {
  return withSignedIn(browser, who, fn, { js, viewport })
}

const head = ['N07P012', 'head_of_pdu', 'N07T01']
const spo = ['N07P020', 'SPO', 'N07T02']

test('a head of PDU goes from the dashboard\'s numbers to the cases behind them', async () => {
  await as(head, true, async page => {
    await page.goto(`${base}/pdu`)
    const total = Number((await page.textContent('#cases-total')).replace(/[^0-9]/g, ''))
    assert.ok(total > 0)
    assert.deepEqual(await axe(page), [])
    await page.click('#cases-total')
    assert.match(page.url(), /\/pdu\/cases/)
    assert.match(await page.textContent('main'), new RegExp(`of ${total}`))
    // Names, not CRNs only.
    const first = (await page.locator('#cases tbody th a').first().textContent()).trim()
    assert.doesNotMatch(first, /^[A-Z]\d{6}$/)
    assert.deepEqual(await axe(page), [])
    await page.goto(`${base}/pdu`)
    const link = page.locator('a[href*="/pdu/overdue?rule="]').first()
    const count = Number((await link.textContent()).replace(/[^0-9]/g, ''))
    await link.click()
    assert.match(await page.textContent('h1'), /overdue/)
    assert.match(await page.textContent('main'), new RegExp(`of ${count}`))
    assert.deepEqual(await axe(page), [])
    await page.screenshot({ path: `${shots}/figures-pdu-overdue.png`, fullPage: true })
  })
})

test('the region dashboard is one table on a laptop screen, sorted by a link', async () => {
  await as(head, true, async page => {
    await page.goto(`${base}/region`)
    assert.match(await page.textContent('#pdus thead'), /Score out of 27/)
    const height = await page.evaluate(() => document.documentElement.scrollHeight)
    assert.ok(height < 2000, `the page is ${height}px tall`)
    assert.deepEqual(await axe(page), [])
  })
  await as(head, false, async page => {
    await page.goto(`${base}/region`)
    await page.click('#pdus thead a:has-text("Cases")')
    assert.match(page.url(), /sort=cases&order=asc/)
    assert.equal(await page.getAttribute('#pdus thead th:nth-child(3)', 'aria-sort'), 'ascending')
    await page.click('#pdus thead a:has-text("Cases")')
    assert.match(page.url(), /sort=cases&order=desc/)
    await page.screenshot({ path: `${shots}/figures-region.png`, fullPage: true })
  })
})

test('allocating to someone over capacity warns first and asks why', async () => {
  await as(spo, true, async page => {
    await page.goto(`${base}/allocations`)
    const csrf = await page.getAttribute('input[name="csrf"]', 'value')
    // Ana Able (N07P022) is over capacity; the warning comes before anything changes.
    await page.evaluate(({ csrf }) => {
      const f = document.createElement('form')
      f.method = 'post'
      f.action = '/allocations'
      for (const [k, v] of Object.entries({ csrf, crn: 'M000006', staff: 'N07P022' })) {
        const i = document.createElement('input')
        i.type = 'hidden'; i.name = k; i.value = v
        f.appendChild(i)
      }
      document.body.appendChild(f)
      f.submit()
    }, { csrf })
    await page.waitForSelector('#over-warning')
    assert.match(await page.textContent('#over-warning'), /Ana Able is at .* and would be at/)
    assert.equal(await page.locator('textarea[name="reason"]').count(), 1)
    assert.deepEqual(await axe(page), [])
    await page.screenshot({ path: `${shots}/figures-over-capacity.png`, fullPage: true })
  })
})
