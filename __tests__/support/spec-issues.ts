/** The issues a spec is refused with, for tests. */
import { SpecError, SpecIssue } from '../../spec/errors';
import { parseSpec } from '../../spec/load';

/** The issues of spec text; none when it loads. */
export function specIssues(text: string): SpecIssue[] {
  try {
    parseSpec(text, 'spec.yaml');
    return [];
  } catch (e) {
    if (e instanceof SpecError) return [...e.issues];
    throw e;
  }
}
