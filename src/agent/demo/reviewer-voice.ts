// What the demo's reviewer says: a second agent commenting on the turn it was called into, so two
// answers side by side read differently and each invites a check of its own.
import type { DemoVoice } from './demo-voice.js';

export const reviewerVoice: DemoVoice = {
  openers: ['A second opinion.', 'Reviewing this turn.', 'Some notes from me.', 'Checked, with notes.'],
  topics: {
    intro: [
      'Reviewer here: a second agent with my own connection, answering because you mentioned me.',
      'The assistant and I stream side by side into one session, each under our own badge.',
      'My first check would be a reload right now: both answers should continue, each from where it was.',
      'Then stop only my answer with its own button; the assistant keeps going, since neither of us depends on the other.',
      'Nothing relays my words through the assistant, so if it stopped, I would still finish.',
    ],
    reload: [
      'On reloads I agree with the assistant, and I would add that each answer resumes on its own.',
      'Reload now and check that neither answer repeats a word.',
      'If my text came back doubled, that would be a bug worth reporting.',
    ],
    offline: [
      'On networks, the assistant is right that going offline never cancels anything.',
      'Try the offline button now and watch both answers catch up together when it ends.',
      'Neither of us waits for your tab; we keep writing into the session while you are away.',
    ],
    tabs: [
      'On tabs, a second tab should show my answer too, word for word.',
      'Check the presence bar: it should list both of us as agents.',
      'Close any one tab and confirm that nothing else changes.',
    ],
    stop: [
      'On stopping, press my Stop button and only my answer should end.',
      'A stop is a message I acknowledge, so every tab marks my answer cancelled at once.',
      'The assistant keeps streaming through it, which is the point.',
    ],
    steer: [
      'On steering, steer me now, in French for example, and see my answer change course.',
      'The steer box steers the latest answer, and I say in the text when I have taken it.',
    ],
    agents: [
      'On agents, I joined this turn only because you wrote @reviewer.',
      'Each of us publishes straight into the session, and no one relays anyone else.',
      'Stop one of us and the other carries on untouched.',
    ],
    history: [
      'On history, open a fresh tab later and this whole exchange, my review included, is still here.',
      'Finished answers come back as single messages, so the history loads fast.',
    ],
  },
  closers: [
    'Approved.',
    'Confirmed.',
    'Looks right.',
    'All checked.',
    'Nothing to add.',
    'Checked and approved.',
    'That matches my checks.',
    'I have no objections.',
    'That matches what I see.',
    'No further notes from me.',
    'Both answers agree on this point.',
    'I agree with the assistant here.',
    'I would ship it as it is.',
    'Try it yourself and compare both answers.',
    'Reload once more and check both answers again.',
    'That is my review of this turn, nothing more.',
    'Both of us wrote straight into the same session.',
  ],
  steered: [
    'Noted: my review now follows your steer, {steer}.',
    'I took it between two words, so everything before it stands as written.',
    'The assistant is not affected, because a steer reaches only the answer it targets.',
    'Reload now and my review still goes on with {steer} in mind.',
  ],
};
