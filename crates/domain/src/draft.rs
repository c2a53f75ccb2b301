//! The draft's life: its kinds and states, and what each state allows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::DraftContent;
use crate::refusal::Refusal;

/// A seller's draft: the product content while it is being written, with its state and version.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub id: String,
    pub seller_id: String,
    pub kind: DraftKind,
    pub state: DraftState,
    /// The listed product a modification draft changes.
    pub product_id: Option<String>,
    pub content: DraftContent,
    /// Bumped by every change; the ETag.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A draft is a new product (`release`) or a change to a listed one (`modification`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DraftKind {
    Release,
    Modification,
}

/// Where a draft is in its life (domain.md "Draft").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DraftState {
    /// Can be changed and deleted.
    Editing,
    /// Submitted; read-only until the review ends.
    InReview,
    /// The last submission was rejected; can be changed, resubmitted or deleted.
    Rejected,
    /// Approved; read-only, kept for history.
    Closed,
}

text_enum!(DraftKind "draft kind" { Release => "release", Modification => "modification" });
text_enum!(DraftState "draft state" { Editing => "editing", InReview => "in_review", Rejected => "rejected", Closed => "closed" });

impl DraftState {
    /// The states in which the seller may change the content (and its files) or delete the draft.
    pub const EDITABLE: [DraftState; 2] = [DraftState::Editing, DraftState::Rejected];
    /// The states of an open draft (not closed): what the open-drafts bound counts.
    pub const OPEN: [DraftState; 3] = [DraftState::Editing, DraftState::InReview, DraftState::Rejected];

    /// Whether the seller may change the content (and its files) in this state.
    pub fn is_editable(self) -> bool {
        Self::EDITABLE.contains(&self)
    }

    /// Whether the seller may delete the draft in this state.
    pub fn is_deletable(self) -> bool {
        self.is_editable()
    }

    /// Refuses `action` (409) unless this state allows it.
    pub fn allow(self, action: DraftAction) -> Result<(), Refusal> {
        let allowed = match action {
            DraftAction::Change | DraftAction::ChangeFiles | DraftAction::Submit => self.is_editable(),
            DraftAction::Delete => self.is_deletable(),
        };
        if allowed {
            return Ok(());
        }
        let what = match action {
            DraftAction::Change => "cannot be changed",
            DraftAction::ChangeFiles => "its files cannot change",
            DraftAction::Submit => "cannot be submitted",
            DraftAction::Delete => "cannot be deleted",
        };
        Err(Refusal::Conflict(format!("the draft is {} and {what}", self.as_str())))
    }
}

/// What a seller does to a draft, as far as its state decides whether they may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftAction {
    /// Change the content.
    Change,
    /// Add or remove a file.
    ChangeFiles,
    /// Submit it for review.
    Submit,
    /// Delete it.
    Delete,
}

/// A step of the release workflow (domain.md "Applications") as it moves the draft: from which states,
/// to which. Persistence applies a transition without knowing state names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The seller submits the draft for review.
    Submit,
    /// A reviewer approves the pending application: the draft is closed.
    Approve,
    /// A reviewer rejects it: the draft is editable again, as `rejected`.
    Reject,
    /// The seller withdraws it: the draft is editable again, as `editing`.
    Withdraw,
}

impl Transition {
    /// The states a draft may be in for this transition to apply.
    pub fn from_states(self) -> &'static [DraftState] {
        match self {
            Transition::Submit => &DraftState::EDITABLE,
            Transition::Approve | Transition::Reject | Transition::Withdraw => &[DraftState::InReview],
        }
    }

    /// The state the draft is in afterwards.
    pub fn to_state(self) -> DraftState {
        match self {
            Transition::Submit => DraftState::InReview,
            Transition::Approve => DraftState::Closed,
            Transition::Reject => DraftState::Rejected,
            Transition::Withdraw => DraftState::Editing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_editing_and_rejected_drafts_can_change() {
        assert!(DraftState::Editing.is_editable());
        assert!(DraftState::Rejected.is_editable());
        assert!(!DraftState::InReview.is_editable());
        assert!(!DraftState::Closed.is_editable());
        assert!(!DraftState::InReview.is_deletable());
    }

    #[test]
    fn a_draft_in_review_refuses_every_action_and_names_its_state() {
        for action in [DraftAction::Change, DraftAction::ChangeFiles, DraftAction::Submit, DraftAction::Delete] {
            assert_eq!(DraftState::Editing.allow(action), Ok(()));
            assert_eq!(DraftState::Rejected.allow(action), Ok(()));
            let Err(Refusal::Conflict(why)) = DraftState::InReview.allow(action) else { panic!("{action:?}") };
            assert!(why.starts_with("the draft is in_review and "), "{why}");
            assert!(DraftState::Closed.allow(action).is_err());
        }
    }

    #[test]
    fn states_round_trip_through_text() {
        for s in [DraftState::Editing, DraftState::InReview, DraftState::Rejected, DraftState::Closed] {
            assert_eq!(s.as_str().parse::<DraftState>().unwrap(), s);
        }
        for k in [DraftKind::Release, DraftKind::Modification] {
            assert_eq!(k.as_str().parse::<DraftKind>().unwrap(), k);
        }
        assert!("open".parse::<DraftState>().is_err());
    }
}

#[cfg(test)]
mod transitions {
    use super::{DraftState as S, Transition as T};

    #[test]
    fn submission_takes_an_editable_draft_into_review_and_each_decision_takes_it_out() {
        assert_eq!((T::Submit.from_states(), T::Submit.to_state()), (&[S::Editing, S::Rejected][..], S::InReview));
        for (t, to) in [(T::Approve, S::Closed), (T::Reject, S::Rejected), (T::Withdraw, S::Editing)] {
            assert_eq!((t.from_states(), t.to_state()), (&[S::InReview][..], to), "{t:?}");
        }
    }

    #[test]
    fn a_closed_draft_is_never_left_and_only_editable_states_are_editable() {
        for t in [T::Submit, T::Approve, T::Reject, T::Withdraw] {
            assert!(!t.from_states().contains(&S::Closed), "{t:?}");
        }
        assert!(S::EDITABLE.iter().all(|s| s.is_editable()));
        assert!(!S::InReview.is_editable() && !S::Closed.is_editable());
        assert!(!S::OPEN.contains(&S::Closed));
    }
}
