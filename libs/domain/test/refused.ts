import { type DomainError, isDomainError } from '../src/errors';

/** The DomainError `f` refuses with; anything else (or no refusal) fails the test. */
export const refused = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (e) {
    if (isDomainError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};
