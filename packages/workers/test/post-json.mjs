// How the Node side talks to a test Worker: one JSON POST, one JSON answer.

/**
 * POSTs `body` as JSON with `send` (a fetch) to `url` and returns the Worker's JSON answer; rejects with
 * the Worker's error text and `log()` (workerd's recent output) when it does not answer 2xx.
 */
export async function postJson(send, url, body, timeoutMs, log) {
  const response = await send(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`the Worker answered ${response.status}: ${text}\n--- workerd ---\n${log()}`);
  return JSON.parse(text);
}
