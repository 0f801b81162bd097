/**
 * Runs once before all tests: fails fast, with the fix, when a tool the suite needs is missing.
 */
import { assertMotoAvailable } from './helpers/moto.js';

export default function setup(): void {
  assertMotoAvailable();
}
