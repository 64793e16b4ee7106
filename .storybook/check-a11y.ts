import axe from 'axe-core';

/**
 * Runs axe on a story's canvas and throws listing every violation. `region` is off because a story
 * renders a fragment of a page, not a page with landmarks.
 */
export async function checkA11y(root: Element): Promise<void> {
  const result = await axe.run(root, {
    rules: { region: { enabled: false } },
    resultTypes: ['violations'],
  });
  if (result.violations.length === 0) return;
  const lines = result.violations.map(
    (v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n` + v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n'),
  );
  throw new Error(`axe found ${result.violations.length} accessibility violation(s):\n${lines.join('\n')}`);
}
