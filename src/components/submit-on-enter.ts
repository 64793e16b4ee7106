/**
 * The key handling every multi-line message box shares: Enter sends, Shift+Enter adds a line, and an
 * Enter that ends an IME composition only ends the composition.
 */
import type { KeyboardEvent } from 'react';

/** Submits the field's form on Enter (not Shift+Enter, not while composing). */
export function submitOnEnter(e: KeyboardEvent<HTMLTextAreaElement>): void {
  if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return;
  e.preventDefault();
  e.currentTarget.form?.requestSubmit();
}
