/** Schedules one callback; returns a function that cancels it. */
export type FrameScheduler = (callback: () => void) => () => void;

/**
 * The default scheduler: the next animation frame in a browser, so any number of token deltas cost
 * one store update (and one render) per frame; a 16 ms timer elsewhere.
 */
export const animationFrameScheduler: FrameScheduler = (cb) => {
  const g = globalThis as { requestAnimationFrame?: (cb: () => void) => number; cancelAnimationFrame?: (h: number) => void };
  if (typeof g.requestAnimationFrame === 'function') {
    const h = g.requestAnimationFrame(cb);
    return () => g.cancelAnimationFrame?.(h);
  }
  const t = setTimeout(cb, 16);
  return () => clearTimeout(t);
};

/** Applies updates on the next microtask: for agents, servers and tests that do not render. */
export const microtaskScheduler: FrameScheduler = (cb) => {
  let live = true;
  queueMicrotask(() => {
    if (live) cb();
  });
  return () => {
    live = false;
  };
};
