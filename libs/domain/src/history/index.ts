// The log's history, checked: the verifier behind `npm run verify` and `kubectl ledger verify`.
export { LogVerifier, verifyEvents, type Violation, type VerifyCounts, type VerifyOutcome, type VerifierOptions } from './verifier';
export type { VerifyRule } from './daemon-sets';
export { type LoggedEvent, type LogMetadata, type EventRef, eventRef, createdPodFacts, ownerAfter, reportedPodFacts } from './log-event';
export { LEDGER_API_VERSION, type VerifyReport, formatReport } from './report';
