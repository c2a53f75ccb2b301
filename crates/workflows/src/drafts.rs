//! A seller's drafts: save, patch, delete, start a modification, check, submit.

use std::collections::{BTreeMap, BTreeSet};

use shelf_domain::application::Application;
use shelf_domain::application::{Snapshot, SnapshotFile};
use shelf_domain::asset::check_references;
use shelf_domain::calendar::{Calendar, EXTENDED_REVIEW_FROM};
use shelf_domain::capability;
use shelf_domain::content::{Attachments, MethodContext, TemplateRef};
use shelf_domain::limits::MAX_OPEN_DRAFTS;
use shelf_domain::notification::EventType;
use shelf_domain::pricing::template::PricingTemplateBody;
use shelf_domain::product::check_modification;
use shelf_domain::refusal::check_account_room;
use shelf_domain::saas::verified_until;
use shelf_domain::{
    Account, Draft, DraftAction, DraftContent, DraftId, DraftKind, Precondition, ProductId, Refusal, SellerId,
    Transition, Violation,
};
use shelf_persistence::applications::{self, NewApplication};
use shelf_persistence::drafts::{self, NewDraft};
use shelf_persistence::files::{self as stored_files, BlobStore};
use shelf_persistence::{
    Db, DbConnection, assets, attributes, capabilities, notifications, now, pricing_templates, products,
};

use crate::notify::application_event;
use crate::{Error, Result};

/// Makes a content ready to store: copies the catalogue attributes it names and gives SKUs their
/// codes (422 at `/content/...` for an unknown attribute or a broken save cap).
fn prepare(db: &Db, seller: &SellerId, content: &mut DraftContent) -> Result<()> {
    let ids = content.catalogue_attribute_ids();
    let catalogue = db.read(|c| attributes::get_many_for_seller(c, seller.as_str(), &ids))?;
    let catalogue = catalogue.into_iter().map(|(id, a)| (id, a.definition)).collect();
    content.prepare_for_save(&catalogue).map_err(|v| Refusal::invalid_at("/content", v))?;
    Ok(())
}

/// 422 at `/content/...` when a save rule is broken.
fn refuse_at_content(violations: Vec<Violation>) -> Result<()> {
    if violations.is_empty() {
        return Ok(());
    }
    Err(Refusal::invalid_at("/content", violations).into())
}

/// Saves a new release draft ("Save as Draft"), within the open-drafts bound.
pub fn create(db: &Db, seller: &SellerId, mut content: DraftContent) -> Result<Draft> {
    refuse_at_content(content.check_members())?;
    prepare(db, seller, &mut content)?;
    db.write(|c| {
        check_account_room("open drafts", drafts::count_open(c, seller.as_str())?, MAX_OPEN_DRAFTS)?;
        let new =
            NewDraft { seller_id: seller.as_str(), kind: DraftKind::Release, product_id: None, content: &content };
        Ok(drafts::insert(c, new)?)
    })
}

/// Changes a draft's content: `edit` turns the current draft into the new content (a merge patch,
/// say; its refusals come first, whatever the precondition), then the precondition and the state
/// are checked and the content saved if the draft is still at that version.
pub fn update<E>(
    db: &Db,
    seller: &SellerId,
    id: &DraftId,
    precondition: &Precondition,
    edit: impl FnOnce(&Draft) -> Result<DraftContent, E>,
) -> Result<Draft, E>
where
    E: From<Error>,
{
    let current = db.read(|c| drafts::get_for_seller(c, seller.as_str(), id.as_str())).map_err(Error::from)?;
    let mut content = edit(&current)?;
    // A content over the save caps is one no version could take: 422 whatever the precondition.
    let mut over = content.check_caps();
    over.extend(content.check_edit(&current.content));
    refuse_at_content(over).map_err(E::from)?;
    let mut save = move || -> Result<Draft> {
        let version = precondition.check(current.version)?;
        current.state.allow(DraftAction::Change)?;
        prepare(db, seller, &mut content)?;
        Ok(db.write(|c| drafts::update_content_if_version(c, seller.as_str(), id.as_str(), version, &content))?)
    };
    save().map_err(E::from)
}

/// Deletes an editing or rejected draft at the version the precondition names, and releases the
/// bytes of its files that nothing else refers to.
pub fn delete(db: &Db, blobs: &BlobStore, seller: &SellerId, id: &DraftId, precondition: &Precondition) -> Result<()> {
    db.write(|c| {
        let current = drafts::get_for_seller(c, seller.as_str(), id.as_str())?;
        let version = precondition.check(current.version)?;
        current.state.allow(DraftAction::Delete)?;
        let hashes = stored_files::hashes_of_draft(c, id.as_str())?;
        drafts::delete_if_version(c, seller.as_str(), id.as_str(), version)?;
        Ok(stored_files::release_all(c, blobs, &hashes)?)
    })
}

/// Starts a modification of a listed product: a draft holding its live content and files; at most
/// one open per product, within the open-drafts bound.
pub fn start_modification(db: &Db, seller: &SellerId, product: &ProductId) -> Result<Draft> {
    db.write(|c| {
        let product = products::get_for_seller(c, seller.as_str(), product.as_str())?;
        product.check_modifiable()?;
        check_account_room("open drafts", drafts::count_open(c, seller.as_str())?, MAX_OPEN_DRAFTS)?;
        if drafts::open_modification_exists(c, &product.id)? {
            return Err(Refusal::Conflict("the product already has an open modification draft".into()).into());
        }
        let new = NewDraft {
            seller_id: seller.as_str(),
            kind: DraftKind::Modification,
            product_id: Some(&product.id),
            content: &product.content,
        };
        let draft = drafts::insert(c, new)?;
        // The modification starts with the product's files too.
        if let Some(source) = applications::latest_approved_for_product(c, &product.id)? {
            stored_files::copy_into_draft(c, seller.as_str(), &draft.id, &source.snapshot.files)?;
        }
        Ok(draft)
    })
}

