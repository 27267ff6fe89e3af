/**
 * A real headless browser for the console's tests: Debian's Chromium (`apt-get install chromium`,
 * done by scripts/test-services.sh when missing) driven by playwright-core, which downloads nothing.
 * The flags keep Chromium from reaching for Google's services on a machine without internet.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Opens the console and logs in through its form, waiting for the menu. */
export async function loginInBrowser(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await page.getByLabel(/E-mail/).fill(email);
  await page.getByLabel(/Kata sandi|Password/).fill(password);
  await page.getByRole('button', { name: /^(Masuk|Log in)$/ }).click();
  await page.getByRole('button', { name: /^(Keluar|Log out)$/ }).waitFor();
}
