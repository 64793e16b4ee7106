// "Simulate offline" for the demo page. A page cannot switch the browser's network off, so this
// wraps the WebSocket class the ably SDK connects with: going offline drops every open socket and
// fails new ones until the time is up, which the SDK sees exactly as a lost network.
// Imported before anything that loads `ably`, which keeps a reference to WebSocket when it loads.

const NativeWebSocket = window.WebSocket;
const open = new Set<WebSocket>();
let offlineUntil = 0;

class SwitchableWebSocket extends NativeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    if (Date.now() < offlineUntil) {
      this.close();
      return;
    }
    open.add(this);
    this.addEventListener('close', () => open.delete(this));
  }
}

window.WebSocket = SwitchableWebSocket;

/** Cuts this page's connections for `ms`; resolves when they may come back. */
export function goOffline(ms: number): Promise<void> {
  offlineUntil = Date.now() + ms;
  for (const socket of open) socket.close();
  return new Promise((resolve) =>
    setTimeout(() => {
      offlineUntil = 0;
      // The SDK reconnects at once on `online` instead of waiting out its retry delay.
      window.dispatchEvent(new Event('online'));
      resolve();
    }, ms),
  );
}
