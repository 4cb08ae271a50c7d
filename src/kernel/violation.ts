/** A broken rule: a stable rule id (e.g. 'GB32100.checkCharacter') and a sentence saying what is expected. */
export interface Violation {
  rule: string;
  message: string;
}
