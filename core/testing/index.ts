// Test helpers shared by every package's tests (never imported by product code).
export { sharedData, sharedDataSkip, requireSharedData, unavailableInCi, withTempDir } from './shared-data.ts';
