// Phones: the other half of the roles' crawl of tests/e2e/narrow.mjs (every
// page a role can reach fits 375 px and 768 px); narrow.test.mjs has the rest.
import { before, after } from 'node:test'
import { launch } from './helpers.mjs'
import { crawlRoles } from './narrow.mjs'

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

crawlRoles(2, () => browser)
