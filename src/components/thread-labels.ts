/**
 * The texts `MessageList` shows around the messages themselves: editing, branches and older pages.
 */
import type { ReactNode } from 'react';

export interface ThreadLabels {
  /** Visible text of the button that opens a message's editor. Default "Edit". */
  edit: ReactNode;
  /** Accessible name of that button. Default "Edit message". */
  editMessage: string;
  /** Accessible name of the editor's text field. Default "Edit your message". */
  editField: string;
  /** The editor's submit button. Default "Save". */
  save: ReactNode;
  /** The editor's cancel button. Default "Cancel". */
  cancel: ReactNode;
  /** Shown in the row when an edit was refused or failed; gets the reason. Default "Not edited: <reason>". */
  editError: (message: string) => ReactNode;
  /** Accessible names of the branch picker and its buttons. Default "Branches", "Previous branch", "Next branch". */
  branches: string;
  previousBranch: string;
  nextBranch: string;
  /** The button above the oldest loaded message. Default "Load earlier messages". */
  loadOlder: ReactNode;
  /** Shown above the oldest loaded message while an older page loads. Default "Loading earlier messages…". */
  loadingOlder: ReactNode;
}

export const DEFAULT_THREAD_LABELS: ThreadLabels = {
  edit: 'Edit',
  editMessage: 'Edit message',
  editField: 'Edit your message',
  save: 'Save',
  cancel: 'Cancel',
  editError: (m) => `Not edited: ${m}`,
  branches: 'Branches',
  previousBranch: 'Previous branch',
  nextBranch: 'Next branch',
  loadOlder: 'Load earlier messages',
  loadingOlder: 'Loading earlier messages…',
};
