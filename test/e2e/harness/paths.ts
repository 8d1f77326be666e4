/** Where the end-to-end suite finds the repository and keeps what it records. */
import path from 'node:path';

/** The repository root (this file runs from out/test/e2e/harness). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** Screenshots, logs of failed scenarios and metrics.jsonl: git-ignored. */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results/e2e');
