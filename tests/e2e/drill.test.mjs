// Drill-down everywhere (issue 14 point 5), read only: the timeliness and
// month-by-month numbers of the PDU dashboard, and each practitioner's
// numbers on an SPO's team page, open the list of obligations or cases they
// count, with names and practitioners. axe-core on the lists.
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

const head = ['N07P012', 'head_of_pdu', 'N07T01']
const spo = ['N07P009', 'SPO', 'N07T01']

// "Showing 1 to 2 of 2" -> 2; no rows -> 0.
async function listed (page) {
  const m = (await page.textContent('main')).match(/Showing \d+ to \d+ of (\d+)/)
  return m ? Number(m[1]) : 0
}

test('a head of PDU opens a timeliness number and sees the checks it counts', async () => {
  await withSignedIn(browser, head, async page => {
    await page.goto(`${base}/pdu`)
    const link = page.getByRole('link', { name: /Police domestic abuse checks met on time/ })
    const n = Number((await link.textContent()).trim().split(/\s/)[0])
    await link.click()
    assert.match(page.url(), /group=da&status=on_time/)
    assert.equal(await page.textContent('h1'), 'Police domestic abuse checks: met on time')
    assert.equal(await listed(page), n)
    if (n > 0) assert.match(await page.textContent('#overdue tbody'), /Met on time/)
    assert.deepEqual(await axe(page), [])
    await page.screenshot({ path: `${shots}/drill-timeliness.png`, fullPage: true })
  })
})

test('a month\'s overdue bar opens what was overdue at that month\'s end', async () => {
  await withSignedIn(browser, head, async page => {
    await page.goto(`${base}/pdu`)
    const links = page.locator('#trend a[href*="at="]')
    const link = links.nth(await links.count() - 1)
    const n = Number((await link.textContent()).trim().split(/\s/)[0])
    await link.click()
    assert.match(await page.textContent('h1'), /^All work: overdue at the end of \d+ \w+ \d{4}$/)
    assert.equal(await listed(page), n)
  }, { js: false })
})

test('an SPO opens a practitioner\'s overdue number on the team page', async () => {
  await withSignedIn(browser, spo, async page => {
    await page.goto(`${base}/team`)
    const link = page.locator('a[href^="/pdu/overdue?staff="]').first()
    const n = Number((await link.textContent()).trim().split(/\s/)[0])
    await link.click()
    assert.equal(await page.textContent('h1'), 'All work: overdue')
    assert.match(await page.textContent('.govuk-caption-l'), /: [A-Z][a-z]+ [A-Z]/) // whose: a name, not a code
    assert.equal(await listed(page), n)
    assert.deepEqual(await axe(page), [])
  })
})
