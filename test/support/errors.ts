/**
 * The SnapshotError a call throws, for tests that inspect its code, message and status. Anything
 * else it throws is rethrown, and a call that does not throw fails the test.
 */
import { SnapshotError } from '../../runtime/core/errors';

export function snapshotErrorOf(f: () => unknown): SnapshotError {
  try {
    f();
  } catch (e) {
    if (e instanceof SnapshotError) return e;
    throw e;
  }
  throw new Error('expected a SnapshotError, but the call returned');
}
