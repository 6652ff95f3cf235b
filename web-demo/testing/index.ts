// Drivers of the web demo for tests and bench: headless Chromium, an up-to-date build, the page's controls, axe.
export { CHROMIUM_PATH, chromiumAvailable, launchChromium } from './chromium.ts';
export { ensureDemoBuilt, SHARED_SOURCES } from './demo-build.ts';
export {
  waitForState, pickFile, dropFile, dropFiles, pasteFile, classifyInPage, classifyExample, outcomeOf, switchModel, readPredictions, barFillWidths,
  visibleError, executionProvider, waitForOfflineCache, waitUntilInView, blurFocus, type DemoState, type DroppedFile, type InputRoute,
} from './demo-page.ts';
export { axeViolations, type AxeViolation } from './axe.ts';
