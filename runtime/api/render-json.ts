/** The JSON form of a response body. */
export function renderJson(body: Record<string, unknown>): string {
  return JSON.stringify(body);
}
