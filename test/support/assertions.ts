/** Token service renew calls seen in the captured log lines (one line per HTTP call). */
export function renewCalls(lines: string[]): number {
  return lines.filter(
    (line) => line.includes('"operation":"renew"') && line.includes('token service call'),
  ).length;
}

/** Waits until a condition holds, for work done after an HTTP answer. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** All text of a Slack message's blocks, for assertions on what an admin reads. */
export function blockText(body: Record<string, unknown>): string {
  return JSON.stringify(body.blocks ?? []) + String(body.text ?? '');
}
