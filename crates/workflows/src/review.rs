//! The review of applications: the seller withdraws, a reviewer approves or rejects. Each decision
//! moves the draft, tells the seller and records its events in the same transaction.

use shelf_domain::application::{Application, ApplicationStatus, may_decide, rejection_reason};
use shelf_domain::notification::EventType;
use shelf_domain::product::{ImageFacts, Offer, ProductStatus};
use shelf_domain::{Account, ApplicationId, DraftContent, DraftKind, Refusal, SellerId, Transition};
use shelf_persistence::applications::{self, Decision};
use shelf_persistence::notifications::{self, Subject};
use shelf_persistence::{Db, DbConnection, drafts, now, products};

use crate::Result;
use crate::notify::{application_event, application_subject};

/// The pending application a reviewer may decide: not their own account's.
fn for_decision(
    c: &mut DbConnection,
    reviewer: &Account,
    id: &ApplicationId,
) -> Result<(Application, shelf_domain::contact::Receivers)> {
    let (current, receivers) = applications::get_for_decision(c, id.as_str())?;
    if !may_decide(&reviewer.id, &current.seller_id) {
        return Err(Refusal::Forbidden("a reviewer cannot decide an application of their own account".into()).into());
    }
    Ok((current, receivers))
}

/// Withdraws a pending application (professional services, consulting services and licenses only);
/// the draft goes back to editing.
pub fn withdraw(db: &Db, seller: &SellerId, id: &ApplicationId) -> Result<Application> {
    db.write(|c| {
        let current = applications::get_for_seller(c, seller.as_str(), id.as_str())?;
        if !current.delivery_method.is_some_and(|m| m.allows_withdrawal()) {
            let why = "only professional services, consulting services and licenses can be withdrawn";
            return Err(Refusal::Conflict(why.into()).into());
        }
        let decision = Decision {
            status: ApplicationStatus::Withdrawn,
            by: seller.as_str(),
            at: now(),
            reason: None,
            product_id: None,
        };
        let decided = applications::decide(c, &current, decision)?;
        drafts::transition(c, &current.draft_id, Transition::Withdraw, None)?;
        application_event(c, &decided, EventType::ApplicationWithdrawn)?;
        Ok(decided)
    })
}

/// Approves a pending application: a release creates the product, a modification replaces its live
/// content; the draft is closed. Taken exactly once, whoever else decides at the same time.
pub fn approve(db: &Db, reviewer: &Account, id: &ApplicationId) -> Result<Application> {
    db.write(|c| {
        let (current, receivers) = for_decision(c, reviewer, id)?;
        if current.status != ApplicationStatus::Pending {
            return Err(Refusal::Conflict(format!("the application is already {}", current.status)).into());
        }
        let content = &current.snapshot.content;
        let image = image_facts(c, content)?;
        let product = match (current.kind, &current.product_id) {
            (DraftKind::Modification, Some(product_id)) => {
                let live = products::get(c, product_id)?;
                let offer = Offer { image, ..live.offer.clone() };
                let replaced = products::replace_content(c, &live, content, offer)?;
                crate::products::refresh_upgrade_rules(c, replaced)?
            }
            _ => products::insert(c, &current.seller_id, content, Offer { image, ..Offer::default() })?,
        };
        let decision = Decision {
            status: ApplicationStatus::Approved,
            by: &reviewer.id,
            at: now(),
            reason: None,
            product_id: Some(&product.id),
        };
        let decided = applications::decide(c, &current, decision)?;
        drafts::transition(c, &current.draft_id, Transition::Approve, Some(&product.id))?;
        crate::notify::decision(c, &decided, &receivers)?;
        let product_event = match (current.kind, product.status) {
            (DraftKind::Release, ProductStatus::OnSale) => EventType::ProductListed,
            (_, ProductStatus::Hidden) => EventType::ProductHidden,
            _ => EventType::ProductModified,
        };
        let subject = Subject {
            application_id: Some(&decided.id),
            product_id: Some(&product.id),
            draft_id: Some(&decided.draft_id),
            asset_id: None,
        };
        let events = [(EventType::ApplicationApproved, application_subject(&decided)), (product_event, subject)];
        notifications::append_events(c, &decided.seller_id, &events)?;
        Ok(decided)
    })
}

/// Rejects a pending application with a reason (checked first, at `/reason`); the draft becomes
/// `rejected`, editable and resubmittable.
pub fn reject(db: &Db, reviewer: &Account, id: &ApplicationId, reason: &str) -> Result<Application> {
    let reason = rejection_reason(reason).map_err(|v| Refusal::Invalid(vec![v.under("/reason")]))?;
    db.write(|c| {
        let (current, receivers) = for_decision(c, reviewer, id)?;
        let decision = Decision {
            status: ApplicationStatus::Rejected,
            by: &reviewer.id,
            at: now(),
            reason: Some(&reason),
            product_id: None,
        };
        let decided = applications::decide(c, &current, decision)?;
        drafts::transition(c, &current.draft_id, Transition::Reject, None)?;
        crate::notify::decision(c, &decided, &receivers)?;
        application_event(c, &decided, EventType::ApplicationRejected)?;
        Ok(decided)
    })
}

/// What an image product's catalog entry shows of its image: the facts of the approved image asset
/// it names (approved assets never change, so a copy stays true).
fn image_facts(c: &mut DbConnection, content: &DraftContent) -> Result<Option<ImageFacts>> {
    let Some(id) = content.image.as_ref().and_then(|i| i.asset_id.as_deref()) else { return Ok(None) };
    let asset = shelf_persistence::assets::get(c, id)?;
    Ok(asset.image.as_ref().map(ImageFacts::from))
}
