//! DF100 `unused-suppression`.
//!
//! **What it catches:** a `# dfix ignore=...` or `# dfix global ignore=...`
//! comment that silences nothing: the rule it names finds nothing on the
//! instruction below it (or, for `global`, in the file), it names a rule
//! that does not exist, it stands where it applies to nothing (a blank line
//! between it and the instruction, or among an instruction's continuation
//! lines, which BuildKit drops), or it is malformed.
//!
//! **Why it matters:** a suppression outlives the finding it was written
//! for. Left in place it silences the next credential someone adds to that
//! instruction, unseen; a misspelt or misplaced one silences nothing while
//! its author believes otherwise.
//!
//! **Example:**
//! ```dockerfile
//! # dfix ignore=DF001
//! RUN npm ci
//! ```
//! becomes, once a person has removed the comment,
//! ```dockerfile
//! RUN npm ci
//! ```
//!
//! **Fix safety:** not fixed: only a person knows whether the comment is
//! stale, misplaced or misspelt. It counts as a finding for `--check`. The
//! configuration's `ignore` and BuildKit's `# check=skip=` directive are
//! never reported: they serve other files and BuildKit's own checks too.

use crate::rules::{Context, Rule};

pub fn check(cx: &mut Context<'_, '_, '_>) {
    for unused in cx.suppressions.unused() {
        cx.report(
            Rule::UnusedSuppression,
            unused.span,
            unused.message,
            Some("remove the comment, or correct it".into()),
        );
    }
}
