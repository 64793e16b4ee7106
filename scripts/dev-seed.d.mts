// Types of dev-seed.mjs, for the e2e specs that check what it seeded.
export declare const MAX_SEED_TURNS: number;
export declare function seededQuestion(i: number): string;
export declare function seededAnswer(i: number): string;
