// An explicit, greppable acknowledgement lets a flagged statement through where it is really
// intended (`grep -rn 'migrate:allow' migrations/` lists them all):
//
//   -- migrate:allow drop-not-null: new releases stop writing name; the trigger fills it meanwhile
//   ALTER TABLE users ALTER COLUMN name DROP NOT NULL;
//
// It sits in the comments above the statement it allows, names one rule (squawk's as
// `squawk:<rule>`), and must give a reason after the colon.

export interface Acknowledgement {
  rule: string;
  reason: string;
  /** Set once a finding used it; an acknowledgement that allows nothing is itself a problem. */
  used: boolean;
}

const ACKNOWLEDGEMENT = /^[ \t]*--[ \t]*migrate:allow[ \t]+([a-z0-9:-]+)[ \t]*(?::(.*))?$/gm;

export function acknowledgementsIn(text: string): Acknowledgement[] {
  return [...text.matchAll(ACKNOWLEDGEMENT)].map((match) => ({
    rule: match[1] ?? '',
    reason: (match[2] ?? '').trim(),
    used: false,
  }));
}
