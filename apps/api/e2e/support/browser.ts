import { findProgram } from '@authbench/test-support';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium; a browser is never downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return findProgram(CHROMIUM) !== null;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** Everything a page did that a test should fail on, collected as it happens. */
export interface PageWatch {
  /** `console.error`/`warn`-level messages, including the browser's own network and CSP reports. */
  readonly consoleErrors: string[];
  /** `securitypolicyviolation` events, as `<directive> <blocked URI>`. */
  readonly cspViolations: string[];
  /** Uncaught exceptions and unhandled rejections in the page. */
  readonly pageErrors: string[];
  /** Requests to anywhere but the API's own origin. */
  readonly foreignRequests: string[];
  /**
   * Console errors other than the browser's "Failed to load resource" report of an HTTP
   * status the test provoked on purpose (Chromium logs every 4xx fetch as a console error).
   */
  unexpectedConsoleErrors(expectedStatuses: readonly number[]): string[];
}

const FAILED_RESOURCE = /^Failed to load resource: the server responded with a status of (\d{3})\b/;

/** Starts watching before the first navigation, so nothing the page does on load is missed. */
export async function watchPage(page: Page, origin: string): Promise<PageWatch> {
  const consoleErrors: string[] = [];
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:')) foreignRequests.push(url);
  });
  await page.exposeFunction('__reportCspViolation', (report: string) => {
    cspViolations.push(report);
  });
  // Init scripts run before the page's own, and are not subject to its CSP. (A string: these
  // tests are compiled without the DOM library.)
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      window.__reportCspViolation(event.violatedDirective + ' ' + event.blockedURI);
    });`,
  });
  return {
    consoleErrors,
    cspViolations,
    pageErrors,
    foreignRequests,
    unexpectedConsoleErrors(expectedStatuses) {
      return consoleErrors.filter((text) => {
        const status = FAILED_RESOURCE.exec(text)?.[1];
        return status === undefined || !expectedStatuses.includes(Number(status));
      });
    },
  };
}

/**
 * Text elements whose colour contrast against their effective background is below WCAG AA
 * (4.5:1, or 3:1 for large text), as `<selector-ish>: <ratio>` strings. Runs in the page.
 * (A string: these tests are compiled without the DOM library.)
 */
export function lowContrastText(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const parse = (value) => {
      const m = value.match(/rgba?\\(([^)]+)\\)/);
      if (!m) return null;
      const [r, g, b, a = '1'] = m[1].split(/[ ,\\/]+/).filter(Boolean);
      return { r: +r, g: +g, b: +b, a: +a };
    };
    const luminance = ({ r, g, b }) => {
      const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (element) => {
      for (let node = element; node; node = node.parentElement) {
        const color = parse(getComputedStyle(node).backgroundColor);
        if (color && color.a > 0.5) return color;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const failures = [];
    for (const element of document.body.querySelectorAll('*')) {
      if (element.closest('svg')) continue;
      const ownText = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
      if (!ownText || element.getClientRects().length === 0) continue;
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden' || style.clip === 'rect(0px, 0px, 0px, 0px)') continue;
      const fg = parse(style.color);
      if (!fg) continue;
      const [l1, l2] = [luminance(fg), luminance(background(element))].sort((x, y) => y - x);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && +style.fontWeight >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        failures.push(element.tagName.toLowerCase() + '.' + element.className + ' "' + element.textContent.trim().slice(0, 30) + '": ' + ratio.toFixed(2));
      }
    }
    return failures;
  })()`);
}
