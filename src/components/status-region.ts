/**
 * The props of every status line the kit announces (approval outcome, steer acknowledgement,
 * connection): a polite live region read out whole, so each change is announced once and in full.
 * Explicit `aria-live` / `aria-atomic` as well as the role, for screen readers that ignore the role's
 * implied values.
 */
export const STATUS_REGION = { role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' } as const;