/// The release-requirement check of a draft with these attachments (and, for a modification, against
/// the live product). Returns the violations and the pricing templates the content names.
fn release_check(
    c: &mut DbConnection,
    draft: &Draft,
    attachments: Attachments,
) -> Result<(Vec<Violation>, BTreeMap<String, PricingTemplateBody>)> {
    let ids = draft.content.price_template_ids();
    let templates: BTreeMap<String, PricingTemplateBody> =
        pricing_templates::get_many_for_seller(c, &draft.seller_id, &ids)?
            .into_values()
            .map(|t| (t.id, t.body))
            .collect();
    let refs: BTreeMap<String, TemplateRef> = templates
        .iter()
        .map(|(id, t)| (id.clone(), TemplateRef { currency: t.currency.clone(), price: t.price.clone() }))
        .collect();
    let verified_urls = verified_production_url(c, draft)?;
    let method_ctx = MethodContext { verified_urls: Some(&verified_urls) };
    let mut violations = draft.content.check_with(attachments, &refs, method_ctx);
    let references = draft.content.asset_references();
    if !references.is_empty() {
        let found = assets::kinds_and_statuses(c, &draft.seller_id, &draft.content.asset_ids())?;
        violations.extend(check_references(&references, &found));
    }
    let needed = capability::needed_by(&draft.content);
    if !needed.is_empty() {
        let (have, _) = capabilities::of_seller(c, &draft.seller_id)?;
        violations.extend(capability::check_all(&needed, &have));
    }
    if let Some(product_id) = &draft.product_id {
        let live = products::get_for_seller(c, &draft.seller_id, product_id)?;
        violations.extend(check_modification(&live.content, &draft.content));
    }
    Ok((violations, templates))
}

/// The SaaS production URL the content names, if the seller's endpoint at it passed its access
/// verification recently enough.
fn verified_production_url(c: &mut DbConnection, draft: &Draft) -> Result<BTreeSet<String>> {
    let Some(url) = draft.content.saas.as_ref().and_then(|s| s.production_api_url.as_deref()) else {
        return Ok(BTreeSet::new());
    };
    let passed = shelf_persistence::saas::last_pass_of_url(c, &draft.seller_id, url)?;
    Ok(passed.filter(|at| verified_until(*at) > now()).map(|_| url.to_owned()).into_iter().collect())
}

/// Checks a draft against the release requirements without changing it: every violation, errors and
/// warnings.
pub fn validate(db: &Db, seller: &SellerId, id: &DraftId) -> Result<Vec<Violation>> {
    db.read(|c| {
        let draft = drafts::get_for_seller(c, seller.as_str(), id.as_str())?;
        let attachments = stored_files::attachments(c, &draft.id)?;
        Ok(release_check(c, &draft, attachments))
    })?
    .map(|(violations, _)| violations)
}

/// Submits a draft for review: re-runs the full check, then freezes the content and files into an
/// application due in the marketplace's working days and puts the draft in review. Remembers the
/// seller's contacts (their token's) as the default receivers of the decision.
pub fn submit(db: &Db, seller: &Account, id: &DraftId, marketplace_offset_seconds: i32) -> Result<Application> {
    let bad_offset = || Error::Store(shelf_persistence::Error::Config("bad marketplace offset".into()));
    db.write(|c| {
        let calendar = Calendar::new(marketplace_offset_seconds, Default::default()).ok_or_else(bad_offset)?;
        let submitted_at = now();
        let bounds = calendar.day_bounds(submitted_at);
        let context = applications::submission_context(c, &seller.id, id.as_str(), bounds, EXTENDED_REVIEW_FROM)?;
        let draft = context.draft;
        draft.state.allow(DraftAction::Submit)?;
        let draft_files = stored_files::all_of_draft(c, &draft.id)?;
        let (violations, templates) = release_check(c, &draft, stored_files::attachments_of(&draft_files))?;
        let errors: Vec<Violation> = violations.into_iter().filter(Violation::is_error).collect();
        if !errors.is_empty() {
            return Err(Refusal::Invalid(errors).into());
        }
        let calendar = Calendar::new(marketplace_offset_seconds, context.holidays).ok_or_else(bad_offset)?;
        let snapshot_files = draft_files
            .into_iter()
            .map(|f| SnapshotFile {
                kind: f.kind,
                filename: f.filename,
                content_type: f.content_type,
                size: f.size,
                sha256: f.sha256,
            })
            .collect();
        let snapshot = Snapshot::freeze(draft.content.clone(), snapshot_files, templates);
        drafts::transition(c, &draft.id, Transition::Submit, None)?;
        let contacts = (seller.email.clone(), seller.phone.clone());
        if context.contacts.as_ref() != Some(&contacts) {
            notifications::remember_contacts(c, &seller.id, contacts.0.as_deref(), contacts.1.as_deref())?;
        }
        let application = applications::insert(
            c,
            NewApplication {
                seller_id: &seller.id,
                draft_id: &draft.id,
                product_id: draft.product_id.as_deref(),
                kind: draft.kind,
                snapshot: &snapshot,
                submitted_at,
                due_at: calendar.review_due(submitted_at, context.extended_review),
                extended_review: context.extended_review,
            },
        )?;
        application_event(c, &application, EventType::ApplicationSubmitted)?;
        Ok(application)
    })
}
