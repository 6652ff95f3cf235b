// Drivers of the web demo for tests and bench: headless Chromium, an up-to-date build, and the page's controls.
export { CHROMIUM_PATH, chromiumAvailable, launchChromium } from './chromium.ts';
export { ensureDemoBuilt, SHARED_SOURCES } from './demo-build.ts';
export {
  waitForState, pickFile, dropFile, pasteFile, classifyInPage, readPredictions, barFillWidths, visibleError, executionProvider,
  waitForOfflineCache, blurFocus, type DemoState, type InputRoute,
} from './demo-page.ts';
