/**
 * A browser for the console's unit tests: jsdom (global-jsdom) only while the console's suites run,
 * so the rest of the unit suite keeps seeing plain Node. React DOM and Testing Library look for a
 * DOM when they load, so they are loaded here, under a first jsdom that is then taken away again.
 */
import type { BoundFunctions, queries } from '@testing-library/dom';
import globalJsdom from 'global-jsdom';

const OPTIONS = { url: 'http://localhost/', pretendToBeVisual: true };

process.env.RTL_SKIP_AUTO_CLEANUP = 'true';
const first = globalJsdom(undefined, OPTIONS);
/* eslint-disable @typescript-eslint/no-require-imports -- loaded while the DOM exists, on purpose */
require('react-dom/client');
const rtl = require('@testing-library/react') as typeof import('@testing-library/react');
/* eslint-enable @typescript-eslint/no-require-imports */
first();

/**
 * Gives the calling suite a document (each test starts from an empty body and storage, and what it
 * rendered is unmounted after it); the DOM goes away once React's last scheduled work has run.
 */
export function useDom(): void {
  let release: (() => void) | null = null;
  before(function () {
    release = globalJsdom(undefined, OPTIONS);
    // jsdom draws no canvas: the chart library is told so plainly instead of jsdom's "not implemented"
    HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
  });
  beforeEach(function () {
    localStorage.clear();
    document.documentElement.lang = '';
  });
  afterEach(async function () {
    rtl.cleanup();
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
  after(async function () {
    await new Promise((resolve) => setTimeout(resolve, 50));
    release?.();
    release = null;
  });
}

/** Queries over the current document's body (Testing Library's `screen` is bound to the first one). */
export function page(): BoundFunctions<typeof queries> {
  return rtl.within(document.body);
}
