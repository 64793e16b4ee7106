/**
 * `MessageEditor`: the inline editor `MessageList` opens in a user row. Saving sends the text as a
 * new branch beside the message (which agents answer); the original stays one branch away.
 */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { UserEntry } from '../core/session-state.js';
import { useSessionController } from '../react/session-context.js';
import { Button } from './button.js';
import { submitOnEnter } from './submit-on-enter.js';
import type { ThreadLabels } from './thread-labels.js';

export interface MessageEditorProps {
  entry: UserEntry;
  labels: ThreadLabels;
  /** Closes the editor: after Cancel, Esc, or a saved edit. */
  onClose: () => void;
}

export function MessageEditor({ entry, labels: l, onClose }: MessageEditorProps): ReactNode {
  const ctrl = useSessionController('MessageList');
  const [text, setText] = useState(entry.text);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const trimmed = text.trim();
  // An unchanged text would only repeat the branch it stands beside.
  const canSave = !saving && trimmed !== '' && trimmed !== entry.text.trim();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!canSave) return;
    setSaving(true);
    setError(null);
    void ctrl.edit(entry.key, trimmed).then((result) => {
      setSaving(false);
      if (result.ok) onClose();
      else setError(result.error.message);
    });
  };

  // Capture phase: Esc here means "stop editing", and must be claimed before the chat's Esc-to-stop
  // listener (a bubbling listener on the chat element) sees it.
  const onKeyDownCapture = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key !== 'Escape' || e.nativeEvent.isComposing) return;
    e.preventDefault();
    onClose();
  };

  return (
    <form data-part="editor" aria-busy={saving || undefined} data-state={saving ? 'saving' : 'editing'} onSubmit={submit} onKeyDownCapture={onKeyDownCapture}>
      <textarea ref={box} data-part="edit-input" aria-label={l.editField} rows={2} value={text} onChange={(e) => setText(e.target.value)} onKeyDown={submitOnEnter} />
      <div data-part="edit-actions">
        <button type="submit" data-part="save" aria-disabled={!canSave}>
          {l.save}
        </button>
        <Button data-part="cancel" onClick={onClose}>
          {l.cancel}
        </Button>
      </div>
      {error !== null && (
        <p data-part="edit-error" role="alert">
          {l.editError(error)}
        </p>
      )}
    </form>
  );
}
