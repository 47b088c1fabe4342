/**
 * One line for an error a person reads: its message and those of its causes (when they add
 * something), never "cause: undefined" and never a stack.
 */
export function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = err, depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : typeof current === 'string' ? current : JSON.stringify(current);
    if (message && !parts.some((part) => part.includes(message))) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}
