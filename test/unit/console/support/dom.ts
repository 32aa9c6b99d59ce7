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

/** A canvas 2D context whose every method does nothing (measureText measures 0). */
function inertContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const state: Record<string | symbol, unknown> = { canvas };
  return new Proxy(state, {
    get: (target, name) => (name in target ? target[name] : (): { width: number } => ({ width: 0 })),
    set: (target, name, value) => {
      target[name] = value;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
}

/**
 * Gives the calling suite a document (each test starts from an empty body and storage, and what it
 * rendered is unmounted after it); the DOM goes away once React's last scheduled work has run.
 */
export function useDom(): void {
  let release: (() => void) | null = null;
  before(function () {
    release = globalJsdom(undefined, OPTIONS);
    // jsdom draws no canvas: the chart library gets a 2D context that accepts every call and draws nothing
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
      return inertContext(this);
    } as unknown as typeof HTMLCanvasElement.prototype.getContext;
    // nor does it lay anything out: nothing is ever resized
    (globalThis as { ResizeObserver?: unknown }).ResizeObserver = class {
      public observe(): void {
        // no layout, no resize
      }
      public unobserve(): void {
        // no layout, no resize
      }
      public disconnect(): void {
        // no layout, no resize
      }
    };
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
    delete (globalThis as { ResizeObserver?: unknown }).ResizeObserver;
  });
}

/** Queries over the current document's body (Testing Library's `screen` is bound to the first one). */
export function page(): BoundFunctions<typeof queries> {
  return rtl.within(document.body);
}
