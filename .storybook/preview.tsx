import type { Preview } from '@storybook/react-vite';
import { StrictMode } from 'react';
import '../src/components/styles.css';
import './preview.css';
import { checkA11y } from './check-a11y.js';

const preview: Preview = {
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
  globalTypes: {
    theme: {
      description: 'Colour theme of the components',
      toolbar: { title: 'Theme', icon: 'mirror', items: ['system', 'light', 'dark'], dynamicTitle: true },
    },
  },
  initialGlobals: { theme: 'system' },
  decorators: [
    (Story, ctx) => {
      const theme = ctx.globals.theme as string | undefined;
      // StrictMode double-mounts every story, so a component that opened a second stream or presence
      // entry on remount would show up in these tests.
      return (
        <StrictMode>
          <div data-theme={theme && theme !== 'system' ? theme : undefined} data-ds-story-root="">
            <Story />
          </div>
        </StrictMode>
      );
    },
  ],
  // Every story is checked with axe after its play function, in the UI and under vitest alike, so
  // a state that only exists mid-interaction is checked too.
  afterEach: async ({ canvasElement, parameters }) => {
    if (parameters.a11y?.disable) return;
    await checkA11y(canvasElement);
  },
};

export default preview;
