/**
 * A browser for the console's unit tests: jsdom (global-jsdom) only while the console's suites run,
 * so the rest of the unit suite keeps seeing plain Node. React DOM and Testing Library look for a
 * DOM when they load, so they are loaded here, under a first jsdom that is then taken away again.
 */
import globalJsdom from 'global-jsdom';

const OPTIONS = { url: 'http://localhost/', pretendToBeVisual: true };

process.env.RTL_SKIP_AUTO_CLEANUP = 'true';
const first = globalJsdom(undefined, OPTIONS);
/* eslint-disable @typescript-eslint/no-require-imports -- loaded while the DOM exists, on purpose */
require('react-dom/client');
const rtl = require('@testing-library/react') as typeof import('@testing-library/react');
/* eslint-enable @typescript-eslint/no-require-imports */
first();

/** Gives each test of the calling suite a fresh document (and unmounts what it rendered). */
export function useDom(): void {
  let release: (() => void) | null = null;
  beforeEach(function () {
    release = globalJsdom(undefined, OPTIONS);
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    // jsdom draws no canvas: the chart library is told so plainly instead of jsdom's "not implemented"
    HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
  });
  afterEach(function () {
    rtl.cleanup();
    release?.();
    release = null;
  });
}

/** Queries over the current document's body (Testing Library's `screen` is bound to the first one). */
export function page(): ReturnType<typeof rtl.within> {
  return rtl.within(document.body);
}
