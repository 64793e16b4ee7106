// The demo's "How to try it" strip: one button per durability promise, so a newcomer can see each
// one happen without reading the README.
import { useEffect, useState, type ReactNode } from 'react';
import { useDurableSession, useSteer } from '../src/react/index.js';
import { goOffline } from './offline-switch.js';

/** Long enough, at the demo agents' pace, to try everything else while it streams. */
export const SAMPLE_PROMPT = 'Tell me about durable sessions @reviewer';
const OFFLINE_SECONDS = 5;
/** Prompts that make the assistant use its tools: one streams its input, one waits for approval. */
export const WEATHER_PROMPT = "What's the weather in Paris?";
export const EMAIL_PROMPT = 'Email the team a summary of this session';

/** Asks the launcher to kill -9 the primary agent process; the standby then takes its answers over. */
async function killAgent(): Promise<string> {
  const r = await fetch('/api/dev/kill-agent?role=primary', { method: 'POST', headers: { 'x-ds-dev': '1' } });
  const body = (await r.json()) as { killed?: number; error?: string };
  return r.ok ? `Killed process ${body.killed}` : `Could not kill it: ${body.error ?? r.status}`;
}

/** `devAgents`: the launcher runs the local server and can kill its agent process (never on Ably cloud). */
export function TryIt({ devAgents = false }: { devAgents?: boolean }): ReactNode {
  const { send, edit, messages, controller } = useDurableSession();
  const lastOwn = [...messages].reverse().find((m) => m.kind === 'user' && m.clientId === controller.knownClientId && !m.pending);
  const { steer, canSteer } = useSteer();
  const [offlineLeft, setOfflineLeft] = useState(0);
  const [killed, setKilled] = useState('');

  useEffect(() => {
    if (offlineLeft <= 0) return;
    const t = setTimeout(() => setOfflineLeft((s) => s - 1), 1000);
    return () => clearTimeout(t);
  }, [offlineLeft]);

  const offline = () => {
    setOfflineLeft(OFFLINE_SECONDS);
    void goOffline(OFFLINE_SECONDS * 1000).then(() => setOfflineLeft(0));
  };

  return (
    <section className="try-it" aria-labelledby="try-it-title" data-try-it="">
      <h2 id="try-it-title">How to try it</h2>
      <ol>
        <li>
          <button type="button" onClick={() => void send(SAMPLE_PROMPT)}>
            Ask “{SAMPLE_PROMPT}”
          </button>
          <span>Two agents answer, slowly enough to try the rest while they write.</span>
        </li>
        <li>
          <button type="button" onClick={() => window.location.reload()}>
            Reload
          </button>
          <span>The answers carry on where they were: nothing missing, nothing twice.</span>
        </li>
        <li>
          <button type="button" onClick={() => window.open(window.location.href, '_blank')}>
            Open a second tab
          </button>
          <span>The same session, live in both; presence counts your tabs.</span>
        </li>
        <li>
          <button type="button" onClick={offline} disabled={offlineLeft > 0}>
            {offlineLeft > 0 ? `Offline… ${offlineLeft} s` : `Simulate offline ${OFFLINE_SECONDS} s`}
          </button>
          <span>The banner says reconnecting; then the text catches up, word for word.</span>
        </li>
        <li>
          <button type="button" onClick={() => void steer('in French')} disabled={!canSteer}>
            Steer: in French
          </button>
          <span>The rest of the answer changes course. Stop (or Esc) ends it, in every tab.</span>
        </li>
        <li>
          <button type="button" onClick={() => void send(WEATHER_PROMPT)}>
            Use a tool: weather in Paris
          </button>
          <button type="button" onClick={() => void send(EMAIL_PROMPT)}>
            Approve a tool: email the team
          </button>
          <span>Reasoning, a tool whose input streams, a cited source; then an email that waits until you approve or deny it, in any tab.</span>
        </li>
        <li>
          <button type="button" disabled={!lastOwn} onClick={() => lastOwn && void edit(lastOwn.key, `${lastOwn.text.replace(/ in \d+ words$/, '')} in 12 words`)}>
            Edit your last question: in 12 words
          </button>
          <span>A new branch beside the original, answered afresh and followed by every tab; ‹ 1 / 2 › flips back in this tab only. Edit, or Up in the empty box, edits by hand.</span>
        </li>
        {devAgents && (
          <li>
            <button type="button" onClick={() => void killAgent().then(setKilled, (e: unknown) => setKilled(String(e)))}>
              Kill the agent process
            </button>
            <span role="status">
              {killed && `${killed}. `}
              Mid-answer, the answer pauses; once the server notices (about 15 s) a standby process carries it on from the same word. Retry asks again after any answer that stopped.
            </span>
          </li>
        )}
      </ol>
    </section>
  );
}
