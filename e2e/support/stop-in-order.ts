/**
 * Runs each stop in order, every one of them even when an earlier one threw, so a bot
 * that fails to stop cannot leave a redis-server or a fake Slack's port behind; then
 * throws what failed: the one error, or an `AggregateError` of all of them in order.
 * An `undefined` step (a part that never started) is passed over.
 */
export async function stopInOrder(
  steps: ReadonlyArray<(() => Promise<void>) | undefined>,
): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    if (!step) continue;
    try {
      await step();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} stops failed`);
}
