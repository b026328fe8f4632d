/// <reference lib="dom" />
/**
 * Live updates by polling: one request at a time, the next one `intervalMs` after the previous
 * answer, none while the tab is hidden. The job store has no change feed, so this is the bounded
 * way to follow it: one query per second per open view, through the same query path as the API.
 */
export function poll(tick: (left: AbortSignal) => Promise<boolean | void>, intervalMs = 1000): () => void {
  // A tick still waiting for its answer when the user leaves must not draw over the next view.
  const leaving = new AbortController();
  let timer: number | undefined;
  const run = async () => {
    timer = undefined;
    if (leaving.signal.aborted) return;
    let again: boolean | void = true;
    if (!document.hidden) {
      try {
        again = await tick(leaving.signal);
      } catch {
        again = true; // a failed refresh (server restarting) is retried
      }
    }
    if (!leaving.signal.aborted && again !== false) timer = window.setTimeout(run, intervalMs);
  };
  const onVisible = () => {
    if (!document.hidden && timer !== undefined) {
      window.clearTimeout(timer);
      void run();
    }
  };
  document.addEventListener('visibilitychange', onVisible);
  void run();
  return () => {
    leaving.abort();
    if (timer !== undefined) window.clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
